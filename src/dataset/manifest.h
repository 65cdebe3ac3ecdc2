// A synthetic dataset's manifest (DIR/manifest.jsonl): one JSON object per sample and line.
//
// Fields of a line, in this order: id, category, seed, split, style, symmetry, program and image
// (paths relative to DIR), camera {azimuth_deg, elevation_deg, fov_y_deg, position_mm,
// target_mm, image_size}, maps {mask, depth, parts} (relative paths) when the dataset has
// them, and renderer (the version of the renderer that drew the image). Units: degrees and
// millimetres; azimuth 0 looks at the front from -y (DESIGN §3).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace img2cad::dataset {

struct CameraRecord {
  double azimuth_deg = 0;
  double elevation_deg = 0;
  double fov_y_deg = 0;
  std::array<double, 3> position_mm{};
  std::array<double, 3> target_mm{};
  int image_size = 0;
};

struct MapPaths {
  std::string mask, depth, parts;
};

struct ManifestEntry {
  std::string id;
  std::string category;
  uint64_t seed = 0;
  std::string split;
  std::string style;
  std::string symmetry;
  // Paths as the manifest line writes them (relative to the dataset folder); ReadManifest makes
  // them usable from the working directory by prefixing the folder.
  std::string program_path;
  std::string image_path;
  std::optional<CameraRecord> camera;
  std::optional<MapPaths> maps;
  // The renderer version that drew the image (render::kRendererVersion); lines written before
  // the field existed read as 1.
  int renderer = 1;
};

// One manifest line (no newline), fields in the documented order; numbers rounded to 1e-3.
std::string ManifestEntryToJson(const ManifestEntry& entry);

// Parses one manifest line. Errors: kParse for malformed JSON or a missing or mistyped field,
// the message naming the field.
core::Result<ManifestEntry> ParseManifestEntry(const std::string& line);

// Reads DATASET/manifest.jsonl (or a manifest file given directly), keeping entries of `split`
// (all when empty), with paths prefixed by the manifest's folder. Errors name the file and
// line: kNotFound, kIo, kParse for a malformed line.
core::Result<std::vector<ManifestEntry>> ReadManifest(const std::string& dataset_or_manifest,
                                                      const std::string& split = "");

}  // namespace img2cad::dataset
