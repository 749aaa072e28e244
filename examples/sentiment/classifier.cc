#include "examples/sentiment/classifier.h"

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sentiment {

using fnseal::InvalidArgumentError;
using fnseal::NotFoundError;
using fnseal::Result;

Result<Model> ParseModel(std::string_view json_text) {
  nlohmann::json json = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return InvalidArgumentError("model is not a json object");
  Model model;
  auto bias = json.find("bias");
  if (bias == json.end() || !bias->is_number()) return InvalidArgumentError("model has no numeric 'bias'");
  model.bias = bias->get<double>();
  auto weights = json.find("weights");
  if (weights == json.end() || !weights->is_object()) return InvalidArgumentError("model has no 'weights' object");
  for (const auto& [word, weight] : weights->items()) {
    if (!weight.is_number()) return InvalidArgumentError("model weight '" + word + "' is not a number");
    model.weights[word] = weight.get<double>();
  }
  return model;
}

Result<Model> LoadModel(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read model " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto model = ParseModel(text.str());
  if (!model.ok()) return model.status().Annotate(path);
  return model;
}

Classification Classify(const Model& model, std::string_view text) {
  Classification result;
  result.score = model.bias;
  std::string word;
  for (size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : ' ';
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      auto it = model.weights.find(word);
      if (it != model.weights.end()) result.score += it->second;
      word.clear();
    }
  }
  result.label = result.score >= 0 ? "positive" : "negative";
  return result;
}

}  // namespace sentiment
