// Foreground segmentation with ISNet (DIS, "general use"), the one pretrained network img2cad
// uses: a salient-object mask for a photo, so that a cluttered room does not decide the crop.
// The model, models/segmenter/isnet.onnx, is fetched and converted by scripts/fetch_segmenter
// (never committed). It runs through OpenCV's DNN module, which stays private to this module.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "image/image.h"

namespace img2cad::segment {

// The object pixels (255) of a probability mask: above Otsu's threshold of its histogram,
// clamped to [kBinariseMinThreshold, 128]. ISNet is often unsure of large box-like furniture (a
// cabinet filling the frame comes out at 0.3-0.6, and on small renders a faint 0.05-0.2 over a
// background near 0), and a fixed 0.5 would lose it.
image::Image Binarise(const image::Image& probability);
// On 300 val renders (128², ISNet at 320²) the floor of 40 lost 12 of the faint objects (box
// IoU with the renderer's mask below 0.5: 26 at 40, 14 at 8); a blank photo's map stays under it.
inline constexpr int kBinariseMinThreshold = 8;

class Segmenter {
 public:
  // The input side must be a multiple of this: the first encoder stage halves its input five
  // times and the decoder doubles it back, so every level must stay even (160 or 224 fail).
  static constexpr int kSizeMultiple = 64;

  // Loads the converted fp32 ONNX graph. Errors: kNotFound naming the file; kParse when OpenCV
  // cannot read it.
  static core::Result<Segmenter> Load(const std::string& onnx_path);

  Segmenter(Segmenter&&) noexcept;
  Segmenter& operator=(Segmenter&&) noexcept;
  ~Segmenter();

  // The object's probability mask for `photo` (grey, RGB or RGBA; alpha ignored): 1 channel,
  // 0-255, the photo's size. The network reads the photo resized to `size` x `size` (a multiple
  // of kSizeMultiple; 320 takes about 0.3 s on 2 cores, 1024 the model's native size about 5 s).
  // Calls are serialised (OpenCV's network is not reentrant). Errors: kInvalidArgument for an empty
  // photo or a bad size; kInternal when OpenCV fails.
  core::Result<image::Image> Mask(const image::Image& photo, int size = 320) const;

  // ISNet's encoder read as an image descriptor (issue 10's first lever: features learned from
  // real photos): the channel means of the outputs of encoder stages 3 to 6, in that order
  // (kEncoderFeatureSize values, each >= 0), for `photo` resized to `size` x `size`. Only the
  // encoder runs: OpenCV stops at the last requested layer, and the decoder comes after it in the
  // graph. Errors as Mask.
  core::Result<std::vector<float>> EncoderFeatures(const image::Image& photo, int size = 192) const;

  // One encoder stage's output: `channels` planes of height x width values (each >= 0), plane by
  // plane, row by row. At input side S, stage k's planes are S / 2^(k-1) on a side (stage 5 at
  // 192: 6 x 6).
  struct FeatureMap {
    int channels = 0, height = 0, width = 0;
    std::vector<float> values;
  };
  // The whole outputs of encoder stages 3 to 6, in that order, for `photo` resized to `size` x
  // `size`; EncoderFeatures is their channel means. For readers that need the layout too.
  // Errors as Mask.
  core::Result<std::vector<FeatureMap>> EncoderMaps(const image::Image& photo,
                                                    int size = 192) const;
  // EncoderFeatures of these maps (their channel means, in order); CHECKs that they are
  // EncoderMaps' four stages.
  static std::vector<float> StageMeans(const std::vector<FeatureMap>& maps);

  // The channels of encoder stages 3, 4, 5 and 6, in EncoderFeatures' order.
  static constexpr int kEncoderStageChannels[4] = {256, 512, 512, 512};
  static constexpr int kEncoderFeatureSize = 256 + 512 + 512 + 512;
  // The columns [first, last) of encoder stage `stage` (3 to 6) in EncoderFeatures' row.
  static constexpr std::pair<int, int> EncoderStageColumns(int stage) {
    int first = 0;
    for (int s = 3; s < stage; ++s) first += kEncoderStageChannels[s - 3];
    return {first, first + kEncoderStageChannels[stage - 3]};
  }

 private:
  struct Impl;
  explicit Segmenter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace img2cad::segment
