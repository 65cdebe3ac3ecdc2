#include "pipeline/dataset.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cad/model.h"
#include "core/file_io.h"
#include "core/rng.h"
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

std::string SampleId(const std::string& category, uint64_t seed) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s_%08llu", category.c_str(),
                static_cast<unsigned long long>(seed));
  return buf;
}

uint64_t CategoryStream(const std::string& category) {
  const auto& cats = program::Categories();
  return static_cast<uint64_t>(std::find(cats.begin(), cats.end(), category) - cats.begin()) + 1;
}

double Round3(double v) { return std::round(v * 1000) / 1000; }

// Makes, renders and writes one sample; returns its manifest line.
SampleResult MakeSample(const SynthOptions& o, uint64_t seed, render::Renderer* renderer) {
  SampleResult r;
  r.seed = seed;
  r.id = SampleId(o.category, seed);
  auto fail = [&](const core::Status& s) {
    r.status = s;
    return r;
  };
  auto sample = synth::Generate(o.category, seed);
  if (!sample.ok()) return fail(sample.status());
  cad::BuildOptions build;
  build.num_threads = 1;  // parallelism is across samples
  auto model = cad::BuildModel(sample->program, build);
  if (!model.ok()) return fail(model.status());
  RenderRequest req;
  req.size = o.image_size;
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
  Json maps;
  if (o.maps) {
    const std::string stem = "images/" + r.id;
    if (auto s = add_png(stem + ".mask.png", frame->mask); !s.ok()) return fail(s);
    if (auto s = add_png(stem + ".depth.png", render::DepthImage(*frame)); !s.ok()) return fail(s);
    if (auto s = add_png(stem + ".parts.png", render::PartIdImage(*frame)); !s.ok()) return fail(s);
    maps = {{"mask", stem + ".mask.png"},
            {"depth", stem + ".depth.png"},
            {"parts", stem + ".parts.png"}};
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
  Json line;
  line["id"] = r.id;
  line["category"] = o.category;
  line["seed"] = seed;
  line["split"] = SplitOfSeed(seed);
  line["style"] = sample->style;
  line["symmetry"] = program::SymmetryName(sample->program.symmetry);
  line["program"] = program_rel;
  line["image"] = image_rel;
  line["camera"] = {
      {"azimuth_deg", Round3(azimuth)},
      {"elevation_deg", Round3(std::atan2(dz, std::hypot(dx, dy)) * deg)},
      {"fov_y_deg", Round3(c.fov_y_deg)},
      {"position_mm", {Round3(c.position[0]), Round3(c.position[1]), Round3(c.position[2])}},
      {"target_mm", {Round3(c.target[0]), Round3(c.target[1]), Round3(c.target[2])}},
      {"image_size", o.image_size}};
  if (o.maps) line["maps"] = maps;
  r.manifest_line = line.dump();
  return r;
}

// Ids already in the manifest; rewrites it without a torn last line from an interrupted run.
core::Result<std::set<std::string>> LoadManifest(const std::string& path) {
  std::set<std::string> ids;
  if (!fs::exists(path)) return ids;
  IMG2CAD_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  std::string kept;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool complete = end != std::string::npos;
    if (!complete) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (!complete || line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("id") || !j["id"].is_string()) continue;
    ids.insert(j["id"].get<std::string>());
    kept += line + "\n";
  }
  if (kept != text) IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic(path, kept));
  return ids;
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

const char* SplitOfSeed(uint64_t seed) {
  if (seed < kValFirstSeed) return "train";
  if (seed < kTestFirstSeed) return "val";
  if (seed < kExtraFirstSeed) return "test";
  return "extra";
}

bool SplitFirstSeed(const std::string& split, uint64_t* seed) {
  if (split == "train")
    *seed = 0;
  else if (split == "val")
    *seed = kValFirstSeed;
  else if (split == "test")
    *seed = kTestFirstSeed;
  else
    return false;
  return true;
}

core::Result<SynthReport> WriteSynthDataset(const SynthOptions& o, const ProgressFn& progress) {
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
  std::vector<uint64_t> todo;
  for (int k = 0; k < o.count; ++k) {
    const uint64_t seed = o.first_seed + static_cast<uint64_t>(k);
    if (done.count(SampleId(o.category, seed))) {
      ++report.skipped;
    } else {
      todo.push_back(seed);
    }
  }
  const int threads = std::max(1, o.threads);
  std::vector<std::unique_ptr<render::Renderer>> renderers;
  for (int t = 0; t < threads; ++t) renderers.push_back(std::make_unique<render::Renderer>());
  if (progress) progress(report.skipped, o.count);
  for (size_t begin = 0; begin < todo.size(); begin += kChunk) {
    const size_t end = std::min(todo.size(), begin + kChunk);
    std::vector<SampleResult> results(end - begin);
    std::atomic<size_t> next{begin};
    auto worker = [&](int t) {
      for (size_t i = next++; i < end; i = next++)
        results[i - begin] = MakeSample(o, todo[i], renderers[t].get());
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
    worker(0);
    for (auto& th : pool) th.join();
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
