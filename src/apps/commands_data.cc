// synth, index, predict, eval: the commands that work on datasets and batches of photos.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "apps/commands.h"
#include "core/file_io.h"
#include "core/json_format.h"
#include "core/model_locator.h"
#include "dataset/manifest.h"
#include "image/image.h"
#include "nn/category_probe.h"
#include "nn/mask_refiner.h"
#include "nn/object_detector.h"
#include "pipeline/retrieval_method.h"
#include "program/vocabulary.h"
#include "retrieval/retrieval.h"
#include "segment/segmenter.h"

namespace img2cad::apps {

namespace {

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
    const int eta = rate > 0 ? static_cast<int>((total - done) / rate + 0.5) : 0;
    char eta_text[32] = "";
    if (rate > 0 && done < total)
      std::snprintf(eta_text, sizeof(eta_text), " ETA %dm%02ds", eta / 60, eta % 60);
    if (tty_) {
      const int width = 30, filled = total ? width * done / total : width;
      std::fprintf(stderr, "\r%s [%s%s] %d/%d %.1f/s%s   ", what_.c_str(),
                   std::string(filled, '=').c_str(), std::string(width - filled, ' ').c_str(), done,
                   total, rate, eta_text);
      if (done == total) std::fprintf(stderr, "\n");
    } else if (total > 0 && (done * 10 / total > last_decile_ || done == total)) {
      last_decile_ = done * 10 / total;
      std::fprintf(stderr, "%s: %d/%d (%.1f/s)%s\n", what_.c_str(), done, total, rate, eta_text);
    }
  }

 private:
  std::string what_;
  bool tty_;
  int first_ = -1, last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

int RunSynth(pipeline::SynthOptions o, const std::string& split) {
  const bool quiet = Quiet();
  if (!split.empty()) {
    uint64_t first;
    if (!dataset::SplitFirstSeed(split, &first)) {
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

int RunIndex(const IndexArgs& a) {
  pipeline::IndexReport report;
  auto index = pipeline::BuildIndex(a.data, a.split, &report);
  if (!index.ok()) return Fail(index.status());
  for (const auto& f : report.failures) std::fprintf(stderr, "img2cad: error: %s\n", f.c_str());
  if (index->size() == 0) {
    return Fail(
        core::Status(core::StatusCode::kInvalidArgument, "no usable sample to index", "", a.data));
  }
  retrieval::IndexProvenance provenance{a.data, a.split, ""};
  if (!a.metrics.empty()) {
    auto text = core::ReadFile(a.metrics);
    if (!text.ok()) return Fail(text.status());
    provenance.metrics_json = *text;
  }
  auto card = retrieval::ModelJson(*index, provenance);
  if (!card.ok()) return Fail(card.status().WithFile(a.metrics));
  core::AtomicOutputs out;
  if (auto s = out.CreateDirectory(a.out_dir); !s.ok()) return Fail(s);
  const std::string bin = (std::filesystem::path(a.out_dir) / "index.bin").string();
  if (auto s = index->Save(out.Stage(bin)); !s.ok()) return Fail(s.WithFile(bin));
  const std::string json = (std::filesystem::path(a.out_dir) / "model.json").string();
  if (auto s = core::WriteFileAtomic(out.Stage(json), *card); !s.ok()) return Fail(s);
  if (auto s = out.Commit(); !s.ok()) return Fail(s);
  if (!Quiet() || report.failed) {
    std::fprintf(stderr, "index: %zu entries, %d failed\n", index->size(), report.failed);
  }
  return report.failed ? kExitPartial : kExitOk;
}

int RunPredict(PredictArgs a) {
  std::vector<pipeline::PredictInput> inputs;
  std::map<std::string, int> seen;
  for (const auto& path : a.images) {
    std::string stem = std::filesystem::path(path).stem().string();
    if (stem.empty()) stem = "input";
    if (seen[stem]++) stem += "_" + std::to_string(seen[stem]);  // photos with the same name
    inputs.push_back({path, stem, std::nullopt});
  }
  if (!a.manifest.empty()) {
    auto entries = dataset::ReadManifest(a.manifest, a.split);
    if (!entries.ok()) return Fail(entries.status());
    for (auto& e : *entries) inputs.push_back({e.image_path, e.id, e});
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "img2cad predict: give IMAGE paths or --manifest\n");
    return kExitUsage;
  }
  // Finding the object: a given mask wins; ISNet falls back to the border model, once, loudly.
  std::optional<image::Image> mask;
  if (!a.mask.empty()) {
    if (inputs.size() != 1) {
      std::fprintf(stderr, "img2cad predict: --mask needs exactly one IMAGE\n");
      return kExitUsage;
    }
    auto m = image::ReadImage(a.mask);
    if (!m.ok()) return Fail(m.status());
    mask = std::move(m).value();
    a.options.find.mask = &*mask;
  }
  // A model that is not there: said once on stderr and in summary.json, and the run goes on.
  auto warn_missing = [&](const std::string& what, const core::Status& why,
                          const std::string& instead) {
    const std::string warning = what + " is not available (" + why.ToString() + "); " + instead;
    std::fprintf(stderr, "img2cad: warning: %s\n", warning.c_str());
    a.options.warnings.push_back(warning);
  };
  pipeline::ParseSegmenter(a.segmenter, &a.options.find.segmenter);
  a.options.find.plain_backdrop = a.backdrop == "plain";
  std::optional<segment::Segmenter> isnet;
  if (a.options.find.segmenter == pipeline::SegmenterKind::kIsnet) {
    auto path = core::FindModelFile("segmenter", "isnet.onnx");
    auto loaded = path.ok() ? segment::Segmenter::Load(*path)
                            : core::Result<segment::Segmenter>(path.status());
    if (loaded.ok()) {
      isnet = std::move(loaded).value();
      a.options.find.isnet = &*isnet;
    } else {
      warn_missing("the ISNet segmenter", loaded.status(),
                   "using the border model. scripts/fetch_segmenter brings it.");
      a.options.find.segmenter = pipeline::SegmenterKind::kBorder;
    }
  }
  std::optional<nn::MaskRefiner> refiner;
  if (a.options.find.isnet && a.mask_refiner == "on") {
    auto path = core::FindModelFile("mask_refiner", "model.json");
    auto loaded = path.ok() ? nn::MaskRefiner::Load(std::filesystem::path(*path).parent_path())
                            : core::Result<nn::MaskRefiner>(path.status());
    if (loaded.ok()) {
      refiner = std::move(loaded).value();
      a.options.find.refiner = &*refiner;
    } else {
      warn_missing("the mask refiner", loaded.status(), "ISNet's map is used as it is.");
    }
  }
  std::optional<nn::ObjectDetector> detector;
  if (a.detector == "on") {
    auto path = core::FindModelFile("detector", "centernet.json");
    auto loaded = path.ok() ? nn::ObjectDetector::Load(*path)
                            : core::Result<nn::ObjectDetector>(path.status());
    if (loaded.ok()) {
      detector = std::move(loaded).value();
      a.options.detector = &*detector;
    } else {
      warn_missing("the COCO detector", loaded.status(),
                   "sofas and beds are not flagged. scripts/fetch_detector brings it.");
    }
  }
  // The category probe reads ISNet's encoder, so it needs the ISNet model even when another
  // segmenter finds the object.
  std::optional<nn::CategoryProbe> probe;
  std::optional<segment::Segmenter> probe_isnet;
  if (a.category_probe == "on" && a.method == "learned") {
    auto path = core::FindModelFile("category_probe", "model.json");
    auto loaded = path.ok() ? nn::CategoryProbe::Load(std::filesystem::path(*path).parent_path())
                            : core::Result<nn::CategoryProbe>(path.status());
    if (loaded.ok() && !a.options.find.isnet) {
      auto isnet_path = core::FindModelFile("segmenter", "isnet.onnx");
      auto isnet_loaded = isnet_path.ok() ? segment::Segmenter::Load(*isnet_path)
                                          : core::Result<segment::Segmenter>(isnet_path.status());
      if (isnet_loaded.ok()) {
        probe_isnet = std::move(isnet_loaded).value();
      } else {
        loaded = isnet_loaded.status();
      }
    }
    if (loaded.ok()) {
      probe = std::move(loaded).value();
      a.options.category_probe = &*probe;
      a.options.probe_isnet = probe_isnet ? &*probe_isnet : a.options.find.isnet;
    } else {
      warn_missing("the category probe", loaded.status(),
                   "stage 1 alone decides the category. scripts/setup fetches ISNet; the probe is "
                   "models/category_probe/.");
    }
  }
  auto method = pipeline::CreateMethod(a.method, a.method_config);
  if (!method.ok()) {
    if (method.status().where() == "--method") {
      std::fprintf(stderr, "img2cad predict: --method: %s\n", method.status().message().c_str());
      return kExitUsage;
    }
    return Fail(method.status());
  }
  a.options.out_dir = a.out_dir;
  // A bar for batches of more than a few inputs.
  Progress bar("predict");
  if (!Quiet() && inputs.size() > 4)
    a.options.progress = [&](int done, int total) { bar.Update(done, total); };
  auto results = pipeline::PredictAll(inputs, **method, a.options);
  if (!results.ok()) return Fail(results.status());
  int count[4] = {0, 0, 0, 0};  // by PredictStatus
  for (const auto& r : *results) {
    ++count[static_cast<int>(r.status)];
    if (r.status == pipeline::PredictStatus::kFailed)
      std::fprintf(stderr, "img2cad: error: %s\n", r.error.c_str());
    if (r.status == pipeline::PredictStatus::kNoObject)
      std::fprintf(stderr, "img2cad: %s\n", r.error.c_str());
    if (r.status == pipeline::PredictStatus::kUncertain && !Quiet())
      std::fprintf(stderr, "img2cad: %s: uncertain: %s\n", r.name.c_str(), r.reason.c_str());
  }
  const int without_model = count[2] + count[3];
  if (!Quiet() || without_model) {
    std::fprintf(stderr,
                 "predict: %zu inputs: %d ok, %d uncertain, %d no object, %d failed; see "
                 "%s/summary.json\n",
                 results->size(), count[0], count[1], count[2], count[3], a.out_dir.c_str());
  }
  return without_model ? kExitPartial : kExitOk;
}

int RunEval(const pipeline::EvalOptions& o) {
  auto s = pipeline::Evaluate(o);
  if (!s.ok()) return Fail(s.status());
  if (Quiet()) return kExitOk;
  std::printf(
      "eval: %d samples, %d valid, %d missing, %d invalid; CD paper mean %.4f, field mean %.3f; "
      "report in %s/report.md\n",
      s->n, s->n_valid, s->n_missing, s->n_invalid, s->cd_paper_mean, s->cd_field_mean,
      o.out_dir.c_str());
  return kExitOk;
}

int RunMeshEval(const pipeline::MeshEvalOptions& o) {
  auto s = pipeline::EvaluateAgainstMeshes(o);
  if (!s.ok()) return Fail(s.status());
  if (Quiet()) return kExitOk;
  std::printf(
      "eval: %d meshes, %d valid, %d missing, %d invalid; CD paper mean %.4f, field mean %.3f; "
      "report in %s/report.md\n",
      s->n, s->n_valid, s->n_missing, s->n_invalid, s->cd_paper_mean, s->cd_field_mean,
      o.out_dir.c_str());
  return kExitOk;
}

}  // namespace img2cad::apps
