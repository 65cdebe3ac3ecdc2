// A small convolutional network that corrects the salient-object map of the pretrained segmenter
// (ISNet, segment/segmenter.h) before `predict` turns it into the object's mask and box.
//
// Why: ISNet takes in what stands out, and in a render or a photo that is often the object and
// its cast shadow, or the object and a box on the floor behind it. The crop is a square around
// the mask's box, so a shadow that reaches out sideways shrinks and shifts the object in every
// network's input. On the 300 val renders, crops around the renderer's own masks gave the
// learned pipeline a CD 8% lower than crops around ISNet's.
//
// The network reads the photo and ISNet's probability map, both resized to `size` x `size`, and
// gives a correction to the map's logit: a small U-Net (three stride-2 stages and back, with skip
// connections) whose last layer starts at zero, so an untrained refiner returns ISNet's map. The
// correction is computed at `size`, enlarged to the photo's size and added to the logit of
// ISNet's map there, so the mask keeps ISNet's edges where the network agrees with it.
//
// libtorch is private: this header is torch-free.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "image/image.h"

namespace img2cad::nn {

struct MaskRefinerConfig {
  int size = 96;   // the side the network reads, pixels (a multiple of 8)
  int width = 16;  // channels of the first stage (doubled at the next two)
  bool operator==(const MaskRefinerConfig&) const = default;
};

// One training example: a photo, ISNet's probability map for it and the object's true mask (both
// one channel, > 127 = object for the mask), all of the same size.
struct MaskRefinerExample {
  image::Image photo;
  image::Image probability;
  image::Image truth;
};

class MaskRefiner {
 public:
  // A fresh network whose correction is zero everywhere (Refine returns its input map).
  static MaskRefiner Create(const MaskRefinerConfig& config, uint64_t seed);
  // Reads DIR/weights.pt and DIR/model.json. Errors: kNotFound, kParse naming the file (a
  // malformed card, a configuration outside the limits above, weights of another layout).
  static core::Result<MaskRefiner> Load(const std::string& dir);
  // Writes DIR/weights.pt and DIR/model.json atomically; `card_json` (a JSON object) is merged
  // into the card. Errors: kIo; kInvalidArgument for a card that is not a JSON object.
  core::Status Save(const std::string& dir, const std::string& card_json = "{}") const;

  MaskRefiner(MaskRefiner&&) noexcept;
  MaskRefiner& operator=(MaskRefiner&&) noexcept;
  ~MaskRefiner();

  const MaskRefinerConfig& config() const;
  int64_t steps() const;  // training steps taken

  // The corrected probability map (one channel, 0-255, the photo's size) for `photo` (grey, RGB
  // or RGBA; any size of at least 8 x 8) and ISNet's `probability` map of it (one channel, same
  // size). Deterministic; uses up to the thread budget. Errors: kInvalidArgument for an empty
  // photo, a photo smaller than 8 x 8, or a map of another size or with more than one channel.
  core::Result<image::Image> Refine(const image::Image& photo,
                                    const image::Image& probability) const;

  // One AdamW step (weight decay 0.01, gradient clip 1) on the mean per-pixel binary cross-entropy
  // of the refined map against each example's truth, at the examples' own size. Errors:
  // kInvalidArgument for an empty batch or an example whose images are empty or differ in size.
  core::Result<double> TrainStep(const std::vector<MaskRefinerExample>& batch,
                                 double learning_rate);
  // The mean binary cross-entropy of the refined maps against the truths, without training; the
  // same errors as TrainStep.
  core::Result<double> Loss(const std::vector<MaskRefinerExample>& batch) const;

  // A resumable checkpoint (weights, optimiser state, seed, steps). Errors: kIo / kNotFound /
  // kParse naming the file (another configuration's checkpoint included).
  core::Status SaveCheckpoint(const std::string& path) const;
  core::Status LoadCheckpoint(const std::string& path);

 private:
  struct Impl;
  explicit MaskRefiner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace img2cad::nn
