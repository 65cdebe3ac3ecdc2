// The img2cad binary end to end: every bad input of the foundation issue is refused with exit
// code 1 or 2 and one line on stderr naming the file and the place, and leaves no output behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/file_io.h"
#include "core/temp_dir.h"
#include "run_cli.h"

namespace {
namespace fs = std::filesystem;

using img2cad::testing::CliResult;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chair_ =
        img2cad::core::ReadFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json").value();
  }
  CliResult Exec(const std::string& args) { return img2cad::testing::RunImg2cad(args, dir_); }

  // Writes chair.json with the first `from` replaced by `to`; returns the path.
  std::string Mutated(const std::string& from, const std::string& to) {
    std::string text = chair_;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "fixture text not found: " << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return Write("bad.json", text);
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Runs build and check on `path` and expects a clean refusal mentioning `place`.
  void ExpectRefused(const std::string& path, const std::string& place) {
    const fs::path out = dir_ / "out";
    for (const std::string sub : {"build", "check"}) {
      CliResult r = Exec(sub + " " + path + (sub == "build" ? " -o " + out.string() : ""));
      EXPECT_TRUE(r.code == 1 || r.code == 2) << sub << " exit " << r.code;
      EXPECT_TRUE(r.out.empty()) << sub << " stdout: " << r.out;
      const std::string first = r.err.substr(0, r.err.find('\n'));
      EXPECT_NE(first.find(path), std::string::npos) << sub << ": " << r.err;
      EXPECT_NE(first.find(place), std::string::npos) << sub << ": " << r.err;
      EXPECT_EQ(r.err.find("Standard_"), std::string::npos) << "kernel exception leaked: " << r.err;
      if (sub == "build") {
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
      }
      EXPECT_FALSE(fs::exists(out)) << sub << " left output behind";
    }
  }

  img2cad::core::TempDir tmp_{"cli"};
  const fs::path dir_ = tmp_.path();
  std::string chair_;
};

TEST_F(CliTest, BuildWritesEveryFormatAndSummary) {
  const fs::path out = dir_ / "out";
  CliResult r = Exec("build " + std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json -o " +
                     out.string() + " --json --strict");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"num_parts\": 10"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"valid\": true"), std::string::npos);
  for (const char* f : {"model.step", "model.glb", "model.stl", "model.obj", "model.mtl"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 5);
}

// detect: one JSON line per readable photo; a broken one is named and counted (exit 3). Needs
// models/detector (scripts/fetch_detector); without it the command fails naming the model.
TEST_F(CliTest, DetectPrintsALinePerPhotoAndNamesABrokenOne) {
  const std::string photo = std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png";
  const std::string broken = Write("broken.png", "not a png");
  CliResult r = Exec("detect " + photo + " " + broken + " --furniture --min-score 0.2");
  if (r.code == 1 && r.err.find("detector") != std::string::npos)
    GTEST_SKIP() << "models/detector not fetched: " << r.err;
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find(broken), std::string::npos) << r.err;
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_NE(r.out.find("\"class\":\"chair\""), std::string::npos) << r.out;
  EXPECT_EQ(Exec("detect " + photo + " --fill 0").code, 2);
  CliResult missing = Exec("detect " + photo + " --model " + (dir_ / "none.json").string());
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("none.json"), std::string::npos) << missing.err;
}

TEST_F(CliTest, FormatsSubsetAndStdin) {
  const fs::path out = dir_ / "out";
  CliResult r = Exec("build - -o " + out.string() + " --formats stl,glb -q < " +
                     std::string(IMG2CAD_SOURCE_DIR) + "/examples/table.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(fs::exists(out / "model.stl"));
  EXPECT_FALSE(fs::exists(out / "model.step"));
}

TEST_F(CliTest, MalformedTruncatedBinaryJson) {
  ExpectRefused(Write("m.json", "{\"format\": \"img2cad.program/1\",, }"), "1:32: malformed JSON");
  ExpectRefused(Write("t.json", chair_.substr(0, chair_.size() / 2)), "malformed JSON");
  ExpectRefused(Write("b.json", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)),
                "1:1: malformed JSON");
  ExpectRefused(Write("e.json", ""), "malformed JSON");
}

TEST_F(CliTest, WrongTypesNullAndNonFinite) {
  ExpectRefused(Mutated("\"distance\": 30", "\"distance\": \"30\""),
                "parts[0].features[0].extrude.distance: expected a number, found string");
  ExpectRefused(Mutated("\"distance\": 30", "\"distance\": null"),
                "parts[0].features[0].extrude.distance: expected a number, found null");
  ExpectRefused(Mutated("\"distance\": 30", "\"distance\": 1e400"), "number overflow");
  ExpectRefused(Mutated("\"distance\": 30", "\"distance\": Infinity"), "malformed JSON");
  ExpectRefused(Mutated("\"parts\": [", "\"parts\": {\"a\": ["), "malformed JSON");
}

TEST_F(CliTest, UnknownNames) {
  ExpectRefused(Mutated("\"category\": \"chair\"", "\"category\": \"sofa\""),
                "category: unknown category 'sofa'");
  ExpectRefused(Mutated("\"label\": \"seat\"", "\"label\": \"cushion\""),
                "parts[0].label: unknown label 'cushion'");
  ExpectRefused(Mutated("\"extent\": \"one_sided\"", "\"extent\": \"through_all\""),
                "parts[0].features[0].extrude.extent: unknown extent 'through_all'");
  ExpectRefused(Mutated("\"operation\": \"new_body\"", "\"operation\": \"merge\""),
                "parts[0].features[0].extrude.operation: unknown operation 'merge'");
}

TEST_F(CliTest, BadNumbers) {
  ExpectRefused(Mutated("\"sweep_deg\": 90", "\"sweep_deg\": 360"),
                "parts[0].features[0].sketch.loops[0][1]: arc sweep must be in (0, 360)");
  ExpectRefused(Mutated("\"sweep_deg\": 90", "\"sweep_deg\": -5"), "arc sweep must be in (0, 360)");
  ExpectRefused(Mutated("\"radius\": 18", "\"radius\": 0"),
                "parts[2].features[0].sketch.loops[0][0]: circle radius must be positive");
  ExpectRefused(Mutated("\"distance\": 30", "\"distance\": -30"),
                "parts[0].features[0].extrude.distance: distance must be positive");
}

TEST_F(CliTest, ParallelPlaneAxes) {
  ExpectRefused(Mutated("\"x_dir\": [1, 0, 0]", "\"x_dir\": [0, 0, 2]"),
                "parts[0].features[0].sketch.plane.x_dir: x_dir is parallel to the normal");
}

TEST_F(CliTest, SelfCrossingZeroAreaAndStrayHole) {
  // The arm profile's corner (150,470) moved across the opposite edge makes the loop cross itself.
  ExpectRefused(
      Mutated("{ \"line\": { \"to\": [150, 470] } }", "{ \"line\": { \"to\": [-250, 700] } }"),
      "parts[8].features[0].sketch.loops[0]: loop crosses itself");
  // All four seat corners collapsed onto one line.
  const std::string flat =
      R"({"format":"img2cad.program/1","category":"chair","parts":[{"label":"seat",
    "instance":0,"features":[{"sketch":{"plane":{"origin":[0,0,0],"normal":[0,0,1],"x_dir":[1,0,0]},
    "loops":[[{"line":{"to":[10,0]}},{"line":{"to":[20,0]}},{"line":{"to":[0,0]}}]]},
    "extrude":{"extent":"one_sided","distance":5,"operation":"new_body"}}]}]})";
  ExpectRefused(Write("flat.json", flat),
                "parts[0].features[0].sketch.loops[0]: loop has zero area");
  // The table shelf's hole moved outside the shelf.
  std::string table =
      img2cad::core::ReadFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/table.json").value();
  table.replace(table.find("\"center\": [400, 0]"), 18, "\"center\": [900, 0]");
  ExpectRefused(Write("hole.json", table),
                "parts[9].features[0].sketch.loops[1]: hole lies outside its outer loop");
}

TEST_F(CliTest, CutOrIntersectThatEmptiesAPart) {
  const std::string table =
      img2cad::core::ReadFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/table.json").value();
  std::string moved = table;
  // Move the top's intersecting volume far below the top.
  moved.replace(moved.find("\"origin\": [0, 0, 735]"), 21, "\"origin\": [0, 0, 135]");
  ExpectRefused(Write("empty.json", moved),
                "parts[0].features[1]: intersect leaves the part empty");
  // A seat with a cut larger than itself.
  const std::string cut = R"({"format": "img2cad.program/1", "category": "chair", "parts": [
    {"label": "seat", "instance": 0, "features": [
      {"sketch": {"plane": {"origin": [0, 0, 0], "normal": [0, 0, 1], "x_dir": [1, 0, 0]},
                  "loops": [[{"line": {"to": [10, 0]}}, {"line": {"to": [10, 10]}},
                             {"line": {"to": [0, 10]}}, {"line": {"to": [0, 0]}}]]},
       "extrude": {"extent": "one_sided", "distance": 5, "operation": "new_body"}},
      {"sketch": {"plane": {"origin": [0, 0, -1], "normal": [0, 0, 1], "x_dir": [1, 0, 0]},
                  "loops": [[{"circle": {"center": [5, 5], "radius": 20}}]]},
       "extrude": {"extent": "one_sided", "distance": 10, "operation": "cut"}}]}]})";
  ExpectRefused(Write("cut.json", cut), "parts[0].features[1]: cut leaves the part empty");
}

TEST_F(CliTest, MissingFileAndUsageErrors) {
  CliResult r = Exec("build /nonexistent/p.json -o " + (dir_ / "o").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "img2cad: error: /nonexistent/p.json: no such file\n");
  EXPECT_EQ(Exec("build").code, 2);
  EXPECT_EQ(Exec("frobnicate").code, 2);
  EXPECT_EQ(Exec("build x.json -o y --formats fbx").code, 2);
  EXPECT_EQ(Exec("labels --category sofa").code, 2);
  // ISNet's input side must stay even through its five halvings: 160 is refused up front.
  const CliResult size = Exec("predict x.png -o y --segmenter-size 160");
  EXPECT_EQ(size.code, 2);
  EXPECT_NE(size.err.find("multiple of 64"), std::string::npos) << size.err;
  const CliResult word = Exec("predict x.png -o y --segmenter-size big");
  EXPECT_EQ(word.code, 2);
  EXPECT_NE(word.err.find("must be auto or a number of pixels"), std::string::npos) << word.err;
  EXPECT_EQ(Exec("predict x.png -o y --segmenter-size 2048").code, 2);
}

TEST_F(CliTest, HelpAndVersion) {
  for (const std::string sub : {"", "build ", "check ", "labels "}) {
    CliResult r = Exec(sub + "--help");
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find("Exit codes"), std::string::npos) << sub;
  }
  EXPECT_NE(Exec("--version").out.find("img2cad.program/1"), std::string::npos);
}

TEST_F(CliTest, CheckPrintsStructureAndLabelsPrintVocabulary) {
  CliResult r = Exec("check " + std::string(IMG2CAD_SOURCE_DIR) + "/examples/storage.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("door 1\n  sketch [line line line line]\n  extrude one_sided new_body\n"
                       "  sketch [line line line line]\n  extrude one_sided cut\n"),
            std::string::npos)
      << r.out;
  CliResult j = Exec("check --json " + std::string(IMG2CAD_SOURCE_DIR) + "/examples/storage.json");
  EXPECT_NE(j.out.find("img2cad.structure/1"), std::string::npos);
  CliResult l = Exec("labels");
  EXPECT_EQ(l.code, 0);
  EXPECT_NE(l.out.find("chair: seat back leg arm stretcher column spoke"), std::string::npos)
      << l.out;
}

TEST_F(CliTest, CheckWarnsAboutInstanceOrder) {
  // Swap the instance numbers of legs 0 and 3: still valid, but against the ordering rule.
  std::string text = chair_;
  auto swap = [&](const std::string& from, const std::string& to) {
    const std::string prefix = "\"label\": \"leg\",\n      \"instance\": ";
    const size_t at = text.find(prefix + from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, prefix.size() + 1, prefix + to);
  };
  swap("0", "9");
  swap("3", "0");
  swap("9", "3");
  CliResult r = Exec("check " + Write("order.json", text));
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("parts[2].instance: 3"), std::string::npos) << r.err;
}

}  // namespace

namespace {

TEST_F(CliTest, RenderWritesImageAndMaps) {
  const std::string png = (dir_ / "img" / "chair.png").string();
  CliResult r = Exec("render " + std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json -o " +
                     png + " --size 64 --seed 3 --maps");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"chair.png", "chair.mask.png", "chair.depth.png", "chair.parts.png"}) {
    EXPECT_TRUE(fs::exists(dir_ / "img" / f)) << f;
  }
  const std::string first = img2cad::core::ReadFile(png).value();
  ASSERT_EQ(Exec("render " + std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json -o " + png +
                 " --size 64 --seed 3")
                .code,
            0);
  EXPECT_EQ(img2cad::core::ReadFile(png).value(), first) << "same seed, same image";
  // A chair has no shelves to fill: with --shelf-contents the scene, and so the image, is the same.
  ASSERT_EQ(Exec("render " + std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json -o " + png +
                 " --size 64 --seed 3 --shelf-contents 1")
                .code,
            0);
  EXPECT_EQ(img2cad::core::ReadFile(png).value(), first);
  EXPECT_EQ(Exec("render x.json -o y.png --shelf-contents 1.5").code, 2);
  // The example chair has a seat: quilted upholstery changes its picture, not its mask.
  const std::string quilted = (dir_ / "img" / "quilted.png").string();
  ASSERT_EQ(Exec("render " + std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json -o " +
                 quilted + " --size 64 --seed 3 --maps --quilted 1")
                .code,
            0);
  EXPECT_NE(img2cad::core::ReadFile(quilted).value(), first);
  EXPECT_EQ(img2cad::core::ReadFile((dir_ / "img" / "quilted.mask.png").string()).value(),
            img2cad::core::ReadFile((dir_ / "img" / "chair.mask.png").string()).value());
  EXPECT_EQ(Exec("render x.json -o y.png --quilted 2").code, 2);
  EXPECT_EQ(
      Exec("synth --category chair --count 1 --out " + (dir_ / "q").string() + " --quilted -1")
          .code,
      2);
  EXPECT_EQ(Exec("synth --category storage --count 1 --out " + (dir_ / "s").string() +
                 " --shelf-contents -0.5")
                .code,
            2);
}

TEST_F(CliTest, RenderRefusesBadProgramsAndLeavesNothing) {
  const fs::path out = dir_ / "out";
  CliResult r = Exec("render " + Mutated("\"radius\": 18", "\"radius\": -1") + " -o " +
                     (out / "x.png").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("circle radius must be positive"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(Exec("render x.json -o y.png --size 3").code, 2);
}

}  // namespace

namespace {

TEST_F(CliTest, SynthWritesADatasetAndResumes) {
  const std::string out = (dir_ / "ds").string();
  CliResult r = Exec("synth --category table --count 3 --seed 5 --out " + out + " --image-size 32");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("synth: 3 written, 0 already present, 0 failed"), std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "ds" / "images" / "table_00000007.png"));
  EXPECT_TRUE(fs::exists(dir_ / "ds" / "programs" / "table_00000005.json"));
  CliResult again =
      Exec("synth --category table --count 4 --seed 5 --out " + out + " --image-size 32");
  EXPECT_NE(again.err.find("1 written, 3 already present"), std::string::npos) << again.err;
  // Every program written is a valid program for `check`.
  EXPECT_EQ(Exec("check --no-kernel " + out + "/programs/table_00000008.json").code, 0);
}

TEST_F(CliTest, SynthUsageErrors) {
  EXPECT_EQ(Exec("synth --category sofa --count 1 --out " + (dir_ / "x").string()).code, 2);
  EXPECT_EQ(
      Exec("synth --category chair --count 1 --split holdout --out " + (dir_ / "x").string()).code,
      2);
  EXPECT_EQ(Exec("synth --category chair --out " + (dir_ / "x").string()).code, 2);
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

}  // namespace
