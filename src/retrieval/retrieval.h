// The retrieval baseline (issue 4): an image descriptor computed without learned weights, an
// index of training programs, and nearest-neighbour search. It is the honest floor every learned
// stage must beat.
//
// Descriptor (version 1), of the object already found and cropped into a kCropSize square (the
// pipeline's find-object step): a 32 x 32 silhouette (the mask, area-averaged) and histograms of
// edge orientation (9 unsigned bins in each of 4 x 4 cells of the grey crop, weighted by gradient
// magnitude), each L2-normalised, the histograms weighted by kHogWeight, concatenated.
//
// Index file (binary, little-endian): "I2CRIDX1", then uint32 format version, descriptor version,
// descriptor dimension, vocabulary version and entry count; then per entry: category index (u8),
// camera azimuth and elevation (f32, degrees), descriptor scale (f32) and the descriptor
// quantised to u8 (value = byte / 255 * scale), the sample id (u32 length + bytes), and the
// program JSON compressed with zlib (u32 compressed length, u32 plain length, bytes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "image/image.h"
#include "program/program.h"

namespace img2cad::retrieval {

inline constexpr int kDescriptorVersion = 1;
inline constexpr int kCropSize = 64;  // side of the object crop the descriptor reads, pixels
inline constexpr int kSilhouetteSize = 32;
inline constexpr int kHogCells = 4;
inline constexpr int kHogBins = 9;
inline constexpr double kHogWeight = 0.7;
inline constexpr int kDescriptorDim =
    kSilhouetteSize * kSilhouetteSize + kHogCells * kHogCells * kHogBins;

// The descriptor of an object crop: `rgb` (1, 3 or 4 channels) and its `mask` (1 channel,
// 255 = object), both kCropSize x kCropSize (an IMG2CAD_CHECK failure otherwise).
std::vector<float> Describe(const image::Image& rgb, const image::Image& mask);

struct Entry {
  std::string id;
  std::string category;
  float azimuth_deg = 0;  // the view the sample was rendered from
  float elevation_deg = 0;
  std::vector<float> descriptor;  // kDescriptorDim values (after quantisation when loaded)
  std::string program_json;       // img2cad.program/1 text
};

class Index {
 public:
  void Add(Entry e) { entries_.push_back(std::move(e)); }
  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

  // The entry nearest to `descriptor` (Euclidean) and its distance; the index must not be empty.
  // With `category` set, only entries of that category compete.
  const Entry& Nearest(const std::vector<float>& descriptor, float* distance,
                       const std::string& category = "") const;

  struct Neighbour {
    size_t index = 0;  // into entries()
    float distance = 0;
  };
  // The k nearest entries, nearest first (fewer when the index is smaller).
  std::vector<Neighbour> NearestK(const std::vector<float>& descriptor, size_t k) const;

  // Writes the index atomically. Errors: kIo.
  core::Status Save(const std::string& path) const;
  // Reads an index. Errors: kNotFound, kIo; kParse naming the file and the entry for a corrupt or
  // truncated file, or a descriptor or vocabulary version this build does not know.
  static core::Result<Index> Load(const std::string& path);

 private:
  std::vector<Entry> entries_;
};

// The machine-readable model card of an index (DIR/model.json beside DIR/index.bin), written by
// `img2cad index`: format "img2cad.model/1", name "retrieval", the descriptor and index format
// versions, the program version that wrote it, the label vocabulary version, the data (dataset,
// split, entries per category) and `metrics` (an `img2cad eval` metrics.json, or null).
struct IndexProvenance {
  std::string dataset;
  std::string split;
  std::string metrics_json;  // empty: no evaluation yet
};
// Errors: kParse when `metrics_json` is not JSON.
core::Result<std::string> ModelJson(const Index& index, const IndexProvenance& provenance);

}  // namespace img2cad::retrieval
