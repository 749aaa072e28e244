// The classifier against the model file the example ships.
#include "examples/sentiment/classifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace sentiment {
namespace {

using ::testing::HasSubstr;

TEST(Classifier, LoadsTheShippedModelAndClassifiesTwoSentences) {
  auto model = LoadModel("examples/sentiment/model/tiny-sentiment.json");
  ASSERT_THAT(model, IsOk());
  EXPECT_EQ(model->weights.size(), 8u);
  Classification good = Classify(*model, "I LOVE this, it is great!");
  EXPECT_DOUBLE_EQ(good.score, 3.5);
  EXPECT_EQ(good.label, "positive");
  Classification bad = Classify(*model, "a boring, awful film");
  EXPECT_DOUBLE_EQ(bad.score, -3.0);
  EXPECT_EQ(bad.label, "negative");
}

TEST(Classifier, RefusesAMissingOrMalformedModel) {
  auto missing = LoadModel("examples/sentiment/model/absent.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), fnseal::StatusCode::kNotFound);
  EXPECT_THAT(ParseModel(R"({"bias": 0, "weights": {"x": "y"}})").status().message(),
              HasSubstr("weight 'x' is not a number"));
  EXPECT_THAT(ParseModel(R"({"weights": {}})").status().message(), HasSubstr("no numeric 'bias'"));
  EXPECT_THAT(ParseModel("{").status().message(), HasSubstr("not a json object"));
}

}  // namespace
}  // namespace sentiment
