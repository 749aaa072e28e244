#include "simulate/percentiles.h"

#include <algorithm>
#include <cmath>

namespace fnseal::simulate {

double NearestRank(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
  size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return samples[std::min(index, samples.size() - 1)];
}

Percentiles Summarize(const std::vector<double>& samples) {
  return {samples.size(), NearestRank(samples, 50), NearestRank(samples, 95), NearestRank(samples, 99)};
}

}  // namespace fnseal::simulate
