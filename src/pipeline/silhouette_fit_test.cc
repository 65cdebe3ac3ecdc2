#include "pipeline/silhouette_fit.h"

#include <gtest/gtest.h>

#include "image/preprocess.h"
#include "render/camera.h"
#include "render/silhouette.h"

namespace img2cad::pipeline {
namespace {

void AddBox(geom::Mesh* m, float x0, float y0, float z0, float x1, float y1, float z1) {
  m->Append(geom::BoxMesh({x0, y0, z0}, {x1, y1, z1}));
}

// A table 800 x 500 x 700 mm: a top and four legs.
geom::Mesh Table() {
  geom::Mesh m;
  AddBox(&m, -400, -250, 660, 400, 250, 700);
  for (float x : {-380.f, 340.f})
    for (float y : {-230.f, 190.f}) AddBox(&m, x, y, 0, x + 40, y + 40, 660);
  return m;
}

// The object's mask as `predict` crops it: the mesh stretched by `s`, seen from (az, el).
image::Image CroppedMask(const geom::Mesh& mesh, const render::Vec3d& s, double az, double el) {
  auto sil = render::SilhouetteRenderer::Create(mesh);
  IMG2CAD_CHECK(sil.ok());
  const render::Camera cam =
      render::FrameObject((*sil)->ScaledBounds(s), az, el, 40, 0.85, 128, 128);
  image::Image photo = (*sil)->Render(cam, s);
  const image::Foreground fg = image::ForegroundFromMask(photo, 128, 128);
  return image::CropToObject(photo, fg, 64).mask;
}

TEST(SilhouetteFitTest, RecoversTheProportionsOfAStretchedTable) {
  const geom::Mesh table = Table();
  // The photo's table is 25% wider and 10% shallower than the model, relative to its height.
  const image::Image mask = CroppedMask(table, {1.25, 0.9, 1}, 35, 20);
  SilhouetteFitOptions o;
  o.fit_view = false;
  o.stretch_prior = 0.01;
  auto fit = FitSilhouette(table, mask, 35, 20, o);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_LT(fit->iou_before, 0.85);
  EXPECT_GT(fit->iou_after, 0.93);
  EXPECT_GT(fit->iou_after, fit->iou_before);
  EXPECT_NEAR(fit->stretch[0] / fit->stretch[2], 1.25, 0.06);
  EXPECT_NEAR(fit->stretch[1] / fit->stretch[2], 0.9, 0.06);
  EXPECT_NEAR(fit->stretch[0] * fit->stretch[1] * fit->stretch[2], 1, 1e-9);
  EXPECT_LE(fit->evaluations, o.max_evaluations);

  // Already right: nothing to change, and the view search stays where it was.
  o.fit_view = true;
  o.stretch_prior = 0.5;
  auto same = FitSilhouette(table, CroppedMask(table, {1, 1, 1}, 35, 20), 35, 20, o);
  ASSERT_TRUE(same.ok());
  EXPECT_GT(same->iou_before, 0.95);
  for (double s : same->stretch) EXPECT_NEAR(s, 1, 0.03);
  EXPECT_NEAR(same->azimuth_deg, 35, 3);

  EXPECT_FALSE(FitSilhouette(geom::Mesh(), mask, 35, 20).ok());
  EXPECT_FALSE(FitSilhouette(table, image::Image(), 35, 20).ok());
}

}  // namespace
}  // namespace img2cad::pipeline
