#include "program/json_io.h"

#include <gtest/gtest.h>

#include "core/file_io.h"
#include "program/validate.h"

namespace img2cad::program {
namespace {

std::string Example(const std::string& name) {
  return std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json";
}

constexpr char kMinimal[] = R"({
  "format": "img2cad.program/1", "category": "table",
  "parts": [ { "label": "top", "instance": 0, "features": [ { "sketch": {
      "plane": { "origin": [0, 0, 700], "normal": [0, 0, 1], "x_dir": [1, 0, 0] },
      "loops": [ [ { "line": { "to": [600, -350] } }, { "line": { "to": [600, 350] } },
                   { "arc": { "to": [-600, 350], "sweep_deg": 30.5, "ccw": true } },
                   { "line": { "to": [-600, -350] } } ],
                 [ { "circle": { "center": [0, 0], "radius": 0.1 } } ] ] },
    "extrude": { "extent": "two_sided", "distance": 20, "distance2": 0.3333333333333333,
                 "operation": "new_body" } } ] } ] })";

// Replaces the first occurrence of `from` in kMinimal.
std::string Mutate(const std::string& from, const std::string& to) {
  std::string s = kMinimal;
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

std::string ErrorOf(const std::string& text) {
  auto r = ParseProgram(text, "in.json");
  EXPECT_FALSE(r.ok()) << "expected a parse error";
  return r.ok() ? "" : r.status().ToString();
}

TEST(JsonIoTest, ParsesEveryField) {
  auto r = ParseProgram(kMinimal);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Program& p = *r;
  EXPECT_EQ(p.category, "table");
  ASSERT_EQ(p.parts.size(), 1u);
  const Feature& f = p.parts[0].features[0];
  EXPECT_EQ(f.sketch.plane.origin[2], 700);
  ASSERT_EQ(f.sketch.loops.size(), 2u);
  const auto& arc = std::get<Arc>(f.sketch.loops[0][2]);
  EXPECT_EQ(arc.sweep_deg, 30.5);
  EXPECT_TRUE(arc.ccw);
  EXPECT_EQ(std::get<Circle>(f.sketch.loops[1][0]).radius, 0.1);
  EXPECT_EQ(f.extrude.extent, Extent::kTwoSided);
  EXPECT_EQ(f.extrude.distance2, 1.0 / 3.0);
}

TEST(JsonIoTest, RoundTripIsExact) {
  for (const char* name : {"chair", "table", "storage"}) {
    auto r = ReadProgramFile(Example(name));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const std::string once = ProgramToJson(*r);
    auto again = ParseProgram(once);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(*again, *r) << name;
    EXPECT_EQ(ProgramToJson(*again), once) << name;
  }
  auto m = ParseProgram(kMinimal);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(ParseProgram(ProgramToJson(*m)).value(), *m);
}

TEST(JsonIoTest, MalformedTruncatedAndBinaryInputHaveLineAndColumn) {
  EXPECT_NE(ErrorOf("{\n  \"format\": ,\n}").find("in.json:2:13: malformed JSON"),
            std::string::npos);
  const std::string truncated = std::string(kMinimal).substr(0, 200);
  EXPECT_NE(ErrorOf(truncated).find("malformed JSON"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string("\x89PNG\r\n\x1a\n\0\0\0", 11)).find("in.json:1:1: malformed"),
            std::string::npos);
  EXPECT_NE(ErrorOf("").find("malformed JSON"), std::string::npos);
}

TEST(JsonIoTest, WrongTypesAreLocated) {
  EXPECT_EQ(ErrorOf(Mutate("\"radius\": 0.1", "\"radius\": \"big\"")),
            "in.json: parts[0].features[0].sketch.loops[1][0].circle.radius: expected a number, "
            "found string");
  EXPECT_EQ(ErrorOf(Mutate("\"sweep_deg\": 30.5", "\"sweep_deg\": null")),
            "in.json: parts[0].features[0].sketch.loops[0][2].arc.sweep_deg: expected a number, "
            "found null");
  EXPECT_EQ(ErrorOf(Mutate("\"ccw\": true", "\"ccw\": 1")),
            "in.json: parts[0].features[0].sketch.loops[0][2].arc.ccw: expected true or false, "
            "found number");
  EXPECT_EQ(ErrorOf(Mutate("\"instance\": 0", "\"instance\": 0.5")),
            "in.json: parts[0].instance: expected an integer, found number");
  EXPECT_EQ(ErrorOf(Mutate("[0, 0, 700]", "[0, 700]")),
            "in.json: parts[0].features[0].sketch.plane.origin: expected an array of 3 numbers");
  EXPECT_EQ(ErrorOf(Mutate("\"parts\": [", "\"parts\": 3, \"x\": [")), "in.json: x: unknown field");
}

TEST(JsonIoTest, NonFiniteNumbersAreRefused) {
  EXPECT_EQ(ErrorOf(Mutate("\"distance\": 20", "\"distance\": 1e999")),
            "in.json: malformed JSON: number overflow parsing '1e999'");
  EXPECT_NE(ErrorOf(Mutate("\"distance\": 20", "\"distance\": NaN")).find("malformed JSON"),
            std::string::npos);
}

TEST(JsonIoTest, UnknownNamesAreRefused) {
  EXPECT_NE(ErrorOf(Mutate("two_sided", "both"))
                .find("parts[0].features[0].extrude.extent: unknown extent 'both'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Mutate("new_body", "union"))
                .find("parts[0].features[0].extrude.operation: unknown operation 'union'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Mutate("\"line\": { \"to\": [600, -350] }", "\"spline\": {}"))
                .find("loops[0][0].spline: unknown field"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Mutate("img2cad.program/1", "img2cad.program/9")).find("format: unsupported"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Mutate("\"distance2\": 0.3333333333333333,", ""))
                .find("extrude: missing field 'distance2'"),
            std::string::npos);
}

TEST(JsonIoTest, MissingFileNamesTheFile) {
  auto r = ReadProgramFile("/nonexistent/x.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "/nonexistent/x.json: no such file");
}

}  // namespace
}  // namespace img2cad::program

namespace img2cad::program {
namespace {

// docs/program-format.md opens with an example program; it must stay valid.
TEST(JsonIoTest, DocumentedExampleIsAValidProgram) {
  auto doc = core::ReadFile(std::string(IMG2CAD_SOURCE_DIR) + "/docs/program-format.md");
  ASSERT_TRUE(doc.ok());
  const size_t start = doc->find("```json\n");
  ASSERT_NE(start, std::string::npos);
  const size_t end = doc->find("```", start + 8);
  auto p = ParseProgram(doc->substr(start + 8, end - start - 8), "docs/program-format.md");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(Validate(*p).ok()) << Validate(*p).ToString();
}

}  // namespace
}  // namespace img2cad::program
