#include "pipeline/consensus.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "cad/model.h"
#include "eval/metrics.h"
#include "geom/mesh.h"

namespace img2cad::pipeline {

core::Result<ConsensusChoice> ChooseByConsensus(const std::vector<program::Program>& programs,
                                                const std::vector<double>& log_probs,
                                                const std::vector<const cad::Model*>& models) {
  if (programs.empty() || programs.size() != log_probs.size() ||
      (!models.empty() && models.size() != programs.size())) {
    return core::Status(
        core::StatusCode::kInvalidArgument,
        "consensus needs a candidate, and one score (and model, if any are given) per candidate");
  }
  const size_t n = programs.size();
  std::vector<std::optional<geom::Mesh>> meshes(n);
  double best_log = -1e300;
  for (size_t i = 0; i < n; ++i) {
    std::optional<cad::Model> built;
    const cad::Model* model = models.empty() ? nullptr : models[i];
    if (model == nullptr) {
      auto b = cad::BuildModel(programs[i]);
      if (!b.ok()) continue;
      model = &built.emplace(std::move(b).value());
    }
    auto mesh = cad::Tessellate(*model);
    if (!mesh.ok() || mesh->triangles.empty()) continue;
    meshes[i] = std::move(mesh).value();
    best_log = std::max(best_log, log_probs[i]);
  }
  ConsensusChoice c;
  c.risk.assign(n, -1.0);
  c.weight.assign(n, 0.0);
  double z = 0;
  for (size_t i = 0; i < n; ++i)
    if (meshes[i]) z += c.weight[i] = std::exp(log_probs[i] - best_log);
  if (z == 0) {
    return core::Status(core::StatusCode::kGeometry, "none of the candidate programs builds");
  }
  for (double& w : c.weight) w /= z;
  // Fixed sampling seeds: the choice is a function of the candidates.
  constexpr uint64_t kSeedA = 11, kSeedB = 12;
  std::vector<std::vector<double>> d(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      if (meshes[i] && meshes[j])
        d[i][j] = d[j][i] = eval::ChamferPaper(*meshes[i], *meshes[j], kSeedA, kSeedB);
  for (size_t i = 0; i < n; ++i) {
    if (!meshes[i]) continue;
    double r = 0;
    for (size_t j = 0; j < n; ++j) r += c.weight[j] * d[i][j];
    c.risk[i] = r;
    if (c.index < 0 || r < c.risk[c.index]) c.index = static_cast<int>(i);
  }
  return c;
}

}  // namespace img2cad::pipeline
