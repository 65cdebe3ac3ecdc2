#include <cmath>
#include <nlohmann/json.hpp>

#include "cad/model.h"
#include "core/json_format.h"

namespace img2cad::cad {

namespace {

using OJson = nlohmann::ordered_json;

double Significant(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return v;
  const double scale =
      std::pow(10.0, digits - 1 - static_cast<int>(std::floor(std::log10(std::abs(v)))));
  return std::round(v * scale) / scale;
}

double Millimetres(double v) {
  const double r = std::round(v * 1000) / 1000;
  return r == 0 ? 0 : r;  // no "-0"
}

OJson BoundsJson(const program::Bounds3& b) {
  OJson min = OJson::array(), max = OJson::array();
  for (int k = 0; k < 3; ++k) {
    min.push_back(Millimetres(b.min[k]));
    max.push_back(Millimetres(b.max[k]));
  }
  return {{"min", min}, {"max", max}};
}

}  // namespace

std::string ModelSummaryJson(const Model& model, const std::vector<std::string>& files) {
  OJson j;
  j["category"] = model.program().category;
  j["num_parts"] = model.NumParts();
  bool all_valid = true;
  OJson parts = OJson::array();
  for (const PartReport& r : model.Parts()) {
    all_valid = all_valid && r.valid;
    parts.push_back({{"name", r.name},
                     {"label", r.label},
                     {"instance", r.instance},
                     {"volume_mm3", Significant(r.volume_mm3, 6)},
                     {"area_mm2", Significant(r.area_mm2, 6)},
                     {"bounds_mm", BoundsJson(r.bounds)},
                     {"faces", r.num_faces},
                     {"valid", r.valid}});
  }
  j["valid"] = all_valid;
  j["volume_mm3"] = Significant(model.TotalVolume(), 6);
  j["bounds_mm"] = BoundsJson(model.Bounds());
  j["parts"] = parts;
  if (!files.empty()) j["files"] = files;
  return core::FormatJson(j);
}

}  // namespace img2cad::cad
