// Host name resolution for handlers that call other services, in a deployable whose root
// filesystem may hold nothing but the handler (an image from scratch, Lambda's provided.al2023
// as `fnseal simulate` models it: no /etc at all). Thread-safe.
//
// Literals and the special-use names of RFC 6761 are answered without NSS, files or network:
// "localhost" and names under ".localhost" are the loopback addresses (section 6.3), names under
// ".invalid" are NotFound at once (section 6.4). Every other name goes to getaddrinfo, whose
// "files" and "dns" sources are built into glibc 2.36's libc.so and libc.a alike: /etc/hosts,
// then the name servers of /etc/resolv.conf, which the platform provides (docs/runtime.md).
#ifndef FNSEAL_RUNTIME_RESOLVE_H_
#define FNSEAL_RUNTIME_RESOLVE_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fnseal::runtime {

// The numeric addresses of `host` ("127.0.0.1", "::1"), without duplicates, IPv4 first for the
// loopback names and in getaddrinfo's order otherwise. InvalidArgument for an empty name, a name
// longer than 253 characters or one with a NUL, a space or a control character; NotFound for a
// name that has no address; Unavailable when the name servers cannot be asked (the getaddrinfo
// message says why).
Result<std::vector<std::string>> ResolveHost(std::string_view host);

// Whether `host` is a loopback name of RFC 6761 ("localhost", "localhost.", "a.localhost"),
// ignoring case.
bool IsLocalhostName(std::string_view host);

}  // namespace fnseal::runtime

#endif  // FNSEAL_RUNTIME_RESOLVE_H_
