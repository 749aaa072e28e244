// Latency summaries for `fnseal simulate`: nearest-rank percentiles of a sample. Pure functions,
// thread-safe.
#ifndef FNSEAL_SIMULATE_PERCENTILES_H_
#define FNSEAL_SIMULATE_PERCENTILES_H_

#include <cstddef>
#include <vector>

namespace fnseal::simulate {

// p50/p95/p99 of a sample in milliseconds. All zero with count 0 for an empty sample.
struct Percentiles {
  size_t count = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
};

// The nearest-rank percentile `p` (0 < p <= 100) of `samples`: the smallest value with at least
// p% of the sample at or below it, so it is always a value that was measured. 0 when empty.
double NearestRank(std::vector<double> samples, double p);

// p50, p95 and p99 of `samples` by NearestRank.
Percentiles Summarize(const std::vector<double>& samples);

}  // namespace fnseal::simulate

#endif  // FNSEAL_SIMULATE_PERCENTILES_H_
