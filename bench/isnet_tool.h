// What the ISNet bench tools (isnet_probe.cc, isnet_masks.cc) share: reading an input-side
// argument and loading the fetched model, each with a message on stderr when it fails.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "core/model_locator.h"
#include "segment/segmenter.h"

namespace img2cad::bench {

// argv[index] as an ISNet input side, or `fallback` when there is no such argument; nullopt,
// after a message naming `name`, when it is not a multiple of segment::Segmenter::kSizeMultiple
// of at least 64.
inline std::optional<int> SideArgument(int argc, char** argv, int index, int fallback,
                                       const char* name) {
  const int side = argc > index ? std::atoi(argv[index]) : fallback;
  if (side < 64 || side % segment::Segmenter::kSizeMultiple) {
    std::fprintf(stderr, "%s must be a multiple of %d\n", name, segment::Segmenter::kSizeMultiple);
    return std::nullopt;
  }
  return side;
}

// The segmenter that scripts/setup fetched, or nullopt after saying why it cannot be loaded.
inline std::optional<segment::Segmenter> LoadIsnet() {
  auto path = core::FindModelFile("segmenter", "isnet.onnx");
  if (!path.ok()) {
    std::fprintf(stderr, "%s\n", path.status().ToString().c_str());
    return std::nullopt;
  }
  auto isnet = segment::Segmenter::Load(*path);
  if (!isnet.ok()) {
    std::fprintf(stderr, "%s\n", isnet.status().ToString().c_str());
    return std::nullopt;
  }
  return std::move(isnet).value();
}

}  // namespace img2cad::bench
