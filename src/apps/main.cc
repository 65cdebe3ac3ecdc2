// img2cad command-line tool. Parsing, printing and exit codes only; the work happens in the
// libraries. Exit codes (DESIGN §5): 0 success, 1 failure (bad input, geometry, i/o),
// 2 usage error, 3 a batch finished with some failed items.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>

#include "cad/export.h"
#include "cad/model.h"
#include "core/file_io.h"
#include "core/json_format.h"
#include "image/image.h"
#include "pipeline/dataset.h"
#include "pipeline/evaluate.h"
#include "pipeline/manifest.h"
#include "pipeline/predict.h"
#include "pipeline/render_program.h"
#include "program/json_io.h"
#include "program/sketch_geometry.h"
#include "program/structure.h"
#include "program/validate.h"
#include "program/vocabulary.h"
#include "render/renderer.h"
#include "retrieval/retrieval.h"

namespace {

using namespace img2cad;  // NOLINT

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr char kExitCodesHelp[] =
    "Exit codes: 0 success, 1 failure (invalid input, geometry or i/o error), 2 usage error,\n"
    "3 batch finished with some failed items.";

int Fail(const core::Status& s) {
  std::fprintf(stderr, "img2cad: error: %s\n", s.ToString().c_str());
  return kExitFailure;
}

// Reads a program from a file, or from standard input when `path` is "-".
core::Result<program::Program> LoadProgram(const std::string& path) {
  if (path != "-") return program::ReadProgramFile(path);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return program::ParseProgram(text, "<stdin>");
}

struct BuildArgs {
  std::string program_path;
  std::string out_dir;
  std::string formats = "step,glb,stl,obj";
  bool json = false;
  bool quiet = false;
  bool strict = false;
  cad::TessellationOptions mesh;
};

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
  } else if (!a.quiet) {
    std::printf("%s: %zu parts, %.6g mm³, valid\n", model->program().category.c_str(),
                model->NumParts(), model->TotalVolume());
    for (const auto& f : *files) std::printf("wrote %s\n", f.c_str());
  }
  return kExitOk;
}

struct CheckArgs {
  std::string program_path;
  bool json = false;
  bool no_kernel = false;
};

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
  const program::Structure s = program::StructureOf(*program);
  std::fputs(a.json ? program::StructureToJson(s).c_str() : program::StructureToText(s).c_str(),
             stdout);
  return kExitOk;
}

struct RenderArgs {
  std::string program_path;
  std::string out_path;
  pipeline::RenderRequest request;
  bool maps = false;
};

// "dir/chair.png" + "mask" -> "dir/chair.mask.png"
std::string SiblingPath(const std::string& png, const std::string& tag) {
  const auto dot = png.rfind('.');
  const auto slash = png.rfind('/');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_ext ? png.substr(0, dot) : png) + "." + tag + ".png";
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

constexpr int kExitPartial = 3;

// A progress bar on stderr when it is a terminal; otherwise a line at every tenth.
class Progress {
 public:
  explicit Progress(std::string what) : what_(std::move(what)), tty_(isatty(fileno(stderr))) {
    start_ = std::chrono::steady_clock::now();
  }
  void Update(int done, int total) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (first_ < 0) first_ = done;  // resumed samples do not count toward the rate
    const double rate = secs > 0 ? (done - first_) / secs : 0;
    if (tty_) {
      const int width = 30, filled = total ? width * done / total : width;
      std::fprintf(stderr, "\r%s [%s%s] %d/%d %.1f/s ", what_.c_str(),
                   std::string(filled, '=').c_str(), std::string(width - filled, ' ').c_str(), done,
                   total, rate);
      if (done == total) std::fprintf(stderr, "\n");
    } else if (total > 0 && (done * 10 / total > last_decile_ || done == total)) {
      last_decile_ = done * 10 / total;
      std::fprintf(stderr, "%s: %d/%d (%.1f/s)\n", what_.c_str(), done, total, rate);
    }
  }

 private:
  std::string what_;
  bool tty_;
  int first_ = -1, last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
};

int RunSynth(pipeline::SynthOptions o, const std::string& split, bool quiet) {
  if (!split.empty()) {
    uint64_t first;
    if (!pipeline::SplitFirstSeed(split, &first)) {
      std::fprintf(stderr, "img2cad synth: --split: unknown split '%s' (train, val or test)\n",
                   split.c_str());
      return kExitUsage;
    }
    o.first_seed += first;
  }
  if (!program::IsKnownCategory(o.category)) {
    std::fprintf(
        stderr, "img2cad synth: --category: unknown category '%s' (known: chair, table, storage)\n",
        o.category.c_str());
    return kExitUsage;
  }
  Progress bar("synth " + o.category);
  auto report = pipeline::WriteSynthDataset(o, [&](int done, int total) {
    if (!quiet) bar.Update(done, total);
  });
  if (!report.ok()) return Fail(report.status());
  if (!quiet || report->failed > 0) {
    std::fprintf(stderr, "synth: %d written, %d already present, %d failed%s\n", report->written,
                 report->skipped, report->failed, report->failed ? " (see failures.jsonl)" : "");
  }
  return report->failed ? kExitPartial : kExitOk;
}

int RunIndex(const std::string& data, const std::string& split, const std::string& out_dir) {
  pipeline::IndexReport report;
  auto index = pipeline::BuildIndex(data, split, &report);
  if (!index.ok()) return Fail(index.status());
  for (const auto& f : report.failures) std::fprintf(stderr, "img2cad: error: %s\n", f.c_str());
  if (index->size() == 0) {
    return Fail(
        core::Status(core::StatusCode::kInvalidArgument, "no usable sample to index", "", data));
  }
  core::AtomicOutputs out;
  if (auto s = out.CreateDirectory(out_dir); !s.ok()) return Fail(s);
  const std::string bin = (std::filesystem::path(out_dir) / "index.bin").string();
  if (auto s = index->Save(out.Stage(bin)); !s.ok()) return Fail(s.WithFile(bin));
  nlohmann::ordered_json meta;
  meta["format"] = "img2cad.retrieval_index/1";
  meta["descriptor_version"] = retrieval::kDescriptorVersion;
  meta["vocabulary_version"] = program::kVocabularyVersion;
  meta["dataset"] = data;
  meta["split"] = split.empty() ? "all" : split;
  std::map<std::string, int> per_category;
  for (const auto& e : index->entries()) per_category[e.category]++;
  meta["entries"] = index->size();
  meta["per_category"] = per_category;
  if (auto s =
          core::WriteFileAtomic(out.Stage((std::filesystem::path(out_dir) / "index.json").string()),
                                core::FormatJson(meta));
      !s.ok()) {
    return Fail(s);
  }
  if (auto s = out.Commit(); !s.ok()) return Fail(s);
  std::fprintf(stderr, "index: %zu entries, %d failed\n", index->size(), report.failed);
  return report.failed ? kExitPartial : kExitOk;
}

struct PredictArgs {
  std::vector<std::string> images;
  std::string out_dir;
  std::string method = "retrieval";
  std::string index_path;
  std::string manifest;
  std::string split;
  pipeline::PredictOptions options;
};

int RunPredict(PredictArgs a) {
  if (a.method != "retrieval") {
    std::fprintf(stderr, "img2cad predict: --method: unknown method '%s' (available: retrieval)\n",
                 a.method.c_str());
    return kExitUsage;
  }
  std::vector<pipeline::PredictInput> inputs;
  std::map<std::string, int> seen;
  for (const auto& path : a.images) {
    std::string stem = std::filesystem::path(path).stem().string();
    if (stem.empty()) stem = "input";
    if (seen[stem]++) stem += "_" + std::to_string(seen[stem]);  // photos with the same name
    inputs.push_back({path, stem});
  }
  if (!a.manifest.empty()) {
    auto entries = pipeline::ReadManifest(a.manifest, a.split);
    if (!entries.ok()) return Fail(entries.status());
    for (const auto& e : *entries) inputs.push_back({e.image_path, e.id});
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "img2cad predict: give IMAGE paths or --manifest\n");
    return kExitUsage;
  }
  if (a.index_path.empty()) a.index_path = pipeline::DefaultIndexPath();
  if (a.index_path.empty()) {
    return Fail(
        core::Status(core::StatusCode::kNotFound,
                     "no retrieval index: models/retrieval/index.bin is missing; pass --index"));
  }
  auto index = retrieval::Index::Load(a.index_path);
  if (!index.ok()) return Fail(index.status());
  a.options.out_dir = a.out_dir;
  auto results = pipeline::PredictAll(inputs, *index, a.options);
  if (!results.ok()) return Fail(results.status());
  int failed = 0;
  for (const auto& r : *results) {
    if (!r.ok) {
      ++failed;
      std::fprintf(stderr, "img2cad: error: %s\n", r.error.c_str());
    }
  }
  std::fprintf(stderr, "predict: %zu inputs, %zu succeeded, %d failed; see %s/summary.json\n",
               results->size(), results->size() - failed, failed, a.out_dir.c_str());
  return failed ? kExitPartial : kExitOk;
}

int RunEval(const pipeline::EvalOptions& o) {
  auto s = pipeline::Evaluate(o);
  if (!s.ok()) return Fail(s.status());
  std::printf(
      "eval: %d samples, %d valid, %d missing, %d invalid; CD paper mean %.4f, field mean %.3f; "
      "report in %s/report.md\n",
      s->n, s->n_valid, s->n_missing, s->n_invalid, s->cd_paper_mean, s->cd_field_mean,
      o.out_dir.c_str());
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"img2cad: one photo of a piece of furniture in, an editable CAD model out.",
               "img2cad"};
  app.footer(kExitCodesHelp);
  app.set_version_flag("--version",
                       "img2cad 0.1.0 (program format img2cad.program/1, vocabulary v" +
                           std::to_string(program::kVocabularyVersion) + ")");
  app.require_subcommand(1);

  BuildArgs build;
  CLI::App* build_cmd = app.add_subcommand(
      "build", "Build a program into checked solids and write STEP, GLB, STL and OBJ.");
  build_cmd
      ->add_option("PROGRAM", build.program_path,
                   "program JSON (img2cad.program/1), or - for stdin")
      ->required();
  build_cmd->add_option("-o,--out", build.out_dir, "output directory (created if missing)")
      ->required();
  build_cmd->add_option("--formats", build.formats, "comma-separated subset of step,glb,stl,obj")
      ->capture_default_str();
  build_cmd->add_flag("--json", build.json,
                      "print a JSON summary: per-part volume, bounds, validity");
  build_cmd->add_flag("-q,--quiet", build.quiet, "print nothing on success");
  build_cmd->add_flag("--strict", build.strict,
                      "run the self-interference check (BRepAlgoAPI_Check) on every part, not only "
                      "on parts made with booleans");
  build_cmd
      ->add_option("--linear-deflection", build.mesh.linear_deflection_mm,
                   "mesh chord tolerance for GLB/STL/OBJ, mm")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  build_cmd
      ->add_option("--angular-deflection", build.mesh.angular_deflection_deg,
                   "mesh angle tolerance for GLB/STL/OBJ, degrees")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  build_cmd->footer(
      "Writes DIR/model.step (AP214, one named, coloured solid per part, mm), model.glb (y-up, "
      "m),\n"
      "model.stl and model.obj + model.mtl (z-up, mm). Nothing is written unless everything\n"
      "succeeds.\n" +
      std::string(kExitCodesHelp));

  CheckArgs check;
  CLI::App* check_cmd = app.add_subcommand(
      "check", "Validate a program (format, labels, geometry, kernel) and print its structure.");
  check_cmd->add_option("PROGRAM", check.program_path, "program JSON, or - for stdin")->required();
  check_cmd->add_flag("--json", check.json, "print the structure as img2cad.structure/1 JSON");
  check_cmd->add_flag("--no-kernel", check.no_kernel,
                      "skip building with OpenCASCADE (format, label and sketch checks only)");
  check_cmd->footer(kExitCodesHelp);

  RenderArgs render_args;
  double azimuth = 0, elevation = 0;
  CLI::App* render_cmd =
      app.add_subcommand("render", "Render a program to a PNG with the synthetic-data renderer.");
  render_cmd->add_option("PROGRAM", render_args.program_path, "program JSON, or - for stdin")
      ->required();
  render_cmd->add_option("-o,--out", render_args.out_path, "output PNG")->required();
  CLI::Option* az_opt =
      render_cmd->add_option("--azimuth", azimuth, "view azimuth in degrees (0: from the front)");
  CLI::Option* el_opt =
      render_cmd->add_option("--elevation", elevation, "view elevation in degrees above the floor")
          ->check(CLI::Range(-89.0, 89.0));
  render_cmd->add_option("--size", render_args.request.size, "image width and height, pixels")
      ->capture_default_str()
      ->check(CLI::Range(8, 4096));
  render_cmd
      ->add_option("--seed", render_args.request.seed,
                   "seed of the randomised scene (camera, light, materials, backdrop, noise)")
      ->capture_default_str();
  render_cmd->add_flag("--clean", render_args.request.clean,
                       "neutral studio scene: no clutter, noise or random materials");
  render_cmd->add_flag("--maps", render_args.maps,
                       "also write IMG.mask.png, IMG.depth.png and IMG.parts.png");
  render_cmd->footer(kExitCodesHelp);

  pipeline::SynthOptions synth_options;
  std::string synth_split;
  bool synth_quiet = false;
  CLI::App* synth_cmd = app.add_subcommand(
      "synth", "Generate a synthetic dataset: programs, rendered photos and a manifest.");
  synth_cmd->add_option("--category", synth_options.category, "chair, table or storage")
      ->required();
  synth_cmd->add_option("--count", synth_options.count, "number of samples")
      ->required()
      ->check(CLI::NonNegativeNumber);
  synth_cmd
      ->add_option("--seed", synth_options.first_seed,
                   "first seed; sample k uses seed + k (offset by the split's range with --split)")
      ->capture_default_str();
  synth_cmd->add_option("--split", synth_split,
                        "train (seeds 0-999999), val (1000000-1099999) or test (1100000-1199999)");
  synth_cmd
      ->add_option("--out", synth_options.out_dir, "dataset folder (created; resumed if it exists)")
      ->required();
  synth_cmd->add_option("--image-size", synth_options.image_size, "image width and height, pixels")
      ->capture_default_str()
      ->check(CLI::Range(8, 4096));
  synth_cmd->add_option("--threads", synth_options.threads, "parallel workers")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  synth_cmd->add_flag("--maps", synth_options.maps, "also write mask, depth and part-id maps");
  synth_cmd->add_flag("-q,--quiet", synth_quiet, "no progress or summary unless something failed");
  synth_cmd->footer(
      "Writes DIR/manifest.jsonl, DIR/programs/ID.json and DIR/images/ID.png. The same arguments\n"
      "give identical files; rerunning over an existing DIR makes only the missing samples.\n" +
      std::string(kExitCodesHelp));

  PredictArgs predict_args;
  CLI::App* predict_cmd = app.add_subcommand(
      "predict", "Photos in, CAD out: program, STEP, GLB, STL, OBJ and a preview per image.");
  predict_cmd->add_option("IMAGE", predict_args.images,
                          "PNG or JPEG photos (any size; grey, RGB or RGBA)");
  predict_cmd->add_option("-o,--out", predict_args.out_dir, "output folder: OUT/<stem>/ per input")
      ->required();
  predict_cmd->add_option("--method", predict_args.method, "prediction method")
      ->capture_default_str();
  predict_cmd->add_option("--index", predict_args.index_path,
                          "retrieval index (default: models/retrieval/index.bin)");
  predict_cmd->add_option(
      "--manifest", predict_args.manifest,
      "predict a dataset's images instead: DATASET/manifest.jsonl, into OUT/<id>/");
  predict_cmd->add_option("--split", predict_args.split, "with --manifest: only this split");
  predict_cmd->add_option("--threads", predict_args.options.threads, "parallel workers")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  predict_cmd
      ->add_option("--preview-size", predict_args.options.preview_size, "preview.png size, pixels")
      ->capture_default_str()
      ->check(CLI::Range(16, 4096));
  predict_cmd->footer(
      "Writes OUT/<stem>/program.json, model.step, model.glb, model.stl, model.obj, preview.png "
      "and\n"
      "OUT/summary.json (status and per-stage timing of every input). An unreadable input is\n"
      "reported and skipped. " +
      std::string(kExitCodesHelp));

  std::string index_data, index_split = "train", index_out;
  CLI::App* index_cmd =
      app.add_subcommand("index", "Build a retrieval index from a synthetic dataset.");
  index_cmd->add_option("--data", index_data, "dataset folder")->required();
  index_cmd->add_option("--split", index_split, "split to index (\"\" for all)")
      ->capture_default_str();
  index_cmd->add_option("--out", index_out, "output folder: index.bin and index.json")->required();
  index_cmd->footer(kExitCodesHelp);

  pipeline::EvalOptions eval_options;
  CLI::App* eval_cmd = app.add_subcommand("eval", "Score predicted programs against a dataset.");
  eval_cmd->add_option("--data", eval_options.data, "dataset folder (ground truth)")->required();
  eval_cmd->add_option("--pred", eval_options.pred_dir, "predictions: PRED/<id>/program.json")
      ->required();
  eval_cmd
      ->add_option("--out", eval_options.out_dir, "report folder: metrics.json, report.md, grids")
      ->required();
  eval_cmd->add_option("--split", eval_options.split, "only this split of the dataset");
  eval_cmd->add_option("--threads", eval_options.threads, "parallel workers")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  eval_cmd->footer(kExitCodesHelp);

  std::string labels_category;
  bool labels_json = false;
  CLI::App* labels_cmd = app.add_subcommand("labels", "Print the part-label vocabularies.");
  labels_cmd->add_option("--category", labels_category, "only this category");
  labels_cmd->add_flag("--json", labels_json, "print JSON");
  labels_cmd->footer(kExitCodesHelp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (*build_cmd) return RunBuild(build);
  if (*check_cmd) return RunCheck(check);
  if (*labels_cmd) return RunLabels(labels_category, labels_json);
  if (*synth_cmd) return RunSynth(synth_options, synth_split, synth_quiet);
  if (*predict_cmd) return RunPredict(predict_args);
  if (*index_cmd) return RunIndex(index_data, index_split, index_out);
  if (*eval_cmd) return RunEval(eval_options);
  if (*render_cmd) {
    if (*az_opt) render_args.request.azimuth_deg = azimuth;
    if (*el_opt) render_args.request.elevation_deg = elevation;
    return RunRender(render_args);
  }
  return kExitUsage;
}
