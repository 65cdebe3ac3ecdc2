#include "nn/train_assembler.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/rng.h"
#include "nn/structure_data.h"
#include "nn/train_stage_internal.h"
#include "program/structure.h"
#include "program/tokens.h"

namespace img2cad::nn {

namespace {

using program::CommandType;

// Arguments in millimetres per command type: sketch coordinates, radii, origins, distances.
bool IsLengthArg(CommandType type, int k) {
  switch (type) {
    case CommandType::kLine:
      return k < 2;
    case CommandType::kArc:
      return k < 2;
    case CommandType::kCircle:
      return k < 3;
    case CommandType::kExtrude:
      return k < 3 || k == 10 || k == 11;
    default:
      return false;
  }
}

double AngleDeg(const std::array<double, 13>& a, const std::array<double, 13>& b) {
  double dot = 0, na = 0, nb = 0;
  for (int k = 3; k < 6; ++k) dot += a[k] * b[k], na += a[k] * a[k], nb += b[k] * b[k];
  if (na <= 0 || nb <= 0) return 180;
  return std::acos(std::clamp(dot / std::sqrt(na * nb), -1.0, 1.0)) * 180 / M_PI;
}

}  // namespace

std::array<double, 2> ArgumentErrors(const program::Program& truth, const program::Program& pred) {
  const auto a = program::ToTokens(truth), b = program::ToTokens(pred);
  if (a.size() != b.size()) return {-1, -1};
  double mm = 0, deg = 0;
  int n_mm = 0, n_deg = 0;
  for (size_t p = 0; p < a.size(); ++p) {
    if (a[p].commands.size() != b[p].commands.size()) return {-1, -1};
    for (size_t i = 0; i < a[p].commands.size(); ++i) {
      const auto &ca = a[p].commands[i], &cb = b[p].commands[i];
      if (ca.type != cb.type) return {-1, -1};
      for (int k = 0; k < program::kNumArgs; ++k) {
        if (!IsLengthArg(ca.type, k)) continue;
        if (ca.type == CommandType::kExtrude && k == 11 &&
            static_cast<int>(ca.args[9]) != static_cast<int>(program::Extent::kTwoSided))
          continue;
        mm += std::abs(ca.args[k] - cb.args[k]);
        ++n_mm;
      }
      if (ca.type == CommandType::kExtrude) deg += AngleDeg(ca.args, cb.args), ++n_deg;
    }
  }
  return {n_mm ? mm / n_mm : 0, n_deg ? deg / n_deg : 0};
}

core::Status TrainAssembler(const TrainAssemblerOptions& o,
                            const std::function<void(const TrainProgress&)>& progress) {
  IMG2CAD_ASSIGN_OR_RETURN(TrainingSets sets,
                           LoadTrainingSets(o.train_data, o.val_data, o.train_limit, o.masks));
  const std::vector<StructureSample>& train = sets.train;
  const std::vector<StructureSample>& val = sets.val;
  std::vector<const program::Program*> programs;
  for (const auto& s : train) programs.push_back(&s.program);
  AssemblerModel model = AssemblerModel::Create(o.config, ComputeArgStats(programs), o.seed);

  auto step = [&](const std::vector<size_t>& indices, int64_t step, double lr) {
    std::vector<AssemblerExample> batch;
    for (size_t idx : indices) {
      core::Rng aug(core::MixSeed(core::MixSeed(o.seed, static_cast<uint64_t>(step)), idx));
      const StructureSample& s = train[idx];
      std::optional<AssemblerView> view;
      if (s.view_deg) view = AssemblerView{(*s.view_deg)[0], (*s.view_deg)[1]};
      batch.push_back({SampleCrop(s, o.config.image_size, &aug, o.augment), &s.program, view});
    }
    return model.TrainStep(batch, lr, o.mixed_bf16);
  };
  // The final validation also measures the camera head: mean azimuth and elevation errors.
  double view_az = 0, view_el = 0;
  int view_n = 0;
  auto validate = [&](bool final) {
    const size_t count = std::min(val.size(), static_cast<size_t>(final ? 5 : 1) * o.val_samples);
    double mm = 0, deg = 0;
    int n = 0;
    view_az = view_el = 0, view_n = 0;
    for (size_t i = 0; i < count; ++i) {
      std::optional<AssemblerView> view;
      auto pred = model.Predict(SampleCrop(val[i], o.config.image_size, nullptr),
                                program::StructureOf(val[i].program), o.sampling_steps, i, &view);
      if (view && val[i].view_deg) {
        const double d = std::fmod(std::abs(view->azimuth_deg - (*val[i].view_deg)[0]), 360.0);
        view_az += std::min(d, 360 - d);
        view_el += std::abs(view->elevation_deg - (*val[i].view_deg)[1]);
        ++view_n;
      }
      if (!pred.ok()) continue;
      const auto e = ArgumentErrors(val[i].program, *pred);
      if (e[0] < 0) continue;
      mm += e[0], deg += e[1], ++n;
    }
    return n ? std::array<double, 2>{mm / n, deg / n} : std::array<double, 2>{-1, -1};
  };
  IMG2CAD_ASSIGN_OR_RETURN(StageRun run, TrainStage(o, sets, model, {"val_mm", "val_plane_deg"},
                                                    false, step, validate, progress));
  run.card["training"]["teacher_forcing"] = "true structures";
  run.card["validation"] = {{"samples", std::min<size_t>(val.size(), 5 * o.val_samples)},
                            {"mean_abs_error_mm", run.result.final_val[0]},
                            {"mean_normal_angle_deg", run.result.final_val[1]},
                            {"sampling_steps", o.sampling_steps}};
  if (view_n > 0) {
    run.card["validation"]["camera_azimuth_error_deg"] = view_az / view_n;
    run.card["validation"]["camera_elevation_error_deg"] = view_el / view_n;
  }
  return model.Save(o.out_dir, run.card.dump());
}

}  // namespace img2cad::nn
