#include "render/renderer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace img2cad::render {
namespace {

// A box [x0,x1]x[y0,y1]x[z0,z1] as an outward mesh with one part id.
geom::Mesh Box(float x0, float y0, float z0, float x1, float y1, float z1, int part) {
  return geom::BoxMesh({x0, y0, z0}, {x1, y1, z1}, part);
}

Scene Plain(const geom::Box3& b, double az, double el, int size) {
  Scene s = PreviewScene(b, {"top", "leg"}, az, el, size);
  s.environment.floor = false;
  return s;
}

TEST(CameraTest, ProjectionAndRaysAgree) {
  geom::Box3 b{{-100, -100, 0}, {100, 100, 200}};
  Camera c = FrameObject(b, 30, 20, 40, 0.9, 64, 48);
  auto centre = Project(c, c.target);
  ASSERT_TRUE(centre);
  EXPECT_NEAR((*centre)[0], 32, 1e-6);
  EXPECT_NEAR((*centre)[1], 24, 1e-6);
  // A ray through a pixel projects back onto that pixel.
  const Vec3d d = RayDirection(c, 10.5, 40.25);
  Vec3d p;
  for (int k = 0; k < 3; ++k) p[k] = c.position[k] + 700 * d[k];
  auto px = Project(c, p);
  EXPECT_NEAR((*px)[0], 10.5, 1e-6);
  EXPECT_NEAR((*px)[1], 40.25, 1e-6);
  // Azimuth 0 looks from -y; azimuth 90 from +x.
  EXPECT_LT(FrameObject(b, 0, 0, 40, 0.9, 8, 8).position[1], -100);
  EXPECT_GT(FrameObject(b, 90, 0, 40, 0.9, 8, 8).position[0], 100);
}

TEST(RendererTest, MaskMatchesProjectedGeometry) {
  geom::Mesh box = Box(-100, -50, 0, 100, 50, 300, 0);
  geom::Box3 b = geom::Bounds(box);
  Renderer r;
  const Scene s = Plain(b, 25, 15, 96);
  auto f = r.Render(box, s);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  // Every pixel whose centre projects inside the silhouette of the 8 corners' convex hull is in
  // the mask, tested on a grid of points on the box faces: each projects onto a masked pixel.
  int checked = 0, inside = 0;
  for (float u = -95; u <= 95; u += 10)
    for (float v = 5; v <= 295; v += 10) {
      for (const Vec3d& p : {Vec3d{u, -50, v}, Vec3d{100, u / 2, v}}) {  // front and right faces
        auto px = Project(s.camera, p);
        ASSERT_TRUE(px);
        const int x = static_cast<int>((*px)[0]), y = static_cast<int>((*px)[1]);
        if (x < 1 || y < 1 || x >= 95 || y >= 95) continue;
        ++checked;
        inside += f->mask.at(x, y, 0) == 255;
      }
    }
  EXPECT_GT(checked, 200);
  EXPECT_GE(inside, checked * 0.98);
  // The mask area matches the projected area of the box, computed by projecting a fine grid.
  int mask_px = 0;
  for (uint8_t m : f->mask.pixels) mask_px += m == 255;
  EXPECT_GT(mask_px, 0.08 * 96 * 96);
  EXPECT_LT(mask_px, 0.7 * 96 * 96);
}

TEST(RendererTest, DepthIsConsistentWithGeometry) {
  geom::Mesh box = Box(-100, -100, 0, 100, 100, 200, 0);
  Renderer r;
  const Scene s = Plain(geom::Bounds(box), 0, 0, 64);  // straight at the front face y = -100
  auto f = r.Render(box, s);
  ASSERT_TRUE(f.ok());
  // At the image centre the ray hits the front face head on.
  const float d = f->depth_mm[32 * 64 + 32];
  const double expected = -100 - s.camera.position[1];
  EXPECT_NEAR(d, expected, 1.0);
  // Depth grows away from the centre on a flat face seen head on (the rays are oblique).
  EXPECT_GT(f->depth_mm[32 * 64 + 40], d);
  // Background has infinite depth and part id -1.
  EXPECT_TRUE(std::isinf(f->depth_mm[0]));
  EXPECT_EQ(f->part_id[0], -1);
}

TEST(RendererTest, PartIdsSeparateParts) {
  geom::Mesh m = Box(-200, -50, 0, -20, 50, 300, 0);
  m.Append(Box(20, -50, 0, 200, 50, 300, 1));
  Renderer r;
  auto f = r.Render(m, Plain(geom::Bounds(m), 0, 0, 64));
  ASSERT_TRUE(f.ok());
  int left = 0, right = 0;
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) {
      const int id = f->part_id[y * 64 + x];
      if (id == 0) left += x < 32 ? 1 : -1000;
      if (id == 1) right += x > 32 ? 1 : -1000;
    }
  EXPECT_GT(left, 50);
  EXPECT_GT(right, 50);
  // The viewable map reads back to the same ids; an unknown colour reads as background.
  image::Image map = PartIdImage(*f);
  EXPECT_EQ(PartIdsFromImage(map, 2), f->part_id);
  map.pixels[0] = 1, map.pixels[1] = 2, map.pixels[2] = 3;
  EXPECT_EQ(PartIdsFromImage(map, 2)[0], -1);
  EXPECT_EQ(PartIdsFromImage(image::Image(4, 4, 1, 0), 2), std::vector<int16_t>(16, -1));
}

TEST(RendererTest, RandomScenesAreDeterministicAndNeverBlank) {
  geom::Mesh box = Box(-200, -200, 0, 200, 200, 700, 0);
  Renderer r;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    core::Rng a(seed), b(seed);
    auto fa = r.Render(box, RandomScene(a, geom::Bounds(box), {"side"}, 64));
    auto fb = r.Render(box, RandomScene(b, geom::Bounds(box), {"side"}, 64));
    ASSERT_TRUE(fa.ok() && fb.ok());
    EXPECT_EQ(fa->rgb.pixels, fb->rgb.pixels) << seed;
    int visible = 0;
    for (uint8_t m : fa->mask.pixels) visible += m == 255;
    EXPECT_GT(visible, 64 * 64 / 20) << "object barely visible, seed " << seed;
    uint8_t lo = 255, hi = 0;
    for (uint8_t v : fa->rgb.pixels) lo = std::min(lo, v), hi = std::max(hi, v);
    EXPECT_GT(hi - lo, 30) << "blank image, seed " << seed;
  }
}

// An open bookcase 800 wide, 300 deep, 1000 high: sides, bottom, top, one shelf at z 500 and a
// divider at x 0 that splits both compartment rows.
geom::Mesh Bookcase(std::vector<std::string>* labels) {
  geom::Mesh m;
  auto add = [&](const char* label, float x0, float y0, float z0, float x1, float y1, float z1) {
    m.Append(Box(x0, y0, z0, x1, y1, z1, static_cast<int>(labels->size())));
    labels->push_back(label);
  };
  add("side", -400, -150, 0, -380, 150, 980);
  add("side", 380, -150, 0, 400, 150, 980);
  add("bottom", -380, -150, 0, 380, 150, 20);
  add("top", -400, -150, 980, 400, 150, 1000);
  add("shelf", -380, -130, 500, 380, 142, 518);
  add("divider", -10, -150, 20, 10, 142, 980);
  return m;
}

TEST(QuiltUpholsteryTest, OnlySeatsAndBacksGetOneQuiltedFabric) {
  const std::vector<std::string> labels = {"seat", "leg", "back", "leg"};
  Scene scene = Plain({{-100, -100, 0}, {100, 100, 200}}, 30, 20, 32);
  scene.part_materials.assign(4, Material{});
  scene.part_materials[1].kind = MaterialKind::kMetal;
  core::Rng a(5), b(5);
  Scene other = scene;
  ASSERT_TRUE(QuiltUpholstery(a, labels, &scene));
  ASSERT_TRUE(QuiltUpholstery(b, labels, &other));
  for (int i : {0, 2}) {
    EXPECT_EQ(scene.part_materials[i].kind, MaterialKind::kFabric);
    EXPECT_GE(scene.part_materials[i].quilt_mm, 60);
    EXPECT_LE(scene.part_materials[i].quilt_mm, 140);
    EXPECT_EQ(scene.part_materials[i].quilt_mm, other.part_materials[i].quilt_mm);  // seeded
  }
  EXPECT_EQ(scene.part_materials[1].kind, MaterialKind::kMetal);
  EXPECT_EQ(scene.part_materials[3].quilt_mm, 0);
  // Without a seat or back nothing changes and nothing is drawn.
  core::Rng c(5);
  Scene bookcase = other;
  EXPECT_FALSE(QuiltUpholstery(c, {"side", "shelf", "back"}, &bookcase));
  EXPECT_EQ(c.NextU64(), core::Rng(5).NextU64());
}

TEST(QuiltUpholsteryTest, SeamsDarkenTheFabricInBands) {
  // A seat-like slab seen from above: quilted, its pixels vary far more across the seams.
  const geom::Mesh slab = Box(-300, -300, 0, 300, 300, 40, 0);
  const geom::Box3 b = geom::Bounds(slab);
  Scene scene = Plain(b, 0, 80, 64);
  Material fabric;
  fabric.kind = MaterialKind::kFabric;
  fabric.color = {0.6f, 0.5f, 0.4f};
  scene.part_materials = {fabric};
  Renderer renderer;
  auto spread = [&](double quilt_mm) {
    scene.part_materials[0].quilt_mm = quilt_mm;
    auto frame = renderer.Render(slab, scene);
    EXPECT_TRUE(frame.ok());
    double sum = 0, sum2 = 0;
    int n = 0;
    for (int y = 24; y < 40; ++y)
      for (int x = 24; x < 40; ++x) {
        const double v = frame->rgb.at(x, y, 1);
        sum += v, sum2 += v * v, ++n;
      }
    return std::sqrt(sum2 / n - (sum / n) * (sum / n));
  };
  EXPECT_GT(spread(80), 2 * spread(0) + 1);
}

TEST(PanelFrontsTest, EachDoorAndDrawerGetsItsOwnPanelOverItsBox) {
  const std::vector<std::string> labels = {"side", "door", "drawer", "handle", "door"};
  geom::Mesh mesh = Box(-400, -20, 0, 400, 300, 900, 0);
  mesh.Append(Box(-390, -40, 300, 0, -20, 890, 1));
  mesh.Append(Box(-390, -40, 10, 390, -20, 290, 2));
  mesh.Append(Box(-20, -70, 140, 20, -40, 160, 3));
  mesh.Append(Box(0, -40, 300, 390, -20, 890, 4));
  Scene scene = Plain(geom::Bounds(mesh), 0, 10, 32);
  scene.part_materials = {Material{}};
  core::Rng a(3), b(3);
  Scene other = scene;
  ASSERT_TRUE(PanelFronts(a, mesh, labels, &scene));
  ASSERT_TRUE(PanelFronts(b, mesh, labels, &other));
  ASSERT_EQ(scene.part_materials.size(), labels.size());
  for (int i : {1, 2, 4}) {
    const Material& m = scene.part_materials[i];
    EXPECT_GE(m.panel_inset_mm, 25 * (i == 2 ? 0 : 1)) << i;  // the drawer is capped: 280 / 5
    EXPECT_LE(m.panel_inset_mm, i == 2 ? 56 : 70) << i;
    EXPECT_GE(m.panel_groove, 0.35);
    EXPECT_LE(m.panel_groove, 0.7);
    EXPECT_EQ(m.panel_inset_mm, other.part_materials[i].panel_inset_mm);  // seeded
  }
  EXPECT_EQ(scene.part_materials[2].panel_min[0], -390);
  EXPECT_EQ(scene.part_materials[2].panel_max[2], 290);
  EXPECT_EQ(scene.part_materials[4].panel_min[0], 0);
  EXPECT_EQ(scene.part_materials[0].panel_inset_mm, 0);
  EXPECT_EQ(scene.part_materials[3].panel_inset_mm, 0);
  // Without a door or drawer nothing changes and nothing is drawn.
  core::Rng c(3);
  Scene bookcase = other;
  EXPECT_FALSE(PanelFronts(c, mesh, {"side", "shelf", "back", "top", "shelf"}, &bookcase));
  EXPECT_EQ(c.NextU64(), core::Rng(3).NextU64());
}

TEST(PanelFrontsTest, TheGrooveDarkensARingInsideTheFront) {
  // A door seen from the front: panelled, a ring of pixels inside its outline darkens; its
  // middle and the frame outside the ring do not change.
  const geom::Mesh door = Box(-300, -20, 0, 300, 0, 800, 0);
  Scene scene = Plain(geom::Bounds(door), 0, 0, 64);
  scene.part_materials = {Material{}};
  Renderer renderer;
  const auto plain = renderer.Render(door, scene);
  Material& m = scene.part_materials[0];
  m.panel_inset_mm = 100, m.panel_groove = 0.6, m.panel_shade = 1;
  m.panel_min = {-300, -20, 0}, m.panel_max = {300, 0, 800};
  const auto panelled = renderer.Render(door, scene);
  ASSERT_TRUE(plain.ok() && panelled.ok());
  int darker = 0, lighter = 0;
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) {
      const int d = panelled->rgb.at(x, y, 1) - plain->rgb.at(x, y, 1);
      darker += d<-3, lighter += d> 0;
    }
  EXPECT_GT(darker, 40);  // four sides of a ring a pixel or two wide
  EXPECT_EQ(lighter, 0);
  EXPECT_EQ(panelled->rgb.at(32, 32, 1), plain->rgb.at(32, 32, 1));
  EXPECT_EQ(panelled->part_id, plain->part_id);
}

TEST(ShelfContentsTest, BooksStandInsideTheCompartments) {
  std::vector<std::string> labels;
  const geom::Mesh bookcase = Bookcase(&labels);
  int total = 0;
  for (uint64_t seed = 0; seed < 30; ++seed) {
    core::Rng rng(seed);
    const auto boxes = ShelfContents(rng, bookcase, labels);
    EXPECT_LE(boxes.size(), 400u);
    total += static_cast<int>(boxes.size());
    for (const ClutterBox& b : boxes) {
      SCOPED_TRACE("seed " + std::to_string(seed));
      for (int k = 0; k < 3; ++k) EXPECT_LT(b.min[k], b.max[k]);
      // Inside the carcass, never through the divider, and under the ceiling of its row.
      EXPECT_GE(b.min[0], -380 - 1e-6);
      EXPECT_LE(b.max[0], 380 + 1e-6);
      EXPECT_TRUE(b.max[0] <= -10 + 1e-6 || b.min[0] >= 10 - 1e-6);
      EXPECT_GE(b.min[1], -150 - 1e-6);
      EXPECT_LE(b.max[1], 150 + 1e-6);
      const bool lower = b.min[2] < 500;
      EXPECT_GE(b.min[2], lower ? 20 - 1e-6 : 518 - 1e-6);
      EXPECT_LE(b.max[2], lower ? 500 + 1e-6 : 980 + 1e-6);
    }
  }
  EXPECT_GT(total, 30 * 10);  // most compartments are filled
  // The same seed gives the same contents.
  core::Rng a(7), b(7);
  const auto ca = ShelfContents(a, bookcase, labels), cb = ShelfContents(b, bookcase, labels);
  ASSERT_EQ(ca.size(), cb.size());
  for (size_t i = 0; i < ca.size(); ++i) EXPECT_EQ(ca[i].min, cb[i].min);
}

TEST(ShelfContentsTest, NothingWithoutShelvesAndNeverInTheMaps) {
  core::Rng rng(1);
  EXPECT_TRUE(ShelfContents(rng, Box(-200, -200, 0, 200, 200, 700, 0), {"seat"}).empty());
  // Books drawn in the open compartments change the picture, not the masks or part ids.
  std::vector<std::string> labels;
  const geom::Mesh bookcase = Bookcase(&labels);
  Scene s = PreviewScene(geom::Bounds(bookcase), labels, 0, 10, 96);
  Renderer r;
  auto empty = r.Render(bookcase, s);
  core::Rng books(3);
  s.environment.clutter = ShelfContents(books, bookcase, labels);
  ASSERT_FALSE(s.environment.clutter.empty());
  auto full = r.Render(bookcase, s);
  ASSERT_TRUE(empty.ok() && full.ok());
  EXPECT_NE(empty->rgb.pixels, full->rgb.pixels);
  int hidden = 0;  // object pixels that the books cover drop out of the mask, as all clutter does
  for (size_t i = 0; i < empty->mask.pixels.size(); ++i) {
    if (full->mask.pixels[i] == 255) EXPECT_EQ(empty->mask.pixels[i], 255);
    hidden += empty->mask.pixels[i] == 255 && full->mask.pixels[i] == 0;
  }
  EXPECT_GT(hidden, 0);
}

TEST(RendererTest, SeamsDarkenOnlyWhereTouchingPartsMeet) {
  // Two panels side by side (parts 0 and 1, meeting at x = 0) and a knob well in front (part 2).
  geom::Mesh mesh = Box(-100, -50, 0, 0, 50, 200, 0);
  mesh.Append(Box(0, -50, 0, 100, 50, 200, 1));
  mesh.Append(Box(40, -400, 60, 60, -380, 80, 2));
  Scene s = Plain(geom::Bounds(mesh), 0, 0, 64);
  Material paint;
  s.part_materials = {paint};  // one finish, so only the seams tell the panels apart
  Renderer r;
  auto plain = r.Render(mesh, s);
  s.seam_shade = 0.5;
  auto seamed = r.Render(mesh, s);
  ASSERT_TRUE(plain.ok() && seamed.ok());
  EXPECT_EQ(plain->part_id, seamed->part_id);
  int darker = 0, panel_seam = 0;
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      const size_t i = static_cast<size_t>(y) * 64 + x;
      int delta = 0;
      for (int k = 0; k < 3; ++k) delta += plain->rgb.at(x, y, k) - seamed->rgb.at(x, y, k);
      if (delta == 0) continue;
      ASSERT_GT(delta, 0) << x << "," << y;
      ++darker;
      // Only the left panel's last column darkens: the knob is far in front of both panels.
      EXPECT_EQ(plain->part_id[i], 0) << x << "," << y;
      ASSERT_LT(x + 1, 64);
      EXPECT_EQ(plain->part_id[i + 1], 1) << x << "," << y;
      ++panel_seam;
    }
  }
  int knob = 0;
  for (int16_t id : plain->part_id) knob += id == 2;
  EXPECT_GT(knob, 0);
  EXPECT_GT(darker, 15);  // the panels are about 30 pixels tall
  EXPECT_EQ(darker, panel_seam);
}

TEST(RendererTest, BadInputs) {
  Renderer r;
  geom::Mesh empty;
  EXPECT_EQ(r.Render(empty, Scene()).status().code(), core::StatusCode::kInvalidArgument);
  Scene s;
  s.camera.width = 0;
  EXPECT_FALSE(r.Render(Box(0, 0, 0, 1, 1, 1, 0), s).ok());
}

}  // namespace
}  // namespace img2cad::render
