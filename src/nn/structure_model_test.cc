#include "nn/structure_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/file_io.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "core/temp_dir.h"
#include "program/json_io.h"
#include "program/structure_tokens.h"
#include "program/vocabulary.h"

namespace img2cad::nn {
namespace {

// A tiny configuration that trains in seconds.
StructureModelConfig Tiny() {
  StructureModelConfig c;
  c.image_size = 32;
  c.width = 8;
  c.d_model = 32;
  c.heads = 2;
  c.layers = 1;
  c.ff = 64;
  return c;
}

std::vector<int> ExampleTokens(const std::string& name) {
  auto p =
      program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json");
  return program::EncodeStructure(program::StructureOf(p.value())).value();
}

// Three plainly different pictures, one per example structure.
std::vector<StructureExample> Fixture() {
  std::vector<StructureExample> out;
  const char* names[] = {"chair", "table", "storage"};
  for (int k = 0; k < 3; ++k) {
    image::Image img(32, 32, 3, 200);
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) {
        const bool on = k == 0 ? x < 12 : k == 1 ? y < 12 : (x / 4 + y / 4) % 2 == 0;
        if (on)
          for (int c = 0; c < 3; ++c) img.at(x, y, c) = static_cast<uint8_t>(30 + 60 * c);
      }
    out.push_back({img, ExampleTokens(names[k])});
  }
  return out;
}

// Trained once per process and shared (150 steps, about 4 s on one thread).
StructureModel& TrainedFixture() {
  static StructureModel* m = [] {
    auto* model = new StructureModel(StructureModel::Create(Tiny(), 1));
    const auto data = Fixture();
    for (int step = 0; step < 150; ++step) EXPECT_TRUE(model->TrainStep(data, 3e-3).ok());
    return model;
  }();
  return *m;
}

// Decodes every fixture picture with `beams` beams and checks that the best hypothesis is its
// structure, with a probability above 0.3, and that the hypotheses come best first.
void ExpectDecodesTheFixture(const StructureModel& m, int beams) {
  for (const auto& e : Fixture()) {
    auto hyps = m.Decode(e.crop, beams);
    ASSERT_TRUE(hyps.ok()) << hyps.status().ToString();
    ASSERT_FALSE(hyps->empty());
    EXPECT_EQ((*hyps)[0].tokens, e.tokens)
        << program::StructureTokensToText((*hyps)[0].tokens) << "\nwanted\n"
        << program::StructureTokensToText(e.tokens);
    EXPECT_GT((*hyps)[0].log_prob, std::log(0.3));
    if (hyps->size() > 1) EXPECT_LE((*hyps)[1].log_prob, (*hyps)[0].log_prob);
  }
}

TEST(StructureModelTest, OverfitsATinyFixtureAndDecodesItExactly) {
  ExpectDecodesTheFixture(TrainedFixture(), 2);
}

// Mixed precision (`train --precision bf16`) learns the fixture as well, and is in effect: its
// first loss differs from float32's.
TEST(StructureModelTest, MixedPrecisionLearnsTheFixtureToo) {
  StructureModel m = StructureModel::Create(Tiny(), 1);
  const auto data = Fixture();
  double first = 0;
  for (int step = 0; step < 150; ++step) {
    auto loss = m.TrainStep(data, 3e-3, /*mixed_bf16=*/true);
    ASSERT_TRUE(loss.ok()) << loss.status().ToString();
    if (step == 0) first = *loss;
  }
  StructureModel plain = StructureModel::Create(Tiny(), 1);
  EXPECT_NE(plain.TrainStep(data, 3e-3).value(), first);
  ExpectDecodesTheFixture(m, 1);
}

// A batch is cut into fixed shards that train side by side on replicas when threads allow
// (data_parallel_internal.h): one thread or two must give the same model, bit for bit.
TEST(StructureModelTest, TrainingIsTheSameOnOneThreadOrTwo) {
  StructureModelConfig c = Tiny();
  c.count_head = true;
  c.template_head = true;
  auto train = [&](int threads) {
    const int budget = core::ThreadBudget();
    core::SetThreadBudget(threads);
    StructureModel m = StructureModel::Create(c, 3);
    std::vector<double> losses;
    for (int step = 0; step < 3; ++step) losses.push_back(m.TrainStep(Fixture(), 3e-3).value());
    core::SetThreadBudget(budget);
    return losses;
  };
  const auto one = train(1), two = train(2);
  for (size_t i = 0; i < one.size(); ++i) EXPECT_EQ(one[i], two[i]) << "step " << i;
  EXPECT_LT(one.back(), one.front());
}

TEST(StructureModelTest, SaveLoadAndCheckpointsRoundTrip) {
  StructureModel m = StructureModel::Create(Tiny(), 5);
  for (int step = 0; step < 3; ++step) ASSERT_TRUE(m.TrainStep(Fixture(), 3e-3).ok());
  core::TempDir dir("structure_model");
  ASSERT_TRUE(m.Save((dir.path() / "model").string(), R"({"data": "fixture"})").ok());
  auto loaded = StructureModel::Load((dir.path() / "model").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config(), Tiny());
  const auto data = Fixture();
  EXPECT_EQ(loaded->Decode(data[1].crop, 1)->at(0).tokens, m.Decode(data[1].crop, 1)->at(0).tokens);

  // A checkpoint carries the optimiser: one more step from it equals one more step here.
  const std::string ckpt = (dir.path() / "ckpt.pt").string();
  ASSERT_TRUE(m.SaveCheckpoint(ckpt).ok());
  StructureModel resumed = StructureModel::Create(Tiny(), 99);
  ASSERT_TRUE(resumed.LoadCheckpoint(ckpt).ok());
  EXPECT_DOUBLE_EQ(resumed.TrainStep(data, 1e-3).value(), m.TrainStep(data, 1e-3).value());

  // Bad model folders are named.
  auto missing = StructureModel::Load((dir.path() / "nothing").string());
  EXPECT_EQ(missing.status().code(), core::StatusCode::kNotFound);
  ASSERT_TRUE(core::WriteFileAtomic((dir.path() / "model" / "model.json").string(),
                                    R"({"name": "structure", "structure_tokens_version": 999})")
                  .ok());
  auto wrong = StructureModel::Load((dir.path() / "model").string());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().where(), "structure_tokens_version");
  ASSERT_TRUE(core::WriteFileAtomic(ckpt, "not a checkpoint").ok());
  EXPECT_EQ(resumed.LoadCheckpoint(ckpt).code(), core::StatusCode::kParse);
}

// A deeper encoder is a different network that keeps its depth through model.json, and the shallow
// layout stays the one that older models were saved with.
TEST(StructureModelTest, EncoderBlocksAddLayersAndRoundTrip) {
  StructureModelConfig deep = Tiny();
  deep.encoder_blocks = 2;
  StructureModel shallow_model = StructureModel::Create(Tiny(), 5);
  StructureModel deep_model = StructureModel::Create(deep, 5);
  EXPECT_GT(deep_model.num_parameters(), shallow_model.num_parameters());
  ASSERT_TRUE(deep_model.TrainStep(Fixture(), 3e-3).ok());
  core::TempDir dir("structure_model_deep");
  ASSERT_TRUE(deep_model.Save((dir.path() / "model").string()).ok());
  auto loaded = StructureModel::Load((dir.path() / "model").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config().encoder_blocks, 2);
  const auto data = Fixture();
  EXPECT_EQ(loaded->Decode(data[0].crop, 1)->at(0).tokens,
            deep_model.Decode(data[0].crop, 1)->at(0).tokens);
}

// Whatever the picture, the grammar-constrained decode returns valid structures.
TEST(StructureModelTest, EveryDecodedStructureOf200RandomImagesValidates) {
  const StructureModel& m = TrainedFixture();
  core::Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    image::Image img(24 + i % 17, 24 + i % 13, 3);
    for (auto& p : img.pixels) p = static_cast<uint8_t>(rng.UniformInt(0, 255));
    auto hyps = m.Decode(img, 1);
    ASSERT_TRUE(hyps.ok());
    ASSERT_EQ(hyps->size(), 1u);
    const program::Structure& s = (*hyps)[0].structure;
    EXPECT_TRUE(program::ParseStructure(program::StructureToJson(s)).ok());
    EXPECT_EQ(program::EncodeStructure(s).value(), (*hyps)[0].tokens);
  }
}

// Per-label instance counts of a token sequence of `category` (an index into Categories()).
std::vector<int> CountsOf(const std::vector<int>& tokens, int category) {
  int found = -1;
  std::vector<int> counts = program::StructureLabelCounts(tokens, &found);
  EXPECT_EQ(found, category);
  return counts;
}

// The chair example's sequence with its last leg left out: a structure the frozen decoder was not
// trained on, so only the count head can ask for it.
std::vector<int> ChairWithoutALeg() {
  auto p = program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json");
  program::Structure s = program::StructureOf(p.value());
  for (size_t i = s.parts.size(); i-- > 0;)
    if (s.parts[i].label == "leg") {
      s.parts.erase(s.parts.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  return program::EncodeStructure(s).value();
}

TEST(StructureModelTest, CountHeadTrainsOverAFrozenBaseAndCanOverruleTheDecoder) {
  core::TempDir dir("structure_counts");
  const std::string base_dir = (dir.path() / "base").string();
  ASSERT_TRUE(TrainedFixture().Save(base_dir).ok());
  auto model = StructureModel::CountHeadOver(base_dir, 2);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_TRUE(model->config().count_head);

  // The count head learns a chair with one leg fewer than the decoder was taught.
  auto data = Fixture();
  const std::vector<int> original_chair = data[0].tokens;
  data[0].tokens = ChairWithoutALeg();
  ASSERT_NE(CountsOf(data[0].tokens, 0), CountsOf(original_chair, 0));
  for (int step = 0; step < 150; ++step) ASSERT_TRUE(model->TrainStep(data, 3e-3).ok());
  for (int k = 0; k < 3; ++k) {
    auto counts = model->PredictCounts(data[k].crop, k);
    ASSERT_TRUE(counts.ok()) << counts.status().ToString();
    EXPECT_EQ(*counts, CountsOf(data[k].tokens, k)) << "fixture " << k;
  }

  // The base stays as trained: without the count expert it decodes what the base decodes.
  model->set_count_weight(0);
  const auto base_hyp = TrainedFixture().Decode(data[0].crop, 1)->at(0);
  const auto plain = model->Decode(data[0].crop, 1)->at(0);
  EXPECT_EQ(plain.tokens, original_chair);
  EXPECT_EQ(plain.tokens, base_hyp.tokens);
  EXPECT_NEAR(plain.log_prob, base_hyp.log_prob, 1e-4);

  // With a strong count expert the decoder's remaining legs end where the head says; the other
  // pictures keep their structures.
  model->set_count_weight(20);
  auto guided = model->Decode(data[0].crop, 3);
  ASSERT_TRUE(guided.ok());
  EXPECT_EQ(CountsOf(guided->at(0).tokens, 0), CountsOf(data[0].tokens, 0))
      << program::StructureTokensToText(guided->at(0).tokens);
  for (int k = 1; k < 3; ++k)
    EXPECT_EQ(model->Decode(data[k].crop, 1)->at(0).tokens, data[k].tokens);

  // The count head and its weight survive saving; a second count head is refused.
  const std::string counted_dir = (dir.path() / "counted").string();
  ASSERT_TRUE(model->Save(counted_dir).ok());
  auto loaded = StructureModel::Load(counted_dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config(), model->config());
  EXPECT_EQ(loaded->PredictCounts(data[2].crop, 2).value(), CountsOf(data[2].tokens, 2));
  EXPECT_FALSE(StructureModel::CountHeadOver(counted_dir, 3).ok());
  EXPECT_EQ(TrainedFixture().PredictCounts(data[0].crop, 0).status().code(),
            core::StatusCode::kInvalidArgument);
}

// Fine-tuning starts from the saved model, config and weights, and then moves all of it.
TEST(StructureModelTest, FineTuningStartsFromTheSavedModelAndLearnsMore) {
  core::TempDir dir("structure_fine_tune");
  ASSERT_TRUE(TrainedFixture().Save(dir.path().string()).ok());
  auto model = StructureModel::FineTuneFrom(dir.path().string(), 7);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->config(), TrainedFixture().config());
  EXPECT_EQ(model->steps(), 0);
  auto data = Fixture();
  EXPECT_EQ(model->Decode(data[0].crop, 1)->at(0).tokens, data[0].tokens);

  data[0].tokens = ChairWithoutALeg();
  for (int step = 0; step < 100; ++step) ASSERT_TRUE(model->TrainStep(data, 3e-3).ok());
  EXPECT_EQ(model->steps(), 100);
  EXPECT_EQ(model->Decode(data[0].crop, 1)->at(0).tokens, data[0].tokens);
  EXPECT_NE(TrainedFixture().Decode(data[0].crop, 1)->at(0).tokens, data[0].tokens);

  EXPECT_EQ(StructureModel::FineTuneFrom((dir.path() / "absent").string(), 7).status().code(),
            core::StatusCode::kNotFound);
}

// The template head learns each label's first part from the image; as a decoding expert it keeps
// the decoder's answers on what both learned, and every decode stays valid.
TEST(StructureModelTest, TemplateHeadReadsFirstPartsAndRoundTrips) {
  StructureModelConfig c = Tiny();
  c.template_head = true;
  c.template_weight = 1;
  StructureModel model = StructureModel::Create(c, 4);
  const auto data = Fixture();
  for (int step = 0; step < 150; ++step) ASSERT_TRUE(model.TrainStep(data, 3e-3).ok());
  for (int k = 0; k < 3; ++k) {
    auto templates = model.PredictTemplates(data[k].crop, k);
    ASSERT_TRUE(templates.ok()) << templates.status().ToString();
    EXPECT_EQ(*templates, program::StructureFirstParts(data[k].tokens)) << "fixture " << k;
    EXPECT_EQ(model.Decode(data[k].crop, 1)->at(0).tokens, data[k].tokens) << "fixture " << k;
  }
  model.set_template_weight(5);
  core::Rng rng(5);
  for (int i = 0; i < 20; ++i) {
    image::Image img(32, 32, 3);
    for (auto& p : img.pixels) p = static_cast<uint8_t>(rng.UniformInt(0, 255));
    auto hyps = model.Decode(img, 2);
    ASSERT_TRUE(hyps.ok());
    for (const auto& h : *hyps) EXPECT_EQ(program::EncodeStructure(h.structure).value(), h.tokens);
  }

  core::TempDir dir("structure_templates");
  ASSERT_TRUE(model.Save(dir.path().string()).ok());
  auto loaded = StructureModel::Load(dir.path().string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config(), model.config());
  EXPECT_EQ(loaded->PredictTemplates(data[1].crop, 1).value(),
            program::StructureFirstParts(data[1].tokens));
  EXPECT_EQ(TrainedFixture().PredictTemplates(data[0].crop, 0).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(model.PredictTemplates(data[0].crop, 9).status().code(),
            core::StatusCode::kInvalidArgument);
}

// A heavier first-part loss changes what trains, not the loss that is reported, and is kept in
// model.json.
TEST(StructureModelTest, FirstPartWeightTrainsDifferentlyAndRoundTrips) {
  StructureModelConfig heavy = Tiny();
  heavy.first_part_weight = 4;
  StructureModel plain_model = StructureModel::Create(Tiny(), 6);
  StructureModel heavy_model = StructureModel::Create(heavy, 6);
  const auto data = Fixture();
  std::vector<double> plain, weighted;
  for (int step = 0; step < 3; ++step) {
    plain.push_back(plain_model.TrainStep(data, 3e-3).value());
    weighted.push_back(heavy_model.TrainStep(data, 3e-3).value());
  }
  EXPECT_NEAR(plain[0], weighted[0], 1e-5);  // the same weights before the first update
  EXPECT_NE(plain[2], weighted[2]);
  core::TempDir dir("structure_first_part");
  ASSERT_TRUE(heavy_model.Save(dir.path().string()).ok());
  auto loaded = StructureModel::Load(dir.path().string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config().first_part_weight, 4);
}

// The fixture with part-map targets: each picture's dark region as label 0 of its category, the
// rest background, and a seam down the middle of the dark region.
std::vector<StructureExample> FixtureWithPartMaps(const StructureModelConfig& c) {
  auto data = Fixture();
  const int grid = c.image_size / 4;
  for (auto& e : data) {
    e.part_labels.assign(static_cast<size_t>(grid) * grid, -1);
    e.part_seams.assign(e.part_labels.size(), 0);
    for (int gy = 0; gy < grid; ++gy)
      for (int gx = 0; gx < grid; ++gx)
        if (e.crop.at(gx * 4 + 2, gy * 4 + 2, 0) < 100) {
          e.part_labels[gy * grid + gx] = 0;
          e.part_seams[gy * grid + gx] = gx == grid / 2;
        }
  }
  return data;
}

// The part-map head is a training loss only: it learns its targets, changes what the encoder
// learns when targets are given, changes nothing when none are, and fine-tuning adds or drops it.
TEST(StructureModelTest, PartMapHeadLearnsItsTargetsAndRoundTrips) {
  StructureModelConfig c = Tiny();
  c.part_map_weight = 1;
  StructureModel with_head = StructureModel::Create(c, 8);
  StructureModel plain = StructureModel::Create(Tiny(), 8);
  StructureModel no_targets = StructureModel::Create(c, 8);
  const auto data = FixtureWithPartMaps(c);
  const double before = with_head.PartMapLoss(data).value();
  EXPECT_GT(before, 1.0);
  // The share of the fixture's cells whose label the head reads right.
  auto agreement = [&](const StructureModel& m) {
    int right = 0, cells = 0;
    for (const auto& e : data) {
      int category = -1;
      program::StructureLabelCounts(e.tokens, &category);
      auto reading = m.PredictPartMap(e.crop, category);
      EXPECT_TRUE(reading.ok()) << reading.status().ToString();
      EXPECT_EQ(reading->grid * reading->grid, static_cast<int>(e.part_labels.size()));
      EXPECT_EQ(reading->seams.size(), e.part_labels.size());
      for (size_t k = 0; k < e.part_labels.size(); ++k, ++cells)
        right += reading->labels[k] == e.part_labels[k];
    }
    return static_cast<double>(right) / cells;
  };
  const double agreement_before = agreement(with_head);
  std::vector<double> a, b, d;
  for (int step = 0; step < 60; ++step) {
    a.push_back(with_head.TrainStep(data, 3e-3).value());
    b.push_back(plain.TrainStep(Fixture(), 3e-3).value());
    d.push_back(no_targets.TrainStep(Fixture(), 3e-3).value());
  }
  EXPECT_LT(with_head.PartMapLoss(data).value(), before / 3);
  EXPECT_GT(agreement(with_head), std::max(0.6, agreement_before)) << agreement_before;
  EXPECT_EQ(plain.PredictPartMap(data[0].crop, 0).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(with_head.PredictPartMap(data[0].crop, 7).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(b, d);  // without targets the head costs nothing and changes nothing
  EXPECT_NE(a[5], b[5]);
  EXPECT_EQ(with_head.PartMapLoss(Fixture()).value(), 0);
  auto bad = data;
  bad[0].part_seams.pop_back();
  EXPECT_EQ(with_head.PartMapLoss(bad).status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(plain.PartMapLoss(data).status().code(), core::StatusCode::kInvalidArgument);

  core::TempDir dir("structure_part_map");
  ASSERT_TRUE(with_head.Save((dir.path() / "head").string()).ok());
  auto loaded = StructureModel::Load((dir.path() / "head").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config(), c);
  EXPECT_DOUBLE_EQ(loaded->PartMapLoss(data).value(), with_head.PartMapLoss(data).value());
  // Fine-tuning drops the head with weight 0, and adds a fresh one to a model without it.
  auto dropped = StructureModel::FineTuneFrom((dir.path() / "head").string(), 1, 0);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->config(), Tiny());
  EXPECT_EQ(dropped->num_parameters(), plain.num_parameters());
  EXPECT_EQ(dropped->Decode(data[2].crop, 1)->at(0).tokens,
            with_head.Decode(data[2].crop, 1)->at(0).tokens);
  ASSERT_TRUE(plain.Save((dir.path() / "plain").string()).ok());
  auto added = StructureModel::FineTuneFrom((dir.path() / "plain").string(), 1, 2);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->config().part_map_weight, 2);
  EXPECT_EQ(added->num_parameters(), with_head.num_parameters());
  EXPECT_EQ(added->Decode(data[1].crop, 1)->at(0).tokens,
            plain.Decode(data[1].crop, 1)->at(0).tokens);
  EXPECT_GT(added->PartMapLoss(data).value(), with_head.PartMapLoss(data).value());
}

// The count density learns the visible part centres it is given, joins the count head's answer,
// round-trips, and needs a count head.
TEST(StructureModelTest, CountDensityLearnsCentresAndRoundTrips) {
  StructureModelConfig c = Tiny();
  c.count_head = true;
  c.count_density = true;
  c.part_map_weight = 1;
  auto data = FixtureWithPartMaps(c);
  for (size_t k = 0; k < data.size(); ++k) {
    int category = -1;
    const auto counts = program::StructureLabelCounts(data[k].tokens, &category);
    // Label 0's parts, centred one cell apart along the first row.
    for (int n = 0; n < counts[0]; ++n)
      data[k].part_centres.push_back({static_cast<int16_t>(n * 4), 0});
  }
  StructureModel model = StructureModel::Create(c, 9);
  for (int step = 0; step < 150; ++step) ASSERT_TRUE(model.TrainStep(data, 3e-3).ok());
  for (int k = 0; k < 3; ++k) {
    int category = -1;
    const auto truth = program::StructureLabelCounts(data[k].tokens, &category);
    EXPECT_EQ(model.PredictCounts(data[k].crop, category).value(), truth) << "fixture " << k;
    EXPECT_NEAR(model.PredictVisibleCounts(data[k].crop, category).value()[0], truth[0], 0.5)
        << "fixture " << k;
    EXPECT_EQ(model.Decode(data[k].crop, 1)->at(0).tokens, data[k].tokens) << "fixture " << k;
  }
  core::TempDir dir("structure_density");
  ASSERT_TRUE(model.Save((dir.path() / "m").string()).ok());
  auto loaded = StructureModel::Load((dir.path() / "m").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config(), c);
  EXPECT_EQ(loaded->PredictCounts(data[2].crop, 2).value(),
            model.PredictCounts(data[2].crop, 2).value());
  // Added by a fine-tune to a model with a count head; refused without one.
  c.count_density = false;
  ASSERT_TRUE(StructureModel::Create(c, 9).Save((dir.path() / "counts").string()).ok());
  auto added = StructureModel::FineTuneFrom((dir.path() / "counts").string(), 1, -1, true);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_TRUE(added->config().count_density);
  EXPECT_EQ(added->num_parameters(), model.num_parameters());
  EXPECT_EQ(TrainedFixture().PredictVisibleCounts(data[0].crop, 0).status().code(),
            core::StatusCode::kInvalidArgument);
  ASSERT_TRUE(StructureModel::Create(Tiny(), 9).Save((dir.path() / "plain").string()).ok());
  EXPECT_EQ(
      StructureModel::FineTuneFrom((dir.path() / "plain").string(), 1, -1, true).status().code(),
      core::StatusCode::kInvalidArgument);
}

// Test-time crops score the category alone: it must be the decoder's first step, whether the
// crops come one at a time or as a batch.
TEST(StructureModelTest, CategoryProbsAreDecodingsFirstStep) {
  const StructureModel& m = TrainedFixture();
  const auto data = Fixture();
  std::vector<image::Image> crops;
  for (const auto& e : data) crops.push_back(e.crop);
  auto batch = m.CategoryProbs(crops);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), data.size());
  for (size_t k = 0; k < data.size(); ++k) {
    const auto& row = (*batch)[k];
    ASSERT_EQ(row.size(), program::Categories().size());
    double sum = 0;
    for (double p : row) sum += p;
    EXPECT_NEAR(sum, 1.0, 1e-5);
    const int truth = program::StructureTokenCategory(data[k].tokens.at(1));
    EXPECT_EQ(std::max_element(row.begin(), row.end()) - row.begin(), truth);
    const auto hyp = m.Decode(data[k].crop, 1)->at(0);
    EXPECT_NEAR(row[truth], hyp.category_prob, 1e-4);
    const auto single = m.CategoryProbs({data[k].crop});
    ASSERT_TRUE(single.ok());
    for (size_t c = 0; c < row.size(); ++c) EXPECT_NEAR((*single)[0][c], row[c], 1e-5);
  }
  EXPECT_EQ(m.CategoryProbs({}).status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.CategoryProbs({data[0].crop, image::Image()}).status().code(),
            core::StatusCode::kInvalidArgument);
}

TEST(StructureModelTest, ACategoryPriorIsMultipliedIntoTheFirstStep) {
  const StructureModel& m = TrainedFixture();
  const auto data = Fixture();
  const int n = static_cast<int>(program::Categories().size());
  for (size_t k = 0; k < data.size(); ++k) {
    const auto row = m.CategoryProbs({data[k].crop})->at(0);
    const int truth = program::StructureTokenCategory(data[k].tokens.at(1));
    // A flat prior changes nothing.
    const auto flat = m.Decode(data[k].crop, 1, std::vector<double>(n, 5.0));
    ASSERT_TRUE(flat.ok()) << flat.status().ToString();
    EXPECT_EQ(flat->at(0).tokens, data[k].tokens);
    // A certain prior decides the category, against the image.
    const int other = (truth + 1) % n;
    std::vector<double> certain(n, 0.0);
    certain[other] = 1;
    const auto forced = m.Decode(data[k].crop, 2, certain);
    ASSERT_TRUE(forced.ok()) << forced.status().ToString();
    for (const auto& hyp : *forced) {
      EXPECT_EQ(program::StructureTokenCategory(hyp.tokens.at(1)), other);
      EXPECT_NEAR(hyp.category_prob, 1.0, 1e-5);
    }
    // Otherwise category_prob is the renormalised product.
    std::vector<double> prior(n, 1.0);
    prior[truth] = 0.5;
    double z = 0;
    for (int c = 0; c < n; ++c) z += row[c] * prior[c];
    const auto soft = m.Decode(data[k].crop, 1, prior)->at(0);
    const int decoded = program::StructureTokenCategory(soft.tokens.at(1));
    EXPECT_NEAR(soft.category_prob, row[decoded] * prior[decoded] / z, 1e-4);
  }
  for (const std::vector<double>& bad :
       {std::vector<double>{1, 1}, std::vector<double>(n, 0.0), std::vector<double>{1, -1, 1},
        std::vector<double>{1, NAN, 1}}) {
    EXPECT_EQ(m.Decode(data[0].crop, 1, bad).status().code(), core::StatusCode::kInvalidArgument);
  }
}

TEST(StructureModelTest, AnEnsembleOfOneIsDecodeAndMembersVoteAsAGeometricMean) {
  const StructureModel& trained = TrainedFixture();
  const StructureModel fresh = StructureModel::Create(Tiny(), 7);
  const auto data = Fixture();
  const int n = static_cast<int>(program::Categories().size());
  for (size_t k = 0; k < data.size(); ++k) {
    const auto& crop = data[k].crop;
    const auto plain = trained.Decode(crop, 2);
    const auto one = StructureModel::DecodeEnsemble({{&trained, crop}}, 2);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    ASSERT_EQ(one->size(), plain->size());
    for (size_t h = 0; h < plain->size(); ++h) {
      EXPECT_EQ(one->at(h).tokens, plain->at(h).tokens);
      EXPECT_EQ(one->at(h).log_prob, plain->at(h).log_prob);
    }
    // Two copies of one member agree with it.
    const auto twice = StructureModel::DecodeEnsemble({{&trained, crop}, {&trained, crop}}, 1);
    ASSERT_TRUE(twice.ok());
    EXPECT_EQ(twice->at(0).tokens, plain->at(0).tokens);
    EXPECT_NEAR(twice->at(0).log_prob, plain->at(0).log_prob, 1e-3);
    // With another model, the first step is the two's normalised geometric mean.
    const auto mixed = StructureModel::DecodeEnsemble({{&trained, crop}, {&fresh, crop}}, 1);
    ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
    const auto a = trained.CategoryProbs({crop})->at(0), b = fresh.CategoryProbs({crop})->at(0);
    double z = 0;
    for (int c = 0; c < n; ++c) z += std::sqrt(a[c] * b[c]);
    const int decoded = program::StructureTokenCategory(mixed->at(0).tokens.at(1));
    EXPECT_NEAR(mixed->at(0).category_prob, std::sqrt(a[decoded] * b[decoded]) / z, 1e-4);
  }
  EXPECT_EQ(StructureModel::DecodeEnsemble({}, 1).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(StructureModel::DecodeEnsemble({{nullptr, data[0].crop}}, 1).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(StructureModel::DecodeEnsemble({{&trained, data[0].crop}, {&fresh, image::Image()}}, 1)
                .status()
                .code(),
            core::StatusCode::kInvalidArgument);
}

TEST(StructureModelTest, RefusesEmptyImagesAndBadBeams) {
  StructureModel m = StructureModel::Create(Tiny(), 1);
  EXPECT_EQ(m.Decode(image::Image(), 1).status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.Decode(image::Image(8, 8, 3), 0).status().code(), core::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace img2cad::nn
