#include "simulate/percentiles.h"

#include <gtest/gtest.h>

#include <vector>

namespace fnseal::simulate {
namespace {

TEST(Percentiles, EmptySampleIsAllZero) {
  Percentiles p = Summarize({});
  EXPECT_EQ(p.count, 0u);
  EXPECT_EQ(p.p50, 0);
  EXPECT_EQ(p.p95, 0);
  EXPECT_EQ(p.p99, 0);
}

TEST(Percentiles, OneValueIsEveryPercentile) {
  Percentiles p = Summarize({12.5});
  EXPECT_EQ(p.count, 1u);
  EXPECT_EQ(p.p50, 12.5);
  EXPECT_EQ(p.p95, 12.5);
  EXPECT_EQ(p.p99, 12.5);
}

TEST(Percentiles, NearestRankOfOneToHundredIsTheRank) {
  std::vector<double> samples;
  for (int i = 100; i >= 1; --i) samples.push_back(i);  // unsorted on purpose
  Percentiles p = Summarize(samples);
  EXPECT_EQ(p.count, 100u);
  EXPECT_EQ(p.p50, 50);
  EXPECT_EQ(p.p95, 95);
  EXPECT_EQ(p.p99, 99);
}

TEST(Percentiles, SmallSampleRoundsTheRankUp) {
  // Ten values: rank ceil(0.5*10)=5, ceil(0.95*10)=10, ceil(0.99*10)=10.
  Percentiles p = Summarize({7, 3, 9, 1, 5, 2, 8, 4, 10, 6});
  EXPECT_EQ(p.p50, 5);
  EXPECT_EQ(p.p95, 10);
  EXPECT_EQ(p.p99, 10);
  // Three values: ceil(1.5)=2 -> the median; ceil(2.85)=3 -> the maximum.
  EXPECT_EQ(NearestRank({30, 10, 20}, 50), 20);
  EXPECT_EQ(NearestRank({30, 10, 20}, 95), 30);
}

TEST(Percentiles, TwentyValuesP95IsTheNineteenth) {
  std::vector<double> samples;
  for (int i = 1; i <= 20; ++i) samples.push_back(i * 10);
  EXPECT_EQ(NearestRank(samples, 95), 190);
  EXPECT_EQ(NearestRank(samples, 99), 200);
  EXPECT_EQ(NearestRank(samples, 100), 200);
}

TEST(Percentiles, PercentileIsAlwaysAMeasuredValue) {
  std::vector<double> samples = {1.25, 100.5};
  EXPECT_EQ(NearestRank(samples, 50), 1.25);
  EXPECT_EQ(NearestRank(samples, 51), 100.5);
  EXPECT_EQ(NearestRank(samples, 0.1), 1.25);
}

}  // namespace
}  // namespace fnseal::simulate
