#include "pipeline/evaluate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cad/model.h"
#include "core/file_io.h"
#include "core/json_format.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "dataset/manifest.h"
#include "eval/metrics.h"
#include "image/image.h"
#include "pipeline/render_program.h"
#include "program/json_io.h"
#include "program/structure.h"
#include "program/vocabulary.h"

namespace img2cad::pipeline {

namespace fs = std::filesystem;

namespace {

enum class PredState { kValid, kMissing, kInvalid };

struct Scored {
  const dataset::ManifestEntry* entry = nullptr;
  PredState state = PredState::kMissing;
  std::string problem;
  double cd_paper = 0, cd_field = 0, part_accuracy = 0, part_miou = 0;
  double part_accuracy_sampled = 0, part_miou_sampled = 0;
  bool structure_exact = false;
  // From PRED/summary.json when the method wrote details: where stage 2's numbers came from.
  std::string stage2;  // "assembler", a placeholder name, or empty
  int repairs = 0;
  bool fallback = false;
  std::string pred_category;  // empty when missing or unreadable
  double label_f1 = 0;
  int part_count_error = 0;
  core::Status gt_error;
  // Surface protocol: ground-truth points per (true label, label given).
  std::map<std::pair<std::string, std::string>, int> part_confusion;
};

std::vector<std::string> Labels(const program::Program& p) {
  std::vector<std::string> out;
  for (const auto& part : p.parts) out.push_back(part.label);
  return out;
}

Scored Score(const dataset::ManifestEntry& e, const std::string& pred_dir) {
  Scored s;
  s.entry = &e;
  const cad::BuildOptions build;  // workers score in parallel; nested builds stay in budget
  auto gt = program::ReadProgramFile(e.program_path);
  if (!gt.ok()) return s.gt_error = gt.status(), s;
  auto gt_model = cad::BuildModel(*gt, build);
  if (!gt_model.ok()) return s.gt_error = gt_model.status().WithFile(e.program_path), s;
  auto gt_mesh = cad::Tessellate(*gt_model);
  if (!gt_mesh.ok()) return s.gt_error = gt_mesh.status(), s;
  const std::string pred_path = (fs::path(pred_dir) / e.id / "program.json").string();
  s.part_count_error = static_cast<int>(gt->parts.size());
  if (!fs::exists(pred_path)) return s;
  s.state = PredState::kInvalid;
  auto pred = program::ReadProgramFile(pred_path);
  if (!pred.ok()) return s.problem = pred.status().ToString(), s;
  // A method that reads the structure apart from the numbers (stage 1) writes it beside the
  // program; the structure metrics score that, the geometry metrics the program.
  program::Structure pred_structure = program::StructureOf(*pred);
  const std::string structure_path = (fs::path(pred_dir) / e.id / "structure.json").string();
  if (fs::exists(structure_path)) {
    auto text = core::ReadFile(structure_path);
    auto parsed = text.ok() ? program::ParseStructure(*text, structure_path)
                            : core::Result<program::Structure>(text.status());
    if (!parsed.ok()) return s.problem = parsed.status().ToString(), s;
    pred_structure = std::move(parsed).value();
  }
  s.pred_category = pred_structure.category;
  const auto st = eval::CompareStructure(program::StructureOf(*gt), pred_structure);
  s.structure_exact = st.exact;
  s.label_f1 = st.label_f1;
  s.part_count_error = st.part_count_error;
  auto pred_model = cad::BuildModel(*pred, build);
  if (!pred_model.ok()) return s.problem = pred_model.status().WithFile(pred_path).ToString(), s;
  auto pred_mesh = cad::Tessellate(*pred_model);
  if (!pred_mesh.ok()) return s.problem = pred_mesh.status().ToString(), s;
  // Different sampling seeds for the two shapes: a perfect prediction scores the noise floor.
  const uint64_t gs = core::MixSeed(e.seed, 1), ps = core::MixSeed(e.seed, 2);
  s.cd_paper = eval::ChamferPaper(*gt_mesh, *pred_mesh, gs, ps);
  s.cd_field = eval::ChamferField(*gt_mesh, *pred_mesh, gs, ps);
  const auto seg = eval::PartSegmentation(*gt_mesh, Labels(*gt), *pred_mesh, Labels(*pred), gs);
  s.part_accuracy = seg.accuracy;
  s.part_miou = seg.miou;
  s.part_confusion = seg.confusion;
  const auto sampled =
      eval::PartSegmentationSampled(*gt_mesh, Labels(*gt), *pred_mesh, Labels(*pred), gs, ps);
  s.part_accuracy_sampled = sampled.accuracy;
  s.part_miou_sampled = sampled.miou;
  s.state = PredState::kValid;
  return s;
}

double Round(double v) { return std::round(v * 1e6) / 1e6; }

// Reads PRED/summary.json (when there is one) into each sample's stage-2 record.
void ReadStage2(const std::string& pred_dir, std::vector<Scored>* scored) {
  auto text = core::ReadFile((fs::path(pred_dir) / "summary.json").string());
  if (!text.ok()) return;
  const auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("results") || !j["results"].is_array()) return;
  std::map<std::string, const nlohmann::json*> by_name;
  for (const auto& r : j["results"])
    if (r.contains("name") && r["name"].is_string()) by_name[r["name"]] = &r;
  for (Scored& s : *scored) {
    const auto it = by_name.find(s.entry->id);
    if (it == by_name.end() || !it->second->contains("details")) continue;
    const auto& d = (*it->second)["details"];
    if (d.contains("stage2") && d["stage2"].is_string()) s.stage2 = d["stage2"];
    s.fallback = d.contains("stage2_fallback");
    if (d.contains("assembler") && d["assembler"].contains("repairs") &&
        d["assembler"]["repairs"].is_array() && s.stage2 == "assembler")
      s.repairs = static_cast<int>(d["assembler"]["repairs"].size());
  }
}

nlohmann::ordered_json Aggregate(const std::vector<const Scored*>& group) {
  std::vector<double> cdp, cdf;
  double acc = 0, miou = 0, acc_sampled = 0, miou_sampled = 0, exact = 0, f1 = 0, count_err = 0,
         category = 0;
  int valid = 0, missing = 0, invalid = 0;
  for (const Scored* s : group) {
    exact += s->structure_exact;
    category += s->pred_category == s->entry->category;
    f1 += s->label_f1;
    count_err += s->part_count_error;
    if (s->state == PredState::kMissing) ++missing;
    if (s->state == PredState::kInvalid) ++invalid;
    if (s->state != PredState::kValid) continue;
    ++valid;
    cdp.push_back(s->cd_paper);
    cdf.push_back(s->cd_field);
    acc += s->part_accuracy;
    miou += s->part_miou;
    acc_sampled += s->part_accuracy_sampled;
    miou_sampled += s->part_miou_sampled;
  }
  const double n = static_cast<double>(group.size());
  auto mean = [](const std::vector<double>& v) {
    double t = 0;
    for (double x : v) t += x;
    return v.empty() ? 0 : t / v.size();
  };
  nlohmann::ordered_json j;
  j["cd_paper_mean"] = Round(mean(cdp));
  j["cd_paper_median"] = Round(eval::Median(cdp));
  j["cd_field_mean"] = Round(mean(cdf));
  j["cd_field_median"] = Round(eval::Median(cdf));
  j["validity"] = Round(n ? valid / n : 0);
  j["part_accuracy"] = Round(valid ? acc / valid : 0);
  j["part_miou"] = Round(valid ? miou / valid : 0);
  j["part_accuracy_sampled"] = Round(valid ? acc_sampled / valid : 0);
  j["part_miou_sampled"] = Round(valid ? miou_sampled / valid : 0);
  j["structure_exact"] = Round(n ? exact / n : 0);
  j["part_label_f1"] = Round(n ? f1 / n : 0);
  j["part_count_error"] = Round(n ? count_err / n : 0);
  j["category_accuracy"] = Round(n ? category / n : 0);
  int assembler = 0, repaired = 0, repairs = 0, fallbacks = 0;
  for (const Scored* s : group) {
    assembler += s->stage2 == "assembler";
    repaired += s->repairs > 0;
    repairs += s->repairs;
    fallbacks += s->fallback;
  }
  if (assembler + fallbacks > 0) {
    j["stage2"] = {{"assembler", assembler},
                   {"repaired", repaired},
                   {"repairs", repairs},
                   {"fallbacks", fallbacks}};
  }
  j["n"] = group.size();
  j["n_valid"] = valid;
  j["n_missing"] = missing;
  j["n_invalid"] = invalid;
  return j;
}

// One row per case: the dataset's input photo, then clean renders of ground truth and prediction
// from the input's view.
core::Status WriteGrid(const std::vector<const Scored*>& cases, const EvalOptions& o,
                       const std::string& path) {
  const int cell = 128;
  image::Image grid(3 * cell, std::max<int>(1, static_cast<int>(cases.size())) * cell, 3, 255);
  render::Renderer renderer;
  for (size_t row = 0; row < cases.size(); ++row) {
    const dataset::ManifestEntry& e = *cases[row]->entry;
    std::vector<image::Image> cells;
    auto input = image::ReadImage(e.image_path);
    cells.push_back(input.ok() ? image::Resize(image::ConvertChannels(*input, 3), cell, cell)
                               : image::Image(cell, cell, 3, 0));
    for (const std::string& program_path :
         {e.program_path, (fs::path(o.pred_dir) / e.id / "program.json").string()}) {
      image::Image img(cell, cell, 3, 200);
      auto p = program::ReadProgramFile(program_path);
      if (p.ok()) {
        auto m = cad::BuildModel(*p);
        if (m.ok()) {
          RenderRequest req;
          req.size = cell;
          req.clean = true;
          if (e.camera) {
            req.azimuth_deg = e.camera->azimuth_deg;
            req.elevation_deg = e.camera->elevation_deg;
          }
          auto f = RenderModel(*m, req, &renderer);
          if (f.ok()) img = f->rgb;
        }
      }
      cells.push_back(img);
    }
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < cell; ++y)
        for (int x = 0; x < cell; ++x)
          for (int k = 0; k < 3; ++k)
            grid.at(c * cell + x, static_cast<int>(row) * cell + y, k) = cells[c].at(x, y, k);
  }
  return image::WritePng(path, grid);
}

// Category confusion: rows are the true categories, columns what the predictions said.
std::string Confusion(const std::vector<Scored>& scored) {
  std::map<std::string, std::map<std::string, int>> counts;
  std::vector<std::string> columns = program::Categories();
  columns.push_back("none");
  for (const Scored& s : scored)
    counts[s.entry->category][s.pred_category.empty() ? "none" : s.pred_category]++;
  std::ostringstream md;
  md << "Category confusion (rows: true category; columns: predicted; none: missing or "
        "unreadable):\n\n| true \\ predicted |";
  for (const auto& c : columns) md << " " << c << " |";
  md << "\n|---|";
  for (size_t i = 0; i < columns.size(); ++i) md << "---|";
  md << "\n";
  for (const auto& [truth, row] : counts) {
    md << "| " << truth << " |";
    for (const auto& c : columns) md << " " << (row.count(c) ? row.at(c) : 0) << " |";
    md << "\n";
  }
  return md.str();
}

// Where each true part label's ground-truth points went (the surface protocol), summed over a
// category's valid predictions: in metrics.json as label -> label given -> points, and in
// report.md as the share kept and the labels that took the most.
nlohmann::ordered_json PartLabels(const std::vector<const Scored*>& group) {
  std::map<std::string, std::map<std::string, int>> sums;
  for (const Scored* s : group)
    for (const auto& [pair, n] : s->part_confusion) sums[pair.first][pair.second] += n;
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [truth, row] : sums)
    for (const auto& [given, n] : row) j[truth][given] = n;
  return j;
}

std::string PartLabelsTable(const nlohmann::ordered_json& per_category) {
  std::ostringstream md;
  md << "Part labels (surface protocol; per true label of each category: its ground-truth points "
        "over the valid predictions, the share given its own label, and the labels that took "
        "most of the rest):\n\n| category | label | points | kept | went to |\n"
        "|---|---|---|---|---|\n";
  for (const auto& [category, m] : per_category.items()) {
    if (!m.contains("part_labels")) continue;
    for (const auto& [truth, row] : m["part_labels"].items()) {
      int total = 0, kept = 0;
      std::vector<std::pair<int, std::string>> others;
      for (const auto& [given, n] : row.items()) {
        total += n.get<int>();
        if (given == truth)
          kept = n.get<int>();
        else
          others.push_back({n.get<int>(), given});
      }
      std::sort(others.rbegin(), others.rend());
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.1f%%", total ? 100.0 * kept / total : 0.0);
      md << "| " << category << " | " << truth << " | " << total << " | " << buf << " | ";
      for (size_t k = 0; k < others.size() && k < 3; ++k) {
        std::snprintf(buf, sizeof(buf), "%.1f%%", 100.0 * others[k].first / total);
        md << (k ? ", " : "") << others[k].second << " " << buf;
      }
      md << " |\n";
    }
  }
  return md.str();
}

const char* StateName(PredState s) {
  switch (s) {
    case PredState::kValid:
      return "valid";
    case PredState::kMissing:
      return "missing";
    case PredState::kInvalid:
      return "invalid";
  }
  return "?";
}

// One JSON object per line and sample, in manifest order: every metric of that sample, so two
// methods can be compared case by case. Geometry metrics are null unless the prediction is valid.
std::string PerSampleJsonl(const std::vector<Scored>& scored) {
  std::string out;
  for (const Scored& s : scored) {
    nlohmann::ordered_json j;
    j["id"] = s.entry->id;
    j["category"] = s.entry->category;
    j["state"] = StateName(s.state);
    j["predicted_category"] = s.pred_category.empty() ? nlohmann::ordered_json(nullptr)
                                                      : nlohmann::ordered_json(s.pred_category);
    j["structure_exact"] = s.structure_exact;
    j["part_label_f1"] = Round(s.label_f1);
    j["part_count_error"] = s.part_count_error;
    const bool valid = s.state == PredState::kValid;
    auto metric = [&](double v) {
      return valid ? nlohmann::ordered_json(Round(v)) : nlohmann::ordered_json(nullptr);
    };
    j["cd_paper"] = metric(s.cd_paper);
    j["cd_field"] = metric(s.cd_field);
    j["part_accuracy"] = metric(s.part_accuracy);
    j["part_miou"] = metric(s.part_miou);
    j["part_accuracy_sampled"] = metric(s.part_accuracy_sampled);
    j["part_miou_sampled"] = metric(s.part_miou_sampled);
    if (!s.stage2.empty()) j["stage2"] = s.stage2;
    if (s.repairs > 0) j["repairs"] = s.repairs;
    if (s.fallback) j["stage2_fallback"] = true;
    if (!s.problem.empty()) j["problem"] = s.problem;
    out += j.dump() + "\n";
  }
  return out;
}

// Where stage 2's numbers came from, when the method reported it (the learned method).
std::string Stage2Line(const nlohmann::ordered_json& overall) {
  if (!overall.contains("stage2")) return "";
  const auto& s = overall["stage2"];
  std::ostringstream md;
  md << "Stage 2: " << s["assembler"].get<int>() << " of " << overall["n"].get<int>()
     << " programs from the assembler, " << s["repaired"].get<int>() << " of them repaired ("
     << s["repairs"].get<int>() << " repairs in all); " << s["fallbacks"].get<int>()
     << " fell back to the placeholder (details in PRED/summary.json).\n\n";
  return md.str();
}

std::string Table(const nlohmann::ordered_json& metrics) {
  std::ostringstream md;
  md << "| group | n | valid | CD paper mean | CD paper median | CD field mean (x10³) | CD field "
        "median | "
        "part acc. | part mIoU | part acc. sampled | structure exact | label F1 | part-count error "
        "| category acc. |\n";
  md << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  auto row = [&](const std::string& name, const nlohmann::ordered_json& m) {
    char buf[512];
    std::snprintf(
        buf, sizeof(buf),
        "| %s | %d | %.1f%% | %.4f | %.4f | %.3f | %.3f | %.1f%% | %.1f%% | %.1f%% | %.1f%% | "
        "%.3f | %.2f | %.1f%% |\n",
        name.c_str(), m["n"].get<int>(), 100 * m["validity"].get<double>(),
        m["cd_paper_mean"].get<double>(), m["cd_paper_median"].get<double>(),
        m["cd_field_mean"].get<double>(), m["cd_field_median"].get<double>(),
        100 * m["part_accuracy"].get<double>(), 100 * m["part_miou"].get<double>(),
        100 * m["part_accuracy_sampled"].get<double>(), 100 * m["structure_exact"].get<double>(),
        m["part_label_f1"].get<double>(), m["part_count_error"].get<double>(),
        100 * m["category_accuracy"].get<double>());
    md << buf;
  };
  for (auto it = metrics["per_category"].begin(); it != metrics["per_category"].end(); ++it)
    row(it.key(), it.value());
  row("**overall**", metrics["overall"]);
  return md.str();
}

}  // namespace

core::Result<EvalSummary> Evaluate(const EvalOptions& o) {
  IMG2CAD_ASSIGN_OR_RETURN(auto entries, dataset::ReadManifest(o.data, o.split));
  if (entries.empty()) {
    return core::Status(
        core::StatusCode::kInvalidArgument,
        "the manifest lists no sample" + (o.split.empty() ? "" : " of split '" + o.split + "'"), "",
        o.data);
  }
  std::vector<Scored> scored(entries.size());
  core::ParallelFor(entries.size(), o.threads,
                    [&](size_t i, int) { scored[i] = Score(entries[i], o.pred_dir); });
  ReadStage2(o.pred_dir, &scored);
  for (const Scored& s : scored) {
    if (!s.gt_error.ok()) {
      return core::Status(
          core::StatusCode::kInvalidArgument,
          "ground truth " + s.entry->id + " does not build: " + s.gt_error.ToString(), "", o.data);
    }
  }

  std::map<std::string, std::vector<const Scored*>> by_category;
  std::vector<const Scored*> all;
  for (const Scored& s : scored) {
    by_category[s.entry->category].push_back(&s);
    all.push_back(&s);
  }
  nlohmann::ordered_json metrics;
  metrics["overall"] = Aggregate(all);
  for (const auto& [cat, group] : by_category) {
    metrics["per_category"][cat] = Aggregate(group);
    metrics["per_category"][cat]["part_labels"] = PartLabels(group);
  }

  core::AtomicOutputs out;
  IMG2CAD_RETURN_IF_ERROR(out.CreateDirectory(o.out_dir));
  IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic((fs::path(o.out_dir) / "metrics.json").string(),
                                                core::FormatJson(metrics)));
  IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic((fs::path(o.out_dir) / "per_sample.jsonl").string(),
                                                PerSampleJsonl(scored)));

  // Picture grids of the best, median and worst valid predictions by paper Chamfer distance.
  std::vector<const Scored*> valid;
  for (const Scored* s : all)
    if (s->state == PredState::kValid) valid.push_back(s);
  std::sort(valid.begin(), valid.end(),
            [](const Scored* a, const Scored* b) { return a->cd_paper < b->cd_paper; });
  const size_t k = std::min<size_t>(o.grid_rows, valid.size());
  std::map<std::string, std::vector<const Scored*>> grids;
  if (k > 0) {
    grids["best"].assign(valid.begin(), valid.begin() + k);
    const size_t mid = valid.size() / 2 >= k / 2 ? valid.size() / 2 - k / 2 : 0;
    grids["median"].assign(valid.begin() + mid, valid.begin() + std::min(valid.size(), mid + k));
    grids["worst"].assign(valid.end() - k, valid.end());
  }
  for (const auto& [name, cases] : grids) {
    IMG2CAD_RETURN_IF_ERROR(WriteGrid(cases, o, (fs::path(o.out_dir) / (name + ".png")).string()));
  }

  std::ostringstream md;
  md << "# img2cad evaluation\n\n"
     << "- data: `" << o.data << "`" << (o.split.empty() ? "" : " (split `" + o.split + "`)")
     << "\n"
     << "- predictions: `" << o.pred_dir << "`\n"
     << "- samples: " << all.size() << "; valid predictions "
     << metrics["overall"]["n_valid"].get<int>() << ", missing "
     << metrics["overall"]["n_missing"].get<int>() << ", invalid "
     << metrics["overall"]["n_invalid"].get<int>() << "\n\n"
     << "Chamfer distances as in the design (paper: 2,048 points, unit-sphere normalisation, plain "
        "distances; field: 8,192 points, ground-truth unit cube, squared, x10³), over valid "
        "predictions "
        "only. Part accuracy and mIoU label 2,048 ground-truth points from the closest point of "
        "the predicted surface (both meshes centred on their surface centroid, farthest vertex at "
        "1); the sampled variant, the protocol before issue 8, labels them from the nearest of "
        "2,048 predicted sample points (the protocol before issue 8; its floor is about 91%). "
        "Structure metrics count a missing or invalid prediction as "
        "zero. Every sample's numbers are in per_sample.jsonl.\n\n"
     << Table(metrics) << "\n"
     << Stage2Line(metrics["overall"]) << Confusion(scored) << "\n"
     << PartLabelsTable(metrics["per_category"]) << "\n";
  for (const char* name : {"best", "median", "worst"}) {
    if (!grids.count(name)) continue;
    md << "## " << name << " cases (input | ground truth | prediction)\n\n![" << name << "]("
       << name << ".png)\n\n";
    for (const Scored* s : grids[name]) {
      char buf[256];
      std::snprintf(buf, sizeof(buf), "- `%s`: CD paper %.4f, field %.3f, part accuracy %.1f%%\n",
                    s->entry->id.c_str(), s->cd_paper, s->cd_field, 100 * s->part_accuracy);
      md << buf;
    }
    md << "\n";
  }
  std::vector<const Scored*> problems;
  for (const Scored* s : all)
    if (s->state == PredState::kInvalid) problems.push_back(s);
  if (!problems.empty()) {
    md << "## invalid predictions\n\n";
    for (const Scored* s : problems) md << "- `" << s->entry->id << "`: " << s->problem << "\n";
  }
  IMG2CAD_RETURN_IF_ERROR(
      core::WriteFileAtomic((fs::path(o.out_dir) / "report.md").string(), md.str()));
  IMG2CAD_RETURN_IF_ERROR(out.Commit());

  EvalSummary summary;
  const auto& ov = metrics["overall"];
  summary.n = ov["n"].get<int>();
  summary.n_valid = ov["n_valid"].get<int>();
  summary.n_missing = ov["n_missing"].get<int>();
  summary.n_invalid = ov["n_invalid"].get<int>();
  summary.cd_paper_mean = ov["cd_paper_mean"].get<double>();
  summary.cd_field_mean = ov["cd_field_mean"].get<double>();
  summary.validity = ov["validity"].get<double>();
  return summary;
}

}  // namespace img2cad::pipeline
