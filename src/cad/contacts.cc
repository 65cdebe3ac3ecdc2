#include <BRepBndLib.hxx>
#include <BRepExtrema_DistShapeShape.hxx>
#include <Bnd_Box.hxx>

#include <functional>
#include <numeric>

#include "cad/occ_internal.h"

namespace img2cad::cad {

core::Result<std::vector<std::pair<int, int>>> TouchingParts(const Model& model,
                                                             double tolerance_mm) {
  const auto& solids = model.impl().solids;
  const int n = static_cast<int>(solids.size());
  // Boxes enlarged by the tolerance rule out most pairs before the exact distance.
  std::vector<Bnd_Box> boxes(n);
  for (int i = 0; i < n; ++i) {
    BRepBndLib::Add(solids[i], boxes[i], false);
    boxes[i].Enlarge(tolerance_mm);
  }
  std::vector<std::pair<int, int>> out;
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      if (boxes[i].IsOut(boxes[j])) continue;
      const std::string where =
          "parts[" + std::to_string(i) + "], parts[" + std::to_string(j) + "]";
      auto touching = GuardKernel(where, [&]() -> core::Result<bool> {
        BRepExtrema_DistShapeShape dist(solids[i], solids[j]);
        if (!dist.IsDone()) {
          return core::Status(core::StatusCode::kGeometry, "distance computation failed", where);
        }
        return dist.Value() <= tolerance_mm || dist.InnerSolution();
      });
      if (!touching.ok()) return touching.status();
      if (*touching) out.push_back({i, j});
    }
  }
  return out;
}

core::Result<std::vector<std::vector<int>>> ContactGroups(const Model& model, double tolerance_mm) {
  IMG2CAD_ASSIGN_OR_RETURN(auto pairs, TouchingParts(model, tolerance_mm));
  const int n = static_cast<int>(model.NumParts());
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int(int)> find = [&](int x) {
    return parent[x] == x ? x : parent[x] = find(parent[x]);
  };
  for (const auto& [a, b] : pairs) parent[find(a)] = find(b);
  std::vector<std::vector<int>> groups;
  std::vector<int> group_of(n, -1);
  for (int i = 0; i < n; ++i) {
    const int root = find(i);
    if (group_of[root] < 0) {
      group_of[root] = static_cast<int>(groups.size());
      groups.emplace_back();
    }
    groups[group_of[root]].push_back(i);
  }
  return groups;
}

}  // namespace img2cad::cad
