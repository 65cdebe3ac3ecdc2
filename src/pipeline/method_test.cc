#include "pipeline/method.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "cad/model.h"
#include "core/file_io.h"
#include "core/temp_dir.h"
#include "image/image.h"
#include "pipeline/find_object.h"
#include "pipeline/predict.h"
#include "pipeline/retrieval_method.h"
#include "program/json_io.h"
#include "program/sketch_geometry.h"
#include "program/structure.h"

namespace img2cad::pipeline {
namespace {

const std::string kExamples = std::string(IMG2CAD_SOURCE_DIR) + "/examples/";

// A dark box on a light backdrop.
image::Image Photo(int w, int h) {
  image::Image img(96, 96, 3, 220);
  for (int y = 48 - h / 2; y < 48 + h / 2; ++y)
    for (int x = 48 - w / 2; x < 48 + w / 2; ++x)
      for (int c = 0; c < 3; ++c) img.at(x, y, c) = 40;
  return img;
}

TEST(MethodRegistryTest, KnowsItsMethodsAndRefusesOthers) {
  std::vector<std::string> names;
  for (const auto& m : RegisteredMethods()) names.push_back(m.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"retrieval", "learned", "oracle-structure", "ground-truth"}));
  auto bad = CreateMethod("magic", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), core::StatusCode::kNotFound);
  EXPECT_NE(bad.status().message().find("retrieval, learned, oracle-structure, ground-truth"),
            std::string::npos);
}

TEST(FindObjectTest, FindsTheBoxAndRefusesTinyPhotos) {
  auto object = FindObject(Photo(30, 60), "box.png");
  ASSERT_TRUE(object.ok());
  EXPECT_TRUE(object->foreground().found);
  EXPECT_NEAR(object->foreground().x1 - object->foreground().x0, 30, 2);
  const image::Crop crop = object->Crop(64);
  EXPECT_EQ(crop.rgb.width, 64);
  EXPECT_EQ(crop.mask.channels, 1);
  auto tiny = FindObject(image::Image(4, 40, 3, 0), "tiny.png");
  ASSERT_FALSE(tiny.ok());
  EXPECT_EQ(tiny.status().file(), "tiny.png");
}

// The foreground of a side x side square in a 100 x 100 frame.
image::Foreground SquareMask(int side) {
  image::Image mask(100, 100, 1, 0);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) mask.at(x + 10, y + 10, 0) = 255;
  return image::ForegroundFromMask(mask, 100, 100);
}

TEST(FindObjectTest, ATinyIsnetMaskHandsOverToALargerBorderMask) {
  const image::Foreground blob = SquareMask(15), object = SquareMask(50), bigger = SquareMask(60);
  ASSERT_TRUE(blob.found && object.found);
  EXPECT_TRUE(IsnetMaskIsAMiss(blob, object));     // 2.25% of the frame against 25%
  EXPECT_FALSE(IsnetMaskIsAMiss(object, bigger));  // 25% is an object, whatever the border says
  EXPECT_FALSE(IsnetMaskIsAMiss(blob, SquareMask(10)));  // the border's is smaller still
  image::Foreground whole = image::ForegroundFromMask(image::Image(100, 100, 1, 255), 100, 100);
  EXPECT_FALSE(whole.found);
  EXPECT_FALSE(IsnetMaskIsAMiss(blob, whole));  // the border found nothing usable
  // An empty ISNet mask is left to the no_object rules, as before.
  image::Foreground nothing = image::ForegroundFromMask(image::Image(100, 100, 1, 0), 100, 100);
  EXPECT_FALSE(IsnetMaskIsAMiss(nothing, object));
}

TEST(FindObjectTest, MeanInMaskAveragesTheProbabilityOverTheMaskOnly) {
  image::Image prob(4, 1, 1, 0), mask(4, 1, 1, 0);
  prob.pixels = {255, 51, 200, 10};
  mask.pixels = {255, 255, 0, 128};
  EXPECT_NEAR(MeanInMask(prob, mask), (255 + 51 + 10) / 3.0 / 255, 1e-9);
  EXPECT_EQ(MeanInMask(prob, image::Image(4, 1, 1, 0)), 0);  // an empty mask
}

TEST(FindObjectTest, AutoIsnetSizeUpsamplesAtMostOneAndAHalfTimes) {
  EXPECT_EQ(AutoIsnetSize(128, 128), 192);  // our renders
  EXPECT_EQ(AutoIsnetSize(64, 40), 192);    // never below 192
  EXPECT_EQ(AutoIsnetSize(120, 156), 256);  // 234 rounded up
  EXPECT_EQ(AutoIsnetSize(256, 171), 320);  // 384, capped
  EXPECT_EQ(AutoIsnetSize(4000, 3000), 320);
}

TEST(FindObjectTest, AGivenMaskWinsAndNoneTakesTheWholePhoto) {
  image::Image mask(120, 80, 1, 0);  // the photo's size need not match: it is resized
  for (int y = 10; y < 30; ++y)
    for (int x = 90; x < 110; ++x) mask.at(x, y, 0) = 255;
  FindObjectOptions o;
  o.mask = &mask;
  auto given = FindObject(Photo(30, 60), "box.png", o);
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->mask_source(), "mask");
  EXPECT_GT(given->foreground().x0, given->photo().width / 2);  // the mask's box, not the photo's
  FindObjectOptions none;
  none.segmenter = SegmenterKind::kNone;
  auto whole = FindObject(Photo(30, 60), "box.png", none);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->mask_source(), "none");
  EXPECT_EQ(whole->foreground().x1 - whole->foreground().x0, whole->photo().width);
  SegmenterKind k;
  EXPECT_TRUE(ParseSegmenter("isnet", &k));
  EXPECT_EQ(k, SegmenterKind::kIsnet);
  EXPECT_FALSE(ParseSegmenter("magic", &k));
}

TEST(FindObjectTest, PlainBackdropPaintsOnlyOutsideTheObject) {
  image::Image mask(96, 96, 1, 0);
  for (int y = 20; y < 50; ++y)
    for (int x = 20; x < 50; ++x) mask.at(x, y, 0) = 255;
  image::Image photo = Photo(30, 60);
  for (int x = 0; x < 96; ++x) photo.at(x, 90, 0) = 0;  // clutter near the bottom edge
  FindObjectOptions o;
  o.mask = &mask;
  o.plain_backdrop = true;
  auto object = FindObject(photo, "box.png", o);
  ASSERT_TRUE(object.ok());
  EXPECT_EQ(object->photo().at(35, 35, 0), photo.at(35, 35, 0));  // inside: untouched
  EXPECT_EQ(object->photo().at(5, 90, 0), kPlainBackdrop);        // outside: grey
  EXPECT_EQ(object->photo().at(80, 10, 2), kPlainBackdrop);
  // Nothing found (an empty mask): the photo stays as it is.
  image::Image empty(96, 96, 1, 0);
  o.mask = &empty;
  auto none = FindObject(photo, "box.png", o);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->photo().at(5, 90, 0), 0);
}

TEST(GroundTruthMethodTest, ReturnsTheSampleProgramAndNeedsASample) {
  auto method = CreateMethod("ground-truth", {});
  ASSERT_TRUE(method.ok());
  auto object = FindObject(Photo(30, 60));
  ASSERT_TRUE(object.ok());
  MethodInput in;
  in.image_path = "photo.png";
  in.object = &*object;
  EXPECT_EQ((*method)->Run(in).status().code(), core::StatusCode::kInvalidArgument);
  dataset::ManifestEntry sample;
  sample.category = "table";
  sample.program_path = kExamples + "table.json";
  sample.camera = dataset::CameraRecord{};
  sample.camera->azimuth_deg = 40;
  in.sample = &sample;
  auto e = (*method)->Run(in);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->category, "table");
  EXPECT_EQ(e->confidence, 1);
  ASSERT_TRUE(e->camera.has_value());
  EXPECT_EQ(e->camera->azimuth_deg, 40);
  EXPECT_EQ(program::ProgramToJson(e->program),
            program::ProgramToJson(program::ReadProgramFile(sample.program_path).value()));
}

TEST(RetrievalMethodTest, ReturnsTheNearestProgramWithVotes) {
  core::TempDir dir("retrieval_method");
  retrieval::Index index;
  auto describe = [](const image::Image& photo) {
    const auto crop = FindObject(photo).value().Crop(retrieval::kCropSize);
    return retrieval::Describe(crop.rgb, crop.mask);
  };
  const std::string chair = core::ReadFile(kExamples + "chair.json").value();
  const std::string table = core::ReadFile(kExamples + "table.json").value();
  index.Add({"chair_1", "chair", 10, 20, describe(Photo(20, 70)), chair});
  index.Add({"table_1", "table", 30, 15, describe(Photo(80, 30)), table});
  index.Add({"table_2", "table", 30, 15, describe(Photo(70, 36)), table});
  const std::string path = (dir.path() / "index.bin").string();
  ASSERT_TRUE(index.Save(path).ok());

  MethodConfig config;
  config.retrieval_index = (dir.path() / "missing.bin").string();
  EXPECT_EQ(CreateMethod("retrieval", config).status().code(), core::StatusCode::kNotFound);
  config.retrieval_index = path;
  auto method = CreateMethod("retrieval", config);
  ASSERT_TRUE(method.ok()) << method.status().ToString();
  auto object = FindObject(Photo(76, 32));
  ASSERT_TRUE(object.ok());
  MethodInput in;
  in.object = &*object;
  auto e = (*method)->Run(in);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->category, "table");
  EXPECT_NEAR(e->confidence, 2.0 / 3.0, 1e-9);  // two of the three voters are tables
  EXPECT_EQ(e->details["retrieved"].get<std::string>().rfind("table_", 0), 0u);
  ASSERT_TRUE(e->camera.has_value());
  EXPECT_EQ(e->camera->azimuth_deg, 30);
}

}  // namespace
}  // namespace img2cad::pipeline

namespace img2cad::pipeline {
namespace {

// The bundled chair photo, found as `predict` finds it, for the learned method's tests.
class LearnedMethodTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto photo = image::ReadImage(kExamples + "photos/chair.png");
    ASSERT_TRUE(photo.ok());
    auto object = FindObject(std::move(photo).value());
    ASSERT_TRUE(object.ok());
    object_.emplace(std::move(object).value());
    in_.name = "chair";
    in_.object = &*object_;
  }
  std::optional<ObjectImage> object_;
  MethodInput in_;
};

// The shipped stage 1 on the bundled photo, with and without a second opinion on the category.
TEST_F(LearnedMethodTest, MultipliesACategoryPriorIntoStageOne) {
  auto method = CreateMethod("learned", {});
  if (!method.ok()) GTEST_SKIP() << method.status().ToString();
  EXPECT_TRUE((*method)->uses_category_prior());
  MethodInput& in = in_;
  auto alone = (*method)->Run(in);
  ASSERT_TRUE(alone.ok()) << alone.status().ToString();
  EXPECT_FALSE(alone->details.contains("category_probe"));
  // A flat prior changes nothing.
  const std::vector<double> flat = {1, 1, 1};
  in.category_prior = &flat;
  auto same = (*method)->Run(in);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->category, alone->category);
  EXPECT_NEAR(same->confidence, alone->confidence, 1e-6);
  EXPECT_TRUE(same->details.contains("category_probe"));
  // A certain prior decides the category; stage 1, sure of a chair, disagrees, so the answer is
  // only as sure as stage 1 is of the prior's category, though the product is certain.
  for (const std::string& category : {"table", "storage"}) {
    std::vector<double> certain;
    for (const char* c : {"chair", "table", "storage"})
      certain.push_back(category == c ? 1.0 : 0.0);
    in.category_prior = &certain;
    auto forced = (*method)->Run(in);
    ASSERT_TRUE(forced.ok()) << forced.status().ToString();
    EXPECT_EQ(forced->category, category);
    const double stage1 = forced->details["stage1"]["category_probs"][category].get<double>();
    EXPECT_NEAR(forced->confidence, stage1, 1e-4);
    EXPECT_LT(forced->confidence, (*method)->uncertain_below());
  }
  // A prior that agrees leaves stage 1's answer and confidence as they were.
  const std::vector<double> agrees = {1, 0, 0};
  in.category_prior = &agrees;
  auto agreed = (*method)->Run(in);
  ASSERT_TRUE(agreed.ok());
  EXPECT_EQ(agreed->category, "chair");
  EXPECT_NEAR(agreed->confidence, alone->confidence, 1e-6);
}

// The consensus among the beam's hypotheses: it records its choice, keeps the category and
// writes the chosen structure; an unknown choice is refused.
TEST_F(LearnedMethodTest, ChoosesAmongTheBeamByConsensus) {
  MethodConfig config;
  config.structure_choice = "consensus";
  auto method = CreateMethod("learned", config);
  if (!method.ok()) GTEST_SKIP() << method.status().ToString();
  auto e = (*method)->Run(in_);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->category, "chair");
  ASSERT_TRUE(e->details["stage1"].contains("consensus"));
  const auto& c = e->details["stage1"]["consensus"];
  const int chosen = c["chosen"].get<int>();
  EXPECT_GE(chosen, 0);
  EXPECT_LT(chosen, 3);
  EXPECT_EQ(c["risks"].size(), c["beam_ranks"].size());
  ASSERT_TRUE(e->structure.has_value());
  EXPECT_EQ(e->details["stage1"]["structure"].get<std::string>(),
            program::StructureToText(*e->structure));
  EXPECT_EQ(program::StructureKey(program::StructureOf(e->program)),
            program::StructureKey(*e->structure));
  ASSERT_TRUE(e->model != nullptr);  // the chosen candidate's own model
  EXPECT_EQ(e->model->program(), e->program);
  config.structure_choice = "vote";
  EXPECT_EQ(CreateMethod("learned", config).status().code(), core::StatusCode::kInvalidArgument);
}

// The silhouette fit: it records the stretch and the view, the program is the plain one
// stretched (same structure, bounds scaled per axis), and an unknown mode is refused.
TEST_F(LearnedMethodTest, StretchesTheModelToTheMask) {
  MethodConfig config;
  EXPECT_EQ(config.silhouette_fit, "view");  // the default
  config.silhouette_fit = "off";
  auto plain_method = CreateMethod("learned", config);
  if (!plain_method.ok()) GTEST_SKIP() << plain_method.status().ToString();
  config.silhouette_fit = "view";
  auto method = CreateMethod("learned", config);
  ASSERT_TRUE(method.ok());
  auto plain = (*plain_method)->Run(in_);
  auto e = (*method)->Run(in_);
  ASSERT_TRUE(plain.ok() && e.ok()) << e.status().ToString();
  EXPECT_FALSE(plain->details.contains("silhouette_fit"));
  ASSERT_TRUE(e->details.contains("silhouette_fit")) << e->details.dump();
  const auto& fit = e->details["silhouette_fit"];
  const auto stretch = fit["stretch"].get<std::vector<double>>();
  ASSERT_EQ(stretch.size(), 3u);
  EXPECT_NEAR(stretch[0] * stretch[1] * stretch[2], 1, 1e-9);
  EXPECT_GE(fit["iou_after"].get<double>(), fit["iou_before"].get<double>());
  ASSERT_TRUE(e->camera.has_value());
  EXPECT_NEAR(e->camera->azimuth_deg, fit["view"][0].get<double>(), 1e-9);
  EXPECT_EQ(program::StructureKey(program::StructureOf(e->program)),
            program::StructureKey(program::StructureOf(plain->program)));
  auto extent = [](const program::Program& p, int k) {
    double lo = 1e300, hi = -1e300;
    for (const auto& part : p.parts) {
      const program::Bounds3 b = program::ApproxPartBounds(part);
      lo = std::min(lo, b.min[k]), hi = std::max(hi, b.max[k]);
    }
    return hi - lo;
  };
  for (int k = 0; k < 3; ++k) {
    const double before = extent(plain->program, k);
    EXPECT_NEAR(extent(e->program, k), stretch[k] * before, 0.02 * before) << k;
  }
  // The model each hands to `predict` is its own program's, stretched or not.
  for (const Estimate* x : {&*plain, &*e}) {
    ASSERT_TRUE(x->model != nullptr);
    EXPECT_EQ(x->model->program(), x->program);
  }
  config.silhouette_fit = "yes";
  EXPECT_EQ(CreateMethod("learned", config).status().code(), core::StatusCode::kInvalidArgument);
}

TEST(OutOfScopeTest, ACouchOrBedMustBeSeenAndBeatTheChairAndTable) {
  EXPECT_EQ(OutOfScope({.chair = 0.1f, .couch = 0.45f, .bed = 0.2f}, 0.3), "couch");
  EXPECT_EQ(OutOfScope({.chair = 0.1f, .couch = 0.2f, .bed = 0.5f}, 0.3), "bed");
  EXPECT_EQ(OutOfScope({.chair = 0.1f, .couch = 0.25f, .bed = 0.2f}, 0.3), "");  // too faint
  EXPECT_EQ(OutOfScope({.chair = 0.5f, .couch = 0.45f}, 0.3), "");  // a chair, more strongly
  EXPECT_EQ(OutOfScope({.couch = 0.4f, .dining_table = 0.41f}, 0.3), "");
  EXPECT_EQ(OutOfScope({}, 0.3), "");
}

TEST(OutOfScopeTest, APersonMustCoverTheObjectAndBeatTheChairAndTable) {
  EXPECT_EQ(OutOfScope({.chair = 0.1f, .person = 0.37f, .person_cover = 0.95f}, 0.3), "person");
  EXPECT_EQ(OutOfScope({.person = 0.4f, .person_cover = 0.5f}, 0.3), "person");  // at the share
  // Someone standing beside a cabinet in the back of the room.
  EXPECT_EQ(OutOfScope({.dining_table = 0.24f, .person = 0.4f, .person_cover = 0.02f}, 0.3), "");
  EXPECT_EQ(OutOfScope({.person = 0.25f, .person_cover = 0.9f}, 0.3), "");  // too faint
  // Someone sitting on a chair that the detector sees more strongly.
  EXPECT_EQ(OutOfScope({.chair = 0.6f, .person = 0.5f, .person_cover = 0.9f}, 0.3), "");
  // A couch comes first.
  EXPECT_EQ(OutOfScope({.couch = 0.35f, .person = 0.5f, .person_cover = 0.9f}, 0.3), "couch");
}

TEST(DetectorCategoryTest, TheStrongerOfChairAndDiningTableWhenStrongEnough) {
  EXPECT_EQ(DetectorCategory({.chair = 0.4f, .dining_table = 0.2f}, 0.3), "chair");
  EXPECT_EQ(DetectorCategory({.chair = 0.31f, .dining_table = 0.35f}, 0.3), "table");
  EXPECT_EQ(DetectorCategory({.chair = 0.3f, .dining_table = 0.3f}, 0.3), "chair");  // a tie
  EXPECT_EQ(DetectorCategory({.chair = 0.29f, .couch = 0.9f, .dining_table = 0.1f}, 0.3), "");
  EXPECT_EQ(DetectorCategory({}, 0.3), "");
}

TEST(UncertainReasonTest, SaysWhichRuleMadeTheResultUncertain) {
  const FurnitureScores couch{.chair = 0.1f, .couch = 0.45f, .dining_table = 0.05f};
  EXPECT_EQ(UncertainReason(0.97, 0.95, &couch, "", "", "chair"), "");
  EXPECT_EQ(UncertainReason(0.81, 0.95, nullptr, "", "", "chair"), "confidence 0.81 < 0.95");
  EXPECT_EQ(UncertainReason(0.97, 0.95, &couch, "couch", "", "storage"),
            "out of scope: the detector sees a couch (0.45; chair 0.10, dining table 0.05)");
  EXPECT_EQ(
      UncertainReason(0.5, 0.95, &couch, "couch", "", "chair").find("confidence 0.50 < 0.95; out"),
      0u);
  const FurnitureScores person{
      .chair = 0.09f, .dining_table = 0.07f, .person = 0.368f, .person_cover = 0.946f};
  EXPECT_EQ(UncertainReason(0.99, 0.95, &person, "person", "", "chair"),
            "out of scope: a person covers the object (the detector sees one at 0.37 over 95% of "
            "the object's box; chair 0.09, dining table 0.07)");
  const FurnitureScores chair{.chair = 0.41f, .dining_table = 0.15f};
  EXPECT_EQ(UncertainReason(0.99, 0.95, &chair, "", "chair", "storage"),
            "the detector sees a chair (chair 0.41, dining table 0.15) where the method says "
            "storage");
}

}  // namespace
}  // namespace img2cad::pipeline
