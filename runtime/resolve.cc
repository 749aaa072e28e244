#include "runtime/resolve.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace fnseal::runtime {
namespace {

constexpr size_t kMaxNameLength = 253;  // a DNS name in text form, without the final dot

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// `name` lowercased and without one final dot.
std::string Canonical(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return Lowercase(name);
}

// Whether `name` is `domain` or a name under it (both canonical).
bool InDomain(const std::string& name, std::string_view domain) {
  if (name == domain) return true;
  return name.size() > domain.size() && name.compare(name.size() - domain.size(), domain.size(), domain) == 0 &&
         name[name.size() - domain.size() - 1] == '.';
}

// The numeric form of an IPv4 or IPv6 literal, or "" when `host` is not one.
std::string Literal(const std::string& host) {
  unsigned char bytes[16];
  char text[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, host.c_str(), bytes) == 1) return inet_ntop(AF_INET, bytes, text, sizeof(text));
  if (inet_pton(AF_INET6, host.c_str(), bytes) == 1) return inet_ntop(AF_INET6, bytes, text, sizeof(text));
  return "";
}

}  // namespace

bool IsLocalhostName(std::string_view host) { return InDomain(Canonical(host), "localhost"); }

Result<std::vector<std::string>> ResolveHost(std::string_view host) {
  if (host.empty()) return InvalidArgumentError("no host name to resolve");
  const std::string shown(host.substr(0, 64));
  if (host.size() > kMaxNameLength + 1 || (host.size() == kMaxNameLength + 1 && host.back() != '.')) {
    return InvalidArgumentError("host name '" + shown + "...' is longer than 253 characters");
  }
  for (char c : host) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return InvalidArgumentError("host name has a space, NUL or control character");
    }
  }
  const std::string name(host);
  if (std::string literal = Literal(name); !literal.empty()) return std::vector<std::string>{literal};
  const std::string canonical = Canonical(host);
  if (InDomain(canonical, "localhost")) return std::vector<std::string>{"127.0.0.1", "::1"};
  if (InDomain(canonical, "invalid")) return NotFoundError("host '" + name + "' is under .invalid (RFC 6761)");

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &found);
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(found, freeaddrinfo);
  if (rc != 0) {
    const std::string why = "cannot resolve host '" + name + "': " + gai_strerror(rc);
    if (rc == EAI_NONAME || rc == EAI_NODATA || rc == EAI_ADDRFAMILY) return NotFoundError(why);
    return UnavailableError(why);
  }
  std::vector<std::string> addresses;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN];
    const void* bytes = nullptr;
    if (a->ai_family == AF_INET) bytes = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
    if (a->ai_family == AF_INET6) bytes = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
    if (bytes == nullptr || inet_ntop(a->ai_family, bytes, text, sizeof(text)) == nullptr) continue;
    if (std::find(addresses.begin(), addresses.end(), text) == addresses.end()) addresses.emplace_back(text);
  }
  if (addresses.empty()) return NotFoundError("host '" + name + "' has no IPv4 or IPv6 address");
  return addresses;
}

}  // namespace fnseal::runtime
