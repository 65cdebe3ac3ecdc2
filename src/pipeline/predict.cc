#include "pipeline/predict.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>

#include <malloc.h>
#include <sys/resource.h>

#include "cad/export.h"
#include "core/file_io.h"
#include "core/json_format.h"
#include "core/parallel.h"
#include "core/version.h"
#include "image/image.h"
#include "image/preprocess.h"
#include "pipeline/find_object.h"
#include "pipeline/render_program.h"
#include "pipeline/report.h"
#include "program/json_io.h"
#include "program/structure.h"

namespace img2cad::pipeline {

namespace fs = std::filesystem;

const char* PredictStatusName(PredictStatus s) {
  switch (s) {
    case PredictStatus::kOk:
      return "ok";
    case PredictStatus::kUncertain:
      return "uncertain";
    case PredictStatus::kNoObject:
      return "no_object";
    case PredictStatus::kFailed:
      break;
  }
  return "failed";
}

namespace {

class Stopwatch {
 public:
  // Milliseconds since the last call (or construction).
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - t_).count();
    t_ = now;
    return ms;
  }

 private:
  std::chrono::steady_clock::time_point t_ = std::chrono::steady_clock::now();
};

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

PredictOutcome PredictOne(const PredictInput& in, const Method& method, const PredictOptions& o,
                          double threshold, render::Renderer* renderer) {
  PredictOutcome r;
  r.name = in.name;
  r.image_path = in.image_path;
  auto fail = [&](const core::Status& s) {
    r.error = s.ToString();
    return r;
  };
  auto no_object = [&](const std::string& why) {
    r.status = PredictStatus::kNoObject;
    r.error =
        core::Status(core::StatusCode::kNotFound, "no object found: " + why, "", in.image_path)
            .ToString();
    return r;
  };
  Stopwatch clock;
  auto img = image::ReadImage(in.image_path);
  if (!img.ok()) return fail(img.status());
  r.ms.load = clock.Lap();
  auto object = FindObject(std::move(img).value(), in.image_path, o.find);
  if (!object.ok()) return fail(object.status());
  r.mask_source = object->mask_source();
  r.mask_found = object->foreground().found;
  r.mask_padded = object->isnet_padded();
  // Only a segmenter can fail to find the object: a given mask, an alpha channel or
  // `--segmenter none` says where it is (or that the whole photo is wanted).
  const bool searched = r.mask_source == "border" || r.mask_source == "isnet";
  if (searched && !r.mask_found) {
    const double detail = image::DetailLevel(object->photo());
    if (detail < kFeaturelessDetail) {
      return no_object("the " + r.mask_source + " mask is empty or fills the photo, and the " +
                       "photo is featureless (detail " + Fixed(detail, 2) + " < " +
                       Fixed(kFeaturelessDetail, 2) + ")");
    }
  }
  r.ms.find_object = clock.Lap();
  if (o.detector) {
    auto reading = o.detector->Read(object->photo());
    if (!reading.ok()) return fail(reading.status());
    const auto& scores = reading->class_scores;
    r.detector =
        FurnitureScores{scores[nn::kCocoChair], scores[nn::kCocoCouch], scores[nn::kCocoBed],
                        scores[nn::kCocoDiningTable], scores[nn::kCocoPerson]};
    for (const nn::Detection& d : reading->detections) {
      if (d.coco_class != nn::kCocoPerson) continue;  // best first: the strongest person
      const image::Foreground& f = object->foreground();
      const double w = std::max(0.0, std::min<double>(d.x1, f.x1) - std::max<double>(d.x0, f.x0));
      const double h = std::max(0.0, std::min<double>(d.y1, f.y1) - std::max<double>(d.y0, f.y0));
      const double area = std::max(1.0, double(f.x1 - f.x0) * double(f.y1 - f.y0));
      r.detector->person_cover = static_cast<float>(w * h / area);
      break;
    }
    r.out_of_scope = OutOfScope(*r.detector, o.out_of_scope_score);
    r.ms.detect = clock.Lap();
  }
  std::vector<double> prior;
  if (o.category_probe && o.probe_isnet && method.uses_category_prior()) {
    const int size = o.category_probe->crop_size();
    auto features = CropFeatures(*object, *o.probe_isnet, size);
    if (!features.ok()) return fail(features.status());
    auto probs = o.category_probe->Probs(*features);
    if (!probs.ok()) return fail(probs.status());
    prior = std::move(probs).value();
    r.ms.category_probe = clock.Lap();
  }
  MethodInput mi;
  mi.category_prior = prior.empty() ? nullptr : &prior;
  mi.name = in.name;
  mi.image_path = in.image_path;
  mi.object = &*object;
  mi.sample = in.sample ? &*in.sample : nullptr;
  auto estimate = method.Run(mi);
  if (!estimate.ok()) return fail(estimate.status());
  r.estimate = std::move(estimate).value();
  r.ms.method = clock.Lap();
  const bool unsure = r.estimate.confidence < threshold;
  if (unsure && searched && !r.mask_found) {
    // Shown the whole photo, the method cannot say what it is either.
    return no_object("the " + r.mask_source + " mask is empty or fills the photo, and " +
                     method.name() + " is unsure of the whole photo (confidence " +
                     Fixed(r.estimate.confidence, 2) + " < " + Fixed(threshold, 2) + ")");
  }
  if (r.detector && r.out_of_scope.empty()) {
    const std::string seen = DetectorCategory(*r.detector, o.out_of_scope_score);
    if (!seen.empty() && seen != r.estimate.category) r.detector_disagrees = seen;
  }
  const program::Program& program = r.estimate.program;
  std::shared_ptr<const cad::Model> model = std::move(r.estimate.model);
  if (!model) {
    auto built = cad::BuildModel(program);
    if (!built.ok()) return fail(built.status());
    model = std::make_shared<const cad::Model>(std::move(built).value());
  }
  r.ms.build = clock.Lap();
  const fs::path dir = fs::path(o.out_dir) / in.name;
  auto files = cad::ExportModel(*model, dir.string(), cad::AllFormats());
  if (!files.ok()) return fail(files.status());
  if (auto s =
          core::WriteFileAtomic((dir / "program.json").string(), program::ProgramToJson(program));
      !s.ok()) {
    return fail(s);
  }
  if (r.estimate.structure) {
    if (auto s = core::WriteFileAtomic((dir / "structure.json").string(),
                                       program::StructureToJson(*r.estimate.structure));
        !s.ok()) {
      return fail(s);
    }
  }
  r.ms.exports = clock.Lap();
  RenderRequest req;
  req.size = o.preview_size;
  req.clean = true;
  if (r.estimate.camera) {
    req.azimuth_deg = r.estimate.camera->azimuth_deg;
    req.elevation_deg = r.estimate.camera->elevation_deg;
  }
  auto frame = RenderModel(*model, req, renderer);
  if (!frame.ok()) return fail(frame.status());
  if (auto s = image::WritePng((dir / "preview.png").string(), frame->rgb); !s.ok()) return fail(s);
  // The mask that found the object, at the photo's resolution, so a wrong crop can be seen.
  if (auto s = image::WritePng((dir / "mask.png").string(), object->foreground().mask); !s.ok())
    return fail(s);
  if (auto s =
          image::WritePng((dir / "report.png").string(), ReportImage(*object, *frame, program));
      !s.ok()) {
    return fail(s);
  }
  r.ms.preview = clock.Lap();
  r.status = unsure || !r.out_of_scope.empty() || !r.detector_disagrees.empty()
                 ? PredictStatus::kUncertain
                 : PredictStatus::kOk;
  r.reason = UncertainReason(r.estimate.confidence, threshold, r.detector ? &*r.detector : nullptr,
                             r.out_of_scope, r.detector_disagrees, r.estimate.category);
  return r;
}

double Round(double v, double scale) { return std::round(v * scale) / scale; }

// The heap memory in use now, MB (glibc's count of allocated blocks, mmapped ones included):
// what the process still holds, whatever its fragmented heap keeps resident around it.
double HeapInUseMb() {
  const struct mallinfo2 m = mallinfo2();
  return (m.uordblks + m.hblkhd) / 1048576.0;
}

// The most resident memory this process has used so far, MB.
double PeakResidentMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports kilobytes
}

nlohmann::ordered_json ResultJson(const PredictOutcome& r) {
  nlohmann::ordered_json j = {
      {"name", r.name}, {"input", r.image_path}, {"status", PredictStatusName(r.status)}};
  if (!r.ok()) j["error"] = r.error;
  if (!r.reason.empty()) j["reason"] = r.reason;
  if (r.status == PredictStatus::kNoObject && !r.estimate.category.empty()) {
    // What the method would have said of the whole photo.
    j["category"] = r.estimate.category;
    j["confidence"] = Round(r.estimate.confidence, 1e4);
    j["mask"] = r.mask_source;
    j["mask_found"] = r.mask_found;
    if (r.mask_padded) j["mask_padded"] = true;
    j["details"] = r.estimate.details;
  } else if (r.ok()) {
    const Estimate& e = r.estimate;
    j["category"] = e.category;
    j["confidence"] = Round(e.confidence, 1e4);
    if (e.camera) {
      j["camera"] = {{"azimuth_deg", Round(e.camera->azimuth_deg, 1e3)},
                     {"elevation_deg", Round(e.camera->elevation_deg, 1e3)}};
    } else {
      j["camera"] = nullptr;
    }
    j["mask"] = r.mask_source;
    j["mask_found"] = r.mask_found;
    if (r.mask_padded) j["mask_padded"] = true;
    if (r.detector) {
      const FurnitureScores& d = *r.detector;
      j["detector"] = {
          {"chair", Round(d.chair, 1e3)},   {"couch", Round(d.couch, 1e3)},
          {"bed", Round(d.bed, 1e3)},       {"dining_table", Round(d.dining_table, 1e3)},
          {"person", Round(d.person, 1e3)}, {"person_cover", Round(d.person_cover, 1e3)}};
    }
    if (!r.out_of_scope.empty()) j["out_of_scope"] = r.out_of_scope;
    if (!r.detector_disagrees.empty()) j["detector_disagrees"] = r.detector_disagrees;
    j["details"] = e.details;
    j["files"] = {"program.json", "model.step",  "model.glb", "model.stl", "model.obj",
                  "model.mtl",    "preview.png", "mask.png",  "report.png"};
    if (e.structure) j["files"].push_back("structure.json");
  }
  j["timing_ms"] = {
      {"load", Round(r.ms.load, 100)},      {"find_object", Round(r.ms.find_object, 100)},
      {"detect", Round(r.ms.detect, 100)},  {"category_probe", Round(r.ms.category_probe, 100)},
      {"method", Round(r.ms.method, 100)},  {"build", Round(r.ms.build, 100)},
      {"export", Round(r.ms.exports, 100)}, {"preview", Round(r.ms.preview, 100)}};
  return j;
}

// Earlier predictions in OUT: the folders of its summary.json and of this batch's names.
core::Status ClearEarlierOutput(const std::vector<PredictInput>& inputs, const PredictOptions& o) {
  const fs::path out(o.out_dir);
  std::error_code ec;
  if (!fs::is_directory(out, ec)) return core::OkStatus();
  std::vector<fs::path> stale;
  const fs::path summary = out / "summary.json";
  if (fs::exists(summary, ec)) {
    stale.push_back(summary);
    auto text = core::ReadFile(summary.string());
    if (text.ok()) {
      const auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
      if (j.is_object() && j.contains("results") && j["results"].is_array()) {
        for (const auto& r : j["results"]) {
          const std::string name = r.is_object() ? r.value("name", "") : "";
          // Only plain names: a hand-edited summary must not reach outside OUT.
          if (!name.empty() && fs::path(name).filename() == name) stale.push_back(out / name);
        }
      }
    }
  }
  for (const auto& in : inputs)
    if (fs::exists(out / in.name, ec)) stale.push_back(out / in.name);
  if (stale.empty()) return core::OkStatus();
  if (!o.overwrite) {
    return core::Status(core::StatusCode::kInvalidArgument,
                        "already holds predictions (" + stale.front().filename().string() +
                            "); choose another folder or pass --overwrite",
                        "", o.out_dir);
  }
  for (const auto& p : stale) {
    fs::remove_all(p, ec);
    if (ec) {
      return core::Status(core::StatusCode::kIo, "cannot remove: " + ec.message(), "", p.string());
    }
  }
  return core::OkStatus();
}

// Each input's summary entry, formatted as summary.json holds it, waits in an unnamed temporary
// file rather than in memory (several KB each as JSON), so that a long batch does not grow.
class ResultSpool {
 public:
  ResultSpool(const ResultSpool&) = delete;
  ResultSpool& operator=(const ResultSpool&) = delete;
  ~ResultSpool() { std::fclose(file_); }

  // Errors: kIo when no temporary file can be made (naming `path`, the summary it is for).
  static core::Result<std::unique_ptr<ResultSpool>> Create(size_t count, const std::string& path) {
    std::FILE* f = std::tmpfile();
    if (!f) {
      return core::Status(core::StatusCode::kIo,
                          path + ": cannot create a temporary file for the batch's results");
    }
    return std::unique_ptr<ResultSpool>(new ResultSpool(f, count));
  }

  // Thread-safe. A failed write is reported by CopyInOrder.
  void Put(size_t index, const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) ok_ = false;
    spans_[index] = {end_, text.size()};
    end_ += static_cast<long>(text.size());
  }

  // Writes every entry to `out`, in index order. Errors: kIo, naming `path` (out's file).
  core::Status CopyInOrder(std::ostream& out, const std::string& path) {
    const core::Status failed(core::StatusCode::kIo,
                              path + ": cannot read back the results kept in a temporary file");
    if (!ok_) return failed;
    std::string text;
    for (const auto& [at, size] : spans_) {
      text.resize(size);
      if (std::fseek(file_, at, SEEK_SET) != 0 || std::fread(text.data(), 1, size, file_) != size)
        return failed;
      out << text;
    }
    return core::OkStatus();
  }

  size_t size() const { return spans_.size(); }

 private:
  ResultSpool(std::FILE* file, size_t count) : file_(file), spans_(count) {}
  std::FILE* file_;
  std::mutex mutex_;
  std::vector<std::pair<long, size_t>> spans_;  // offset and length of each entry
  long end_ = 0;                                // the file's length: entries are only appended
  bool ok_ = true;
};

// summary.json: `head`'s members and then "results", copied from `spool`.
core::Status WriteSummary(const nlohmann::ordered_json& head, ResultSpool* spool,
                          const std::string& path, core::AtomicOutputs* out) {
  const core::JsonArrayTail tail(head, "results");
  std::ofstream f(out->Stage(path), std::ios::binary);
  f << tail.Open();
  IMG2CAD_RETURN_IF_ERROR(spool->CopyInOrder(f, path));
  f << tail.Close(spool->size());
  f.close();
  if (!f) return core::Status(core::StatusCode::kIo, path + ": cannot write");
  return core::OkStatus();
}

}  // namespace

std::string OutOfScope(const FurnitureScores& s, double min_score) {
  const float in_scope = std::max(s.chair, s.dining_table);
  if (s.couch >= s.bed && s.couch >= min_score && s.couch > in_scope) return "couch";
  if (s.bed > s.couch && s.bed >= min_score && s.bed > in_scope) return "bed";
  if (s.person >= min_score && s.person > in_scope && s.person_cover >= kPersonCover)
    return "person";
  return "";
}

std::string DetectorCategory(const FurnitureScores& s, double min_score) {
  if (s.chair >= min_score && s.chair >= s.dining_table) return "chair";
  if (s.dining_table >= min_score && s.dining_table > s.chair) return "table";
  return "";
}

std::string UncertainReason(double confidence, double threshold, const FurnitureScores* scores,
                            const std::string& out_of_scope, const std::string& disagrees,
                            const std::string& category) {
  std::vector<std::string> why;
  if (confidence < threshold)
    why.push_back("confidence " + Fixed(confidence, 2) + " < " + Fixed(threshold, 2));
  if (!out_of_scope.empty() || !disagrees.empty()) {
    IMG2CAD_CHECK(scores != nullptr) << "a detector flag comes with the detector's scores";
    const std::string all =
        "chair " + Fixed(scores->chair, 2) + ", dining table " + Fixed(scores->dining_table, 2);
    if (out_of_scope == "person") {
      why.push_back("out of scope: a person covers the object (the detector sees one at " +
                    Fixed(scores->person, 2) + " over " +
                    std::to_string(std::lround(100 * scores->person_cover)) +
                    "% of the object's box; " + all + ")");
    } else if (!out_of_scope.empty()) {
      const float seen = out_of_scope == "couch" ? scores->couch : scores->bed;
      why.push_back("out of scope: the detector sees a " + out_of_scope + " (" + Fixed(seen, 2) +
                    "; " + all + ")");
    }
    if (!disagrees.empty()) {
      why.push_back("the detector sees a " + disagrees + " (" + all + ") where the method says " +
                    category);
    }
  }
  std::string reason;
  for (const auto& w : why) reason += (reason.empty() ? "" : "; ") + w;
  return reason;
}

core::Result<std::vector<PredictOutcome>> PredictAll(const std::vector<PredictInput>& inputs,
                                                     const Method& method,
                                                     const PredictOptions& o) {
  IMG2CAD_RETURN_IF_ERROR(ClearEarlierOutput(inputs, o));
  core::AtomicOutputs out;
  IMG2CAD_RETURN_IF_ERROR(out.CreateDirectory(o.out_dir));
  const double threshold = o.min_confidence.value_or(method.uncertain_below());
  std::vector<PredictOutcome> results(inputs.size());
  const std::string summary_path = (fs::path(o.out_dir) / "summary.json").string();
  IMG2CAD_ASSIGN_OR_RETURN(auto spool, ResultSpool::Create(inputs.size(), summary_path));
  // An entry's text does not depend on the members before the array, which are known only at
  // the end (WriteSummary).
  const core::JsonArrayTail entries(nlohmann::ordered_json::object(), "results");
  const int workers = method.thread_safe() ? o.threads : 1;
  std::vector<std::unique_ptr<render::Renderer>> renderers(core::MaxWorkers(workers));
  std::mutex progress_mutex;
  int done = 0;
  core::ParallelFor(inputs.size(), workers, [&](size_t i, int worker) {
    auto& renderer = renderers[worker];
    if (!renderer) renderer = std::make_unique<render::Renderer>();
    results[i] = PredictOne(inputs[i], method, o, threshold, renderer.get());
    spool->Put(i, entries.Element(ResultJson(results[i]), i));
    // Written to OUT/<name>/ and to the spool already; what stays is what index.html and the
    // caller read, so that a batch of many thousands does not grow with programs and details.
    Estimate kept;
    kept.category = std::move(results[i].estimate.category);
    kept.confidence = results[i].estimate.confidence;
    results[i].estimate = std::move(kept);
    if (o.progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      o.progress(++done, static_cast<int>(inputs.size()));
    }
  });

  const double heap_after = HeapInUseMb();
  nlohmann::ordered_json summary;
  int count[4] = {0, 0, 0, 0};  // by PredictStatus
  for (const auto& r : results) ++count[static_cast<int>(r.status)];
  summary["method"] = method.name();
  summary["program_version"] = core::kVersion;
  summary["segmenter"] = SegmenterName(o.find.segmenter);
  if (o.find.segmenter == SegmenterKind::kIsnet) {
    if (o.find.isnet_size > 0) {
      summary["segmenter_size"] = o.find.isnet_size;
    } else {
      summary["segmenter_size"] = "auto";
    }
    summary["segmenter_retry"] = o.find.isnet_pad_retry ? "pad" : "off";
    summary["mask_refiner"] = o.find.refiner != nullptr;
  }
  summary["backdrop"] = o.find.plain_backdrop ? "plain" : "photo";
  summary["detector"] = o.detector != nullptr;
  if (o.detector) summary["out_of_scope_score"] = o.out_of_scope_score;
  summary["warnings"] = o.warnings;
  summary["min_confidence"] = threshold;
  summary["inputs"] = inputs.size();
  summary["succeeded"] = count[0] + count[1];
  summary["uncertain"] = count[1];
  summary["no_object"] = count[2];
  summary["failed"] = count[3];
  summary["peak_rss_mb"] = Round(PeakResidentMb(), 10);
  summary["heap_after_mb"] = Round(heap_after, 10);
  IMG2CAD_RETURN_IF_ERROR(WriteSummary(summary, spool.get(), summary_path, &out));
  std::vector<ReportRow> rows;
  for (const auto& r : results) {
    ReportRow row;
    row.name = r.name;
    row.input = r.image_path;
    row.status = PredictStatusName(r.status);
    row.category = r.estimate.category;
    if (!r.estimate.category.empty()) row.confidence = r.estimate.confidence;
    row.message = r.ok() ? r.reason : r.error;
    row.has_report = r.ok();
    rows.push_back(std::move(row));
  }
  IMG2CAD_RETURN_IF_ERROR(
      core::WriteFileAtomic((fs::path(o.out_dir) / "index.html").string(),
                            ReportPage("img2cad predict (" + method.name() + ")", rows)));
  IMG2CAD_RETURN_IF_ERROR(out.Commit());
  return results;
}

}  // namespace img2cad::pipeline
