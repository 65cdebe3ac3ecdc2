// Per-category part-label vocabularies (DESIGN §3) and the instance-ordering rule.
//
// This file and vocabulary.cc are the one place the labels live. Adding or removing a label
// bumps kVocabularyVersion; trained models record the version they were trained with and refuse
// a different one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "program/program.h"

namespace img2cad::program {

inline constexpr int kVocabularyVersion = 1;

// The categories, in a fixed order: chair, table, storage.
const std::vector<std::string>& Categories();

// True for a known category name.
bool IsKnownCategory(const std::string& category);

// The labels of `category` in their fixed order (the index is the label id the networks use).
// Empty for an unknown category.
const std::vector<std::string>& LabelsOf(const std::string& category);

// Index of `label` in LabelsOf(category), or nullopt when either is unknown.
std::optional<int> LabelIndex(const std::string& category, const std::string& label);

// Axis-aligned bounds of a part in mm, as used by the instance-ordering rule.
struct Bounds3 {
  Vec3 min{0, 0, 0};
  Vec3 max{0, 0, 0};
  Vec3 Center() const {
    return {(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2};
  }
};

// The instance-ordering rule: among parts with the same label, instance 0, 1, 2, ... follow the
// bounding-box centres sorted by x, then y, then z. Coordinates closer than kOrderTolerance
// (mm) count as equal so that mirror-image legs at -200.0000001 and -200 sort by y, not by noise.
inline constexpr double kOrderTolerance = 0.5;

// True when centre `a` comes before centre `b` under the rule above.
bool CentreOrderLess(const Vec3& a, const Vec3& b);

// Renumbers the instances of every label by the rule, given each part's bounds
// (bounds[i] belongs to program->parts[i]). The parts array keeps its order.
void AssignInstances(const std::vector<Bounds3>& bounds, Program* program);

}  // namespace img2cad::program
