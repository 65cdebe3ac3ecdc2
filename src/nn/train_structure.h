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

struct TrainStructureOptions : TrainRunOptions {
  TrainStructureOptions() {
    work_dir = "runs/structure";
    out_dir = "models/structure";
  }
  StructureModelConfig config;
};

// Errors: unreadable data (named), an empty split, or an unwritable WORK or OUT.
core::Status TrainStructure(const TrainStructureOptions& options,
                            const std::function<void(const TrainProgress&)>& progress);

}  // namespace img2cad::nn
