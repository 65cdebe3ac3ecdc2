// Training the category probe (nn/category_probe.h) on ISNet's encoder features of synthetic
// renders: `img2cad train category-probe`. The renders are cropped as `predict` crops a photo
// (pipeline/find_object.h, with the renderer's mask), so that the probe sees the same kind of
// crop from renders and from photos.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"

namespace img2cad::pipeline {

struct TrainCategoryProbeOptions {
  std::string train_dir;       // a synthetic dataset (manifest.jsonl with masks)
  std::string val_dir;         // another, for the choice of feature stages and weight decay
  std::string out_dir;         // the model folder written (model.json)
  std::string isnet_path;      // models/segmenter/isnet.onnx
  int per_category = 1000;     // training renders drawn per category
  int val_per_category = 100;  // validation renders drawn per category
  int crop_size = 192;         // the crop side ISNet reads (a multiple of 64)
  uint64_t seed = 1;           // which renders are drawn, and which get a room behind them
  // Share (0-1) of the training renders whose backdrop outside the renderer's mask is replaced by
  // a procedural room (image/clutter.h) before they are cropped, as around an object in a photo.
  // The val renders stay as rendered, so the choice is made on what the renders look like.
  double clutter = 0;
  std::string command;  // recorded in the card
  // Called after each render's features, with (done, total), one call at a time.
  std::function<void(int, int)> progress;
};

// Draws the renders, computes their features, fits the probe for every candidate (encoder stages
// 5, 6, 5-6 or 3-6; weight decay 0.001, 0.01, 0.1 or 1), keeps the best on val, and writes it
// with a card (command, seed, data, time, the candidates' accuracies). A render whose image or
// mask cannot be read is skipped and counted in the card. Errors: a missing dataset or ISNet
// model (kNotFound), a dataset without masks or with fewer renders of a category than asked, a
// clutter share outside 0-1 (kInvalidArgument), more than 1% of renders unreadable, or the model
// cannot be written.
core::Status TrainCategoryProbe(const TrainCategoryProbeOptions& options);

}  // namespace img2cad::pipeline
