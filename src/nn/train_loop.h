// The training loop both stages share, in the background-friendly form DEVELOPERS.md asks for:
// a progress callback, a checkpoint every few hundred steps (a killed run resumes from the last
// one and continues exactly), a CSV and PNG learning curve, and determinism for a seed (the
// epoch order and each step's samples are functions of the seed and the step).
//
// Work folder: checkpoint.pt, log.csv (step, epoch, loss, lr, samples_per_s, elapsed_s and the
// two validation columns named by the caller; -1 where not measured), curve.png (training loss,
// log scale, above; the validation columns below).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "nn/structure_data.h"

namespace img2cad::nn {

struct TrainProgress {
  int64_t step = 0, steps = 0;
  double loss = 0;  // running mean since the last report
  double samples_per_s = 0;
  double eta_s = 0;
  std::array<double, 2> val = {-1, -1};  // -1 unless this report measured them
  std::array<std::string, 2> val_names;
};

// The schedule every training command shares.
struct TrainSchedule {
  uint64_t seed = 1;
  int batch = 32;
  int64_t steps = 6000;
  double learning_rate = 1e-3;  // peak; linear warm-up, then cosine decay to 5%
  int warmup = 300;
  int checkpoint_every = 250;
  int eval_every = 1000;
};

// What a training command reads and writes, beside its schedule and model configuration.
struct TrainRunOptions : TrainSchedule {
  std::string train_data;  // dataset folder with a train split
  std::string val_data;    // dataset folder with a val split
  std::string work_dir;    // checkpoint.pt, log.csv, curve.png
  std::string out_dir;     // the finished model
  int val_samples = 60;    // per evaluation (5x as many at the end)
  int train_limit = 0;     // > 0: use at most this many training samples (overfit checks)
  // Where the training crops' object masks come from (nn/structure_data.h).
  ObjectMasks masks = ObjectMasks::kRendered;
  // Clutter backdrops and low-resolution crops for a share of the training crops.
  CropAugmentation augment;
  // Forward and backward passes in bfloat16 mixed precision (the models' TrainStep); the card
  // records it as training.precision.
  bool mixed_bf16 = false;
  std::string command;  // recorded in the card
};

struct TrainLoopOptions : TrainSchedule {
  std::string work_dir;
  size_t samples = 0;                    // training set size
  std::array<std::string, 2> val_names;  // log.csv columns, e.g. val_exact, val_category
  // True when the validation numbers lie in [0, 1] (shares); the curve then draws them on a
  // fixed 0-1 scale, otherwise scaled to their largest value.
  bool val_are_shares = true;
};

struct TrainLoopHooks {
  // One optimiser step on the samples `indices` (step-th step, so augmentation can be seeded by
  // it) at learning rate `lr`; returns the loss.
  std::function<core::Result<double>(const std::vector<size_t>& indices, int64_t step, double lr)>
      step;
  // The two validation numbers; `final` asks for the larger end-of-training measurement.
  std::function<std::array<double, 2>(bool final)> validate;
  std::function<int64_t()> steps_done;
  std::function<core::Status(const std::string& path)> save_checkpoint;
  std::function<core::Status(const std::string& path)> load_checkpoint;
};

struct TrainLoopResult {
  double seconds = 0;  // training time, across resumptions
  std::array<double, 2> final_val = {-1, -1};
};

// Runs (or resumes, when WORK/checkpoint.pt exists) until `steps`. Errors: an unwritable work
// folder, a checkpoint that does not load, or a failing step (passed on).
core::Result<TrainLoopResult> RunTrainLoop(
    const TrainLoopOptions& options, const TrainLoopHooks& hooks,
    const std::function<void(const TrainProgress&)>& progress);

}  // namespace img2cad::nn
