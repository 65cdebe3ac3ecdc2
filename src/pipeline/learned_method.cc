// The learned method: stage 1 (nn::StructureModel) reads the structure from the found object,
// and stage 2 (nn::AssemblerModel, when a model is present) fills in its numbers; the program is
// then repaired until it builds (pipeline/repair.h). details.stage2 says where the numbers came
// from:
//   "assembler"                 stage 2, made exactly mirror-symmetric where the structure says
//                               reflect_x and repaired until it builds; details.assembler has
//                               the model, head, sampling steps, symmetry changes and repairs;
// and, without an assembler model or when its program cannot be repaired (details.
// stage2_fallback says why), a placeholder:
//   "retrieval-same-structure"  the nearest retrieval sample whose structure is exactly the
//                               predicted one (its program, dimensions and view);
//   "generator-same-structure"  else the first generated program of the category (seeds
//                               0..kGeneratorScan) with that structure;
//   "retrieval-category"        else the nearest retrieval sample of the predicted category: the
//                               program's structure then differs from stage 1's.
// Stage 1's own structure is written as structure.json beside the program, and `eval` scores the
// structure metrics from it. The oracle-structure method is the same with stage 1 replaced by the
// dataset's true structure.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include "cad/model.h"
#include "core/file_io.h"
#include "core/model_locator.h"
#include "image/image.h"
#include "image/preprocess.h"
#include "nn/assembler_model.h"
#include "nn/structure_model.h"
#include "pipeline/consensus.h"
#include "pipeline/methods_internal.h"
#include "pipeline/repair.h"
#include "pipeline/retrieval_method.h"
#include "pipeline/silhouette_fit.h"
#include "program/json_io.h"
#include "program/layout.h"
#include "program/paper_text.h"
#include "program/structure.h"
#include "program/structure_tokens.h"
#include "program/symmetry.h"
#include "program/vocabulary.h"
#include "synth/generator.h"

namespace img2cad::pipeline {

namespace internal {

namespace {

constexpr int kBeam = 3;
// Below this confidence (the category's mean probability over the test-time crops) a learned
// answer is uncertain. On 300 val samples (scripts/confidence_table.py) it keeps 92% of the answers
// confident, right 98.6% of the time, and the uncertain ones are right 58%: Youden's J 0.665,
// against 0.411 for the single crop's probability at the same threshold. Only 1.00 scores higher
// on the 0.05 grid, and that flags every answer whose probability is not saturated.
constexpr double kUncertainBelow = 0.95;
constexpr uint64_t kGeneratorScan = 400;

// The object as stage 1 sees it and four test-time variants within what training's augmentation
// covers (crop position +-6%, scale +-10%, margin 3-15%): mirrored, framed tighter, framed looser
// and shifted. A category that holds only for one framing is a guess, so the confidence is the
// decoded category's mean probability over all five.
std::vector<image::Image> TestTimeCrops(const ObjectImage& object, const image::Image& main,
                                        int size) {
  const image::Foreground& fg = object.foreground();
  image::Foreground shifted = fg;
  const int side = std::max(fg.x1 - fg.x0, fg.y1 - fg.y0);
  const int dx = static_cast<int>(std::lround(0.05 * side)),
            dy = static_cast<int>(std::lround(-0.04 * side));
  shifted.x0 += dx, shifted.x1 += dx, shifted.y0 += dy, shifted.y1 += dy;
  return {main, image::MirrorX(main), image::CropToObject(object.photo(), fg, size, 0.03).rgb,
          image::CropToObject(object.photo(), fg, size, 0.15).rgb,
          image::CropToObject(object.photo(), shifted, size).rgb};
}

struct Assembler {
  nn::AssemblerModel model;
  std::string dir;
};

// A structure given on the command line instead of stage 1's.
struct GivenStructure {
  std::string path;
  std::optional<program::Structure> structure;  // parsed; empty while the category waits
  std::string text;                             // paper text whose category needs stage 1
};

class LearnedMethod final : public Method {
 public:
  LearnedMethod(std::vector<nn::StructureModel> models, std::string model_dir,
                std::optional<Assembler> assembler, std::optional<GivenStructure> given,
                retrieval::Index index, const MethodConfig& config, bool oracle)
      : models_(std::move(models)),
        model_dir_(std::move(model_dir)),
        assembler_(std::move(assembler)),
        given_(std::move(given)),
        index_(std::move(index)),
        sampling_steps_(config.sampling_steps),
        symmetry_(config.symmetry),
        separate_fronts_(config.separate_fronts),
        stage1_crops_(config.stage1_crops),
        stage2_crops_(config.stage2_crops),
        consensus_(config.structure_choice == "consensus"),
        silhouette_fit_(config.silhouette_fit),
        oracle_(oracle) {
    // Structure keys of the retrieval samples, to find one with the predicted structure.
    for (size_t i = 0; i < index_.size(); ++i) {
      auto p = program::ParseProgram(index_.entries()[i].program_json);
      if (p.ok()) by_key_.emplace(program::StructureKey(program::StructureOf(*p)), i);
    }
  }
  std::string name() const override { return oracle_ ? "oracle-structure" : "learned"; }
  // A structure that is given (or the dataset's own) is not guessed.
  double uncertain_below() const override { return oracle_ || given_ ? 0 : kUncertainBelow; }
  // Decoding only reads the weights; each worker's decode reserves its torch threads from the
  // process budget, so parallel inputs run with one torch thread each.
  bool thread_safe() const override { return true; }
  // The category probe's opinion is multiplied into stage 1's, unless the structure is given.
  bool uses_category_prior() const override { return !oracle_ && !(given_ && given_->structure); }

  core::Result<Estimate> Run(const MethodInput& in) const override {
    if (oracle_) return FromTrueStructure(in);
    if (given_ && given_->structure) return FromStructure(in, *given_->structure, Estimate{});
    // Every model reads the object at its own size: the crop and its test-time variants. How
    // sure stage 1 is of each category is the mean over the models and those crops: the sequence
    // probability also falls with every part and says little about whether the object was read
    // right.
    const auto& categories = program::Categories();
    std::vector<std::vector<std::vector<double>>> probs;  // [model][crop][category]
    std::vector<nn::StructureModel::EnsembleMember> members;
    std::vector<double> mean(categories.size(), 0.0);
    // The decoder's first step over the categories: the members' normalised geometric mean.
    std::vector<double> first_step(categories.size(), 0.0);
    for (const nn::StructureModel& model : models_) {
      const int size = model.config().image_size;
      const auto crops = TestTimeCrops(*in.object, in.object->Crop(size).rgb, size);
      IMG2CAD_ASSIGN_OR_RETURN(auto p, model.CategoryProbs(crops));
      for (size_t k = 0; k < p.size(); ++k)
        for (size_t c = 0; c < categories.size(); ++c) {
          mean[c] += p[k][c] / static_cast<double>(p.size() * models_.size());
          if (static_cast<int>(k) < stage1_crops_)
            first_step[c] += std::log(std::max(p[k][c], 1e-12));
        }
      for (int k = 0; k < stage1_crops_; ++k) members.push_back({&model, crops[k]});
      probs.push_back(std::move(p));
    }
    double first_z = 0;
    for (double& f : first_step) first_z += f = std::exp(f / static_cast<double>(members.size()));
    // With the probe's opinion, the category is read from the product of the two (product of
    // experts: on val and on the IKEA photos it named more categories right than either alone).
    std::vector<double> fused = mean, decode_prior;
    if (in.category_prior) {
      IMG2CAD_CHECK(in.category_prior->size() == categories.size());
      double z = 0;
      for (size_t c = 0; c < fused.size(); ++c) z += fused[c] *= (*in.category_prior)[c];
      if (z > 0) {
        // Decoding's first step multiplies the prior into the members' distribution; this prior
        // makes that step the product over all models and test-time crops.
        for (size_t c = 0; c < fused.size(); ++c) {
          fused[c] /= z;
          decode_prior.push_back(fused[c] / std::max(first_step[c] / first_z, 1e-12));
        }
      } else {
        fused = mean;  // the two exclude each other: stage 1 alone
      }
    }
    IMG2CAD_ASSIGN_OR_RETURN(auto hyps,
                             nn::StructureModel::DecodeEnsemble(members, kBeam, decode_prior));
    const nn::StructureHypothesis& best = hyps.front();
    if (given_) {
      // Paper text whose part names leave the category open: stage 1 decides it.
      IMG2CAD_ASSIGN_OR_RETURN(
          program::Structure s,
          program::ParsePaperText(given_->text, given_->path, "", best.structure.category));
      Estimate e;
      e.details["stage1"] = {{"model", model_dir_}, {"category_only", best.structure.category}};
      return FromStructure(in, s, std::move(e));
    }
    Estimate e;
    e.category = best.structure.category;
    const size_t cat = static_cast<size_t>(
        std::find(categories.begin(), categories.end(), e.category) - categories.begin());
    IMG2CAD_CHECK(cat < categories.size()) << e.category;
    nlohmann::ordered_json per_crop = nlohmann::ordered_json::array();
    for (size_t k = 0; k < probs[0].size(); ++k) {
      double p = 0;
      for (const auto& model : probs) p += model[k][cat] / static_cast<double>(probs.size());
      per_crop.push_back(std::round(p * 1e4) / 1e4);
    }
    // Each opinion must be sure on its own: the product of two experts that disagree can still
    // be near 1 (stage 1 at 0.9997 for a chair against the probe's 0.06 gives 0.997), and on the
    // val split the least sure opinion separates right from wrong answers far better than the
    // product (Youden's J 0.815 against 0.337 at the 0.95 threshold; README, confidence).
    e.confidence = fused[cat];
    if (in.category_prior)
      e.confidence = std::min({e.confidence, mean[cat], (*in.category_prior)[cat]});
    // Stage 1's whole distribution (and the probe's), so that other opinions on the category can
    // be weighed against it offline.
    auto by_name = [&](const std::vector<double>& p) {
      nlohmann::ordered_json j = nlohmann::ordered_json::object();
      for (size_t c = 0; c < categories.size(); ++c)
        j[categories[c]] = std::round(p[c] * 1e4) / 1e4;
      return j;
    };
    nlohmann::ordered_json category_probs = by_name(mean);
    if (in.category_prior) e.details["category_probe"] = by_name(*in.category_prior);
    e.details["stage1"] = {{"model", model_dir_},
                           {"beam", kBeam},
                           {"crops", stage1_crops_},
                           {"log_prob", std::round(best.log_prob * 1e4) / 1e4},
                           {"category_prob", std::round(best.category_prob * 1e4) / 1e4},
                           {"test_time_category_probs", per_crop},
                           {"category_probs", category_probs},
                           {"structure", program::StructureToText(best.structure)}};
    nlohmann::ordered_json alternatives = nlohmann::ordered_json::array();
    for (size_t i = 1; i < hyps.size(); ++i) {
      alternatives.push_back({{"category", hyps[i].structure.category},
                              {"parts", hyps[i].structure.parts.size()},
                              {"log_prob", std::round(hyps[i].log_prob * 1e4) / 1e4}});
    }
    e.details["stage1"]["alternatives"] = alternatives;
    if (consensus_ && hyps.size() > 1) return ByConsensus(in, hyps, e);
    return FromStructure(in, best.structure, std::move(e));
  }

 private:
  core::Result<Estimate> FromTrueStructure(const MethodInput& in) const {
    if (in.sample == nullptr) {
      return core::Status(core::StatusCode::kInvalidArgument,
                          "the oracle-structure method needs dataset inputs (--manifest)", "",
                          in.image_path);
    }
    IMG2CAD_ASSIGN_OR_RETURN(program::Program truth,
                             program::ReadProgramFile(in.sample->program_path));
    Estimate e;
    e.category = truth.category;
    e.confidence = 1;  // the structure is known, not guessed
    e.details["structure_given"] = in.sample->program_path;
    return FromStructure(in, program::StructureOf(truth), std::move(e));
  }

  // Every hypothesis of the best one's category completed by stage 2, and the consensus among
  // them (pipeline/consensus.h); details.stage1.consensus records the choice.
  core::Result<Estimate> ByConsensus(const MethodInput& in,
                                     const std::vector<nn::StructureHypothesis>& hyps,
                                     const Estimate& e) const {
    std::vector<Estimate> done;
    std::vector<program::Program> programs;
    std::vector<double> scores;
    std::vector<int> rank;  // each candidate's place in the beam
    for (size_t i = 0; i < hyps.size(); ++i) {
      if (hyps[i].structure.category != hyps.front().structure.category) continue;
      auto est = FromStructure(in, hyps[i].structure, e);
      if (!est.ok()) {
        if (i == 0) return est.status();  // as without the consensus
        continue;
      }
      if (i > 0 && est->details.value("stage2", "") != "assembler") continue;  // a placeholder
      programs.push_back(est->program);
      scores.push_back(hyps[i].log_prob);
      rank.push_back(static_cast<int>(i));
      done.push_back(std::move(est).value());
    }
    std::vector<const cad::Model*> models;
    for (const Estimate& d : done) models.push_back(d.model.get());
    auto choice = ChooseByConsensus(programs, scores, models);
    if (!choice.ok()) return std::move(done.front());
    Estimate chosen = std::move(done[choice->index]);
    auto round4 = [](const std::vector<double>& v) {
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (double x : v) j.push_back(std::round(x * 1e4) / 1e4);
      return j;
    };
    chosen.details["stage1"]["structure"] = program::StructureToText(*chosen.structure);
    chosen.details["stage1"]["consensus"] = {{"chosen", rank[choice->index]},
                                             {"beam_ranks", rank},
                                             {"weights", round4(choice->weight)},
                                             {"risks", round4(choice->risk)}};
    return chosen;
  }

  // Stage 2 (or its placeholder) for `structure`.
  core::Result<Estimate> FromStructure(const MethodInput& in, const program::Structure& structure,
                                       Estimate e) const {
    if (given_) {
      e.category = structure.category;
      e.confidence = 1;  // the structure was given, not guessed
      e.details["structure_given"] = given_->path;
    }
    e.structure = structure;
    if (assembler_) {
      auto numbers = StageTwo(*in.object, structure, &e);
      if (numbers.ok()) {
        e.program = std::move(numbers).value();
        e.details["stage2"] = "assembler";
        return e;
      }
      e.details["stage2_fallback"] = numbers.status().ToString();
    }

    const std::string key = program::StructureKey(structure);
    const std::vector<float> d = DescribeObject(*in.object);
    // 1. The nearest retrieval sample with exactly this structure.
    const auto [lo, hi] = by_key_.equal_range(key);
    size_t pick = index_.size();
    double pick_d = 1e300;
    for (auto it = lo; it != hi; ++it) {
      const auto& v = index_.entries()[it->second].descriptor;
      double s = 0;
      for (size_t k = 0; k < v.size(); ++k) s += (v[k] - d[k]) * (v[k] - d[k]);
      if (s < pick_d) pick_d = s, pick = it->second;
    }
    if (pick < index_.size())
      return FromEntry(index_.entries()[pick], "retrieval-same-structure", std::move(e));
    // 2. A generated program with this structure.
    for (uint64_t seed = 0; seed < kGeneratorScan; ++seed) {
      auto s = synth::Generate(e.category, seed);
      if (!s.ok() || program::StructureKey(program::StructureOf(s->program)) != key) continue;
      e.program = s->program;
      e.details["stage2"] = "generator-same-structure";
      e.details["generator_seed"] = seed;
      return e;
    }
    // 3. The nearest retrieval sample of the category; its structure differs.
    float distance = 0;
    return FromEntry(index_.Nearest(d, &distance, e.category), "retrieval-category", std::move(e));
  }

  // Stage 2 and the repairs; details.assembler records them.
  core::Result<program::Program> StageTwo(const ObjectImage& object,
                                          const program::Structure& structure, Estimate* e) const {
    const int size = assembler_->model.config().image_size;
    const image::Crop crop = object.Crop(size);
    std::vector<std::string> repairs;
    std::vector<std::string> symmetry, fronts;
    std::optional<nn::AssemblerView> view;
    auto program =
        assembler_->model.Predict(crop.rgb, structure, sampling_steps_, /*seed=*/0, &view);
    if (view) e->camera = ViewEstimate{view->azimuth_deg, view->elevation_deg};
    if (program.ok() && stage2_crops_ > 1) {
      // The other framings' readings, averaged with the main one's (the camera stays the main
      // crop's). The mirrored crop is left out: its parts' left and right instances swap.
      const std::vector<image::Image> crops = TestTimeCrops(object, crop.rgb, size);
      std::vector<program::Program> readings = {*program};
      for (size_t k = 2; k < crops.size() && static_cast<int>(readings.size()) < stage2_crops_;
           ++k) {
        IMG2CAD_ASSIGN_OR_RETURN(program::Program p,
                                 assembler_->model.Predict(crops[k], structure, sampling_steps_));
        readings.push_back(std::move(p));
      }
      program = program::MeanProgram(readings);
    }
    const bool mirror = symmetry_ && structure.symmetry == program::Symmetry::kReflectX;
    if (program.ok() && (mirror || separate_fronts_)) {
      // Exact mirror pairs and separated fronts need every part's frame and bounds: repair what
      // validation refuses first (no kernel: the final repair below builds once).
      program = RepairProgram(std::move(program).value(), &repairs, 24, /*build=*/false);
      if (program.ok() && mirror)
        program = program::EnforceReflectX(std::move(program).value(), &symmetry);
      if (program.ok() && separate_fronts_)
        program = program::SeparateFronts(std::move(program).value(), &fronts);
    }
    std::optional<cad::Model> model;
    if (program.ok())
      program = RepairProgram(std::move(program).value(), &repairs, 24, true, &model);
    if (program.ok() && silhouette_fit_ != "off" && e->camera)
      program = FitToMask(object, std::move(program).value(), &model, &repairs, e);
    if (program.ok() && model) e->model = std::make_shared<const cad::Model>(*std::move(model));
    e->details["assembler"] = {{"model", assembler_->dir},
                               {"head", nn::AssemblerHeadName(assembler_->model.config().head)},
                               {"sampling_steps", sampling_steps_},
                               {"crops", stage2_crops_},
                               {"symmetry_enforced", symmetry_},
                               {"symmetry", symmetry},
                               {"fronts_separated", fronts},
                               {"repairs", repairs}};
    return program;
  }

  // Stretches the program until its silhouette matches the object's mask
  // (pipeline/silhouette_fit.h); details.silhouette_fit records it. A fit that fails, or a
  // stretched program that does not build, leaves the program as it was. `model` holds the
  // program built, and afterwards the returned program's.
  core::Result<program::Program> FitToMask(const ObjectImage& object, program::Program program,
                                           std::optional<cad::Model>* model,
                                           std::vector<std::string>* repairs, Estimate* e) const {
    // An object cut off by the photo's edge has an outline that ends where the photo does; a
    // model stretched to it would be squeezed, so it is left as stage 2 read it.
    const image::Foreground& fg = object.foreground();
    if (!fg.found) {
      e->details["silhouette_fit"] = {{"skipped", "no mask of the object"}};
      return program;
    }
    if (fg.x0 <= 0 || fg.y0 <= 0 || fg.x1 >= object.photo().width ||
        fg.y1 >= object.photo().height) {
      e->details["silhouette_fit"] = {{"skipped", "the object touches the photo's edge"}};
      return program;
    }
    IMG2CAD_CHECK(model->has_value());  // the final repair built it
    auto mesh = cad::Tessellate(**model);
    if (!mesh.ok() || mesh->triangles.empty()) return program;
    SilhouetteFitOptions o;
    o.fit_view = silhouette_fit_ == "view";
    auto fit = FitSilhouette(*mesh, object.Crop(o.size).mask, e->camera->azimuth_deg,
                             e->camera->elevation_deg, o);
    if (!fit.ok()) {
      e->details["silhouette_fit"] = {{"error", fit.status().ToString()}};
      return program;
    }
    const program::Vec3 s{fit->stretch[0], fit->stretch[1], fit->stretch[2]};
    std::vector<std::string> stretched_repairs;
    std::optional<cad::Model> stretched_model;
    auto stretched = RepairProgram(program::ScaleProgram(program, s), &stretched_repairs, 24, true,
                                   &stretched_model);
    e->details["silhouette_fit"] = {{"stretch", fit->stretch},
                                    {"iou_before", fit->iou_before},
                                    {"iou_after", fit->iou_after},
                                    {"evaluations", fit->evaluations}};
    if (!stretched.ok()) {
      e->details["silhouette_fit"]["kept_unstretched"] = stretched.status().ToString();
      return program;
    }
    repairs->insert(repairs->end(), stretched_repairs.begin(), stretched_repairs.end());
    *model = std::move(stretched_model);
    if (o.fit_view) {
      e->camera = ViewEstimate{fit->azimuth_deg, fit->elevation_deg};
      e->details["silhouette_fit"]["view"] = {fit->azimuth_deg, fit->elevation_deg};
    }
    return stretched;
  }

  core::Result<Estimate> FromEntry(const retrieval::Entry& entry, const char* how,
                                   Estimate e) const {
    IMG2CAD_ASSIGN_OR_RETURN(e.program, program::ParseProgram(entry.program_json, entry.id));
    e.camera = ViewEstimate{entry.azimuth_deg, entry.elevation_deg};
    e.details["stage2"] = how;
    e.details["retrieved"] = entry.id;
    return e;
  }

  std::vector<nn::StructureModel> models_;  // an ensemble when more than one
  std::string model_dir_;                   // their folders, comma-separated
  std::optional<Assembler> assembler_;
  std::optional<GivenStructure> given_;
  retrieval::Index index_;
  std::multimap<std::string, size_t> by_key_;
  int sampling_steps_;
  bool symmetry_;
  bool separate_fronts_;
  int stage1_crops_;
  int stage2_crops_;
  bool consensus_;
  std::string silhouette_fit_;
  bool oracle_;
};

core::Result<std::unique_ptr<Method>> MakeLearned(const MethodConfig& config, bool oracle) {
  if (config.stage2_crops < 1 || config.stage2_crops > 4) {
    return core::Status(core::StatusCode::kInvalidArgument, "stage 2 reads 1 to 4 crops",
                        "--stage2-crops");
  }
  if (config.structure_choice != "best" && config.structure_choice != "consensus") {
    return core::Status(core::StatusCode::kInvalidArgument,
                        "'" + config.structure_choice + "' is neither best nor consensus",
                        "--structure-choice");
  }
  if (config.silhouette_fit != "off" && config.silhouette_fit != "stretch" &&
      config.silhouette_fit != "view") {
    return core::Status(core::StatusCode::kInvalidArgument,
                        "'" + config.silhouette_fit + "' is none of off, stretch and view",
                        "--silhouette-fit");
  }
  if (config.sampling_steps < 1) {
    return core::Status(core::StatusCode::kInvalidArgument, "must be at least 1",
                        "--sampling-steps");
  }
  if (config.stage1_crops < 1 || config.stage1_crops > 5) {
    return core::Status(core::StatusCode::kInvalidArgument, "stage 1 reads 1 to 5 crops",
                        "--stage1-crops");
  }
  std::string dir = config.structure_model;
  if (dir.empty()) {
    IMG2CAD_ASSIGN_OR_RETURN(std::string card, core::FindModelFile("structure", "model.json"));
    dir = std::filesystem::path(card).parent_path().string();
  }
  std::vector<nn::StructureModel> models;
  for (size_t start = 0; start <= dir.size();) {
    const size_t comma = std::min(dir.find(',', start), dir.size());
    const std::string d = dir.substr(start, comma - start);
    start = comma + 1;
    if (d.empty()) {
      return core::Status(core::StatusCode::kInvalidArgument,
                          "an empty folder in the list '" + dir + "'", "--structure-model");
    }
    IMG2CAD_ASSIGN_OR_RETURN(nn::StructureModel model, nn::StructureModel::Load(d));
    models.push_back(std::move(model));
  }
  std::string index_path = config.retrieval_index;
  if (index_path.empty()) {
    IMG2CAD_ASSIGN_OR_RETURN(index_path, core::FindModelFile("retrieval", "index.bin"));
  }
  IMG2CAD_ASSIGN_OR_RETURN(retrieval::Index index, retrieval::Index::Load(index_path));
  // Stage 2: the given folder must load; the default one is used when it exists.
  std::optional<Assembler> assembler;
  std::string assembler_dir = config.assembler_model;
  if (assembler_dir.empty()) {
    auto card = core::FindModelFile("assembler", "model.json");
    if (card.ok()) assembler_dir = std::filesystem::path(*card).parent_path().string();
  }
  if (!assembler_dir.empty()) {
    IMG2CAD_ASSIGN_OR_RETURN(nn::AssemblerModel a, nn::AssemblerModel::Load(assembler_dir));
    assembler = Assembler{std::move(a), assembler_dir};
  }
  std::optional<GivenStructure> given;
  if (!config.structure_file.empty()) {
    IMG2CAD_ASSIGN_OR_RETURN(std::string text, core::ReadFile(config.structure_file));
    IMG2CAD_ASSIGN_OR_RETURN(program::Structure s,
                             program::ParseStructure(text, config.structure_file));
    given = GivenStructure{config.structure_file, std::move(s), ""};
  } else if (!config.structure_text_file.empty()) {
    IMG2CAD_ASSIGN_OR_RETURN(std::string text, core::ReadFile(config.structure_text_file));
    auto s = program::ParsePaperText(text, config.structure_text_file, config.category);
    if (s.ok()) {
      given = GivenStructure{config.structure_text_file, std::move(s).value(), ""};
    } else {
      // Only an open category may wait for stage 1: check the rest with any category now.
      bool category_open = false;
      for (const auto& c : program::Categories())
        category_open |= program::ParsePaperText(text, config.structure_text_file, "", c).ok();
      if (!category_open || !config.category.empty()) return s.status();
      given = GivenStructure{config.structure_text_file, std::nullopt, std::move(text)};
    }
  }
  return std::unique_ptr<Method>(
      std::make_unique<LearnedMethod>(std::move(models), dir, std::move(assembler),
                                      std::move(given), std::move(index), config, oracle));
}

}  // namespace

core::Result<std::unique_ptr<Method>> MakeLearnedMethod(const MethodConfig& config) {
  return MakeLearned(config, /*oracle=*/false);
}

core::Result<std::unique_ptr<Method>> MakeOracleStructureMethod(const MethodConfig& config) {
  return MakeLearned(config, /*oracle=*/true);
}

}  // namespace internal

}  // namespace img2cad::pipeline
