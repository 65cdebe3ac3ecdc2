// The structure of a program: the same document with every number left out (DESIGN §1, §4).
// It is what stage 1 predicts and what stage 2 fills in: the part labels and instances, and per
// feature its loops' curve types (plus each arc's direction), its extent type and operation.
//
// Two written forms:
//  - JSON, "img2cad.structure/1": StructureToJson / ParseStructure, an exact round trip;
//  - text, one block per part, for people and logs (StructureToText):
//        seat 0
//          sketch [line line arc line] [circle]
//          extrude one_sided new_body
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "program/program.h"

namespace img2cad::program {

inline constexpr char kStructureFormatName[] = "img2cad.structure/1";

enum class CurveType { kLine, kArc, kCircle };

struct CurveSlot {
  CurveType type = CurveType::kLine;
  bool ccw = true;  // arcs only: the turning direction is discrete, so it belongs here
  bool operator==(const CurveSlot&) const = default;
};

struct FeatureStructure {
  std::vector<std::vector<CurveSlot>> loops;
  Extent extent = Extent::kOneSided;
  Operation operation = Operation::kNewBody;
  bool operator==(const FeatureStructure&) const = default;
};

struct PartStructure {
  std::string label;
  int instance = 0;
  std::vector<FeatureStructure> features;
  bool operator==(const PartStructure&) const = default;
};

struct Structure {
  std::string category;
  Symmetry symmetry = Symmetry::kNone;
  std::vector<PartStructure> parts;
  bool operator==(const Structure&) const = default;
};

// The structure of a program.
Structure StructureOf(const Program& program);

// JSON form and its parser (errors located as for programs; `source` names the input).
std::string StructureToJson(const Structure& s);
core::Result<Structure> ParseStructure(const std::string& text, const std::string& source = "");

// Text form (see above); ends with a newline.
std::string StructureToText(const Structure& s);

// "line", "arc", "circle".
const char* CurveTypeName(CurveType t);

// The mean of programs that share one structure (StructureOf equal, parts in the same order):
// every number (plane origins and directions, curve points, arc sweeps, circle radii, extrusion
// distances) averaged, each plane's normal renormalised and its x direction made orthogonal to it
// again. Used to average stage 2's readings of several crops of one photo. Errors:
// kInvalidArgument for no programs, programs whose structures differ, or a plane whose mean
// directions vanish (opposite readings).
core::Result<Program> MeanProgram(const std::vector<Program>& programs);

// A stable short key of the structure, used to count distinct structures: the sorted multiset of
// (label, command types) over parts, ignoring instances and order.
std::string StructureKey(const Structure& s);

}  // namespace img2cad::program
