// What `train structure` and `train assembler` share around the training loop: the loop options
// from the command's options, the hooks every model has, and the common part of the model card.
// Internal to nn/.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nn/structure_data.h"
#include "nn/train_loop.h"

namespace img2cad::nn {

struct StageRun {
  TrainLoopResult result;
  nlohmann::ordered_json card;  // command, seed, data, training; the caller adds validation
};

// Runs the loop for `model` (StructureModel or AssemblerModel) with the command's options.
template <typename Model>
core::Result<StageRun> TrainStage(
    const TrainRunOptions& o, const TrainingSets& sets, Model& model,
    const std::array<std::string, 2>& val_names, bool val_are_shares,
    std::function<core::Result<double>(const std::vector<size_t>&, int64_t, double)> step,
    std::function<std::array<double, 2>(bool)> validate,
    const std::function<void(const TrainProgress&)>& progress) {
  TrainLoopOptions loop;
  static_cast<TrainSchedule&>(loop) = o;
  loop.work_dir = o.work_dir;
  loop.samples = sets.train.size();
  loop.val_names = val_names;
  loop.val_are_shares = val_are_shares;
  TrainLoopHooks hooks;
  hooks.step = std::move(step);
  hooks.validate = std::move(validate);
  hooks.steps_done = [&] { return model.steps(); };
  hooks.save_checkpoint = [&](const std::string& path) { return model.SaveCheckpoint(path); };
  hooks.load_checkpoint = [&](const std::string& path) { return model.LoadCheckpoint(path); };
  StageRun run;
  IMG2CAD_ASSIGN_OR_RETURN(run.result, RunTrainLoop(loop, hooks, progress));
  run.card["command"] = o.command;
  run.card["seed"] = o.seed;
  run.card["data"] = {{"train", o.train_data},
                      {"train_samples", sets.train.size()},
                      {"train_failed", sets.train_report.failed},
                      {"val", o.val_data},
                      {"val_samples", sets.val.size()},
                      {"object_masks", o.masks == ObjectMasks::kRendered ? "rendered" : "found"},
                      {"clutter_backdrops", o.augment.clutter},
                      {"low_res_crops", o.augment.low_res},
                      {"tight_crops", o.augment.tight}};
  run.card["training"] = {{"steps", o.steps},
                          {"batch", o.batch},
                          {"learning_rate", o.learning_rate},
                          {"warmup", o.warmup},
                          {"optimizer", "AdamW, weight decay 0.01, gradient clip 1.0"},
                          {"precision", o.mixed_bf16 ? "bf16 mixed" : "float32"},
                          {"seconds", std::round(run.result.seconds)}};
  return run;
}

}  // namespace img2cad::nn
