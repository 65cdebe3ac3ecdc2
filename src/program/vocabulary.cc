#include "program/vocabulary.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/check.h"

namespace img2cad::program {

namespace {

struct CategoryLabels {
  std::string category;
  std::vector<std::string> labels;
};

// Version 1 of the vocabulary. Append-only within a version is not allowed: any change to these
// lists must bump kVocabularyVersion.
const std::vector<CategoryLabels>& Table() {
  static const std::vector<CategoryLabels> kTable = {
      {"chair", {"seat", "back", "leg", "arm", "stretcher", "column", "spoke"}},
      {"table", {"top", "leg", "apron", "stretcher", "shelf", "column", "foot", "drawer"}},
      {"storage",
       {"side", "top", "bottom", "back", "shelf", "divider", "door", "drawer", "handle", "plinth",
        "leg"}},
  };
  return kTable;
}

}  // namespace

const std::vector<std::string>& Categories() {
  static const std::vector<std::string> kCategories = [] {
    std::vector<std::string> out;
    for (const auto& c : Table()) out.push_back(c.category);
    return out;
  }();
  return kCategories;
}

bool IsKnownCategory(const std::string& category) {
  for (const auto& c : Table()) {
    if (c.category == category) return true;
  }
  return false;
}

const std::vector<std::string>& LabelsOf(const std::string& category) {
  static const std::vector<std::string> kEmpty;
  for (const auto& c : Table()) {
    if (c.category == category) return c.labels;
  }
  return kEmpty;
}

std::optional<int> LabelIndex(const std::string& category, const std::string& label) {
  const auto& labels = LabelsOf(category);
  auto it = std::find(labels.begin(), labels.end(), label);
  if (it == labels.end()) return std::nullopt;
  return static_cast<int>(it - labels.begin());
}

bool CentreOrderLess(const Vec3& a, const Vec3& b) {
  for (int axis = 0; axis < 3; ++axis) {
    if (std::abs(a[axis] - b[axis]) > kOrderTolerance) return a[axis] < b[axis];
  }
  return false;
}

void AssignInstances(const std::vector<Bounds3>& bounds, Program* program) {
  IMG2CAD_CHECK_EQ(bounds.size(), program->parts.size());
  std::map<std::string, std::vector<size_t>> by_label;
  for (size_t i = 0; i < program->parts.size(); ++i) {
    by_label[program->parts[i].label].push_back(i);
  }
  for (auto& [label, idx] : by_label) {
    // stable: parts with equal centres keep their array order
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      return CentreOrderLess(bounds[a].Center(), bounds[b].Center());
    });
    for (size_t k = 0; k < idx.size(); ++k) program->parts[idx[k]].instance = static_cast<int>(k);
  }
}

}  // namespace img2cad::program
