// `img2cad train structure`: trains stage 1 from synthetic datasets with the shared training loop
// (nn/train_loop.h: progress, resumable checkpoints, CSV and PNG curves, deterministic for a
// seed), and writes the finished model with its card.
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
#include "nn/train_loop.h"

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

// Errors: unreadable data (named), an empty split, or an unwritable WORK or OUT.
core::Status TrainStructure(const TrainStructureOptions& options,
                            const std::function<void(const TrainProgress&)>& progress);

}  // namespace img2cad::nn
