// Reading a synthetic dataset's manifest (see dataset.h for the layout).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace img2cad::pipeline {

struct ManifestEntry {
  std::string id;
  std::string category;
  uint64_t seed = 0;
  std::string split;
  std::string program_path;  // absolute or relative to the working directory
  std::string image_path;
  double azimuth_deg = 0;
  double elevation_deg = 0;
};

// Reads DATASET/manifest.jsonl (or a manifest file given directly), keeping entries of `split`
// (all when empty). Errors name the file and line: kNotFound, kIo, kParse for a malformed line.
core::Result<std::vector<ManifestEntry>> ReadManifest(const std::string& dataset_or_manifest,
                                                      const std::string& split = "");

}  // namespace img2cad::pipeline
