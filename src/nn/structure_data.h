// Training data of both stages: synthetic samples read through the dataset module (never
// pipeline/), each photo found and cropped exactly as `predict` does it (image/preprocess.h: the
// border model, a square crop with an 8% margin), plus training-time augmentation.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/status.h"
#include "image/image.h"
#include "image/preprocess.h"
#include "program/program.h"

namespace img2cad::nn {

struct StructureSample {
  std::string id;
  std::string category;
  image::Image photo;            // as rendered
  image::Foreground foreground;  // found once at load time, as predict finds it
  std::vector<int> tokens;       // the structure's token sequence (program/structure_tokens.h)
  program::Program program;      // the ground truth (stage 2's targets)
  // The render's camera, when the manifest records it (stage 2's camera head).
  std::optional<std::array<double, 2>> view_deg;  // azimuth, elevation
};

struct LoadReport {
  int loaded = 0;
  int failed = 0;
  std::vector<std::string> failures;  // "ID: error"
};

// Loads the entries of `split` (all when empty; at most `limit` when > 0, taken evenly from the
// categories in manifest order) of DATASET, in parallel within the thread budget. A sample whose
// image or program cannot be read, or whose structure the token language refuses, is skipped and
// counted. Errors: the manifest cannot be read (kNotFound, kParse naming the file and line).
core::Result<std::vector<StructureSample>> LoadStructureSamples(const std::string& dataset,
                                                                const std::string& split, int limit,
                                                                LoadReport* report);

// Both sets for training: TRAIN_DATA's train split (at most `train_limit` samples when > 0) and
// VAL_DATA's val split with its categories interleaved (InterleaveCategories). Errors: those of
// LoadStructureSamples, or kInvalidArgument naming the folder when a split has no sample.
struct TrainingSets {
  std::vector<StructureSample> train, val;
  LoadReport train_report, val_report;
};
core::Result<TrainingSets> LoadTrainingSets(const std::string& train_data,
                                            const std::string& val_data, int train_limit);

// The samples reordered so that the categories take turns (a prefix is balanced), each category
// keeping its order.
std::vector<StructureSample> InterleaveCategories(std::vector<StructureSample> samples);

// The network's input for a sample: the object crop at `size` x `size`. Without `rng` it is
// exactly what `predict` feeds the network; with it, augmented: the crop box moves and scales,
// the margin varies, and colour, brightness, contrast, saturation, blur and noise are jittered.
image::Image SampleCrop(const StructureSample& sample, int size, core::Rng* rng);

}  // namespace img2cad::nn
