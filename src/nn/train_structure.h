// `img2cad train structure`: trains stage 1 from synthetic datasets, in the background-friendly
// way DEVELOPERS.md asks for: a progress line, a checkpoint every few hundred steps (a killed run
// resumes from the last one and continues exactly), a CSV and PNG learning curve, deterministic
// for a seed, and the finished model written with its card.
//
// Work folder (WORK): checkpoint.pt (weights, AdamW state, step), log.csv (step, epoch, loss,
// lr, samples_per_s, elapsed_s, val_exact, val_category), curve.png. Output (OUT, e.g.
// models/structure): weights.pt and model.json (config, versions, data, seed, steps, training
// time, validation metrics).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "nn/structure_model.h"

namespace img2cad::nn {

struct TrainStructureOptions {
  std::string train_data;  // dataset folder with a train split
  std::string val_data;    // dataset folder with a val split
  std::string work_dir = "runs/structure";
  std::string out_dir = "models/structure";
  StructureModelConfig config;
  uint64_t seed = 1;
  int batch = 32;
  int64_t steps = 6000;
  double learning_rate = 1e-3;  // peak; linear warm-up, then cosine decay to 5%
  int warmup = 300;
  int checkpoint_every = 250;
  int eval_every = 1000;
  int val_samples = 60;  // greedy-decoded for the curve (5x as many at the end)
  int train_limit = 0;   // > 0: use at most this many training samples (overfit checks)
  std::string command;   // recorded in the card
};

struct TrainProgress {
  int64_t step = 0, steps = 0;
  double loss = 0;  // running mean of the last steps
  double samples_per_s = 0;
  double eta_s = 0;
  double val_exact = -1;  // -1 until measured
  double val_category = -1;
};

// Errors: unreadable data (named), an empty split, or an unwritable WORK or OUT.
core::Status TrainStructure(const TrainStructureOptions& options,
                            const std::function<void(const TrainProgress&)>& progress);

}  // namespace img2cad::nn
