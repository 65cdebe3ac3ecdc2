// Deterministic random numbers for generators and renderers.
//
// The same seed gives the same sequence on every platform and build: the generator is
// xoshiro256** seeded through splitmix64, and the distributions are written out here rather
// than taken from <random>, whose distributions differ between standard libraries.
//
//   core::Rng rng(core::MixSeed(seed, sample_index));
//   double height = rng.Uniform(400, 480);
#pragma once

#include <cstdint>
#include <vector>

#include "core/check.h"

namespace img2cad::core {

// Combines a base seed and a stream index into an independent seed (splitmix64 of both).
uint64_t MixSeed(uint64_t seed, uint64_t stream);

class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t NextU64();
  // Uniform in [0, 1).
  double Uniform();
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi] (inclusive).
  int UniformInt(int lo, int hi);
  // True with probability p.
  bool Bernoulli(double p) { return Uniform() < p; }
  // Standard normal (Box-Muller), scaled.
  double Normal(double mean = 0, double stddev = 1);
  // An index drawn with the given non-negative weights (at least one positive).
  size_t Weighted(const std::vector<double>& weights);
  // A uniformly chosen element.
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    IMG2CAD_CHECK(!items.empty());
    return items[static_cast<size_t>(UniformInt(0, static_cast<int>(items.size()) - 1))];
  }

 private:
  uint64_t s_[4];
};

}  // namespace img2cad::core
