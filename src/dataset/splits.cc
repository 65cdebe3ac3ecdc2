#include "dataset/splits.h"

#include <cstdio>

namespace img2cad::dataset {

const char* SplitOfSeed(uint64_t seed) {
  if (seed < kValFirstSeed) return "train";
  if (seed < kTestFirstSeed) return "val";
  if (seed < kExtraFirstSeed) return "test";
  return "extra";
}

bool SplitFirstSeed(const std::string& split, uint64_t* seed) {
  if (split == "train")
    *seed = 0;
  else if (split == "val")
    *seed = kValFirstSeed;
  else if (split == "test")
    *seed = kTestFirstSeed;
  else
    return false;
  return true;
}

std::string SampleId(const std::string& category, uint64_t seed) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "_%08llu", static_cast<unsigned long long>(seed));
  return category + buf;
}

}  // namespace img2cad::dataset
