// build, check, render, labels: the commands that work on one program.
#include <cstdio>
#include <filesystem>

#include "apps/commands.h"
#include "cad/export.h"
#include "core/file_io.h"
#include "core/json_format.h"
#include "image/image.h"
#include "program/json_io.h"
#include "program/sketch_geometry.h"
#include "program/structure.h"
#include "program/validate.h"
#include "program/vocabulary.h"
#include "render/renderer.h"

namespace img2cad::apps {

namespace {

// "dir/chair.png" + "mask" -> "dir/chair.mask.png"
std::string SiblingPath(const std::string& png, const std::string& tag) {
  const auto dot = png.rfind('.');
  const auto slash = png.rfind('/');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_ext ? png.substr(0, dot) : png) + "." + tag + ".png";
}

}  // namespace

int RunBuild(const BuildArgs& a) {
  auto formats = cad::ParseFormats(a.formats);
  if (!formats.ok()) {
    std::fprintf(stderr, "img2cad build: %s\n", formats.status().ToString().c_str());
    return kExitUsage;
  }
  auto program = LoadProgram(a.program_path);
  if (!program.ok()) return Fail(program.status());
  cad::BuildOptions options;
  if (a.strict) options.self_interference = cad::SelfInterferenceCheck::kEveryPart;
  auto model = cad::BuildModel(*program, options);
  if (!model.ok()) return Fail(model.status().WithFile(a.program_path));
  auto files = cad::ExportModel(*model, a.out_dir, *formats, a.mesh);
  if (!files.ok()) return Fail(files.status());
  if (a.json) {
    std::fputs(cad::ModelSummaryJson(*model, *files).c_str(), stdout);
  } else if (!Quiet()) {
    std::printf("%s: %zu parts, %.6g mm³, valid\n", model->program().category.c_str(),
                model->NumParts(), model->TotalVolume());
    for (const auto& f : *files) std::printf("wrote %s\n", f.c_str());
  }
  return kExitOk;
}

int RunCheck(const CheckArgs& a) {
  auto program = LoadProgram(a.program_path);
  if (!program.ok()) return Fail(program.status());
  const auto errors = program::ValidateProgram(*program);
  if (!errors.empty()) {
    for (const auto& e : errors) Fail(e.WithFile(a.program_path));
    std::fprintf(stderr, "img2cad: %zu problem%s in %s\n", errors.size(),
                 errors.size() == 1 ? "" : "s", a.program_path.c_str());
    return kExitFailure;
  }
  if (!a.no_kernel) {
    auto model = cad::BuildModel(*program);
    if (!model.ok()) return Fail(model.status().WithFile(a.program_path));
  }
  // The instance numbering rule is a convention, not a validity condition: warn only.
  std::vector<program::Bounds3> bounds;
  for (const auto& part : program->parts) bounds.push_back(program::ApproxPartBounds(part));
  program::Program canonical = *program;
  program::AssignInstances(bounds, &canonical);
  for (size_t i = 0; i < canonical.parts.size(); ++i) {
    if (canonical.parts[i].instance != program->parts[i].instance) {
      std::fprintf(stderr,
                   "img2cad: warning: %s: parts[%zu].instance: %d, but the ordering rule (x, then "
                   "y, then z of the bounding-box centre) gives %d\n",
                   a.program_path.c_str(), i, program->parts[i].instance,
                   canonical.parts[i].instance);
    }
  }
  if (Quiet() && !a.json) return kExitOk;
  const program::Structure s = program::StructureOf(*program);
  std::fputs(a.json ? program::StructureToJson(s).c_str() : program::StructureToText(s).c_str(),
             stdout);
  return kExitOk;
}

int RunRender(const RenderArgs& a) {
  auto program = LoadProgram(a.program_path);
  if (!program.ok()) return Fail(program.status());
  auto model = cad::BuildModel(*program);
  if (!model.ok()) return Fail(model.status().WithFile(a.program_path));
  render::Renderer renderer;
  auto frame = pipeline::RenderModel(*model, a.request, &renderer);
  if (!frame.ok()) return Fail(frame.status().WithFile(a.program_path));
  core::AtomicOutputs out;
  const std::string parent = std::filesystem::path(a.out_path).parent_path().string();
  if (!parent.empty()) {
    if (auto s = out.CreateDirectory(parent); !s.ok()) return Fail(s);
  }
  std::vector<std::pair<std::string, image::Image>> files = {{a.out_path, frame->rgb}};
  if (a.maps) {
    files.push_back({SiblingPath(a.out_path, "mask"), frame->mask});
    files.push_back({SiblingPath(a.out_path, "depth"), render::DepthImage(*frame)});
    files.push_back({SiblingPath(a.out_path, "parts"), render::PartIdImage(*frame)});
  }
  for (const auto& [path, img] : files) {
    if (auto s = image::WritePng(out.Stage(path), img); !s.ok()) return Fail(s.WithFile(path));
  }
  if (auto s = out.Commit(); !s.ok()) return Fail(s);
  return kExitOk;
}

int RunLabels(const std::string& category, bool json) {
  if (!category.empty() && !program::IsKnownCategory(category)) {
    std::fprintf(stderr, "img2cad labels: unknown category '%s' (known: chair, table, storage)\n",
                 category.c_str());
    return kExitUsage;
  }
  std::vector<std::string> cats =
      category.empty() ? program::Categories() : std::vector<std::string>{category};
  if (json) {
    nlohmann::ordered_json j;
    j["version"] = program::kVocabularyVersion;
    for (const auto& c : cats) j["categories"][c] = program::LabelsOf(c);
    std::fputs(core::FormatJson(j).c_str(), stdout);
    return kExitOk;
  }
  std::printf("# part-label vocabulary, version %d\n", program::kVocabularyVersion);
  for (const auto& c : cats) {
    std::printf("%s:", c.c_str());
    for (const auto& l : program::LabelsOf(c)) std::printf(" %s", l.c_str());
    std::printf("\n");
  }
  return kExitOk;
}

}  // namespace img2cad::apps
