// `img2cad train assembler`: trains stage 2 (nn/assembler_model.h) on synthetic datasets with the
// shared training loop (nn/train_loop.h: progress, resumable checkpoints, CSV and PNG curves,
// deterministic for a seed). Teacher forcing: the network sees each sample's true structure.
// The argument statistics come from the training programs; the same augmented crops as stage 1.
//
// Validation columns of log.csv: val_mm (mean absolute error of the millimetre-valued
// arguments: sketch coordinates, radii, plane origins, distances) and val_plane_deg (mean angle
// between predicted and true sketch normals), on un-augmented val crops.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "nn/assembler_model.h"
#include "nn/train_loop.h"

namespace img2cad::nn {

struct TrainAssemblerOptions : TrainRunOptions {
  TrainAssemblerOptions() {
    work_dir = "runs/assembler";
    out_dir = "models/assembler";
    steps = 5000;
    eval_every = 500;
  }
  AssemblerConfig config;
  int sampling_steps = 8;  // Euler steps of the flow head when validating
};

// Mean absolute error of the millimetre-valued arguments and mean normal angle (degrees) of a
// prediction against the truth; both must have the same structure (else {-1, -1}).
std::array<double, 2> ArgumentErrors(const program::Program& truth, const program::Program& pred);

// Errors: unreadable data (named), an empty split, or an unwritable WORK or OUT.
core::Status TrainAssembler(const TrainAssemblerOptions& options,
                            const std::function<void(const TrainProgress&)>& progress);

}  // namespace img2cad::nn
