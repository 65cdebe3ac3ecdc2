// A linear category classifier over frozen image features: issue 10's way of using ISNet's
// encoder, which was trained on real photographs, as a second opinion on the category beside
// stage 1, which has only seen renders. Softmax regression on log(1 + x), standardised with its
// training set's statistics, over a chosen subset of the feature columns. The features come from
// segment::Segmenter::EncoderFeatures; this module knows only that they are non-negative.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace img2cad::nn {

struct CategoryProbeFit {
  std::vector<int> columns;  // the feature columns the probe reads (indices into a row)
  double l2 = 0.01;          // weight decay on the weights (not the biases)
  int steps = 400;           // full-batch gradient steps: the loss is convex, so no seed
  double learning_rate = 0.5;
};

class CategoryProbe {
 public:
  // Fits the probe to `features` (rows of equal length, each value >= 0) and `labels` (indices
  // into program::Categories()). Deterministic. Errors: kInvalidArgument for no rows, ragged
  // rows, a label or column out of range, no columns, or a negative or non-finite value.
  static core::Result<CategoryProbe> Fit(const std::vector<std::vector<float>>& features,
                                         const std::vector<int>& labels,
                                         const CategoryProbeFit& fit);
  // Reads DIR/model.json. Errors: kNotFound naming the file; kParse naming the file and what is
  // wrong with it.
  static core::Result<CategoryProbe> Load(const std::string& dir);
  // Writes DIR/model.json atomically: the weights, `crop_size`, and `card_json` (a JSON object:
  // the command, data, time and evaluation) merged in. Errors: kIo; kInvalidArgument for a card
  // that is not a JSON object.
  core::Status Save(const std::string& dir, const std::string& card_json = "{}") const;

  // The category distribution for one feature row: one probability per program::Categories()
  // entry, summing to 1. Errors: kInvalidArgument for a row of the wrong length.
  core::Result<std::vector<double>> Probs(const std::vector<float>& features) const;

  int feature_size() const { return static_cast<int>(mean_.size()); }
  const std::vector<int>& columns() const { return columns_; }
  // The side of the object crop whose features the probe was trained on, pixels (the trainer
  // sets it; the caller must crop the same way).
  int crop_size() const { return crop_size_; }
  void set_crop_size(int size) { crop_size_ = size; }

 private:
  std::vector<double> mean_, std_;  // of log(1 + x), per feature column, over the training rows
  std::vector<int> columns_;
  std::vector<std::vector<double>> weights_;  // [category][column index]
  std::vector<double> bias_;                  // [category]
  int crop_size_ = 192;
};

}  // namespace img2cad::nn
