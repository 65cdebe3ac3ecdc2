#include "render/silhouette.h"

#include <gtest/gtest.h>

#include "render/renderer.h"

namespace img2cad::render {
namespace {

geom::Mesh Box(float x0, float y0, float z0, float x1, float y1, float z1) {
  return geom::BoxMesh({x0, y0, z0}, {x1, y1, z1});
}

int Differing(const image::Image& a, const image::Image& b) {
  int n = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) n += (a.pixels[i] > 127) != (b.pixels[i] > 127);
  return n;
}

TEST(SilhouetteRendererTest, AgreesWithTheRenderersMaskAndWithAStretchedMesh) {
  const geom::Mesh box = Box(-100, -50, 0, 100, 50, 300);
  auto sil = SilhouetteRenderer::Create(box);
  ASSERT_TRUE(sil.ok()) << sil.status().ToString();
  // Unstretched: the renderer's own mask, pixel for pixel but for edge rounding.
  Scene scene = PreviewScene(geom::Bounds(box), {"top"}, 30, 20, 80);
  scene.environment.floor = false;
  Renderer full;
  auto frame = full.Render(box, scene);
  ASSERT_TRUE(frame.ok());
  const image::Image mask = (*sil)->Render(scene.camera, {1, 1, 1});
  ASSERT_EQ(mask.width, 80);
  EXPECT_LE(Differing(mask, frame->mask), 8);
  int on = 0;
  for (uint8_t v : mask.pixels) on += v > 0;
  EXPECT_GT(on, 400);
  // Stretched by (1.5, 1, 0.5): the same as the box made that size.
  const geom::Mesh wide = Box(-150, -50, 0, 150, 50, 150);
  auto wide_sil = SilhouetteRenderer::Create(wide);
  ASSERT_TRUE(wide_sil.ok());
  const Camera cam = FrameObject(geom::Bounds(wide), 40, 25, 40, 0.85, 64, 64);
  EXPECT_LE(Differing((*sil)->Render(cam, {1.5, 1, 0.5}), (*wide_sil)->Render(cam, {1, 1, 1})), 6);
  const geom::Box3 b = (*sil)->ScaledBounds({1.5, 1, 0.5});
  EXPECT_FLOAT_EQ(b.max[0], 150);
  EXPECT_FLOAT_EQ(b.max[2], 150);
  EXPECT_FALSE(SilhouetteRenderer::Create(geom::Mesh()).ok());
}

}  // namespace
}  // namespace img2cad::render
