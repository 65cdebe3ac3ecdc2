// The flat token form of a program: per part, a sequence of commands in the DeepCAD / Img2CAD
// layout. The networks read and write this form.
//
// For every feature of a part, each loop starts with SOL and lists its curves; an Extrude command
// closes the feature and carries the sketch plane and the extrusion:
//
//   SOL Line Line Arc Line SOL Circle Extrude   SOL Line Line Line Line Extrude ...
//
// Every command has kNumArgs argument slots; a type uses the first ArgCount(type) of them and the
// rest are 0. Some arguments are discrete (arc direction, extent, operation) and belong to the
// structure; the rest are continuous attributes (mm and degrees):
//
//   SOL      -
//   Line     x, y
//   Arc      x, y, sweep_deg, ccw (0/1)
//   Circle   cx, cy, r
//   Extrude  origin xyz, normal xyz, x_dir xyz, extent (0 one_sided, 1 symmetric, 2 two_sided),
//            distance, distance2, operation (0 new_body, 1 join, 2 cut, 3 intersect)
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/status.h"
#include "program/program.h"
#include "program/structure.h"

namespace img2cad::program {

enum class CommandType { kSol = 0, kLine, kArc, kCircle, kExtrude };
inline constexpr int kNumCommandTypes = 5;
inline constexpr int kNumArgs = 13;

struct Command {
  CommandType type = CommandType::kSol;
  std::array<double, kNumArgs> args{};
  bool operator==(const Command&) const = default;
};

// The commands of one part, with its label and instance.
struct PartTokens {
  std::string label;
  int instance = 0;
  std::vector<Command> commands;
  bool operator==(const PartTokens&) const = default;
};

// "SOL", "Line", "Arc", "Circle", "Extrude".
const char* CommandName(CommandType type);

// Number of argument slots a command type uses.
int ArgCount(CommandType type);

// True when argument `k` of `type` is discrete (part of the structure).
bool IsDiscreteArg(CommandType type, int k);

// The token form of every part, in part order.
std::vector<PartTokens> ToTokens(const Program& program);

// The token form of a structure: the same commands as ToTokens gives for any program with that
// structure, with the discrete arguments set and every continuous one 0. Stage 2 fills in the
// rest.
std::vector<PartTokens> SkeletonTokens(const Structure& structure);

// Text form for people, logs and golden files: per part a line "label instance", then one
// indented line per command with its used arguments ("  Arc 0 30 90 1"), numbers in the
// shortest form that reads back to the same double. Ends with a newline.
std::string TokensToText(const std::vector<PartTokens>& parts);

// Rebuilds a program from tokens. Errors (kInvalidArgument, placed "parts[i].commands[k]"):
// a curve before any SOL, an Extrude with no loop, a sequence that does not end with Extrude,
// a circle sharing its loop, or a discrete argument out of range. The result is not validated.
core::Result<Program> FromTokens(const std::string& category, Symmetry symmetry,
                                 const std::vector<PartTokens>& parts);

}  // namespace img2cad::program
