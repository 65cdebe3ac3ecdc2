#include "program/tokens.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace img2cad::program {

namespace {

using core::Status;
using core::StatusCode;

Status Bad(size_t part, size_t cmd, const std::string& msg) {
  return Status(StatusCode::kInvalidArgument, msg,
                "parts[" + std::to_string(part) + "].commands[" + std::to_string(cmd) + "]");
}

// Reads a discrete argument that must be an integer in [0, n).
bool Discrete(double v, int n, int* out) {
  if (!(v >= 0 && v < n) || v != std::floor(v)) return false;
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

const char* CommandName(CommandType type) {
  switch (type) {
    case CommandType::kSol:
      return "SOL";
    case CommandType::kLine:
      return "Line";
    case CommandType::kArc:
      return "Arc";
    case CommandType::kCircle:
      return "Circle";
    case CommandType::kExtrude:
      return "Extrude";
  }
  return "?";
}

int ArgCount(CommandType type) {
  switch (type) {
    case CommandType::kSol:
      return 0;
    case CommandType::kLine:
      return 2;
    case CommandType::kArc:
      return 4;
    case CommandType::kCircle:
      return 3;
    case CommandType::kExtrude:
      return 13;
  }
  return 0;
}

std::string TokensToText(const std::vector<PartTokens>& parts) {
  std::string out;
  for (const PartTokens& part : parts) {
    out += part.label + " " + std::to_string(part.instance) + "\n";
    for (const Command& c : part.commands) {
      out += "  ";
      out += CommandName(c.type);
      for (int k = 0; k < ArgCount(c.type); ++k) {
        // Shortest of %.15g and %.17g that reads back exactly.
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.15g", c.args[k]);
        if (std::strtod(buf, nullptr) != c.args[k])
          std::snprintf(buf, sizeof(buf), "%.17g", c.args[k]);
        out += " ";
        out += buf;
      }
      out += "\n";
    }
  }
  return out;
}

bool IsDiscreteArg(CommandType type, int k) {
  if (type == CommandType::kArc) return k == 3;
  if (type == CommandType::kExtrude) return k == 9 || k == 12;
  return false;
}

std::vector<PartTokens> ToTokens(const Program& program) {
  std::vector<PartTokens> out;
  for (const Part& part : program.parts) {
    PartTokens pt{part.label, part.instance, {}};
    for (const Feature& f : part.features) {
      for (const Loop& loop : f.sketch.loops) {
        pt.commands.push_back({CommandType::kSol, {}});
        for (const Curve& c : loop) {
          Command cmd;
          if (const auto* l = std::get_if<Line>(&c)) {
            cmd.type = CommandType::kLine;
            cmd.args[0] = l->to[0];
            cmd.args[1] = l->to[1];
          } else if (const auto* a = std::get_if<Arc>(&c)) {
            cmd.type = CommandType::kArc;
            cmd.args[0] = a->to[0];
            cmd.args[1] = a->to[1];
            cmd.args[2] = a->sweep_deg;
            cmd.args[3] = a->ccw ? 1 : 0;
          } else {
            const auto& ci = std::get<Circle>(c);
            cmd.type = CommandType::kCircle;
            cmd.args[0] = ci.center[0];
            cmd.args[1] = ci.center[1];
            cmd.args[2] = ci.radius;
          }
          pt.commands.push_back(cmd);
        }
      }
      Command e;
      e.type = CommandType::kExtrude;
      const Plane& pl = f.sketch.plane;
      for (int k = 0; k < 3; ++k) {
        e.args[k] = pl.origin[k];
        e.args[3 + k] = pl.normal[k];
        e.args[6 + k] = pl.x_dir[k];
      }
      e.args[9] = static_cast<double>(f.extrude.extent);
      e.args[10] = f.extrude.distance;
      e.args[11] = f.extrude.distance2;
      e.args[12] = static_cast<double>(f.extrude.operation);
      pt.commands.push_back(e);
    }
    out.push_back(std::move(pt));
  }
  return out;
}

std::vector<PartTokens> SkeletonTokens(const Structure& structure) {
  std::vector<PartTokens> out;
  for (const PartStructure& part : structure.parts) {
    PartTokens pt{part.label, part.instance, {}};
    for (const FeatureStructure& f : part.features) {
      for (const auto& loop : f.loops) {
        pt.commands.push_back({CommandType::kSol, {}});
        for (const CurveSlot& c : loop) {
          Command cmd;
          cmd.type = c.type == CurveType::kLine  ? CommandType::kLine
                     : c.type == CurveType::kArc ? CommandType::kArc
                                                 : CommandType::kCircle;
          if (c.type == CurveType::kArc) cmd.args[3] = c.ccw ? 1 : 0;
          pt.commands.push_back(cmd);
        }
      }
      Command e;
      e.type = CommandType::kExtrude;
      e.args[9] = static_cast<double>(f.extent);
      e.args[12] = static_cast<double>(f.operation);
      pt.commands.push_back(e);
    }
    out.push_back(std::move(pt));
  }
  return out;
}

core::Result<Program> FromTokens(const std::string& category, Symmetry symmetry,
                                 const std::vector<PartTokens>& parts) {
  Program p;
  p.category = category;
  p.symmetry = symmetry;
  for (size_t pi = 0; pi < parts.size(); ++pi) {
    const PartTokens& pt = parts[pi];
    Part part{pt.label, pt.instance, {}};
    Sketch sketch;
    bool in_loop = false;
    for (size_t ci = 0; ci < pt.commands.size(); ++ci) {
      const Command& c = pt.commands[ci];
      const auto& a = c.args;
      switch (c.type) {
        case CommandType::kSol:
          sketch.loops.emplace_back();
          in_loop = true;
          break;
        case CommandType::kLine:
        case CommandType::kArc:
        case CommandType::kCircle: {
          if (!in_loop) return Bad(pi, ci, std::string(CommandName(c.type)) + " before any SOL");
          Loop& loop = sketch.loops.back();
          const bool circle_loop = !loop.empty() && std::holds_alternative<Circle>(loop.front());
          if (circle_loop || (c.type == CommandType::kCircle && !loop.empty())) {
            return Bad(pi, ci, "a circle must be the only curve of its loop");
          }
          if (c.type == CommandType::kLine) {
            loop.push_back(Line{{a[0], a[1]}});
          } else if (c.type == CommandType::kArc) {
            int ccw;
            if (!Discrete(a[3], 2, &ccw)) return Bad(pi, ci, "arc direction must be 0 or 1");
            loop.push_back(Arc{{a[0], a[1]}, a[2], ccw == 1});
          } else {
            loop.push_back(Circle{{a[0], a[1]}, a[2]});
          }
          break;
        }
        case CommandType::kExtrude: {
          if (sketch.loops.empty()) return Bad(pi, ci, "Extrude with no sketch loop");
          for (const Loop& loop : sketch.loops) {
            if (loop.empty()) return Bad(pi, ci, "an empty loop (SOL with no curve)");
          }
          Feature f;
          for (int k = 0; k < 3; ++k) {
            sketch.plane.origin[k] = a[k];
            sketch.plane.normal[k] = a[3 + k];
            sketch.plane.x_dir[k] = a[6 + k];
          }
          int extent, op;
          if (!Discrete(a[9], 3, &extent)) return Bad(pi, ci, "extent must be 0, 1 or 2");
          if (!Discrete(a[12], 4, &op)) return Bad(pi, ci, "operation must be 0, 1, 2 or 3");
          f.extrude.extent = static_cast<Extent>(extent);
          f.extrude.distance = a[10];
          f.extrude.distance2 = f.extrude.extent == Extent::kTwoSided ? a[11] : 0.0;
          f.extrude.operation = static_cast<Operation>(op);
          f.sketch = std::move(sketch);
          part.features.push_back(std::move(f));
          sketch = Sketch();
          in_loop = false;
          break;
        }
      }
    }
    if (!sketch.loops.empty() || pt.commands.empty()) {
      return Bad(pi, pt.commands.size(), "a part's commands must end with Extrude");
    }
    p.parts.push_back(std::move(part));
  }
  return p;
}

}  // namespace img2cad::program
