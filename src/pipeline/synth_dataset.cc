#include "pipeline/synth_dataset.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "cad/model.h"
#include "core/file_io.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "dataset/manifest.h"
#include "pipeline/render_program.h"
#include "program/json_io.h"
#include "program/vocabulary.h"
#include "render/renderer.h"
#include "synth/generator.h"

namespace img2cad::pipeline {

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::ordered_json;

// Samples are computed in parallel in chunks and written in seed order, so the manifest does not
// depend on scheduling.
constexpr int kChunk = 32;

struct SampleResult {
  uint64_t seed = 0;
  std::string id;
  core::Status status;
  std::string manifest_line;  // on success
};

uint64_t CategoryStream(const std::string& category) {
  const auto& cats = program::Categories();
  return static_cast<uint64_t>(std::find(cats.begin(), cats.end(), category) - cats.begin()) + 1;
}

core::Result<synth::Sample> GenerateFor(const SynthOptions& o, uint64_t seed) {
  synth::GenerateOptions gen;
  gen.lounge = o.lounge;
  return synth::Generate(o.category, seed, gen);
}

// Makes, renders and writes one sample; returns its manifest line.
SampleResult MakeSample(const SynthOptions& o, uint64_t seed, render::Renderer* renderer) {
  SampleResult r;
  r.seed = seed;
  r.id = dataset::SampleId(o.category, seed);
  auto fail = [&](const core::Status& s) {
    r.status = s;
    return r;
  };
  auto sample = GenerateFor(o, seed);
  if (!sample.ok()) return fail(sample.status());
  // Samples run in parallel, so the budget is spent and the parts build on this thread.
  auto model = cad::BuildModel(sample->program);
  if (!model.ok()) return fail(model.status());
  RenderRequest req;
  req.size = o.image_size;
  req.shelf_contents = o.shelf_contents;
  req.quilted = o.quilted;
  req.panelled = o.panelled;
  // The scene's stream depends on the category too, so chair k and table k look unrelated.
  req.seed = core::MixSeed(core::MixSeed(seed, 0x5eed), CategoryStream(o.category));
  render::Scene scene;
  auto frame = RenderModel(*model, req, renderer, &scene);
  if (!frame.ok()) return fail(frame.status());

  const std::string program_rel = "programs/" + r.id + ".json";
  const std::string image_rel = "images/" + r.id + ".png";
  std::vector<std::pair<std::string, std::string>> files;  // relative path, bytes
  files.push_back({program_rel, program::ProgramToJson(sample->program)});
  auto add_png = [&](const std::string& rel, const image::Image& img) -> core::Status {
    auto png = image::EncodePng(img);
    if (!png.ok()) return png.status();
    files.push_back({rel, *png});
    return core::OkStatus();
  };
  if (auto s = add_png(image_rel, frame->rgb); !s.ok()) return fail(s);
  dataset::MapPaths maps;
  if (o.maps) {
    const std::string stem = "images/" + r.id;
    maps = {stem + ".mask.png", stem + ".depth.png", stem + ".parts.png"};
    if (auto s = add_png(maps.mask, frame->mask); !s.ok()) return fail(s);
    if (auto s = add_png(maps.depth, render::DepthImage(*frame)); !s.ok()) return fail(s);
    if (auto s = add_png(maps.parts, render::PartIdImage(*frame)); !s.ok()) return fail(s);
  }
  for (const auto& [rel, bytes] : files) {
    if (auto s = core::WriteFileAtomic((fs::path(o.out_dir) / rel).string(), bytes); !s.ok())
      return fail(s);
  }

  const render::Camera& c = scene.camera;
  const double dx = c.position[0] - c.target[0], dy = c.position[1] - c.target[1],
               dz = c.position[2] - c.target[2];
  const double deg = 180 / 3.14159265358979;
  double azimuth = std::atan2(dx, -dy) * deg;
  if (azimuth < 0) azimuth += 360;
  dataset::ManifestEntry entry;
  entry.id = r.id;
  entry.category = o.category;
  entry.seed = seed;
  entry.split = dataset::SplitOfSeed(seed);
  entry.style = sample->style;
  entry.symmetry = program::SymmetryName(sample->program.symmetry);
  entry.program_path = program_rel;
  entry.image_path = image_rel;
  dataset::CameraRecord camera;
  camera.azimuth_deg = azimuth;
  camera.elevation_deg = std::atan2(dz, std::hypot(dx, dy)) * deg;
  camera.fov_y_deg = c.fov_y_deg;
  camera.position_mm = {c.position[0], c.position[1], c.position[2]};
  camera.target_mm = {c.target[0], c.target[1], c.target[2]};
  camera.image_size = o.image_size;
  entry.camera = camera;
  if (o.maps) entry.maps = maps;
  entry.renderer = render::kRendererVersion;
  r.manifest_line = dataset::ManifestEntryToJson(entry);
  return r;
}

// Ids already in the manifest; rewrites it without a torn last line from an interrupted run.
// Images are not re-rendered to check them, so a line drawn by another renderer version is
// refused here (its program may still be what the generator makes).
core::Result<std::set<std::string>> LoadManifest(const std::string& path) {
  std::set<std::string> ids;
  if (!fs::exists(path)) return ids;
  IMG2CAD_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  std::string kept;
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool complete = end != std::string::npos;
    if (!complete) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!complete || line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("id") || !j["id"].is_string()) continue;
    const int renderer = j.value("renderer", 1);
    if (renderer != render::kRendererVersion) {
      return core::Status(core::StatusCode::kInvalidArgument,
                          "sample '" + j["id"].get<std::string>() + "' was drawn by renderer " +
                              std::to_string(renderer) + ", this build renders version " +
                              std::to_string(render::kRendererVersion) +
                              "; make the dataset in a new folder, or delete this one",
                          "line " + std::to_string(line_no), path);
    }
    ids.insert(j["id"].get<std::string>());
    kept += line + "\n";
  }
  if (kept != text) IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic(path, kept));
  return ids;
}

// A resumed folder must hold what this generator makes: a sample written by an older generator
// (or with other --lounge options) would otherwise be kept silently beside new ones, and a
// dataset made from a clean clone would differ from this one. Every kept sample's program is
// compared with the one its seed gives now (programs are cheap; images are not re-rendered).
core::Status CheckKeptSamples(const SynthOptions& o, const std::vector<uint64_t>& seeds) {
  std::vector<core::Status> results(seeds.size());
  core::ParallelFor(seeds.size(), o.threads, [&](size_t k, int) {
    const std::string rel = "programs/" + dataset::SampleId(o.category, seeds[k]) + ".json";
    const std::string path = (fs::path(o.out_dir) / rel).string();
    auto kept = core::ReadFile(path);
    if (!kept.ok()) {
      results[k] = kept.status();
      return;
    }
    auto now = GenerateFor(o, seeds[k]);
    if (!now.ok()) {
      results[k] = now.status();
      return;
    }
    if (*kept != program::ProgramToJson(now->program)) {
      results[k] = core::Status(
          core::StatusCode::kInvalidArgument,
          "listed in the manifest, but the generator now makes another program for seed " +
              std::to_string(seeds[k]) +
              " (the folder was made by another version of the generators, or with other "
              "options); make the dataset in a new folder, or delete this one",
          "", path);
    }
  });
  for (const core::Status& s : results) IMG2CAD_RETURN_IF_ERROR(s);
  return core::OkStatus();
}

core::Status AppendLines(const std::string& path, const std::string& lines) {
  if (lines.empty()) return core::OkStatus();
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << lines;
  out.flush();
  if (!out) return core::Status(core::StatusCode::kIo, "cannot append to the manifest", "", path);
  return core::OkStatus();
}

}  // namespace

core::Result<SynthReport> WriteSynthDataset(const SynthOptions& o,
                                            const dataset::ProgressFn& progress) {
  using core::Status;
  using core::StatusCode;
  if (!program::IsKnownCategory(o.category)) {
    return Status(StatusCode::kInvalidArgument,
                  "unknown category '" + o.category + "' (known: chair, table, storage)",
                  "--category");
  }
  if (o.count < 0) return Status(StatusCode::kInvalidArgument, "count must be >= 0", "--count");
  if (o.image_size < 8 || o.image_size > 4096) {
    return Status(StatusCode::kInvalidArgument, "image size must be 8..4096", "--image-size");
  }
  if (!(o.shelf_contents >= 0 && o.shelf_contents <= 1)) {
    return Status(StatusCode::kInvalidArgument, "shelf contents share must be in 0..1",
                  "--shelf-contents");
  }
  if (!(o.quilted >= 0 && o.quilted <= 1)) {
    return Status(StatusCode::kInvalidArgument, "quilted share must be in 0..1", "--quilted");
  }
  if (!(o.panelled >= 0 && o.panelled <= 1)) {
    return Status(StatusCode::kInvalidArgument, "panelled share must be in 0..1", "--panelled");
  }
  if (!(o.lounge >= 0 && o.lounge <= 1)) {
    return Status(StatusCode::kInvalidArgument, "lounge share must be in 0..1", "--lounge");
  }
  for (const char* sub : {"programs", "images"}) {
    std::error_code ec;
    fs::create_directories(fs::path(o.out_dir) / sub, ec);
    if (ec)
      return Status(StatusCode::kIo, "cannot create directory: " + ec.message(), "", o.out_dir);
  }
  const std::string manifest = (fs::path(o.out_dir) / "manifest.jsonl").string();
  const std::string failures = (fs::path(o.out_dir) / "failures.jsonl").string();
  IMG2CAD_ASSIGN_OR_RETURN(std::set<std::string> done, LoadManifest(manifest));
  // Earlier failures are retried, so their old records go.
  std::error_code ec;
  fs::remove(failures, ec);

  SynthReport report;
  std::vector<uint64_t> todo, kept;
  for (int k = 0; k < o.count; ++k) {
    const uint64_t seed = o.first_seed + static_cast<uint64_t>(k);
    (done.count(dataset::SampleId(o.category, seed)) ? kept : todo).push_back(seed);
  }
  IMG2CAD_RETURN_IF_ERROR(CheckKeptSamples(o, kept));
  report.skipped = static_cast<int>(kept.size());
  // One renderer per worker, made when the worker first needs it.
  std::vector<std::unique_ptr<render::Renderer>> renderers(core::MaxWorkers(o.threads));
  if (progress) progress(report.skipped, o.count);
  for (size_t begin = 0; begin < todo.size(); begin += kChunk) {
    const size_t end = std::min(todo.size(), begin + kChunk);
    std::vector<SampleResult> results(end - begin);
    core::ParallelFor(end - begin, o.threads, [&](size_t k, int worker) {
      auto& renderer = renderers[worker];
      if (!renderer) renderer = std::make_unique<render::Renderer>();
      results[k] = MakeSample(o, todo[begin + k], renderer.get());
    });
    std::string lines, failed;
    for (const SampleResult& r : results) {
      if (r.status.ok()) {
        lines += r.manifest_line + "\n";
        ++report.written;
      } else {
        failed +=
            Json{{"id", r.id}, {"seed", r.seed}, {"error", r.status.ToString()}}.dump() + "\n";
        ++report.failed;
      }
    }
    IMG2CAD_RETURN_IF_ERROR(AppendLines(manifest, lines));
    IMG2CAD_RETURN_IF_ERROR(AppendLines(failures, failed));
    if (progress) progress(report.skipped + report.written + report.failed, o.count);
  }
  if (!fs::exists(manifest)) IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic(manifest, ""));
  return report;
}

}  // namespace img2cad::pipeline
