// `img2cad train structure`: trains stage 1 from synthetic datasets with the shared training loop
// (nn/train_loop.h: progress, resumable checkpoints, CSV and PNG curves, deterministic for a
// seed), and writes the finished model with its card.
//
// Work folder (WORK): checkpoint.pt (weights, AdamW state, step), log.csv (step, epoch, loss,
// lr, samples_per_s, elapsed_s, val_exact, val_category), curve.png. Output (OUT, e.g.
// models/structure): weights.pt and model.json (config, versions, data, seed, steps, training
// time, validation metrics).
//
// With a base model (`--base`), it trains only a count head over that frozen model: minutes, not
// the hour of a full run. With an initial model (`--init`), it fine-tunes all of that model.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "nn/structure_model.h"
#include "nn/train_loop.h"

namespace img2cad::nn {

struct TrainStructureOptions : TrainRunOptions {
  TrainStructureOptions() {
    work_dir = "runs/structure";
    out_dir = "models/structure";
  }
  StructureModelConfig config;
  // Non-empty: train only a count head over the frozen model in this folder (its configuration
  // replaces `config`); the validation columns are then val_counts (every label's count right,
  // from the head alone) and val_exact (greedy decoding with the count expert).
  std::string base_dir;
  // Non-empty: start from the saved model in this folder and train all of it (fine-tuning, e.g.
  // with another augmentation); its configuration replaces `config`. Not with base_dir.
  std::string init_dir;
  // Count-expert weights tried on validation at the end when the model has a count head; the
  // best (exact structures, greedy, the smaller on ties) is saved as the model's count_weight.
  std::vector<double> count_weights = {0, 0.5, 1, 2, 4};
  // Template-expert weights tried next, with the chosen count weight, when the model has a
  // template head; the best is saved as its template_weight.
  std::vector<double> template_weights = {0, 0.5, 1};
  // >= 0: the part-map head's loss weight (StructureModelConfig::part_map_weight; 0 for none),
  // for a new model and over an initial one; the training data then needs part maps. -1: the
  // configuration's, or the initial model's.
  double part_map_weight = -1;
};

// Errors: unreadable data (named), an empty split, an unreadable base or init model, both of
// them at once (kInvalidArgument), or an unwritable WORK or OUT.
core::Status TrainStructure(const TrainStructureOptions& options,
                            const std::function<void(const TrainProgress&)>& progress);

}  // namespace img2cad::nn
