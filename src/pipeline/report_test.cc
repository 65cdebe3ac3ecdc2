#include "pipeline/report.h"

#include <gtest/gtest.h>

#include "cad/model.h"
#include "pipeline/render_program.h"
#include "program/json_io.h"

namespace img2cad::pipeline {
namespace {

TEST(ReportTest, FourPanelsWithThePhotoTheCropThePreviewAndThePartColours) {
  auto program = program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json");
  ASSERT_TRUE(program.ok());
  auto model = cad::BuildModel(*program);
  ASSERT_TRUE(model.ok());
  render::Renderer renderer;
  RenderRequest req;
  req.size = 128;
  req.clean = true;
  auto frame = RenderModel(*model, req, &renderer);
  ASSERT_TRUE(frame.ok());
  // A wide photo: a dark box on a light backdrop.
  image::Image photo(300, 150, 3, 220);
  for (int y = 40; y < 110; ++y)
    for (int x = 120; x < 180; ++x)
      for (int c = 0; c < 3; ++c) photo.at(x, y, c) = 40;
  auto object = FindObject(photo, "box.png");
  ASSERT_TRUE(object.ok());

  const image::Image sheet = ReportImage(*object, *frame, *program);
  ASSERT_EQ(sheet.width, 4 * kReportPanel);
  ASSERT_EQ(sheet.height, kReportPanel);
  ASSERT_EQ(sheet.channels, 3);
  // Panel 1: the wide photo is letterboxed on white; its middle is the dark box.
  EXPECT_EQ(sheet.at(kReportPanel / 2, 5, 0), 255);
  EXPECT_LT(sheet.at(kReportPanel / 2, kReportPanel / 2, 0), 60);
  // Panel 2: the crop centres the box, kept at full brightness; the backdrop outside is dimmed.
  EXPECT_LT(sheet.at(kReportPanel + kReportPanel / 2, kReportPanel / 2, 0), 60);
  EXPECT_LT(sheet.at(kReportPanel + 2, 2, 0), 220 * 0.5);
  // Panel 4: every coloured pixel is a part colour (hue of some PartColor), background white.
  int coloured = 0, white = 0;
  for (int y = 0; y < kReportPanel; ++y)
    for (int x = 3 * kReportPanel; x < 4 * kReportPanel; ++x) {
      const bool w =
          sheet.at(x, y, 0) == 255 && sheet.at(x, y, 1) == 255 && sheet.at(x, y, 2) == 255;
      white += w;
      coloured += !w;
    }
  EXPECT_GT(coloured, 1000);
  EXPECT_GT(white, 1000);
}

TEST(ReportTest, PageCountsStatusesAndEscapesText) {
  std::vector<ReportRow> rows(3);
  rows[0] = {"chair", "in/chair.png", "ok", "chair", 0.97, "", true};
  rows[1] = {"odd", "in/<odd>.png", "no_object", "", -1, "no object found: <blank>", false};
  rows[2] = {"bad", "in/bad.png", "failed", "", -1, "not a readable image", false};
  const std::string html = ReportPage("img2cad predict", rows);
  EXPECT_NE(html.find("3 inputs, 1 ok, 0 uncertain, 1 no_object, 1 failed"), std::string::npos);
  EXPECT_NE(html.find("src=\"chair/report.png\""), std::string::npos);
  EXPECT_EQ(html.find("odd/report.png"), std::string::npos);
  EXPECT_NE(html.find("in/&lt;odd&gt;.png"), std::string::npos);
  EXPECT_NE(html.find("no object found: &lt;blank&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<blank>"), std::string::npos);
  EXPECT_NE(html.find("0.97"), std::string::npos);
}

}  // namespace
}  // namespace img2cad::pipeline
