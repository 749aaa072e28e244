// The sentiment example's model: a tiny linear bag-of-words classifier loaded from JSON
// ({"bias": B, "weights": {"word": W, ...}}). A loaded Model is immutable and safe to share
// between threads.
#ifndef FNSEAL_EXAMPLES_SENTIMENT_CLASSIFIER_H_
#define FNSEAL_EXAMPLES_SENTIMENT_CLASSIFIER_H_

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sentiment {

struct Model {
  double bias = 0;
  std::map<std::string, double> weights;  // lowercase words
};

// Parses a model. InvalidArgument when the JSON is malformed or bias/weights are missing or not
// numbers (the message names the field).
fnseal::Result<Model> ParseModel(std::string_view json);
// Reads and parses the model at `path`; NotFound when it cannot be read.
fnseal::Result<Model> LoadModel(const std::string& path);

struct Classification {
  double score = 0;   // bias + the weights of the text's words (ASCII letters, lowercased)
  std::string label;  // "positive" when score >= 0, else "negative"
};

Classification Classify(const Model& model, std::string_view text);

}  // namespace sentiment

#endif  // FNSEAL_EXAMPLES_SENTIMENT_CLASSIFIER_H_
