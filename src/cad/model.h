// Program -> OpenCASCADE B-rep: one checked solid per part (DESIGN §4).
//
//   IMG2CAD_ASSIGN_OR_RETURN(cad::Model model, cad::BuildModel(program));
//   for (const cad::PartReport& p : model.Parts()) printf("%s %.0f mm³\n", p.name.c_str(),
//   p.volume_mm3); IMG2CAD_ASSIGN_OR_RETURN(geom::Mesh mesh, cad::Tessellate(model));
//
// Building first runs program::ValidateProgram (located errors), then for every part and feature:
//  1. the sketch's loops become wires (lines, arcs through three points, circles) and the wires a
//     planar face with holes; the wire must be closed and free of self-intersection and the face
//     must pass BRepCheck_Analyzer;
//  2. the face is extruded (one_sided, symmetric per side, two_sided) into a prism;
//  3. new_body/join/cut/intersect combine it with the part built so far; the boolean must finish
//     without errors and leave exactly one non-empty, valid solid;
//  4. the finished part passes BRepCheck_Analyzer and BRepAlgoAPI_Check (self-interference) and
//     has positive volume.
// The OpenCASCADE measurements in shared/reference show why every step is checked: invalid
// profiles and booleans otherwise pass silently. No OpenCASCADE exception escapes this module.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "geom/mesh.h"
#include "program/program.h"
#include "program/vocabulary.h"

namespace img2cad::cad {

// What the kernel reports for one finished part. Units: mm, mm², mm³.
struct PartReport {
  std::string label;
  int instance = 0;
  std::string name;  // "leg 2"
  double volume_mm3 = 0;
  double area_mm2 = 0;
  program::Bounds3 bounds;  // tight axis-aligned bounding box
  int num_faces = 0;
  bool valid = false;  // passed every check above
};

// When BRepAlgoAPI_Check (the self-interference check, the costliest of all) runs.
enum class SelfInterferenceCheck {
  // On every part made with a boolean. A part that is one prism of a profile that passed the
  // profile checks (ShapeAnalysis_Wire at the kernel's confusion tolerance, BRepCheck_Analyzer
  // on the face, and our own crossing test) cannot interfere with itself: an extrusion along the
  // plane normal of a valid planar face is an embedding. Booleans are where the measurements
  // show invalid solids slipping through, so those are always checked.
  kAfterBooleans,
  kEveryPart,  // belt and braces: also every single-prism part (`img2cad build --strict`)
  kNever,      // throughput experiments only
};

struct BuildOptions {
  SelfInterferenceCheck self_interference = SelfInterferenceCheck::kAfterBooleans;
  // Parts are built concurrently on up to this many threads (<= 0: the whole process budget,
  // core/parallel.h). Inside code that already runs parallel workers the budget is spent, so the
  // parts are built on the caller's thread. Results and errors do not depend on it.
  int num_threads = 0;
};

class Model {
 public:
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  const program::Program& program() const;
  const std::vector<PartReport>& Parts() const;
  size_t NumParts() const;
  double TotalVolume() const;  // mm³
  program::Bounds3 Bounds() const;

  struct Impl;  // OpenCASCADE shapes; defined privately in cad/
  const Impl& impl() const { return *impl_; }
  Impl& impl() { return *impl_; }
  explicit Model(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Builds and checks every part. Errors: kInvalidArgument from validation, kGeometry when the
// kernel fails or a check fails, each with the place (e.g. "parts[2].features[1]: cut leaves
// the part empty").
core::Result<Model> BuildModel(const program::Program& program, const BuildOptions& options = {});

// Mesh resolution. Defaults suit furniture in mm: a chair is a few thousand triangles.
struct TessellationOptions {
  double linear_deflection_mm = 0.5;
  double angular_deflection_deg = 20;
};

// Triangles of every part in mm and the program frame, with part_ids in part order, outward
// oriented. Errors: kGeometry when meshing fails.
core::Result<geom::Mesh> Tessellate(const Model& model, const TessellationOptions& options = {});

// Pairs (i, j), i < j, of parts whose solids touch or overlap: their distance (as computed by
// BRepExtrema_DistShapeShape, 0 when one lies inside the other) is at most `tolerance_mm`.
core::Result<std::vector<std::pair<int, int>>> TouchingParts(const Model& model,
                                                             double tolerance_mm = 0.5);

// The parts grouped by contact: every part of a group touches another of the same group.
// One group means nothing floats. Errors: from TouchingParts.
core::Result<std::vector<std::vector<int>>> ContactGroups(const Model& model,
                                                          double tolerance_mm = 0.5);

// A display colour per part label (sRGB, 0..1), stable across runs: the same label always gets
// the same colour.
std::array<double, 3> PartColor(const std::string& category, const std::string& label);

// A JSON summary of a built model, as printed by `img2cad build --json`: category, part count,
// total volume and bounds, and per part its name, label, instance, volume (mm³), area (mm²),
// bounds (mm), face count and validity, plus `files` when given. Volumes and areas are rounded
// to 6 significant digits and lengths to 0.001 mm, so the text is stable across platforms.
std::string ModelSummaryJson(const Model& model, const std::vector<std::string>& files = {});

}  // namespace img2cad::cad
