#include "pipeline/manifest.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file_io.h"

namespace img2cad::pipeline {

namespace fs = std::filesystem;

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
    const auto bad = [&](const std::string& msg) {
      return core::Status(core::StatusCode::kParse, msg, std::to_string(line_no) + ":1",
                          path.string());
    };
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("malformed manifest line");
    try {
      ManifestEntry e;
      e.id = j.at("id").get<std::string>();
      e.category = j.at("category").get<std::string>();
      e.seed = j.value("seed", uint64_t{0});
      e.split = j.value("split", std::string());
      e.program_path = (root / j.at("program").get<std::string>()).string();
      e.image_path = (root / j.at("image").get<std::string>()).string();
      if (j.contains("camera")) {
        e.azimuth_deg = j["camera"].value("azimuth_deg", 0.0);
        e.elevation_deg = j["camera"].value("elevation_deg", 0.0);
      }
      if (split.empty() || e.split == split) out.push_back(std::move(e));
    } catch (const nlohmann::json::exception& ex) {
      return bad(std::string("manifest line lacks a field: ") + ex.what());
    }
  }
  return out;
}

}  // namespace img2cad::pipeline
