#include "pipeline/evaluate_mesh.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>

#include "cad/mesh_io.h"
#include "cad/model.h"
#include "core/file_io.h"
#include "core/json_format.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "eval/metrics.h"
#include "program/json_io.h"

namespace img2cad::pipeline {

namespace fs = std::filesystem;

namespace {

struct Case {
  std::string id;
  std::string gt_path;
  std::string state = "missing";  // valid, missing, invalid
  std::string problem;
  double cd_paper = 0, cd_field = 0;
  int yaw_deg = 0;
  core::Status gt_error;
};

// Moves `mesh` so its bounding box is centred on x = y = 0 and its bottom is at z = 0.
void PlaceOnFloor(geom::Mesh* mesh) {
  const geom::Box3 b = geom::Bounds(*mesh);
  const float dx = (b.min[0] + b.max[0]) / 2, dy = (b.min[1] + b.max[1]) / 2, dz = b.min[2];
  for (auto& v : mesh->vertices) v = {v[0] - dx, v[1] - dy, v[2] - dz};
}

geom::Mesh TurnAboutZ(const geom::Mesh& mesh, int degrees) {
  geom::Mesh out = mesh;
  const double a = degrees * M_PI / 180, c = std::cos(a), s = std::sin(a);
  for (auto& v : out.vertices)
    v = {static_cast<float>(c * v[0] - s * v[1]), static_cast<float>(s * v[0] + c * v[1]), v[2]};
  return out;
}

void Score(const MeshEvalOptions& o, Case* k) {
  auto gt = cad::ReadMeshFile(k->gt_path, o.unit_scale);
  if (!gt.ok()) {
    k->gt_error = gt.status();
    return;
  }
  PlaceOnFloor(&*gt);
  const std::string pred_path = (fs::path(o.pred_dir) / k->id / "program.json").string();
  if (!fs::exists(pred_path)) return;
  k->state = "invalid";
  auto pred = program::ReadProgramFile(pred_path);
  if (!pred.ok()) {
    k->problem = pred.status().ToString();
    return;
  }
  auto model = cad::BuildModel(*pred);
  auto mesh = model.ok() ? cad::Tessellate(*model) : core::Result<geom::Mesh>(model.status());
  if (!mesh.ok()) {
    k->problem = mesh.status().WithFile(pred_path).ToString();
    return;
  }
  PlaceOnFloor(&*mesh);
  // Seeds from the id, different for the two shapes: a perfect match scores the noise floor.
  const uint64_t id_seed = std::hash<std::string>{}(k->id);
  const uint64_t gs = core::MixSeed(id_seed, 1), ps = core::MixSeed(id_seed, 2);
  k->cd_paper = std::numeric_limits<double>::infinity();
  for (int yaw : o.yaw_search ? std::vector<int>{0, 90, 180, 270} : std::vector<int>{0}) {
    const geom::Mesh turned = yaw ? TurnAboutZ(*mesh, yaw) : *mesh;
    const double cd = eval::ChamferPaper(*gt, turned, gs, ps);
    if (cd < k->cd_paper) {
      k->cd_paper = cd;
      k->yaw_deg = yaw;
      k->cd_field = eval::ChamferField(*gt, turned, gs, ps);
    }
  }
  k->state = "valid";
}

double Round(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

core::Result<EvalSummary> EvaluateAgainstMeshes(const MeshEvalOptions& o) {
  std::error_code ec;
  if (!fs::is_directory(o.gt_dir, ec)) {
    return core::Status(core::StatusCode::kNotFound, "no such folder", "--gt-mesh", o.gt_dir);
  }
  std::vector<Case> cases;
  for (const auto& entry : fs::directory_iterator(o.gt_dir, ec)) {
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (!entry.is_regular_file() || (ext != ".obj" && ext != ".stl")) continue;
    Case k;
    k.id = entry.path().stem().string();
    k.gt_path = entry.path().string();
    cases.push_back(std::move(k));
  }
  if (cases.empty()) {
    return core::Status(core::StatusCode::kInvalidArgument, "holds no .obj or .stl mesh",
                        "--gt-mesh", o.gt_dir);
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.id < b.id; });
  for (size_t i = 1; i < cases.size(); ++i) {
    if (cases[i].id == cases[i - 1].id) {
      return core::Status(core::StatusCode::kInvalidArgument,
                          "two meshes for one id (" + cases[i].id + ".obj and .stl)", "--gt-mesh",
                          o.gt_dir);
    }
  }
  core::ParallelFor(cases.size(), o.threads, [&](size_t i, int) { Score(o, &cases[i]); });
  for (const Case& k : cases)
    if (!k.gt_error.ok()) return k.gt_error;

  EvalSummary s;
  std::vector<double> paper, field;
  std::string jsonl;
  for (const Case& k : cases) {
    ++s.n;
    nlohmann::ordered_json j = {{"id", k.id}, {"state", k.state}};
    if (k.state == "valid") {
      ++s.n_valid;
      paper.push_back(k.cd_paper);
      field.push_back(k.cd_field);
      j["cd_paper"] = Round(k.cd_paper);
      j["cd_field"] = Round(k.cd_field);
      j["yaw_deg"] = k.yaw_deg;
    } else {
      (k.state == "missing" ? s.n_missing : s.n_invalid) += 1;
      j["cd_paper"] = j["cd_field"] = j["yaw_deg"] = nullptr;
      if (!k.problem.empty()) j["problem"] = k.problem;
    }
    jsonl += j.dump() + "\n";
  }
  auto mean = [](const std::vector<double>& v) {
    double t = 0;
    for (double x : v) t += x;
    return v.empty() ? 0.0 : t / v.size();
  };
  s.cd_paper_mean = mean(paper);
  s.cd_field_mean = mean(field);
  s.validity = static_cast<double>(s.n_valid) / s.n;
  nlohmann::ordered_json overall = {{"cd_paper_mean", Round(s.cd_paper_mean)},
                                    {"cd_paper_median", Round(eval::Median(paper))},
                                    {"cd_field_mean", Round(s.cd_field_mean)},
                                    {"cd_field_median", Round(eval::Median(field))},
                                    {"validity", Round(s.validity)},
                                    {"n", s.n},
                                    {"n_valid", s.n_valid},
                                    {"n_missing", s.n_missing},
                                    {"n_invalid", s.n_invalid}};
  nlohmann::ordered_json metrics = {{"ground_truth", "meshes"},
                                    {"gt_dir", o.gt_dir},
                                    {"unit_scale_mm", o.unit_scale},
                                    {"yaw_search", o.yaw_search},
                                    {"overall", overall}};
  char table[512];
  std::snprintf(table, sizeof table,
                "| n | valid | missing | invalid | CD paper mean | median | CD field mean | median "
                "|\n|---|---|---|---|---|---|---|---|\n| %d | %d | %d | %d | %.4f | %.4f | %.3f | "
                "%.3f |\n",
                s.n, s.n_valid, s.n_missing, s.n_invalid, s.cd_paper_mean, eval::Median(paper),
                s.cd_field_mean, eval::Median(field));
  const std::string md = "# img2cad eval against meshes\n\nGround truth: `" + o.gt_dir + "` (" +
                         std::to_string(o.unit_scale) + " mm per unit" +
                         (o.yaw_search ? ", best of four yaw turns" : "") + "); predictions: `" +
                         o.pred_dir + "`.\n\n" + table;
  core::AtomicOutputs out;
  IMG2CAD_RETURN_IF_ERROR(out.CreateDirectory(o.out_dir));
  const fs::path dir(o.out_dir);
  IMG2CAD_RETURN_IF_ERROR(
      core::WriteFileAtomic((dir / "metrics.json").string(), core::FormatJson(metrics)));
  IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic((dir / "per_sample.jsonl").string(), jsonl));
  IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic((dir / "report.md").string(), md));
  IMG2CAD_RETURN_IF_ERROR(out.Commit());
  return s;
}

}  // namespace img2cad::pipeline
