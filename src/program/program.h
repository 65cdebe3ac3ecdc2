// The img2cad.program/1 model (DESIGN §4): a piece of furniture as named parts, each a list of
// sketch-and-extrude features.
//
// Units: millimetres and degrees, exactly as stored in the JSON file. Frame: z up, the object on
// z = 0, front facing -y. These are plain value types; ParseProgram/ValidateProgram
// (program/json_io.h, program/validate.h) establish their invariants.
#pragma once

#include <array>
#include <string>
#include <variant>
#include <vector>

namespace img2cad::program {

inline constexpr char kFormatName[] = "img2cad.program/1";

using Vec2 = std::array<double, 2>;
using Vec3 = std::array<double, 3>;

// A straight segment from the previous curve's end point to `to` (sketch coordinates, mm).
struct Line {
  Vec2 to{};
  bool operator==(const Line&) const = default;
};

// A circular arc from the previous curve's end point to `to`, turning through `sweep_deg`
// (0 < sweep < 360) counter-clockwise in (u, v) when `ccw`, clockwise otherwise.
struct Arc {
  Vec2 to{};
  double sweep_deg = 0;
  bool ccw = true;
  bool operator==(const Arc&) const = default;
};

// A full circle; it is always a loop of its own.
struct Circle {
  Vec2 center{};
  double radius = 0;
  bool operator==(const Circle&) const = default;
};

using Curve = std::variant<Line, Arc, Circle>;

// Either exactly one Circle, or a closed chain of Lines and Arcs; each curve starts where the
// previous one ends and the first starts where the last ends.
using Loop = std::vector<Curve>;

// Sketch plane: local u runs along x_dir (made orthogonal to the normal and unit length), v along
// normal x x_dir; `origin` is (u, v) = (0, 0). Neither direction needs to be unit length.
struct Plane {
  Vec3 origin{0, 0, 0};
  Vec3 normal{0, 0, 1};
  Vec3 x_dir{1, 0, 0};
  bool operator==(const Plane&) const = default;
};

// The first loop is the outer boundary; the rest are holes inside it.
struct Sketch {
  Plane plane;
  std::vector<Loop> loops;
  bool operator==(const Sketch&) const = default;
};

enum class Extent { kOneSided, kSymmetric, kTwoSided };
enum class Operation { kNewBody, kJoin, kCut, kIntersect };

// one_sided: `distance` along +normal. symmetric: `distance` on each side (total 2*distance).
// two_sided: `distance` along +normal and `distance2` along -normal. Distances in mm, > 0.
struct Extrude {
  Extent extent = Extent::kOneSided;
  double distance = 0;
  double distance2 = 0;  // used only by kTwoSided; 0 otherwise
  Operation operation = Operation::kNewBody;
  bool operator==(const Extrude&) const = default;
};

struct Feature {
  Sketch sketch;
  Extrude extrude;
  bool operator==(const Feature&) const = default;
};

// A named part. Features apply in order to the solid built so far within this part: the first
// is new_body; join/cut/intersect combine with it; a later new_body is joined like join (the
// DeepCAD convention). Parts never cut each other.
struct Part {
  std::string label;  // from the category's vocabulary (program/vocabulary.h)
  int instance = 0;   // 0, 1, 2, ... among parts with the same label
  std::vector<Feature> features;
  bool operator==(const Part&) const = default;
};

// Optional symmetry annotation written by the generators and used for guidance at sampling time.
enum class Symmetry { kNone, kReflectX, kRotational };

struct Program {
  std::string category;  // "chair", "table" or "storage"
  Symmetry symmetry = Symmetry::kNone;
  std::vector<Part> parts;
  bool operator==(const Program&) const = default;
};

// Names as written in JSON ("one_sided", "new_body", "reflect_x", ...).
const char* ExtentName(Extent e);
const char* OperationName(Operation op);
const char* SymmetryName(Symmetry s);
const char* CurveTypeName(const Curve& c);  // "line", "arc" or "circle"

// Reverse lookups; false when `name` is unknown.
bool ParseExtent(const std::string& name, Extent* out);
bool ParseOperation(const std::string& name, Operation* out);
bool ParseSymmetry(const std::string& name, Symmetry* out);

// "leg 2": the name a part carries in STEP products, glTF nodes and OBJ groups.
std::string PartDisplayName(const Part& part);

}  // namespace img2cad::program
