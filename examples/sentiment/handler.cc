// sentiment: classifies each request's body with a tiny linear model shipped next to the
// executable, model/tiny-sentiment.json ({"bias": B, "weights": {"word": W, ...}}), and answers
// {"score":1.500,"label":"positive"} (label "negative" below zero). The model is loaded once at
// init, from the executable's directory (Lambda: /var/task); a missing or malformed model is an
// init error (Lambda's /init/error, exit 1). On the fnseal runtime (//runtime): Lambda, an Azure
// custom handler, or HTTP on $PORT.
#include <cstdio>
#include <memory>
#include <string>

#include "examples/sentiment/classifier.h"
#include "runtime/runtime.h"

namespace {

using fnseal::runtime::Handler;
using fnseal::runtime::Request;
using fnseal::runtime::Response;
using fnseal::runtime::Result;

Result<Handler> Init() {
  auto model = sentiment::LoadModel(fnseal::runtime::ExecutableDirectory() + "/model/tiny-sentiment.json");
  if (!model.ok()) return model.status();
  auto shared = std::make_shared<const sentiment::Model>(std::move(*model));
  return Handler([shared](const Request& request) {
    sentiment::Classification result = sentiment::Classify(*shared, request.body);
    char body[96];
    std::snprintf(body, sizeof(body), "{\"score\":%.3f,\"label\":\"%s\"}", result.score, result.label.c_str());
    Response response;
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = body;
    return response;
  });
}

}  // namespace

int main() { return fnseal::runtime::RunFunction(Init); }
