// `predict`, `index` and `eval` end to end through the binary, on a small dataset made once.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/file_io.h"
#include "core/temp_dir.h"
#include "image/image.h"
#include "run_cli.h"

namespace {
namespace fs = std::filesystem;
using img2cad::core::ReadFile;

nlohmann::json Metrics(const fs::path& report);

int RunCli(const std::string& args, std::string* err = nullptr) {
  static img2cad::core::TempDir scratch("predict_eval_log");
  const auto r = img2cad::testing::RunImg2cad(args, scratch.path());
  if (err) *err = r.err;
  return r.code;
}

class PredictEvalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new img2cad::core::TempDir("predict_eval");
    dir_ = tmp_->path();
    for (const char* c : {"chair", "table", "storage"}) {
      ASSERT_EQ(RunCli(std::string("synth -q --category ") + c +
                       " --count 12 --split train --image-size 64 --maps --out " +
                       (dir_ / "train").string()),
                0);
      ASSERT_EQ(RunCli(std::string("synth -q --category ") + c +
                       " --count 4 --split test --image-size 64 --out " + (dir_ / "test").string()),
                0);
      ASSERT_EQ(
          RunCli(std::string("synth -q --category ") + c +
                 " --count 2 --split val --image-size 64 --maps --out " + (dir_ / "val").string()),
          0);
    }
    ASSERT_EQ(
        RunCli("index --data " + (dir_ / "train").string() + " --out " + (dir_ / "index").string()),
        0);
  }
  static void TearDownTestSuite() { delete tmp_; }
  static std::string Index() { return (dir_ / "index" / "index.bin").string(); }
  static img2cad::core::TempDir* tmp_;
  static fs::path dir_;
};
img2cad::core::TempDir* PredictEvalTest::tmp_ = nullptr;
fs::path PredictEvalTest::dir_;

TEST_F(PredictEvalTest, PredictHandlesEveryKindOfImageAndReportsBrokenOnes) {
  const fs::path in = dir_ / "inputs";
  fs::create_directories(in);
  // A rendered photo as RGB, the same with an alpha matte, grey, a huge and a tiny image, and a
  // broken file.
  const std::string photo = (dir_ / "test" / "images" / "chair_01100000.png").string();
  auto rgb = img2cad::image::ReadImage(photo).value();
  img2cad::image::Image rgba = img2cad::image::ConvertChannels(rgb, 4);
  for (int y = 0; y < rgba.height; ++y)
    for (int x = 0; x < rgba.width; ++x) rgba.at(x, y, 3) = (x > 16 && x < 48) ? 255 : 0;
  ASSERT_TRUE(img2cad::image::WritePng((in / "rgba.png").string(), rgba).ok());
  ASSERT_TRUE(
      img2cad::image::WritePng((in / "grey.png").string(), img2cad::image::ConvertChannels(rgb, 1))
          .ok());
  ASSERT_TRUE(
      img2cad::image::WritePng((in / "huge.png").string(), img2cad::image::Resize(rgb, 3000, 2400))
          .ok());
  ASSERT_TRUE(
      img2cad::image::WritePng((in / "tiny.png").string(), img2cad::image::Resize(rgb, 4, 4)).ok());
  auto jpg = img2cad::image::EncodeJpeg(rgb, 80);
  std::ofstream(in / "photo.jpg", std::ios::binary) << *jpg;
  std::ofstream(in / "broken.png", std::ios::binary)
      << std::string("\x89PNG\r\n\x1a\n", 8) << "garbage";
  const fs::path out = dir_ / "pred_images";
  std::string err;
  const int code =
      RunCli("predict --method retrieval " + (in / "rgba.png").string() + " " +
                 (in / "grey.png").string() + " " + (in / "huge.png").string() + " " +
                 (in / "tiny.png").string() + " " + (in / "photo.jpg").string() + " " +
                 (in / "broken.png").string() + " --index " + Index() + " -o " + out.string(),
             &err);
  EXPECT_EQ(code, 3) << err;
  EXPECT_NE(err.find("broken.png: not a readable image"), std::string::npos) << err;
  EXPECT_NE(err.find("tiny.png: image is 4x4"), std::string::npos) << err;
  for (const char* name : {"rgba", "grey", "huge", "photo"}) {
    for (const char* f : {"program.json", "model.step", "model.glb", "model.stl", "model.obj",
                          "preview.png", "mask.png"}) {
      EXPECT_TRUE(fs::exists(out / name / f)) << name << "/" << f;
    }
  }
  EXPECT_FALSE(fs::exists(out / "broken"));
  const auto summary = nlohmann::json::parse(ReadFile((out / "summary.json").string()).value());
  EXPECT_EQ(summary["succeeded"], 4);
  EXPECT_EQ(summary["failed"], 2);
  EXPECT_EQ(summary["results"][5]["status"], "failed");
  EXPECT_TRUE(summary["results"][0]["timing_ms"].contains("build"));
}

TEST_F(PredictEvalTest, ABlankPhotoIsNoObjectAndAnUnsureAnswerIsUncertain) {
  const fs::path in = dir_ / "inputs_status";
  fs::create_directories(in);
  ASSERT_TRUE(
      img2cad::image::WritePng((in / "blank.png").string(), img2cad::image::Image(200, 150, 3, 90))
          .ok());
  const std::string photo = (dir_ / "test" / "images" / "table_01100001.png").string();
  const fs::path out = dir_ / "pred_status";
  std::string err;
  EXPECT_EQ(RunCli("predict --method retrieval " + (in / "blank.png").string() + " " + photo +
                       " --index " + Index() + " --min-confidence 1 -o " + out.string(),
                   &err),
            3);
  EXPECT_NE(err.find("blank.png: no object found"), std::string::npos) << err;
  EXPECT_NE(err.find("1 no object"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(out / "blank"));
  const auto summary = nlohmann::json::parse(ReadFile((out / "summary.json").string()).value());
  EXPECT_EQ(summary["min_confidence"], 1.0);
  EXPECT_EQ(summary["no_object"], 1);
  EXPECT_EQ(summary["failed"], 0);
  EXPECT_EQ(summary["results"][0]["status"], "no_object");
  const auto& table = summary["results"][1];
  EXPECT_EQ(table["status"], table["confidence"] < 1.0 ? "uncertain" : "ok") << table;
  if (table["status"] == "uncertain") {
    // Why, in summary.json, on the terminal and on the batch page.
    EXPECT_NE(table["reason"].get<std::string>().find("< 1.00"), std::string::npos) << table;
    EXPECT_NE(err.find("table_01100001: uncertain: confidence"), std::string::npos) << err;
    EXPECT_NE(ReadFile((out / "index.html").string()).value().find("&lt; 1.00"), std::string::npos);
  }
  EXPECT_TRUE(table["mask_found"]);
  EXPECT_TRUE(fs::exists(out / "table_01100001" / "model.step"));
  // Without a threshold the same answer is ok and the exit code clean.
  EXPECT_EQ(RunCli("predict --method retrieval " + photo + " --index " + Index() +
                   " --min-confidence 0 -o " + (dir_ / "pred_status0").string()),
            0);
  EXPECT_EQ(RunCli("predict " + photo + " --min-confidence 1.5 -o " + (dir_ / "o15").string()), 2);
}

TEST_F(PredictEvalTest, MissingOrCorruptIndexIsAClearError) {
  std::string err;
  EXPECT_EQ(RunCli("predict --method retrieval x.png --index /nonexistent/index.bin -o " +
                       (dir_ / "o").string(),
                   &err),
            1);
  EXPECT_NE(err.find("/nonexistent/index.bin: no such file"), std::string::npos) << err;
  std::ofstream(dir_ / "bad.bin") << "nope";
  EXPECT_EQ(RunCli("predict --method retrieval x.png --index " + (dir_ / "bad.bin").string() +
                       " -o " + (dir_ / "o").string(),
                   &err),
            1);
  EXPECT_NE(err.find("bad magic"), std::string::npos) << err;
  EXPECT_EQ(RunCli("predict x.png --method magic -o " + (dir_ / "o").string()), 2);
}

// Stage 1 end to end: train a few steps, kill-and-resume, predict with the learned method and
// score it, all through the binary. (The numbers are meaningless; the plumbing is the point.)
// The category probe trains on the renders' ISNet features and writes its card; the learned
// method then uses it when `predict` finds it under the models root.
TEST_F(PredictEvalTest, TrainCategoryProbeWritesAModelThatPredictUses) {
  const std::string isnet = std::string(IMG2CAD_SOURCE_DIR) + "/models/segmenter/isnet.onnx";
  if (!fs::exists(isnet)) GTEST_SKIP() << "models/segmenter/isnet.onnx not fetched";
  const fs::path models = dir_ / "probe_models";
  fs::create_directories(models / "segmenter");
  fs::create_symlink(isnet, models / "segmenter" / "isnet.onnx");
  const std::string out = (models / "category_probe").string();
  const std::string args = "train category-probe -q --train " + (dir_ / "train").string() +
                           " --val " + (dir_ / "val").string() + " --out " + out;
  std::string err;
  ASSERT_EQ(
      RunCli(args + " --per-category 6 --val-per-category 2 --models " + models.string(), &err), 0)
      << err;
  const auto card = nlohmann::json::parse(ReadFile(out + "/model.json").value());
  EXPECT_EQ(card["name"], "category_probe");
  EXPECT_EQ(card["candidates"].size(), 16u);
  EXPECT_EQ(card["data"]["train_per_category"], 6);
  EXPECT_NE(card["command"].get<std::string>().find("train category-probe"), std::string::npos);
  EXPECT_EQ(card["data"]["clutter"], 0.0);
  // A room behind every training render changes its features, so the fitted weights; the card
  // records the share, and a share outside 0-1 is refused like any bad option (exit 2).
  const std::string cluttered = (dir_ / "probe_clutter").string();
  ASSERT_EQ(
      RunCli("train category-probe -q --train " + (dir_ / "train").string() + " --val " +
                 (dir_ / "val").string() + " --out " + cluttered +
                 " --per-category 6 --val-per-category 2 --clutter 1 --models " + models.string(),
             &err),
      0)
      << err;
  const auto card_clutter = nlohmann::json::parse(ReadFile(cluttered + "/model.json").value());
  EXPECT_EQ(card_clutter["data"]["clutter"], 1.0);
  EXPECT_NE(card_clutter["weights"], card["weights"]);
  EXPECT_EQ(RunCli(args + " --clutter 1.5 --models " + models.string(), &err), 2);
  // More renders than the dataset has, and a dataset that is not there, are named errors.
  EXPECT_EQ(RunCli(args + " --per-category 13 --models " + models.string(), &err), 1);
  EXPECT_NE(err.find("fewer than 13 chair renders"), std::string::npos) << err;
  EXPECT_EQ(RunCli("train category-probe -q --train /nonexistent --val x --models " +
                       models.string() + " --out " + out,
                   &err),
            1);
  EXPECT_NE(err.find("/nonexistent"), std::string::npos) << err;

  const std::string structure = std::string(IMG2CAD_SOURCE_DIR) + "/models/structure";
  if (!fs::exists(structure + "/weights.pt")) return;
  const std::string photo = std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png";
  ASSERT_EQ(RunCli("predict --method learned " + photo + " --models " + models.string() +
                       " --structure-model " + structure + " --index " + Index() +
                       " --detector off -o " + (dir_ / "probe_pred").string(),
                   &err),
            0)
      << err;
  const auto summary =
      nlohmann::json::parse(ReadFile((dir_ / "probe_pred" / "summary.json").string()).value());
  const auto& result = summary["results"][0];
  ASSERT_TRUE(result["details"].contains("category_probe")) << result.dump();
  EXPECT_EQ(result["details"]["category_probe"].size(), 3u);
  EXPECT_GT(result["timing_ms"]["category_probe"].get<double>(), 0);
}

// The mask refiner trains on ISNet's maps of the renders (kept in the work folder), resumes,
// writes its card, and `predict` uses it when it finds it under the models root.
TEST_F(PredictEvalTest, TrainMaskRefinerResumesAndPredictUsesIt) {
  const std::string isnet = std::string(IMG2CAD_SOURCE_DIR) + "/models/segmenter/isnet.onnx";
  if (!fs::exists(isnet)) GTEST_SKIP() << "models/segmenter/isnet.onnx not fetched";
  const fs::path models = dir_ / "refiner_models";
  fs::create_directories(models / "segmenter");
  fs::create_symlink(isnet, models / "segmenter" / "isnet.onnx");
  const std::string work = (dir_ / "refiner_work").string();
  const std::string out = (models / "mask_refiner").string();
  const std::string args = "train mask-refiner -q --train " + (dir_ / "train").string() +
                           " --val " + (dir_ / "val").string() + " --work " + work + " --out " +
                           out + " --per-category 4 --val-per-category 2 --batch 4 --size 32 " +
                           "--width 8 --eval-every 2 --threads 1 --models " + models.string() +
                           " --steps ";
  std::string err;
  ASSERT_EQ(RunCli(args + "2", &err), 0) << err;
  ASSERT_EQ(RunCli(args + "3", &err), 0) << err;  // resumes from step 2, maps read back
  size_t maps = 0;
  for (const auto& f : fs::directory_iterator(work + "/isnet"))
    maps += f.path().extension() == ".png";
  EXPECT_EQ(maps, 18u);  // 4 training and 2 val renders per category
  const std::string log = ReadFile(work + "/log.csv").value();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 3) << log;  // header + steps 2, 3
  const auto card = nlohmann::json::parse(ReadFile(out + "/model.json").value());
  EXPECT_EQ(card["name"], "mask_refiner");
  EXPECT_EQ(card["training"]["steps"], 3);
  EXPECT_EQ(card["config"]["size"], 32);
  EXPECT_EQ(card["data"]["train_samples"], 12);
  EXPECT_GT(card["validation"]["isnet_alone"]["box_iou_mean"].get<double>(), 0);
  EXPECT_GT(card["validation"]["refined"]["box_iou_mean"].get<double>(), 0);
  EXPECT_NE(card["command"].get<std::string>().find("train mask-refiner"), std::string::npos);
  EXPECT_EQ(RunCli(args + "3 --size 36", &err), 2);  // not a multiple of 8
  // Every training render cut tight: ISNet reads each cut (cached under its window's name), the
  // val renders stay whole, and the card says so.
  const std::string tight = "train mask-refiner -q --train " + (dir_ / "train").string() +
                            " --val " + (dir_ / "val").string() + " --work " + work + "_tight" +
                            " --out " + out + "_tight --per-category 4 --val-per-category 2 " +
                            "--batch 4 --size 32 --width 8 --threads 1 --models " +
                            models.string() + " --steps 1 --tight 1";
  ASSERT_EQ(RunCli(tight, &err), 0) << err;
  size_t cut = 0, whole = 0;
  for (const auto& f : fs::directory_iterator(work + "_tight/isnet"))
    (f.path().stem().string().find("_w") != std::string::npos ? cut : whole) += 1;
  EXPECT_EQ(cut, 12u);
  EXPECT_EQ(whole, 6u);
  const auto tight_card = nlohmann::json::parse(ReadFile(out + "_tight/model.json").value());
  EXPECT_EQ(tight_card["data"]["tight"], 1.0);
  EXPECT_EQ(RunCli(tight + ".5", &err), 2);  // --tight 1.5 is out of range
  EXPECT_EQ(RunCli("train mask-refiner -q --train /nonexistent --val x --models " +
                       models.string() + " --work " + work + "2 --out " + out + "2",
                   &err),
            1);
  EXPECT_NE(err.find("/nonexistent"), std::string::npos) << err;

  const std::string photo = std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png";
  for (const char* refiner : {"on", "off"}) {
    const std::string pred = (dir_ / (std::string("refiner_pred_") + refiner)).string();
    ASSERT_EQ(RunCli("predict -q --method retrieval " + photo + " --models " + models.string() +
                         " --index " + Index() + " --detector off --mask-refiner " + refiner +
                         " -o " + pred,
                     &err),
              0)
        << err;
    const auto summary = nlohmann::json::parse(ReadFile(pred + "/summary.json").value());
    EXPECT_EQ(summary["mask_refiner"], std::string(refiner) == "on") << summary.dump();
  }
}

TEST_F(PredictEvalTest, TrainStructureResumesAndTheLearnedMethodPredicts) {
  const std::string work = (dir_ / "ts_work").string(), model = (dir_ / "ts_model").string();
  const std::string args = "train structure --train " + (dir_ / "train").string() + " --val " +
                           (dir_ / "val").string() + " --work " + work + " --out " + model +
                           " --batch 4 --image-size 64 --checkpoint-every 1 --eval-every 1000 "
                           "--threads 1 --steps ";
  std::string err;
  ASSERT_EQ(RunCli(args + "2", &err), 0) << err;
  ASSERT_EQ(RunCli(args + "3", &err), 0) << err;  // resumes from step 2
  const std::string log = ReadFile(work + "/log.csv").value();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 4) << log;  // header + steps 1, 2, 3
  EXPECT_TRUE(fs::exists(work + "/curve.png"));
  const auto card = nlohmann::json::parse(ReadFile(model + "/model.json").value());
  EXPECT_EQ(card["name"], "structure");
  EXPECT_EQ(card["training"]["steps"], 3);
  EXPECT_EQ(card["data"]["object_masks"], "rendered");  // the default: the renderer's masks

  // Fine-tuning from that model keeps its configuration, whatever --image-size says.
  const std::string tuned = (dir_ / "ts_tuned").string();
  // A one-step fine-tune of `model` into tuned + SUFFIX; its card.
  auto fine_tune = [&](const std::string& suffix, const std::string& options) {
    EXPECT_EQ(RunCli("train structure --train " + (dir_ / "train").string() + " --val " +
                         (dir_ / "val").string() + " --work " + work + "_tuned" + suffix +
                         " --out " + tuned + suffix + " --init " + model +
                         " --batch 4 --eval-every 1000 --threads 1 --steps 1 " + options,
                     &err),
              0)
        << err;
    const auto card = ReadFile(tuned + suffix + "/model.json");
    return nlohmann::json::parse(card.ok() ? *card : std::string("{}"));
  };
  const auto tuned_card = fine_tune("", "--image-size 32");
  EXPECT_EQ(tuned_card["init"], model);
  EXPECT_EQ(tuned_card["config"]["image_size"], 64);
  EXPECT_EQ(tuned_card["config"]["part_map_weight"], 0);
  // The part-map head joins a fine-tune (the datasets have part maps); a count density needs a
  // count head, which this model lacks.
  const auto parts_card = fine_tune("_parts", "--part-maps 0.5");
  EXPECT_EQ(parts_card["config"]["part_map_weight"], 0.5);
  EXPECT_EQ(RunCli("train structure --train " + (dir_ / "train").string() + " --val " +
                       (dir_ / "val").string() + " --work " + work + "_density --out " + tuned +
                       "_density --init " + model + " --steps 1 --count-density",
                   &err),
            1);
  EXPECT_NE(err.find("count head"), std::string::npos) << err;
  EXPECT_EQ(RunCli("train structure --train x --val y --part-maps -1"), 2);
  EXPECT_EQ(RunCli("train structure --train x --val y --init " + model + " --base " + model), 2);

  const fs::path out = dir_ / "pred_learned";
  ASSERT_EQ(RunCli("predict --manifest " + (dir_ / "test").string() +
                       " --method learned --threads 2 --min-confidence 0 --structure-model " +
                       model + " --index " + Index() + " -o " + out.string(),
                   &err),
            0)
      << err;
  EXPECT_TRUE(fs::exists(out / "chair_01100000" / "structure.json"));
  const auto summary = nlohmann::json::parse(ReadFile((out / "summary.json").string()).value());
  EXPECT_EQ(summary["method"], "learned");
  EXPECT_TRUE(summary["results"][0]["details"].contains("stage2"));
  for (const auto& result : summary["results"]) {
    // Stage 1's category distribution over the test-time crops sums to 1. The confidence is its
    // entry for the answer, or with the category probe (when models/ has one) the least of that,
    // the probe's and the product's.
    const auto& details = result["details"];
    const auto& probs = details["stage1"]["category_probs"];
    ASSERT_EQ(probs.size(), 3u) << result.dump();
    double sum = 0, z = 0;
    for (const auto& [name, p] : probs.items()) {
      sum += p.get<double>();
      z += p.get<double>() * (details.contains("category_probe")
                                  ? details["category_probe"][name].get<double>()
                                  : 1.0);
    }
    EXPECT_NEAR(sum, 1.0, 1e-3);
    const std::string answer = result["category"];
    double expected = probs[answer].get<double>();
    if (details.contains("category_probe")) {
      const double probe = details["category_probe"][answer].get<double>();
      expected = std::min({expected, probe, expected * probe / z});
    }
    EXPECT_NEAR(expected, result["confidence"].get<double>(), 2e-3);
  }
  ASSERT_EQ(RunCli("eval --data " + (dir_ / "test").string() + " --pred " + out.string() +
                       " --out " + (dir_ / "report_learned").string(),
                   &err),
            0)
      << err;
  const std::string report = ReadFile((dir_ / "report_learned" / "report.md").string()).value();
  EXPECT_NE(report.find("Category confusion"), std::string::npos);
  EXPECT_NE(report.find("Part labels"), std::string::npos);
  // Every valid prediction's 2,048 ground-truth points are in its category's part-label counts.
  const auto metrics = Metrics(dir_ / "report_learned");
  int points = 0;
  for (const auto& [category, m] : metrics["per_category"].items())
    for (const auto& [truth, row] : m["part_labels"].items())
      for (const auto& [given, n] : row.items()) points += n.get<int>();
  EXPECT_EQ(points, 2048 * metrics["overall"]["n_valid"].get<int>());

  // An ensemble: two models (here one twice), each decoding the crop and its mirror image.
  const std::string photo = std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png";
  const fs::path ensemble = dir_ / "pred_ensemble";
  ASSERT_EQ(RunCli("predict " + photo + " --method learned --min-confidence 0 --structure-model " +
                       model + "," + model + " --stage1-crops 2 --index " + Index() + " -o " +
                       ensemble.string(),
                   &err),
            0)
      << err;
  const auto stage1 = nlohmann::json::parse(
      ReadFile((ensemble / "summary.json").string()).value())["results"][0]["details"]["stage1"];
  EXPECT_EQ(stage1["crops"], 2) << stage1.dump();
  EXPECT_EQ(stage1["model"], model + "," + model);
  EXPECT_EQ(RunCli("predict " + photo + " --stage1-crops 6 -o " + (dir_ / "o_s6").string()), 2);
  EXPECT_EQ(RunCli("predict " + photo + " --method learned --structure-model " + model + ", -o " +
                       (dir_ / "o_e1").string(),
                   &err),
            1);
  EXPECT_NE(err.find("--structure-model"), std::string::npos) << err;
  EXPECT_EQ(RunCli("predict " + photo + " --method learned --structure-model " + model +
                       ",/nonexistent -o " + (dir_ / "o_e2").string(),
                   &err),
            1);
  EXPECT_NE(err.find("/nonexistent/model.json"), std::string::npos) << err;

  // Bad inputs: a crop size that is not a multiple of 32, a missing dataset, a missing model.
  EXPECT_EQ(RunCli("train structure --train x --val y --image-size 100"), 2);
  EXPECT_EQ(RunCli("train structure --train /nonexistent --val /nonexistent --work " + work +
                       "_2 --out " + model + "_2",
                   &err),
            1);
  EXPECT_NE(err.find("/nonexistent"), std::string::npos) << err;
  EXPECT_EQ(RunCli("predict x.png --method learned --structure-model /nonexistent -o " +
                       (dir_ / "o2").string(),
                   &err),
            1);
  EXPECT_NE(err.find("/nonexistent/model.json"), std::string::npos) << err;
}

TEST_F(PredictEvalTest, TrainAssemblerResumesAndWritesItsCard) {
  const std::string work = (dir_ / "ta_work").string(), model = (dir_ / "ta_model").string();
  const std::string args = "train assembler --train " + (dir_ / "train").string() + " --val " +
                           (dir_ / "val").string() + " --work " + work + " --out " + model +
                           " --batch 4 --image-size 64 --checkpoint-every 1 --eval-every 2 "
                           "--sampling-steps 2 --threads 1 --masks found --steps ";
  std::string err;
  ASSERT_EQ(RunCli(args + "2", &err), 0) << err;
  ASSERT_EQ(RunCli(args + "3", &err), 0) << err;  // resumes from step 2
  const std::string log = ReadFile(work + "/log.csv").value();
  EXPECT_EQ(log.substr(0, log.find('\n')),
            "step,epoch,loss,lr,samples_per_s,elapsed_s,val_mm,val_plane_deg");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 4) << log;  // header + steps 1, 2, 3
  const auto card = nlohmann::json::parse(ReadFile(model + "/model.json").value());
  EXPECT_EQ(card["name"], "assembler");
  EXPECT_EQ(card["config"]["head"], "gmflow");
  EXPECT_EQ(card["training"]["steps"], 3);
  EXPECT_EQ(card["data"]["object_masks"], "found");
  EXPECT_EQ(card["training"]["precision"], "float32");
  EXPECT_GT(card["validation"]["mean_abs_error_mm"].get<double>(), 0);
  EXPECT_EQ(RunCli("train assembler --train x --val y --head mlp"), 2);
  EXPECT_EQ(RunCli("train assembler --train x --val y --precision fp16"), 2);
  EXPECT_EQ(RunCli("train assembler --train x --val y --masks true"), 2);

  // The learned method with this stage 2 (stage 1 from the shipped model): every input gets a
  // program that builds, from the assembler (repaired) or a counted fallback.
  const fs::path out = dir_ / "pred_assembler";
  ASSERT_EQ(RunCli("predict --manifest " + (dir_ / "test").string() +
                       " --method learned --threads 2 --min-confidence 0 --assembler-model " +
                       model + " --index " + Index() + " -o " + out.string(),
                   &err),
            0)
      << err;
  const auto summary = nlohmann::json::parse(ReadFile((out / "summary.json").string()).value());
  ASSERT_EQ(summary["results"].size(), 12u);
  for (const auto& r : summary["results"]) {
    EXPECT_EQ(r["status"], "ok");
    EXPECT_EQ(r["details"]["assembler"]["model"], model);
    EXPECT_TRUE(r["details"]["assembler"]["fronts_separated"].is_array()) << r.dump();
    EXPECT_TRUE(r["details"]["stage2"] == "assembler" || r["details"].contains("stage2_fallback"))
        << r.dump();
  }
  // eval counts where stage 2's numbers came from.
  ASSERT_EQ(RunCli("eval --data " + (dir_ / "test").string() + " --pred " + out.string() +
                       " --out " + (dir_ / "report_assembler").string(),
                   &err),
            0)
      << err;
  const auto stage2 = Metrics(dir_ / "report_assembler")["overall"]["stage2"];
  EXPECT_EQ(stage2["assembler"].get<int>() + stage2["fallbacks"].get<int>(), 12) << stage2.dump();
  EXPECT_LE(stage2["repaired"].get<int>(), stage2["assembler"].get<int>());

  // The oracle-structure row: stage 2 on the true structures (here without mirroring or
  // separating fronts, and reading three framings of each object), so the structure metrics are
  // exact; the camera head gives every result a view.
  const fs::path oracle = dir_ / "pred_oracle";
  ASSERT_EQ(
      RunCli("predict --manifest " + (dir_ / "test").string() +
                 " --method oracle-structure --no-symmetry --keep-overlaps --sampling-steps 2 "
                 "--stage2-crops 3 "
                 "--threads 2 "
                 "--assembler-model " +
                 model + " --index " + Index() + " -o " + oracle.string(),
             &err),
      0)
      << err;
  const auto oracle_summary =
      nlohmann::json::parse(ReadFile((oracle / "summary.json").string()).value());
  EXPECT_EQ(oracle_summary["method"], "oracle-structure");
  for (const auto& r : oracle_summary["results"]) {
    EXPECT_EQ(r["status"], "ok");
    EXPECT_FALSE(r["camera"].is_null()) << r.dump();
    if (r["details"]["stage2"] == "assembler") {
      EXPECT_EQ(r["details"]["assembler"]["symmetry_enforced"], false);
      EXPECT_TRUE(r["details"]["assembler"]["fronts_separated"].empty());
      EXPECT_EQ(r["details"]["assembler"]["sampling_steps"], 2);
      EXPECT_EQ(r["details"]["assembler"]["crops"], 3);
    }
  }
  ASSERT_EQ(RunCli("eval --data " + (dir_ / "test").string() + " --pred " + oracle.string() +
                       " --out " + (dir_ / "report_oracle").string(),
                   &err),
            0)
      << err;
  EXPECT_EQ(Metrics(dir_ / "report_oracle")["overall"]["structure_exact"].get<double>(), 1.0);
  // A photo has no true structure: that input fails with a message naming it.
  const std::string photo = std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png";
  EXPECT_EQ(RunCli("predict " + photo + " --method oracle-structure --assembler-model " + model +
                       " --index " + Index() + " -o " + (dir_ / "o_oracle").string(),
                   &err),
            3);
  EXPECT_EQ(RunCli("predict " + photo + " --sampling-steps 0 -o " + (dir_ / "o_s0").string()), 2);
  EXPECT_EQ(RunCli("predict " + photo + " --stage2-crops 5 -o " + (dir_ / "o_c5").string()), 2);

  EXPECT_EQ(RunCli("predict x.png --method learned --assembler-model /nonexistent -o " +
                       (dir_ / "o3").string(),
                   &err),
            1);
  EXPECT_NE(err.find("/nonexistent/model.json"), std::string::npos) << err;
}

TEST_F(PredictEvalTest, AGivenStructureSkipsStageOne) {
  const fs::path dir = dir_ / "given";
  fs::create_directories(dir);
  std::ofstream(dir / "table.txt") << "Sure! Here it is:\n```\n# table top\n<SOL>\nL: 0 0\n"
                                      "L: 9 0\nL: 9 6\nL: 0 6\nE: NewBody 30\n\n# leg 1\n"
                                      "<SOL>\nR: 20\nE: 700\n```\n";
  std::ofstream(dir / "broken.txt") << "# seat\n<SOL>\nR: 2\nL: 1 1\nE: 3\n";
  const std::string photo = std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png";
  std::string err;
  ASSERT_EQ(RunCli("predict " + photo + " --method learned --structure-text " +
                       (dir / "table.txt").string() + " --index " + Index() + " -o " +
                       (dir / "out").string(),
                   &err),
            0)
      << err;
  const auto summary =
      nlohmann::json::parse(ReadFile((dir / "out" / "summary.json").string()).value());
  EXPECT_EQ(summary["results"][0]["category"], "table");  // decided by "table top"
  EXPECT_EQ(summary["results"][0]["details"]["structure_given"], (dir / "table.txt").string());
  const auto structure =
      nlohmann::json::parse(ReadFile((dir / "out" / "chair" / "structure.json").string()).value());
  EXPECT_EQ(structure["parts"].size(), 2u);
  // A located error in the text, and options that need the learned method.
  EXPECT_EQ(RunCli("predict " + photo + " --method learned --structure-text " +
                       (dir / "broken.txt").string() + " -o " + (dir / "o2").string(),
                   &err),
            1);
  EXPECT_NE(err.find("broken.txt: line 4"), std::string::npos) << err;
  EXPECT_EQ(RunCli("predict " + photo + " --method retrieval --structure x.json -o " +
                   (dir / "o3").string()),
            2);
}

TEST_F(PredictEvalTest, SegmenterChoicesAndAMissingModelFallBackOnce) {
  const std::string photo = std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png";
  const fs::path empty = dir_ / "no_models";
  fs::create_directories(empty);
  std::string err;
  // No segmenter and no detector under this models root: one warning each, the border model, no
  // out-of-scope check, and the run goes on.
  ASSERT_EQ(
      RunCli("predict --method retrieval " + photo + " --models " + empty.string() + " --index " +
                 Index() + " --segmenter isnet -o " + (dir_ / "seg_missing").string(),
             &err),
      0)
      << err;
  EXPECT_NE(err.find("warning: the ISNet segmenter is not available"), std::string::npos) << err;
  auto summary =
      nlohmann::json::parse(ReadFile((dir_ / "seg_missing" / "summary.json").string()).value());
  EXPECT_NE(err.find("warning: the COCO detector is not available"), std::string::npos) << err;
  EXPECT_EQ(summary["segmenter"], "border");
  EXPECT_FALSE(summary.contains("segmenter_size"));  // only ISNet has an input side
  EXPECT_EQ(summary["warnings"].size(), 2u);
  EXPECT_EQ(summary["detector"], false);
  EXPECT_FALSE(summary["results"][0].contains("detector"));
  EXPECT_EQ(summary["results"][0]["mask"], "border");
  // The learned method without the category probe: one warning, and stage 1 decides alone.
  const std::string structure = std::string(IMG2CAD_SOURCE_DIR) + "/models/structure";
  if (fs::exists(structure + "/weights.pt")) {
    ASSERT_EQ(RunCli("predict --method learned " + photo + " --models " + empty.string() +
                         " --structure-model " + structure + " --index " + Index() +
                         " --detector off -o " + (dir_ / "probe_missing").string(),
                     &err),
              0)
        << err;
    EXPECT_NE(err.find("warning: the category probe is not available"), std::string::npos) << err;
    summary =
        nlohmann::json::parse(ReadFile((dir_ / "probe_missing" / "summary.json").string()).value());
    EXPECT_FALSE(summary["results"][0]["details"].contains("category_probe"));
  }
  ASSERT_EQ(RunCli("predict --method retrieval " + photo + " --index " + Index() +
                       " --segmenter none --detector off -o " + (dir_ / "seg_none").string(),
                   &err),
            0)
      << err;
  EXPECT_EQ(err.find("detector"), std::string::npos) << err;
  summary = nlohmann::json::parse(ReadFile((dir_ / "seg_none" / "summary.json").string()).value());
  EXPECT_EQ(summary["results"][0]["mask"], "none");
  EXPECT_EQ(summary["detector"], false);
  // With ISNet, summary.json records the input side: auto by default, or the one given.
  if (fs::exists(std::string(IMG2CAD_SOURCE_DIR) + "/models/segmenter/isnet.onnx")) {
    for (const std::string size : {"auto", "256"}) {
      const fs::path out = dir_ / ("seg_" + size);
      const std::string retry = size == "auto" ? "" : " --segmenter-retry pad";
      ASSERT_EQ(RunCli("predict --method retrieval " + photo + " --index " + Index() +
                           " --segmenter isnet --segmenter-size " + size + retry +
                           " --detector off -o " + out.string(),
                       &err),
                0)
          << err;
      summary = nlohmann::json::parse(ReadFile((out / "summary.json").string()).value());
      EXPECT_EQ(summary["results"][0]["mask"], "isnet");
      if (size == "auto") {
        EXPECT_EQ(summary["segmenter_size"], "auto");
        EXPECT_EQ(summary["segmenter_retry"], "off");
      } else {
        EXPECT_EQ(summary["segmenter_size"], 256);
        EXPECT_EQ(summary["segmenter_retry"], "pad");
      }
    }
  }
  EXPECT_EQ(RunCli("predict " + photo + " --segmenter magic -o " + (dir_ / "o4").string()), 2);
  EXPECT_EQ(RunCli("predict " + photo + " --segmenter-retry twice -o " + (dir_ / "o4").string()),
            2);
  EXPECT_EQ(RunCli("predict " + photo + " " + photo + " --mask " + photo + " -o " +
                   (dir_ / "o5").string()),
            2);  // --mask needs exactly one image
}

nlohmann::json Metrics(const fs::path& report) {
  return nlohmann::json::parse(ReadFile((report / "metrics.json").string()).value());
}

TEST_F(PredictEvalTest, EvalScoresPerfectPredictionsPerfectlyAndShuffledOnesWorse) {
  const fs::path test = dir_ / "test";
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(test / "programs"))
    ids.push_back(e.path().stem().string());
  std::sort(ids.begin(), ids.end());
  ASSERT_EQ(ids.size(), 12u);
  for (size_t i = 0; i < ids.size(); ++i) {
    fs::create_directories(dir_ / "perfect" / ids[i]);
    fs::copy_file(test / "programs" / (ids[i] + ".json"),
                  dir_ / "perfect" / ids[i] / "program.json");
    // Shuffled: every sample gets another sample's program (a rotation by 5 across categories).
    fs::create_directories(dir_ / "shuffled" / ids[i]);
    fs::copy_file(test / "programs" / (ids[(i + 5) % ids.size()] + ".json"),
                  dir_ / "shuffled" / ids[i] / "program.json");
  }
  fs::remove(dir_ / "shuffled" / ids[0] / "program.json");  // one missing
  std::ofstream(dir_ / "shuffled" / ids[1] / "program.json", std::ios::trunc)
      << "{ broken";  // one invalid
  ASSERT_EQ(RunCli("eval --data " + test.string() + " --pred " + (dir_ / "perfect").string() +
                   " --out " + (dir_ / "r1").string()),
            0);
  ASSERT_EQ(RunCli("eval --data " + test.string() + " --pred " + (dir_ / "shuffled").string() +
                   " --out " + (dir_ / "r2").string()),
            0);
  const auto perfect = Metrics(dir_ / "r1")["overall"], shuffled = Metrics(dir_ / "r2")["overall"];
  EXPECT_EQ(perfect["validity"], 1.0);
  EXPECT_EQ(perfect["structure_exact"], 1.0);
  EXPECT_EQ(perfect["part_label_f1"], 1.0);
  EXPECT_LT(perfect["cd_paper_mean"].get<double>(), 0.06);  // the sampling noise floor
  EXPECT_GT(perfect["part_accuracy"].get<double>(), 0.8);   // touching parts blur boundaries
  EXPECT_GT(shuffled["cd_paper_mean"].get<double>(), 3 * perfect["cd_paper_mean"].get<double>());
  EXPECT_GT(shuffled["cd_field_mean"].get<double>(), 3 * perfect["cd_field_mean"].get<double>());
  EXPECT_LT(shuffled["structure_exact"].get<double>(), 0.5);
  EXPECT_EQ(shuffled["n_missing"], 1);
  EXPECT_EQ(shuffled["n_invalid"], 1);
  EXPECT_NEAR(shuffled["validity"].get<double>(), 10.0 / 12, 1e-6);
  const auto per = Metrics(dir_ / "r1")["per_category"];
  for (const char* c : {"chair", "table", "storage"}) EXPECT_EQ(per[c]["n"], 4) << c;
  const std::string md = ReadFile((dir_ / "r2" / "report.md").string()).value();
  EXPECT_NE(md.find("| **overall** |"), std::string::npos);
  EXPECT_NE(md.find("## invalid predictions"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "r2" / "worst.png"));
}

// Ground truth as meshes that we export ourselves: the programs' own STL (4 chairs) and, turned a
// quarter about z, their OBJ (4 tables). Their own programs score the noise floor once the turn
// is searched; in metres, the unit must be said.
TEST_F(PredictEvalTest, EvalAgainstMeshesScoresOurOwnExports) {
  const fs::path test = dir_ / "test";
  const fs::path meshes = dir_ / "gt_meshes", metres = dir_ / "gt_meshes_m";
  const fs::path pred = dir_ / "pred_for_meshes";
  fs::create_directories(meshes);
  fs::create_directories(metres);
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(test / "programs")) {
    const std::string id = e.path().stem().string();
    if (id.rfind("storage", 0) == 0) continue;
    ids.push_back(id);
    fs::create_directories(pred / id);
    fs::copy_file(e.path(), pred / id / "program.json");
    const fs::path built = dir_ / "built_for_meshes" / id;
    ASSERT_EQ(RunCli("build " + e.path().string() + " -o " + built.string() + " --formats stl,obj"),
              0);
    if (id.rfind("chair", 0) == 0) {
      fs::copy_file(built / "model.stl", meshes / (id + ".stl"));
    } else {
      // OBJ vertices turned +90 degrees about z: (x, y, z) -> (-y, x, z).
      std::istringstream in(ReadFile((built / "model.obj").string()).value());
      std::ofstream out(meshes / (id + ".obj")), out_m(metres / (id + ".obj"));
      std::string line;
      while (std::getline(in, line)) {
        if (line.rfind("v ", 0) == 0) {
          std::istringstream v(line.substr(2));
          double x, y, z;
          v >> x >> y >> z;
          out << "v " << -y << " " << x << " " << z << "\n";
          out_m << "v " << -y / 1000 << " " << x / 1000 << " " << z / 1000 << "\n";
        } else if (line.rfind("mtllib", 0) != 0 && line.rfind("usemtl", 0) != 0) {
          out << line << "\n";
          out_m << line << "\n";
        }
      }
    }
  }
  ASSERT_EQ(ids.size(), 8u);
  auto per_id = [](const fs::path& report) {
    std::map<std::string, nlohmann::json> rows;
    std::istringstream in(ReadFile((report / "per_sample.jsonl").string()).value());
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      rows[j["id"]] = j;
    }
    return rows;
  };
  std::string err;
  ASSERT_EQ(RunCli("eval --gt-mesh " + meshes.string() + " --pred " + pred.string() + " --out " +
                       (dir_ / "rm_plain").string(),
                   &err),
            0)
      << err;
  ASSERT_EQ(RunCli("eval --gt-mesh " + meshes.string() + " --pred " + pred.string() +
                       " --yaw-search --out " + (dir_ / "rm_yaw").string(),
                   &err),
            0)
      << err;
  ASSERT_EQ(RunCli("eval --gt-mesh " + metres.string() + " --gt-unit m --pred " + pred.string() +
                       " --yaw-search --out " + (dir_ / "rm_metres").string(),
                   &err),
            0)
      << err;
  const auto plain = per_id(dir_ / "rm_plain"), yaw = per_id(dir_ / "rm_yaw"),
             m = per_id(dir_ / "rm_metres");
  for (const auto& id : ids) {
    const bool turned = id.rfind("table", 0) == 0;
    ASSERT_EQ(yaw.at(id)["state"], "valid") << id;
    EXPECT_LT(yaw.at(id)["cd_paper"].get<double>(), 0.07) << id;  // the noise floor
    // The search only adds turns to try.
    EXPECT_LE(yaw.at(id)["cd_paper"].get<double>(), plain.at(id)["cd_paper"].get<double>()) << id;
    if (!turned) {
      EXPECT_EQ(yaw.at(id)["yaw_deg"], 0) << id;
      EXPECT_LT(plain.at(id)["cd_paper"].get<double>(), 0.07) << id;
    } else {
      // The same shape in metres, read with --gt-unit m, scores the same.
      EXPECT_NEAR(m.at(id)["cd_paper"].get<double>(), yaw.at(id)["cd_paper"].get<double>(), 0.01)
          << id;
      EXPECT_NEAR(m.at(id)["cd_field"].get<double>(), yaw.at(id)["cd_field"].get<double>(),
                  0.1 + 0.1 * yaw.at(id)["cd_field"].get<double>())
          << id;
    }
  }
  EXPECT_EQ(Metrics(dir_ / "rm_yaw")["overall"]["n_valid"], 8);
  // An empty folder, and neither --data nor --gt-mesh, are clear errors.
  fs::create_directories(dir_ / "no_meshes");
  EXPECT_EQ(RunCli("eval --gt-mesh " + (dir_ / "no_meshes").string() + " --pred " + pred.string() +
                       " --out " + (dir_ / "rm_none").string(),
                   &err),
            1);
  EXPECT_NE(err.find("holds no .obj or .stl mesh"), std::string::npos) << err;
  EXPECT_EQ(RunCli("eval --pred " + pred.string() + " --out " + (dir_ / "rm_x").string()), 2);
}

}  // namespace
