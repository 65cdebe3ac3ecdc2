#include "pipeline/predict.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "cad/export.h"
#include "core/file_io.h"
#include "core/json_format.h"
#include "image/image.h"
#include "pipeline/manifest.h"
#include "pipeline/render_program.h"
#include "program/json_io.h"

namespace img2cad::pipeline {

namespace fs = std::filesystem;

namespace {

double MsSince(std::chrono::steady_clock::time_point& t) {
  const auto now = std::chrono::steady_clock::now();
  const double ms = std::chrono::duration<double, std::milli>(now - t).count();
  t = now;
  return ms;
}

PredictOutcome PredictOne(const PredictInput& in, const retrieval::Index& index,
                          const PredictOptions& o, render::Renderer* renderer) {
  PredictOutcome r;
  r.name = in.name;
  r.image_path = in.image_path;
  auto fail = [&](const core::Status& s) {
    r.error = s.ToString();
    return r;
  };
  auto t = std::chrono::steady_clock::now();
  auto img = image::ReadImage(in.image_path);
  if (!img.ok()) return fail(img.status());
  if (img->width < 8 || img->height < 8) {
    return fail(core::Status(core::StatusCode::kInvalidArgument,
                             "image is " + std::to_string(img->width) + "x" +
                                 std::to_string(img->height) + "; at least 8x8 pixels are needed",
                             "", in.image_path));
  }
  r.ms_load = MsSince(t);
  const std::vector<float> d = retrieval::Describe(*img);
  r.ms_describe = MsSince(t);
  float distance = 0;
  const retrieval::Entry& e = index.Nearest(d, &distance);
  r.ms_search = MsSince(t);
  r.neighbour = e.id;
  r.category = e.category;
  r.distance = distance;
  auto program = program::ParseProgram(e.program_json, "index entry " + e.id);
  if (!program.ok()) return fail(program.status());
  cad::BuildOptions build;
  build.num_threads = 1;  // inputs run in parallel
  auto model = cad::BuildModel(*program, build);
  if (!model.ok()) return fail(model.status());
  r.ms_build = MsSince(t);
  const fs::path dir = fs::path(o.out_dir) / in.name;
  auto files = cad::ExportModel(*model, dir.string(), cad::AllFormats());
  if (!files.ok()) return fail(files.status());
  if (auto s =
          core::WriteFileAtomic((dir / "program.json").string(), program::ProgramToJson(*program));
      !s.ok()) {
    return fail(s);
  }
  r.ms_export = MsSince(t);
  RenderRequest req;
  req.size = o.preview_size;
  req.clean = true;
  req.azimuth_deg = e.azimuth_deg;
  req.elevation_deg = e.elevation_deg;
  auto frame = RenderModel(*model, req, renderer);
  if (!frame.ok()) return fail(frame.status());
  if (auto s = image::WritePng((dir / "preview.png").string(), frame->rgb); !s.ok()) return fail(s);
  r.ms_preview = MsSince(t);
  r.ok = true;
  return r;
}

}  // namespace

core::Result<retrieval::Index> BuildIndex(const std::string& dataset, const std::string& split,
                                          IndexReport* report) {
  IMG2CAD_ASSIGN_OR_RETURN(auto entries, ReadManifest(dataset, split));
  retrieval::Index index;
  for (const ManifestEntry& m : entries) {
    auto img = image::ReadImage(m.image_path);
    auto text = core::ReadFile(m.program_path);
    core::Status s = !img.ok() ? img.status() : text.status();
    if (s.ok()) s = program::ParseProgram(*text, m.program_path).status();
    if (!s.ok()) {
      ++report->failed;
      report->failures.push_back(m.id + ": " + s.ToString());
      continue;
    }
    index.Add({m.id, m.category, static_cast<float>(m.azimuth_deg),
               static_cast<float>(m.elevation_deg), retrieval::Describe(*img), *text});
    ++report->added;
  }
  return index;
}

std::string DefaultIndexPath() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("IMG2CAD_MODELS"))
    candidates.push_back(fs::path(env) / "retrieval" / "index.bin");
  char exe[4096];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    exe[n] = '\0';
    const fs::path dir = fs::path(exe).parent_path();
    candidates.push_back(dir / ".." / "models" / "retrieval" / "index.bin");
    candidates.push_back(dir / "models" / "retrieval" / "index.bin");
  }
  candidates.push_back(fs::path("models") / "retrieval" / "index.bin");
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::exists(c, ec)) return fs::weakly_canonical(c, ec).string();
  }
  return "";
}

core::Result<std::vector<PredictOutcome>> PredictAll(const std::vector<PredictInput>& inputs,
                                                     const retrieval::Index& index,
                                                     const PredictOptions& o) {
  if (index.size() == 0) {
    return core::Status(core::StatusCode::kInvalidArgument, "the retrieval index is empty");
  }
  core::AtomicOutputs out;
  IMG2CAD_RETURN_IF_ERROR(out.CreateDirectory(o.out_dir));
  std::vector<PredictOutcome> results(inputs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    render::Renderer renderer;
    for (size_t i = next++; i < inputs.size(); i = next++)
      results[i] = PredictOne(inputs[i], index, o, &renderer);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, o.threads); ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();

  nlohmann::ordered_json summary;
  int ok = 0;
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    ok += r.ok;
    nlohmann::ordered_json j = {
        {"name", r.name}, {"input", r.image_path}, {"status", r.ok ? "ok" : "failed"}};
    if (!r.ok) j["error"] = r.error;
    if (r.ok) {
      j["category"] = r.category;
      j["retrieved"] = r.neighbour;
      j["descriptor_distance"] = std::round(r.distance * 1e4) / 1e4;
      j["files"] = {"program.json", "model.step", "model.glb",  "model.stl",
                    "model.obj",    "model.mtl",  "preview.png"};
    }
    auto ms = [](double v) { return std::round(v * 100) / 100; };
    j["timing_ms"] = {{"load", ms(r.ms_load)},     {"describe", ms(r.ms_describe)},
                      {"search", ms(r.ms_search)}, {"build", ms(r.ms_build)},
                      {"export", ms(r.ms_export)}, {"preview", ms(r.ms_preview)}};
    items.push_back(j);
  }
  summary["method"] = "retrieval";
  summary["inputs"] = inputs.size();
  summary["succeeded"] = ok;
  summary["failed"] = static_cast<int>(inputs.size()) - ok;
  summary["results"] = items;
  IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic((fs::path(o.out_dir) / "summary.json").string(),
                                                core::FormatJson(summary)));
  IMG2CAD_RETURN_IF_ERROR(out.Commit());
  return results;
}

}  // namespace img2cad::pipeline
