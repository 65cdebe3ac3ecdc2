#include "dataset/manifest.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file_io.h"

namespace img2cad::dataset {

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::ordered_json;

double Round3(double v) { return std::round(v * 1000) / 1000; }

Json Vec3(const std::array<double, 3>& v) { return {Round3(v[0]), Round3(v[1]), Round3(v[2])}; }

}  // namespace

std::string ManifestEntryToJson(const ManifestEntry& e) {
  Json line;
  line["id"] = e.id;
  line["category"] = e.category;
  line["seed"] = e.seed;
  line["split"] = e.split;
  line["style"] = e.style;
  line["symmetry"] = e.symmetry;
  line["program"] = e.program_path;
  line["image"] = e.image_path;
  if (e.camera) {
    const CameraRecord& c = *e.camera;
    line["camera"] = {
        {"azimuth_deg", Round3(c.azimuth_deg)}, {"elevation_deg", Round3(c.elevation_deg)},
        {"fov_y_deg", Round3(c.fov_y_deg)},     {"position_mm", Vec3(c.position_mm)},
        {"target_mm", Vec3(c.target_mm)},       {"image_size", c.image_size}};
  }
  if (e.maps) {
    line["maps"] = {{"mask", e.maps->mask}, {"depth", e.maps->depth}, {"parts", e.maps->parts}};
  }
  line["renderer"] = e.renderer;
  return line.dump();
}

core::Result<ManifestEntry> ParseManifestEntry(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return core::Status(core::StatusCode::kParse, "malformed manifest line");
  }
  std::string field;
  try {
    ManifestEntry e;
    auto str = [&](const char* name, bool required) {
      field = name;
      return required ? j.at(name).get<std::string>() : j.value(name, std::string());
    };
    e.id = str("id", true);
    e.category = str("category", true);
    field = "seed";
    e.seed = j.value("seed", uint64_t{0});
    e.split = str("split", false);
    e.style = str("style", false);
    e.symmetry = str("symmetry", false);
    e.program_path = str("program", true);
    e.image_path = str("image", true);
    if (j.contains("camera")) {
      field = "camera";
      const auto& c = j.at("camera");
      CameraRecord cam;
      cam.azimuth_deg = c.value("azimuth_deg", 0.0);
      cam.elevation_deg = c.value("elevation_deg", 0.0);
      cam.fov_y_deg = c.value("fov_y_deg", 0.0);
      if (c.contains("position_mm"))
        cam.position_mm = c["position_mm"].get<std::array<double, 3>>();
      if (c.contains("target_mm")) cam.target_mm = c["target_mm"].get<std::array<double, 3>>();
      cam.image_size = c.value("image_size", 0);
      e.camera = cam;
    }
    if (j.contains("maps")) {
      field = "maps";
      const auto& m = j.at("maps");
      e.maps = MapPaths{m.at("mask").get<std::string>(), m.at("depth").get<std::string>(),
                        m.at("parts").get<std::string>()};
    }
    field = "renderer";
    e.renderer = j.value("renderer", 1);
    return e;
  } catch (const nlohmann::json::exception&) {
    return core::Status(core::StatusCode::kParse,
                        "manifest line lacks field '" + field + "' or it has the wrong type");
  }
}

core::Result<std::vector<ManifestEntry>> ReadManifest(const std::string& dataset_or_manifest,
                                                      const std::string& split) {
  const fs::path given(dataset_or_manifest);
  const fs::path path = fs::is_directory(given) ? given / "manifest.jsonl" : given;
  const fs::path root = path.parent_path();
  IMG2CAD_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path.string()));
  std::vector<ManifestEntry> out;
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty()) continue;
    auto e = ParseManifestEntry(line);
    if (!e.ok()) {
      return core::Status(e.status().code(), e.status().message(), std::to_string(line_no) + ":1",
                          path.string());
    }
    if (!split.empty() && e->split != split) continue;
    e->program_path = (root / e->program_path).string();
    e->image_path = (root / e->image_path).string();
    if (e->maps) {
      e->maps->mask = (root / e->maps->mask).string();
      e->maps->depth = (root / e->maps->depth).string();
      e->maps->parts = (root / e->maps->parts).string();
    }
    out.push_back(std::move(e).value());
  }
  return out;
}

}  // namespace img2cad::dataset
