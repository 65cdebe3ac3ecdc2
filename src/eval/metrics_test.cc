#include "eval/metrics.h"

#include <gtest/gtest.h>

#include "cad/model.h"
#include "program/builders.h"
#include "program/json_io.h"
#include "program/structure.h"

namespace img2cad::eval {
namespace {

geom::Mesh MeshOf(const program::Program& p) {
  auto m = cad::BuildModel(p);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return cad::Tessellate(*m).value();
}

program::Program Chair() {
  return program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json").value();
}

// Moves every part of a program by (dx, dy, dz) and scales it about the origin by s.
program::Program Transformed(program::Program p, double s, double dx, double dy, double dz) {
  for (auto& part : p.parts) {
    for (auto& f : part.features) {
      auto& o = f.sketch.plane.origin;
      o = {o[0] * s + dx, o[1] * s + dy, o[2] * s + dz};
      for (auto& loop : f.sketch.loops) {
        for (auto& c : loop) {
          if (auto* l = std::get_if<program::Line>(&c)) l->to = {l->to[0] * s, l->to[1] * s};
          if (auto* a = std::get_if<program::Arc>(&c)) a->to = {a->to[0] * s, a->to[1] * s};
          if (auto* ci = std::get_if<program::Circle>(&c)) {
            ci->center = {ci->center[0] * s, ci->center[1] * s};
            ci->radius *= s;
          }
        }
      }
      f.extrude.distance *= s;
      f.extrude.distance2 *= s;
    }
  }
  return p;
}

TEST(MetricsTest, IdenticalShapesScoreTheSamplingNoiseFloor) {
  const geom::Mesh m = MeshOf(Chair());
  EXPECT_EQ(ChamferPaper(m, m, 1, 1), 0.0);  // same points
  const double floor_paper = ChamferPaper(m, m, 1, 2);
  const double floor_field = ChamferField(m, m, 1, 2);
  EXPECT_GT(floor_paper, 0);
  EXPECT_LT(floor_paper, 0.06);
  EXPECT_LT(floor_field, 0.3);
}

TEST(MetricsTest, PaperChamferIgnoresTranslationAndScaleButFieldDoesNot) {
  const geom::Mesh m = MeshOf(Chair());
  const geom::Mesh moved = MeshOf(Transformed(Chair(), 1.0, 300, -200, 50));
  const geom::Mesh scaled = MeshOf(Transformed(Chair(), 1.5, 0, 0, 0));
  const double floor = ChamferPaper(m, m, 1, 2);
  EXPECT_NEAR(ChamferPaper(m, moved, 1, 2), floor, 0.01);
  EXPECT_NEAR(ChamferPaper(m, scaled, 1, 2), floor, 0.01);
  // The field version normalises by the ground truth's box only: the moved copy is far off.
  EXPECT_GT(ChamferField(m, moved, 1, 2), 50 * ChamferField(m, m, 1, 2));
  EXPECT_GT(ChamferField(m, scaled, 1, 2), 10 * ChamferField(m, m, 1, 2));
}

TEST(MetricsTest, DifferentShapesScoreWorse) {
  const geom::Mesh chair = MeshOf(Chair());
  const geom::Mesh table = MeshOf(
      program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/table.json").value());
  EXPECT_GT(ChamferPaper(chair, table, 1, 2), 3 * ChamferPaper(chair, chair, 1, 2));
}

TEST(MetricsTest, PartSegmentationSeesSwappedLabels) {
  const program::Program p = Chair();
  const geom::Mesh m = MeshOf(p);
  std::vector<std::string> labels;
  for (const auto& part : p.parts) labels.push_back(part.label);
  // Labelled from the predicted surface, a shape against itself is (almost) perfect, and the
  // result does not move with the prediction's position or size.
  const auto same = PartSegmentation(m, labels, m, labels, 1);
  EXPECT_GE(same.accuracy, 0.99);
  EXPECT_GE(same.miou, 0.97);
  int points = 0, kept = 0;
  for (const auto& [pair, n] : same.confusion)
    points += n, kept += pair.first == pair.second ? n : 0;
  EXPECT_EQ(points, 2048);
  EXPECT_DOUBLE_EQ(kept / 2048.0, same.accuracy);
  const geom::Mesh moved = MeshOf(Transformed(p, 1.5, 300, -200, 50));
  EXPECT_GE(PartSegmentation(m, labels, moved, labels, 1).accuracy, 0.99);
  // The sampled protocol has a visible floor: boundary points pick a neighbouring part.
  const auto sampled = PartSegmentationSampled(m, labels, m, labels, 1, 2);
  EXPECT_GT(sampled.accuracy, 0.9);
  EXPECT_LT(sampled.accuracy, same.accuracy);
  // Calling the seat "back" and the back "seat" in the prediction.
  std::vector<std::string> swapped = labels;
  std::swap(swapped[0], swapped[1]);
  for (const auto& bad : {PartSegmentation(m, labels, m, swapped, 1),
                          PartSegmentationSampled(m, labels, m, swapped, 1, 2)}) {
    EXPECT_LT(bad.accuracy, same.accuracy - 0.3);
    EXPECT_LT(bad.miou, same.miou - 0.3);
    // The seat's points went to "back" (the swapped name).
    EXPECT_GT(bad.confusion.count({labels[0], labels[1]}), 0u);
  }
  EXPECT_EQ(PartSegmentation(m, labels, geom::Mesh{}, labels, 1).accuracy, 0);
}

TEST(MetricsTest, StructureComparison) {
  const program::Structure s = program::StructureOf(Chair());
  const auto same = CompareStructure(s, s);
  EXPECT_TRUE(same.exact);
  EXPECT_DOUBLE_EQ(same.label_f1, 1);
  EXPECT_EQ(same.part_count_error, 0);
  program::Structure fewer = s;
  fewer.parts.pop_back();  // drop an arm
  const auto r = CompareStructure(s, fewer);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.part_count_error, 1);
  EXPECT_NEAR(r.label_f1, 2 * 1.0 * 0.9 / 1.9, 1e-12);  // precision 1, recall 0.9
  program::Structure relabelled = s;
  relabelled.parts[0].label = "back";
  EXPECT_FALSE(CompareStructure(s, relabelled).exact);
}

}  // namespace
}  // namespace img2cad::eval
