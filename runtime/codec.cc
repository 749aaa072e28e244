// The platform payload codecs (protocols.h): Lambda events and responses, Azure custom handler
// invocations and outputs. nlohmann/json exceptions are caught here, where JSON is parsed.
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/protocols.h"

namespace fnseal::runtime {
namespace {

using Json = nlohmann::json;

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kBase64Alphabet[(v >> shift) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64Alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Lenient about padding and whitespace, strict about the alphabet.
Result<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    const char* at = std::char_traits<char>::find(kBase64Alphabet, 64, c);
    if (at == nullptr) return InvalidArgumentError("body is not base64");
    buffer = (buffer << 6) | static_cast<uint32_t>(at - kBase64Alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// Structural UTF-8 check (lead and continuation bytes): decides whether a body needs base64.
bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 4;
    if (n == 4 || i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

std::string StringOr(const Json& object, const char* key, std::string fallback = "") {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

Json HeadersObject(const Headers& headers) {
  Json out = Json::object();
  for (const auto& [name, value] : headers) {
    auto it = out.find(name);
    if (it == out.end()) {
      out[name] = value;
    } else {
      *it = it->get<std::string>() + ", " + value;
    }
  }
  return out;
}

std::string Dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

// ---- Lambda ----

Request LambdaEventToRequest(std::string_view event, bool* http_event) {
  Request request;
  request.method = "POST";
  request.path = "/";
  request.body = std::string(event);
  *http_event = false;
  Json json = Json::parse(event.begin(), event.end(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || StringOr(json, "version") != "2.0") return request;
  auto context = json.find("requestContext");
  if (context == json.end() || !context->is_object()) return request;
  auto http = context->find("http");
  if (http == context->end() || !http->is_object()) return request;
  std::string body = StringOr(json, "body");
  auto base64 = json.find("isBase64Encoded");
  if (base64 != json.end() && base64->is_boolean() && base64->get<bool>()) {
    auto decoded = Base64Decode(body);
    if (!decoded.ok()) return request;  // not an HTTP event after all: hand over the raw event
    body = std::move(*decoded);
  }
  *http_event = true;
  request.method = StringOr(*http, "method", "GET");
  request.path = StringOr(json, "rawPath", StringOr(*http, "path", "/"));
  request.query = StringOr(json, "rawQueryString");
  request.body = std::move(body);
  auto headers = json.find("headers");
  if (headers != json.end() && headers->is_object()) {
    for (const auto& [name, value] : headers->items()) {
      if (value.is_string()) request.headers.emplace_back(name, value.get<std::string>());
    }
  }
  auto cookies = json.find("cookies");
  if (cookies != json.end() && cookies->is_array()) {
    std::string joined;
    for (const auto& cookie : *cookies) {
      if (!cookie.is_string()) continue;
      if (!joined.empty()) joined += "; ";
      joined += cookie.get<std::string>();
    }
    if (!joined.empty()) request.headers.emplace_back("cookie", joined);
  }
  return request;
}

std::string LambdaResponsePayload(const Response& response, bool http_event) {
  if (!http_event) return response.body;
  Json out = {{"statusCode", response.status}, {"headers", HeadersObject(response.headers)}};
  if (IsUtf8(response.body)) {
    out["body"] = response.body;
    out["isBase64Encoded"] = false;
  } else {
    out["body"] = Base64Encode(response.body);
    out["isBase64Encoded"] = true;
  }
  return Dump(out);
}

// ---- Azure ----

Result<bool> AzureForwardingEnabled(std::string_view host_json) {
  Json json = Json::parse(host_json.begin(), host_json.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return InvalidArgumentError("host.json is not a json object");
  auto handler = json.find("customHandler");
  if (handler == json.end() || !handler->is_object()) return false;
  // enableProxyingHttpRequest is the current name (and what fnseal's azure_functions target
  // writes); enableForwardingHttpRequest the earlier one. Either turns the payloads off.
  for (const char* name : {"enableProxyingHttpRequest", "enableForwardingHttpRequest"}) {
    auto it = handler->find(name);
    if (it != handler->end() && it->is_boolean() && it->get<bool>()) return true;
  }
  return false;
}

Result<Request> DecodeAzureInvocation(std::string_view payload) {
  Json json = Json::parse(payload.begin(), payload.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return InvalidArgumentError("invocation payload is not a json object");
  auto data = json.find("Data");
  if (data == json.end() || !data->is_object()) return InvalidArgumentError("invocation payload has no Data object");
  // The trigger's binding is "req" in the function.json fnseal writes; take the one object
  // with a Method if it is named otherwise.
  const Json* req = nullptr;
  if (auto it = data->find("req"); it != data->end() && it->is_object()) req = &*it;
  for (auto it = data->begin(); req == nullptr && it != data->end(); ++it) {
    if (it->is_object() && it->contains("Method")) req = &*it;
  }
  if (req == nullptr) return InvalidArgumentError("invocation payload has no Data.req http request");
  Request request;
  request.method = StringOr(*req, "Method", "GET");
  std::string url = StringOr(*req, "Url");
  // "http://host:port/api/name?x=1" -> path "/api/name", query "x=1".
  size_t scheme = url.find("://");
  size_t path_start = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  std::string target = path_start == std::string::npos ? "/" : url.substr(path_start);
  size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (request.path.empty()) request.path = "/";
  if (question != std::string::npos) request.query = target.substr(question + 1);
  auto headers = req->find("Headers");
  if (headers != req->end() && headers->is_object()) {
    for (const auto& [name, values] : headers->items()) {
      if (values.is_string()) request.headers.emplace_back(name, values.get<std::string>());
      if (!values.is_array()) continue;
      for (const auto& value : values) {
        if (value.is_string()) request.headers.emplace_back(name, value.get<std::string>());
      }
    }
  }
  auto body = req->find("Body");
  if (body != req->end() && body->is_string()) {
    request.body = body->get<std::string>();
  } else if (body != req->end() && !body->is_null()) {
    request.body = Dump(*body);  // a JSON body the host already parsed
  }
  auto metadata = json.find("Metadata");
  if (metadata != json.end() && metadata->is_object()) {
    request.invocation_id = StringOr(*metadata, "InvocationId");
    auto sys = metadata->find("sys");
    if (request.invocation_id.empty() && sys != metadata->end() && sys->is_object()) {
      request.invocation_id = StringOr(*sys, "InvocationId");
    }
  }
  if (auto trace = request.Header("traceparent"); !trace.empty()) request.trace_id = std::string(trace);
  return request;
}

std::string EncodeAzureOutput(const Response& response) {
  Json res = {{"statusCode", response.status}, {"headers", HeadersObject(response.headers)}, {"body", response.body}};
  Json out = {{"Outputs", {{"res", res}}}, {"Logs", Json::array()}, {"ReturnValue", nullptr}};
  return Dump(out);
}

Handler AzureInvocationHandler(Handler handler) {
  return [handler = std::move(handler)](const Request& outer) {
    auto request = DecodeAzureInvocation(outer.body);
    Response response;
    response.headers.emplace_back("Content-Type", "application/json");
    if (!request.ok()) {
      response.status = 400;
      response.body = Dump(Json{{"error", request.status().message()}});
      return response;
    }
    if (request->invocation_id.empty())
      request->invocation_id = std::string(outer.Header("x-azure-functions-invocationid"));
    response.body = EncodeAzureOutput(handler(*request));  // exceptions are the server's: 500
    return response;
  };
}

}  // namespace fnseal::runtime
