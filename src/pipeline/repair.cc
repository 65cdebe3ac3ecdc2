#include "pipeline/repair.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include "cad/model.h"
#include "core/check.h"
#include "program/sketch_geometry.h"
#include "program/validate.h"

namespace img2cad::pipeline {

namespace {

using program::Arc;
using program::Circle;
using program::Line;
using program::Loop;
using program::Vec2;

constexpr double kMinLength = 1.0;  // mm

struct Place {
  int part = -1, feature = -1, loop = -1;
};

// "parts[2].features[1].sketch.loops[0][3]" -> {2, 1, 0}; missing pieces stay -1.
Place ParsePlace(const std::string& where) {
  static const std::regex re(
      R"(parts\[(\d+)\](?:\.features\[(\d+)\](?:\.sketch\.loops\[(\d+)\])?)?)");
  std::smatch m;
  Place p;
  if (!std::regex_search(where, m, re)) return p;
  p.part = std::stoi(m[1]);
  if (m[2].matched) p.feature = std::stoi(m[2]);
  if (m[3].matched) p.loop = std::stoi(m[3]);
  return p;
}

std::string Where(const Place& p) {
  std::string s = "parts[" + std::to_string(p.part) + "]";
  if (p.feature >= 0) s += ".features[" + std::to_string(p.feature) + "]";
  if (p.loop >= 0) s += ".sketch.loops[" + std::to_string(p.loop) + "]";
  return s;
}

// The end points of a chain's curves, in order (a circle gives none).
std::vector<Vec2> ChainPoints(const Loop& loop) {
  std::vector<Vec2> pts;
  for (const auto& c : loop) {
    if (const auto* l = std::get_if<Line>(&c)) pts.push_back(l->to);
    if (const auto* a = std::get_if<Arc>(&c)) pts.push_back(a->to);
  }
  return pts;
}

Loop Rectangle(double x0, double y0, double x1, double y1) {
  if (x1 - x0 < kMinLength || y1 - y0 < kMinLength) {
    const double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    x0 = cx - 5, x1 = cx + 5, y0 = cy - 5, y1 = cy + 5;
  }
  return {Line{{x1, y0}}, Line{{x1, y1}}, Line{{x0, y1}}, Line{{x0, y0}}};
}

Loop BoundingRectangle(const Loop& loop) {
  if (const auto* c = std::get_if<Circle>(&loop.front())) {
    const double r = std::max(std::abs(c->radius), kMinLength);
    return Rectangle(c->center[0] - r, c->center[1] - r, c->center[0] + r, c->center[1] + r);
  }
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const Vec2& p : ChainPoints(loop)) {
    x0 = std::min(x0, p[0]), y0 = std::min(y0, p[1]);
    x1 = std::max(x1, p[0]), y1 = std::max(y1, p[1]);
  }
  if (x0 > x1) return Rectangle(0, 0, 0, 0);
  return Rectangle(x0, y0, x1, y1);
}

// The chain's curves re-ordered so their end points go round their centroid by angle; arcs
// keep their sweep and direction.
Loop ReorderByAngle(const Loop& loop) {
  double cx = 0, cy = 0;
  const auto pts = ChainPoints(loop);
  for (const Vec2& p : pts) cx += p[0], cy += p[1];
  cx /= std::max<size_t>(1, pts.size()), cy /= std::max<size_t>(1, pts.size());
  Loop out = loop;
  std::stable_sort(out.begin(), out.end(), [&](const program::Curve& a, const program::Curve& b) {
    auto end = [](const program::Curve& c) {
      if (const auto* l = std::get_if<Line>(&c)) return l->to;
      return std::get<Arc>(c).to;
    };
    const Vec2 pa = end(a), pb = end(b);
    return std::atan2(pa[1] - cy, pa[0] - cx) < std::atan2(pb[1] - cy, pb[0] - cx);
  });
  return out;
}

bool AllLines(const Loop& loop) {
  return std::all_of(loop.begin(), loop.end(),
                     [](const program::Curve& c) { return std::holds_alternative<Line>(c); });
}

// Step 1: numbers that can never build.
void Sanitise(program::Program* p, std::vector<std::string>* repairs) {
  for (size_t i = 0; i < p->parts.size(); ++i) {
    for (size_t j = 0; j < p->parts[i].features.size(); ++j) {
      program::Feature& f = p->parts[i].features[j];
      const std::string where = Where({static_cast<int>(i), static_cast<int>(j), -1});
      auto clamp = [&](double* d, const char* what) {
        if (*d >= kMinLength) return;
        repairs->push_back(where + ": " + what + " " + std::to_string(*d) + " mm set to " +
                           std::to_string(std::max(std::abs(*d), kMinLength)) + " mm");
        *d = std::max(std::abs(*d), kMinLength);
      };
      clamp(&f.extrude.distance, "distance");
      if (f.extrude.extent == program::Extent::kTwoSided) clamp(&f.extrude.distance2, "distance2");
      auto& pl = f.sketch.plane;
      auto zero = [](const program::Vec3& v) { return std::hypot(v[0], v[1], v[2]) < 1e-9; };
      if (zero(pl.normal))
        pl.normal = {0, 0, 1}, repairs->push_back(where + ": zero normal set to +z");
      if (zero(pl.x_dir))
        pl.x_dir = {1, 0, 0}, repairs->push_back(where + ": zero x direction set to +x");
      const program::Vec3 cross = {pl.normal[1] * pl.x_dir[2] - pl.normal[2] * pl.x_dir[1],
                                   pl.normal[2] * pl.x_dir[0] - pl.normal[0] * pl.x_dir[2],
                                   pl.normal[0] * pl.x_dir[1] - pl.normal[1] * pl.x_dir[0]};
      if (zero(cross)) {
        // Parallel directions: the world axis least aligned with the normal.
        const double ax = std::abs(pl.normal[0]), ay = std::abs(pl.normal[1]),
                     az = std::abs(pl.normal[2]);
        pl.x_dir = ax <= ay && ax <= az ? program::Vec3{1, 0, 0}
                   : ay <= az           ? program::Vec3{0, 1, 0}
                                        : program::Vec3{0, 0, 1};
        repairs->push_back(where + ": x direction parallel to the normal replaced");
      }
      for (auto& loop : f.sketch.loops)
        for (auto& c : loop) {
          if (auto* a = std::get_if<Arc>(&c)) {
            const double s = std::clamp(a->sweep_deg, 1.0, 359.0);
            if (s != a->sweep_deg) {
              repairs->push_back(where + ": arc sweep " + std::to_string(a->sweep_deg) +
                                 " clamped to " + std::to_string(s));
              a->sweep_deg = s;
            }
          }
          if (auto* ci = std::get_if<Circle>(&c); ci && ci->radius < kMinLength / 2) {
            repairs->push_back(where + ": radius " + std::to_string(ci->radius) + " set to " +
                               std::to_string(std::max(std::abs(ci->radius), kMinLength / 2)));
            ci->radius = std::max(std::abs(ci->radius), kMinLength / 2);
          }
        }
    }
  }
}

// Step 2: one repair of the loop at `at` named by a validation error; false when none applies.
bool RepairLoop(program::Program* p, const Place& at, const std::string& why, int attempt,
                std::vector<std::string>* repairs) {
  auto& loops = p->parts[at.part].features[at.feature].sketch.loops;
  if (at.loop < 0 || at.loop >= static_cast<int>(loops.size())) return false;
  Loop& loop = loops[at.loop];
  const std::string where = Where(at);
  if (at.loop > 0 && (why.find("inside") != std::string::npos || attempt >= 2)) {
    loops.erase(loops.begin() + at.loop);
    repairs->push_back(where + ": dropped the hole (" + why + ")");
    return true;
  }
  if (attempt == 0 && !AllLines(loop) && !std::holds_alternative<Circle>(loop.front())) {
    for (auto& c : loop)
      if (const auto* a = std::get_if<Arc>(&c)) c = Line{a->to};
    repairs->push_back(where + ": arcs became lines (" + why + ")");
    return true;
  }
  if (attempt <= 1 && !std::holds_alternative<Circle>(loop.front())) {
    Loop reordered = ReorderByAngle(loop);
    if (reordered != loop) {
      loop = std::move(reordered);
      repairs->push_back(where + ": points re-ordered by angle (" + why + ")");
      return true;
    }
  }
  loop = BoundingRectangle(loop);
  repairs->push_back(where + ": replaced by its bounding rectangle (" + why + ")");
  return true;
}

// Moves join feature `feature` of `part` along the world axes just far enough that its box
// overlaps the box of the features before it by 1 mm on every axis; false when it already does
// (or either box is empty). A join that stage 2 put a few millimetres off its part (a drawer's
// body behind its front) then touches it again.
bool SnapJoin(program::Part* part, int feature) {
  program::Part before, join;
  before.features.assign(part->features.begin(), part->features.begin() + feature);
  join.features = {part->features[feature]};
  join.features[0].extrude.operation = program::Operation::kNewBody;
  const program::Bounds3 a = program::ApproxPartBounds(before);
  const program::Bounds3 b = program::ApproxPartBounds(join);
  program::Vec3 shift{0, 0, 0};
  bool moved = false;
  for (int k = 0; k < 3; ++k) {
    if (!(a.min[k] <= a.max[k]) || !(b.min[k] <= b.max[k])) return false;
    constexpr double kOverlap = 1.0;  // mm
    if (b.min[k] > a.max[k] - kOverlap) shift[k] = a.max[k] - kOverlap - b.min[k];
    if (b.max[k] < a.min[k] + kOverlap) shift[k] = a.min[k] + kOverlap - b.max[k];
    moved |= shift[k] != 0;
  }
  if (!moved) return false;
  for (int k = 0; k < 3; ++k) part->features[feature].sketch.plane.origin[k] += shift[k];
  return true;
}

// Step 3: one repair of the part named by a kernel error; false when none applies.
bool RepairPart(program::Program* p, const Place& at, const std::string& why, int attempt,
                std::vector<std::string>* repairs) {
  if (at.part < 0 || at.part >= static_cast<int>(p->parts.size())) return false;
  auto& part = p->parts[at.part];
  const int feature = at.feature >= 0 ? at.feature : 0;
  if (feature > 0 && feature < static_cast<int>(part.features.size()) &&
      part.features[feature].extrude.operation != program::Operation::kNewBody &&
      part.features[feature].extrude.operation != program::Operation::kJoin) {
    part.features.erase(part.features.begin() + feature);
    repairs->push_back(Where({at.part, feature, -1}) + ": dropped the cut or intersect (" + why +
                       ")");
    return true;
  }
  // A join that leaves the part in pieces: move it onto the rest of the part, then square its
  // sketch, then drop the join alone; the part keeps its first feature either way.
  if (feature > 0 && feature < static_cast<int>(part.features.size()) &&
      why.find("separate solids") != std::string::npos) {
    if (attempt == 0 && SnapJoin(&part, feature)) {
      repairs->push_back(Where({at.part, feature, -1}) + ": moved onto the part (" + why + ")");
      return true;
    }
    auto& loops = part.features[feature].sketch.loops;
    const Loop rect = BoundingRectangle(loops.front());
    if (attempt <= 1 && (loops.size() != 1 || loops.front() != rect)) {
      loops = {rect};
      repairs->push_back(Where({at.part, feature, -1}) +
                         ": sketch replaced by its outer bounding rectangle (" + why + ")");
      return true;
    }
    part.features.erase(part.features.begin() + feature);
    repairs->push_back(Where({at.part, feature, -1}) + ": dropped the join (" + why + ")");
    return true;
  }
  if (attempt == 0 && feature < static_cast<int>(part.features.size())) {
    auto& loops = part.features[feature].sketch.loops;
    loops = {BoundingRectangle(loops.front())};
    repairs->push_back(Where({at.part, feature, -1}) +
                       ": sketch replaced by its outer bounding rectangle (" + why + ")");
    return true;
  }
  if (p->parts.size() <= 1) return false;
  const std::string label = part.label;
  repairs->push_back(Where({at.part, -1, -1}) + " (" + label + " " + std::to_string(part.instance) +
                     "): dropped (" + why + ")");
  p->parts.erase(p->parts.begin() + at.part);
  int next = 0;  // instances of the label stay 0, 1, ..., n-1
  for (auto& q : p->parts)
    if (q.label == label) q.instance = next++;
  return true;
}

}  // namespace

core::Result<program::Program> RepairProgram(program::Program p, std::vector<std::string>* repairs,
                                             int max_rounds, bool build,
                                             std::optional<cad::Model>* built) {
  IMG2CAD_CHECK_GE(max_rounds, 1);
  Sanitise(&p, repairs);
  std::string last_key;
  int attempt = 0;
  core::Status last;
  for (int round = 0; round < max_rounds; ++round) {
    const auto errors = program::ValidateProgram(p, 1);
    core::Status problem = errors.empty() ? core::OkStatus() : errors.front();
    if (problem.ok()) {
      if (!build) return p;
      auto model = cad::BuildModel(p);
      if (model.ok()) {
        if (built) built->emplace(std::move(model).value());
        return p;
      }
      problem = model.status();
    }
    last = problem;
    const Place at = ParsePlace(problem.where() + " " + problem.message());
    const std::string key = Where(at);
    attempt = key == last_key ? attempt + 1 : 0;  // the same place again: a stronger repair
    last_key = key;
    bool repaired = false;
    if (at.part >= 0 && at.part < static_cast<int>(p.parts.size())) {
      if (at.loop >= 0 && at.feature >= 0 &&
          at.feature < static_cast<int>(p.parts[at.part].features.size()) && attempt < 4) {
        repaired = RepairLoop(&p, at, problem.message(), attempt, repairs);
      } else {
        // Loop places had four loop repairs first; a part's own attempts count from 0.
        repaired = RepairPart(&p, at, problem.message(),
                              at.loop >= 0 ? std::max(0, attempt - 4) : attempt, repairs);
      }
    }
    if (!repaired) break;
  }
  return core::Status(core::StatusCode::kGeometry, "could not be repaired: " + last.ToString(),
                      last.where());
}

}  // namespace img2cad::pipeline
