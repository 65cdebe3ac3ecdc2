// The retrieval baseline as a pipeline method (method.h), and the index it searches.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "pipeline/find_object.h"
#include "retrieval/retrieval.h"

namespace img2cad::pipeline {

// Builds a retrieval index from a dataset's images and programs (entries of `split`; all when
// empty), each image going through FindObject as in `predict`. Entries whose files are missing
// or unreadable are skipped and counted in `failed`.
struct IndexReport {
  int added = 0;
  int failed = 0;
  std::vector<std::string> failures;  // "ID: error"
};
core::Result<retrieval::Index> BuildIndex(const std::string& dataset, const std::string& split,
                                          IndexReport* report);

// The retrieval descriptor of a found object (its kCropSize crop).
std::vector<float> DescribeObject(const ObjectImage& object);

// How many nearest samples vote for the retrieval method's confidence.
inline constexpr int kRetrievalVoters = 10;
// Below this confidence (fewer than 9 of the 10 voters agree) a retrieval answer is uncertain:
// the threshold with the best Youden's J on the synthetic val split (scripts/confidence_table.py),
// where confident answers were right 89% of the time and uncertain ones 63%.
inline constexpr double kRetrievalUncertainBelow = 0.85;

}  // namespace img2cad::pipeline
