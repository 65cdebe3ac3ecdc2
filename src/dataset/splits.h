// Dataset splits, sample ids and progress reports: what every reader and writer of synthetic
// datasets agrees on, below the methods (training code includes this, never pipeline/).
//
// Splits are fixed seed ranges, so datasets made by different runs never share samples across
// splits: train [0, 1,000,000), val [1,000,000, 1,100,000), test [1,100,000, 1,200,000); seeds
// beyond are "extra".
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace img2cad::dataset {

inline constexpr uint64_t kValFirstSeed = 1'000'000;
inline constexpr uint64_t kTestFirstSeed = 1'100'000;
inline constexpr uint64_t kExtraFirstSeed = 1'200'000;

// "train", "val", "test" or "extra".
const char* SplitOfSeed(uint64_t seed);
// First seed of a split name ("train", "val", "test"); false for another name.
bool SplitFirstSeed(const std::string& split, uint64_t* seed);

// The id of a sample: "<category>_<seed, at least 8 digits>", e.g. "chair_00000042".
std::string SampleId(const std::string& category, uint64_t seed);

// Progress callback of long dataset jobs: (done, total), called from the coordinating thread.
using ProgressFn = std::function<void(int done, int total)>;

}  // namespace img2cad::dataset
