// Writing a built Model to files, and reading STEP back for checks.
//
// Formats:
//  - STEP (AP214, through an XCAF document): an assembly named after the category whose
//    components are one product per part, named "leg 2", with a colour; units mm.
//  - GLB (glTF 2.0 binary, RWGltf_CafWriter): glTF's y-up metres; one node per part with that
//    name and one material per part colour.
//  - STL (binary): all parts in one mesh, mm, z up.
//  - OBJ (+ MTL): one group and material per part, mm, z up.
// Every file is written to a temporary name and renamed when all requested files are complete
// (core/file_io.h), so a failure leaves no output behind. The functions are safe to call from
// several threads; OpenCASCADE's exchange layer is not, so they take turns inside.
#pragma once

#include <string>
#include <vector>

#include "cad/model.h"
#include "core/status.h"

namespace img2cad::cad {

enum class ExportFormat { kStep, kGlb, kStl, kObj };

// "step", "glb", "stl", "obj" and the file each is written to ("model.step", ...).
const char* FormatName(ExportFormat f);
const char* FormatFileName(ExportFormat f);
std::vector<ExportFormat> AllFormats();

// Parses a comma-separated list such as "step,glb". Errors: kInvalidArgument naming the unknown
// entry.
core::Result<std::vector<ExportFormat>> ParseFormats(const std::string& list);

// Writes one format to `path` directly (not atomically); building blocks of ExportModel.
core::Status WriteStep(const Model& model, const std::string& path);
core::Status WriteGlb(const Model& model, const std::string& path,
                      const TessellationOptions& mesh = {});
core::Status WriteStl(const Model& model, const std::string& path,
                      const TessellationOptions& mesh = {});
// Writes `path` and the material library beside it (same stem, ".mtl").
core::Status WriteObj(const Model& model, const std::string& path,
                      const TessellationOptions& mesh = {});

// Writes the requested formats into `dir` (created if missing) as model.step, model.glb, ...,
// all or nothing. Returns the paths written.
core::Result<std::vector<std::string>> ExportModel(const Model& model, const std::string& dir,
                                                   const std::vector<ExportFormat>& formats,
                                                   const TessellationOptions& mesh = {});

// What a STEP file holds, as read back through STEPCAFControl_Reader.
struct StepSolid {
  std::string name;  // product name of the solid ("leg 2")
  double volume_mm3 = 0;
  bool valid = false;  // BRepCheck_Analyzer
};
struct StepSummary {
  std::string root_name;  // name of the top assembly ("chair")
  std::vector<StepSolid> solids;
  std::string length_unit;  // as the file names it, lower case ("millimetre")
};
core::Result<StepSummary> ReadStepSummary(const std::string& path);

}  // namespace img2cad::cad
