#include "program/validate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "program/sketch_geometry.h"
#include "program/vocabulary.h"

namespace img2cad::program {

namespace {

using core::Status;
using core::StatusCode;

// Below this a loop's area counts as zero (mm²).
constexpr double kMinArea = 1e-6;
// Below this a curve's length counts as zero (mm).
constexpr double kMinLength = 1e-6;
// Chord step used to check crossings; fine enough that the chord-to-arc gap (sagitta) is
// 0.015% of the radius.
constexpr double kCheckStepDeg = 2.0;

Status Bad(const std::string& where, const std::string& msg) {
  return Status(StatusCode::kInvalidArgument, msg, where);
}

std::string Idx(const std::string& base, size_t i) { return base + "[" + std::to_string(i) + "]"; }

// Sum of unsigned triangle-fan areas: zero only when every point lies on one line, unlike the
// signed area, which also cancels to zero for a bow tie.
double FanArea(const std::vector<Vec2>& p) {
  double sum = 0;
  for (size_t i = 1; i + 1 < p.size(); ++i) {
    sum += std::abs((p[i][0] - p[0][0]) * (p[i + 1][1] - p[0][1]) -
                    (p[i][1] - p[0][1]) * (p[i + 1][0] - p[0][0])) /
           2;
  }
  return sum;
}

double Dist(const Vec2& a, const Vec2& b) { return std::hypot(a[0] - b[0], a[1] - b[1]); }

Status ValidateCurves(const Loop& loop, const std::string& w) {
  if (loop.empty()) return Bad(w, "loop is empty");
  const bool has_circle = std::any_of(
      loop.begin(), loop.end(), [](const Curve& c) { return std::holds_alternative<Circle>(c); });
  if (has_circle) {
    if (loop.size() != 1) {
      for (size_t i = 0; i < loop.size(); ++i) {
        if (std::holds_alternative<Circle>(loop[i])) {
          return Bad(Idx(w, i), "a circle must be the only curve of its loop");
        }
      }
    }
    const auto& c = std::get<Circle>(loop[0]);
    if (!(c.radius > 0)) return Bad(Idx(w, 0), "circle radius must be positive");
    return core::OkStatus();
  }
  if (loop.size() < 2) return Bad(w, "a closed chain needs at least two curves");
  for (size_t i = 0; i < loop.size(); ++i) {
    const Vec2 start = ChainStart(loop, i);
    if (const auto* l = std::get_if<Line>(&loop[i])) {
      if (Dist(start, l->to) < kMinLength) return Bad(Idx(w, i), "line has zero length");
    } else if (const auto* a = std::get_if<Arc>(&loop[i])) {
      if (!(a->sweep_deg > 0 && a->sweep_deg < 360)) {
        return Bad(Idx(w, i), "arc sweep must be in (0, 360)");
      }
      if (Dist(start, a->to) < kMinLength) {
        return Bad(Idx(w, i), "arc starts and ends at the same point (use a circle)");
      }
    }
  }
  return core::OkStatus();
}

Status ValidatePlane(const Plane& plane, const std::string& w) {
  auto frame = MakeFrame(plane);
  if (!frame.ok()) return frame.status().WithPrefix(w);
  return core::OkStatus();
}

}  // namespace

Status ValidateSketch(const Sketch& sketch) {
  IMG2CAD_RETURN_IF_ERROR(ValidatePlane(sketch.plane, "plane"));
  if (sketch.loops.empty()) return Bad("loops", "a sketch needs at least one loop");
  std::vector<Polyline> polys;
  for (size_t l = 0; l < sketch.loops.size(); ++l) {
    const std::string w = Idx("loops", l);
    IMG2CAD_RETURN_IF_ERROR(ValidateCurves(sketch.loops[l], w));
    Polyline poly = LoopPolyline(sketch.loops[l], kCheckStepDeg);
    // Collinear points enclose nothing; say so before the crossing test, which would also fire.
    if (FanArea(poly.points) < kMinArea) return Bad(w, "loop has zero area");
    if (auto cross = FindSelfCrossing(poly)) {
      return Bad(w, "loop crosses itself (curves " + std::to_string(cross->first) + " and " +
                        std::to_string(cross->second) + ")");
    }
    if (std::abs(LoopSignedArea(sketch.loops[l])) < kMinArea) return Bad(w, "loop has zero area");
    polys.push_back(std::move(poly));
  }
  for (size_t h = 1; h < polys.size(); ++h) {
    const std::string w = Idx("loops", h);
    if (PolylinesIntersect(polys[0], polys[h])) return Bad(w, "hole crosses the outer loop");
    if (!PointInPolygon(polys[h].points[0], polys[0].points)) {
      return Bad(w, "hole lies outside its outer loop");
    }
    for (size_t k = 1; k < h; ++k) {
      if (PolylinesIntersect(polys[k], polys[h]) ||
          PointInPolygon(polys[h].points[0], polys[k].points) ||
          PointInPolygon(polys[k].points[0], polys[h].points)) {
        return Bad(w, "hole overlaps hole loops[" + std::to_string(k) + "]");
      }
    }
  }
  return core::OkStatus();
}

std::vector<Status> ValidateProgram(const Program& p, size_t max_errors) {
  std::vector<Status> errors;
  auto add = [&](const Status& s) {
    if (!s.ok() && errors.size() < max_errors) errors.push_back(s);
  };
  if (!IsKnownCategory(p.category)) {
    std::string known;
    for (const auto& c : Categories()) known += (known.empty() ? "" : ", ") + c;
    add(Bad("category", "unknown category '" + p.category + "' (known: " + known + ")"));
    return errors;  // labels cannot be checked without a category
  }
  if (p.parts.empty()) add(Bad("parts", "a program needs at least one part"));

  std::map<std::string, std::vector<std::pair<int, size_t>>> instances;
  for (size_t i = 0; i < p.parts.size(); ++i) {
    const Part& part = p.parts[i];
    const std::string pw = Idx("parts", i);
    if (!LabelIndex(p.category, part.label)) {
      std::string known;
      for (const auto& l : LabelsOf(p.category)) known += (known.empty() ? "" : ", ") + l;
      add(Bad(pw + ".label", "unknown label '" + part.label + "' for category '" + p.category +
                                 "' (known: " + known + ")"));
    }
    if (part.instance < 0) add(Bad(pw + ".instance", "instance must be >= 0"));
    instances[part.label].push_back({part.instance, i});
    if (part.features.empty()) add(Bad(pw + ".features", "a part needs at least one feature"));
    for (size_t f = 0; f < part.features.size(); ++f) {
      const Feature& feat = part.features[f];
      const std::string fw = Idx(pw + ".features", f);
      if (f == 0 && feat.extrude.operation != Operation::kNewBody) {
        add(Bad(fw + ".extrude.operation", "the first feature of a part must be new_body"));
      }
      add(ValidateSketch(feat.sketch).WithPrefix(fw + ".sketch"));
      const std::string ew = fw + ".extrude";
      if (!(feat.extrude.distance > 0)) add(Bad(ew + ".distance", "distance must be positive"));
      if (feat.extrude.extent == Extent::kTwoSided && !(feat.extrude.distance2 > 0)) {
        add(Bad(ew + ".distance2", "distance2 must be positive"));
      }
    }
  }
  for (auto& [label, list] : instances) {
    std::sort(list.begin(), list.end());
    for (size_t k = 0; k < list.size(); ++k) {
      if (list[k].first != static_cast<int>(k)) {
        add(Bad(Idx("parts", list[k].second) + ".instance",
                "instances of '" + label + "' must be 0.." + std::to_string(list.size() - 1) +
                    ", each once; found " + std::to_string(list[k].first)));
        break;
      }
    }
  }
  return errors;
}

Status Validate(const Program& program) {
  auto errors = ValidateProgram(program, 1);
  return errors.empty() ? core::OkStatus() : errors.front();
}

}  // namespace img2cad::program
