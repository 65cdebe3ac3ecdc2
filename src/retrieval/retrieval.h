// The retrieval baseline (issue 4): an image descriptor computed without learned weights, an
// index of training programs, and nearest-neighbour search. It is the honest floor every learned
// stage must beat.
//
// Descriptor (version 1): the object is found and cropped (image/preprocess.h) into a square;
// then a 32 x 32 silhouette (the mask, area-averaged) and histograms of edge orientation (9
// unsigned bins in each of 4 x 4 cells of the grey crop, weighted by gradient magnitude), each
// L2-normalised, the histograms weighted by kHogWeight, concatenated.
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
inline constexpr int kSilhouetteSize = 32;
inline constexpr int kHogCells = 4;
inline constexpr int kHogBins = 9;
inline constexpr double kHogWeight = 0.7;
inline constexpr int kDescriptorDim =
    kSilhouetteSize * kSilhouetteSize + kHogCells * kHogCells * kHogBins;

// The descriptor of a photo (any size; grey, RGB or RGBA).
std::vector<float> Describe(const image::Image& img);

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

  // Writes the index atomically. Errors: kIo.
  core::Status Save(const std::string& path) const;
  // Reads an index. Errors: kNotFound, kIo; kParse naming the file and the entry for a corrupt or
  // truncated file, or a descriptor or vocabulary version this build does not know.
  static core::Result<Index> Load(const std::string& path);

 private:
  std::vector<Entry> entries_;
};

}  // namespace img2cad::retrieval
