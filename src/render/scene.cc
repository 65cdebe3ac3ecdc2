// Scene randomisation. Colours below are written in sRGB (as a person picks them) and turned
// into linear values for shading.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "render/renderer.h"
#include "render/shading.h"

namespace img2cad::render {

using namespace internal;  // NOLINT

namespace {

Rgb Jitter(core::Rng& rng, const Rgb& c, double amount) {
  const double s = 1 + rng.Uniform(-amount, amount);
  return {
      static_cast<float>(std::clamp(c[0] * s * (1 + rng.Uniform(-amount, amount) / 2), 0.0, 1.0)),
      static_cast<float>(std::clamp(c[1] * s * (1 + rng.Uniform(-amount, amount) / 2), 0.0, 1.0)),
      static_cast<float>(std::clamp(c[2] * s * (1 + rng.Uniform(-amount, amount) / 2), 0.0, 1.0))};
}

Material Wood(core::Rng& rng) {
  // Light oak, pine, cherry, teak, walnut, white-washed, ebonised.
  static const double kWoods[][6] = {
      {0.80, 0.64, 0.44, 0.62, 0.45, 0.28}, {0.88, 0.75, 0.55, 0.74, 0.58, 0.38},
      {0.66, 0.38, 0.24, 0.48, 0.25, 0.15}, {0.62, 0.44, 0.27, 0.45, 0.30, 0.18},
      {0.42, 0.28, 0.18, 0.28, 0.18, 0.11}, {0.86, 0.83, 0.77, 0.74, 0.70, 0.64},
      {0.20, 0.16, 0.13, 0.12, 0.10, 0.08}};
  const auto& w = kWoods[rng.UniformInt(0, 6)];
  Material m;
  m.kind = MaterialKind::kWood;
  m.color = Jitter(rng, Lin(w[0], w[1], w[2]), 0.08);
  m.color2 = Jitter(rng, Lin(w[3], w[4], w[5]), 0.08);
  m.grain_axis = {0, 0, 0};  // along each part's longest side
  m.grain_scale_mm = rng.Uniform(3, 10);
  m.specular = rng.Uniform(0.03, 0.25);
  m.shininess = rng.Uniform(10, 60);
  return m;
}

Material Paint(core::Rng& rng) {
  Material m;
  m.kind = MaterialKind::kPaint;
  const double r = rng.Uniform();
  if (r < 0.3)
    m.color = Hsv(0, 0, rng.Uniform(0.82, 0.97));  // whites
  else if (r < 0.45)
    m.color = Hsv(0, 0, rng.Uniform(0.08, 0.25));  // blacks
  else if (r < 0.6)
    m.color = Hsv(rng.Uniform(0, 360), rng.Uniform(0, 0.1), rng.Uniform(0.4, 0.75));
  else
    m.color = Hsv(rng.Uniform(0, 360), rng.Uniform(0.2, 0.75), rng.Uniform(0.35, 0.9));
  m.specular = rng.Uniform(0.05, 0.4);
  m.shininess = rng.Uniform(15, 80);
  return m;
}

Material Metal(core::Rng& rng) {
  Material m;
  m.kind = MaterialKind::kMetal;
  const double r = rng.Uniform();
  if (r < 0.45)
    m.color = Hsv(0, 0, rng.Uniform(0.55, 0.85));  // steel, chrome
  else if (r < 0.8)
    m.color = Hsv(0, 0, rng.Uniform(0.06, 0.2));  // black powder coat
  else
    m.color = Lin(rng.Uniform(0.75, 0.85), rng.Uniform(0.6, 0.68), rng.Uniform(0.3, 0.4));  // brass
  m.specular = rng.Uniform(0.4, 0.9);
  m.shininess = rng.Uniform(30, 120);
  return m;
}

Material Fabric(core::Rng& rng) {
  Material m;
  m.kind = MaterialKind::kFabric;
  m.color = Hsv(rng.Uniform(0, 360), rng.Uniform(0.05, 0.6), rng.Uniform(0.25, 0.8));
  m.grain_scale_mm = rng.Uniform(2, 6);
  m.specular = 0.02;
  m.shininess = 5;
  return m;
}

// Labels that are usually thin frames or hardware, and those that are usually upholstered.
bool IsFrameLabel(const std::string& l) {
  return l == "leg" || l == "stretcher" || l == "column" || l == "spoke" || l == "foot" ||
         l == "handle";
}
bool IsSoftLabel(const std::string& l) { return l == "seat" || l == "back"; }

// Materials per label, from one of a few furniture "finishes" so objects look designed.
std::map<std::string, Material> MaterialsByLabel(core::Rng& rng,
                                                 const std::vector<std::string>& labels) {
  enum { kAllWood, kWoodMetal, kPainted, kPaintWood, kUpholstered, kMixed };
  const int finish = static_cast<int>(rng.Weighted({0.3, 0.2, 0.2, 0.1, 0.1, 0.1}));
  const Material wood = Wood(rng), wood2 = Wood(rng), paint = Paint(rng), metal = Metal(rng),
                 fabric = Fabric(rng);
  std::map<std::string, Material> out;
  for (const auto& l : labels) {
    if (out.count(l)) continue;
    Material m;
    switch (finish) {
      case kAllWood:
        m = wood;
        break;
      case kWoodMetal:
        m = IsFrameLabel(l) ? metal : wood;
        break;
      case kPainted:
        m = l == "handle" ? metal : paint;
        break;
      case kPaintWood:
        m = IsFrameLabel(l) || l == "top" ? wood : paint;
        break;
      case kUpholstered:
        m = IsSoftLabel(l) ? fabric : (rng.Bernoulli(0.5) ? wood : metal);
        break;
      default: {
        const size_t k = rng.Weighted({0.4, 0.2, 0.2, 0.1, 0.1});
        const Material choices[] = {wood, wood2, paint, metal, fabric};
        m = choices[k];
      }
    }
    if (l == "handle" && m.kind == MaterialKind::kWood && rng.Bernoulli(0.6)) m = metal;
    out[l] = m;
  }
  return out;
}

// Azimuth (degrees) and whether the view is a straight-on catalogue shot.
std::pair<double, bool> FrontWeightedAzimuth(core::Rng& rng) {
  switch (rng.Weighted({0.58, 0.12, 0.17, 0.13})) {
    case 0:  // three-quarter views
      return {(rng.Bernoulli(0.5) ? 35.0 : -35.0) + rng.Normal(0, 15), false};
    case 1:  // straight at the front, as in catalogue photos
      return {rng.Normal(0, 6), true};
    case 2:
      return {rng.Uniform(-90, 90), false};
    default:
      return {rng.Uniform(0, 360), false};
  }
}

// The scene's materials with one entry per part: the last repeats for missing parts (Scene), so
// keep that before overriding some.
std::vector<Material>& MaterialPerPart(size_t parts, Scene* scene) {
  auto& materials = scene->part_materials;
  if (materials.size() < parts) {
    const Material last = materials.empty() ? Material{} : materials.back();
    materials.resize(parts, last);
  }
  return materials;
}

}  // namespace

bool QuiltUpholstery(core::Rng& rng, const std::vector<std::string>& part_labels, Scene* scene) {
  // Only seating: a bookcase's `back` is a panel, not a cushion.
  if (std::find(part_labels.begin(), part_labels.end(), "seat") == part_labels.end()) return false;
  Material m = Fabric(rng);
  m.quilt_mm = rng.Uniform(60, 140);
  auto& materials = MaterialPerPart(part_labels.size(), scene);
  for (size_t i = 0; i < part_labels.size(); ++i)
    if (IsSoftLabel(part_labels[i])) materials[i] = m;
  return true;
}

bool PanelFronts(core::Rng& rng, const geom::Mesh& mesh,
                 const std::vector<std::string>& part_labels, Scene* scene) {
  auto is_front = [&](size_t i) { return part_labels[i] == "door" || part_labels[i] == "drawer"; };
  std::vector<bool> front(part_labels.size());
  bool any = false;
  for (size_t i = 0; i < part_labels.size(); ++i) any |= front[i] = is_front(i);
  if (!any) return false;
  const double inset = rng.Uniform(25, 70), groove = rng.Uniform(0.35, 0.7),
               shade = rng.Uniform(0.9, 1.1);
  // Each front's box, from its triangles.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<Vec3d> lo(part_labels.size(), {kInf, kInf, kInf}),
      hi(part_labels.size(), {-kInf, -kInf, -kInf});
  for (size_t t = 0; t < mesh.triangles.size(); ++t) {
    const size_t id = static_cast<size_t>(mesh.part_ids[t]);
    if (id >= front.size() || !front[id]) continue;
    for (uint32_t v : mesh.triangles[t])
      for (int k = 0; k < 3; ++k) {
        lo[id][k] = std::min(lo[id][k], static_cast<double>(mesh.vertices[v][k]));
        hi[id][k] = std::max(hi[id][k], static_cast<double>(mesh.vertices[v][k]));
      }
  }
  auto& materials = MaterialPerPart(part_labels.size(), scene);
  any = false;
  for (size_t i = 0; i < part_labels.size(); ++i) {
    if (!front[i] || !(hi[i][0] > lo[i][0] && hi[i][2] > lo[i][2])) continue;
    Material& m = materials[i];
    m.panel_inset_mm = std::min(inset, 0.2 * std::min(hi[i][0] - lo[i][0], hi[i][2] - lo[i][2]));
    m.panel_groove = groove;
    m.panel_shade = shade;
    m.panel_min = lo[i];
    m.panel_max = hi[i];
    any = true;
  }
  return any;
}

Scene RandomScene(core::Rng& rng, const geom::Box3& bounds,
                  const std::vector<std::string>& part_labels, int size) {
  Scene s;
  // Camera.
  const auto [azimuth, frontal] = FrontWeightedAzimuth(rng);
  const double elevation =
      frontal ? rng.Uniform(0, 15)
              : std::clamp(0.5 * (rng.Uniform(0, 45) + rng.Uniform(5, 35)), 0.0, 45.0);
  const double fov = rng.Uniform(25, 55);
  s.camera = FrameObject(bounds, azimuth, elevation, fov, rng.Uniform(0.72, 0.95), size, size);
  double radius = 0;
  for (int k = 0; k < 3; ++k) radius += std::pow((bounds.max[k] - bounds.min[k]) / 2.0, 2);
  radius = std::sqrt(radius);
  for (int k = 0; k < 3; ++k) s.camera.target[k] += rng.Normal(0, 0.04 * radius);

  // Light: a key light mostly from the camera's side and above, plus sky and bounce.
  const double light_az = (azimuth + rng.Normal(0, 60)) * 3.14159265358979 / 180;
  const double light_el = rng.Uniform(25, 70) * 3.14159265358979 / 180;
  s.lighting.key_direction = {std::sin(light_az) * std::cos(light_el),
                              -std::cos(light_az) * std::cos(light_el), std::sin(light_el)};
  const double warmth = rng.Uniform(-0.08, 0.1);
  s.lighting.key_color = {static_cast<float>(1 + warmth), 1.0f, static_cast<float>(1 - warmth)};
  s.lighting.key_intensity = static_cast<float>(rng.Uniform(0.5, 1.1));
  s.lighting.ambient_intensity = static_cast<float>(rng.Uniform(0.35, 0.8));
  s.lighting.sky_color = Jitter(rng, Lin(0.8, 0.83, 0.88), 0.1);
  s.lighting.ground_color = Jitter(rng, Lin(0.55, 0.52, 0.48), 0.15);

  // Materials.
  const auto by_label = MaterialsByLabel(rng, part_labels);
  for (const auto& l : part_labels) s.part_materials.push_back(by_label.at(l));

  // Backdrop, floor and clutter.
  Environment& e = s.environment;
  // A quarter are studio product shots: a plain light backdrop, no floor, no clutter.
  const bool studio = rng.Bernoulli(0.25);
  e.backdrop = studio ? static_cast<BackdropKind>(rng.UniformInt(0, 1))
                      : static_cast<BackdropKind>(rng.Weighted({0.3, 0.4, 0.3}));
  const bool dark_room = !studio && rng.Bernoulli(0.12);
  const double base = dark_room ? rng.Uniform(0.15, 0.4)
                                : (studio ? rng.Uniform(0.85, 1.0) : rng.Uniform(0.6, 0.97));
  const double hue = rng.Uniform(0, 360);
  const double sat = studio ? rng.Uniform(0, 0.03)
                            : (rng.Bernoulli(0.3) ? rng.Uniform(0.1, 0.4) : rng.Uniform(0, 0.08));
  e.backdrop_top = Hsv(hue, sat, base);
  e.backdrop_bottom =
      Hsv(hue + rng.Uniform(-30, 30), sat, std::clamp(base * rng.Uniform(0.7, 1.1), 0.0, 1.0));
  e.texture_scale = rng.Uniform(4, 20) * size / 128.0;
  e.floor = !studio && rng.Bernoulli(0.9);
  if (rng.Bernoulli(0.5)) {  // wooden or stone floor, or carpet
    const Material f = Wood(rng);
    e.floor_color = f.color;
    e.floor_color2 = f.color2;
  } else {
    e.floor_color = Hsv(rng.Uniform(0, 360), rng.Uniform(0, 0.2), rng.Uniform(0.35, 0.9));
    e.floor_color2 = Jitter(rng, e.floor_color, 0.06);
  }
  // Tiles or boards: a subtle alternation, never a chessboard.
  e.floor_color2 = Mix(e.floor_color, e.floor_color2, rng.Uniform(0.1, 0.4));
  e.floor_tile_mm = rng.Bernoulli(0.35) ? rng.Uniform(250, 900) : 0;
  // Clutter stands on the floor; without one it would float.
  const int clutter = e.floor ? static_cast<int>(rng.Weighted({0.35, 0.25, 0.2, 0.12, 0.08})) : 0;
  const double cx = (bounds.min[0] + bounds.max[0]) / 2, cy = (bounds.min[1] + bounds.max[1]) / 2;
  for (int i = 0; i < clutter; ++i) {
    // Somewhere around the object but outside its footprint, mostly behind it.
    const double ang = (azimuth + 180 + rng.Normal(0, 70)) * 3.14159265358979 / 180;
    const double dist = radius * rng.Uniform(1.3, 3.0);
    const double sx = rng.Uniform(0.1, 0.6) * radius, sy = rng.Uniform(0.1, 0.6) * radius;
    const double px = cx + dist * std::sin(ang), py = cy - dist * std::cos(ang);
    ClutterBox b;
    b.min = {px - sx / 2, py - sy / 2, 0};
    b.max = {px + sx / 2, py + sy / 2, rng.Uniform(0.15, 1.2) * radius};
    b.color = Hsv(rng.Uniform(0, 360), rng.Uniform(0, 0.5), rng.Uniform(0.2, 0.9));
    e.clutter.push_back(b);
  }

  // Camera degradations.
  Photometric& p = s.photometric;
  // Thin legs are 2-4 pixels wide at 128², so strong blur would erase them; photos downscaled
  // to this size are mostly sharp.
  const size_t blur = rng.Weighted({0.5, 0.4, 0.1});
  p.blur_sigma_px = blur == 0 ? 0 : (blur == 1 ? rng.Uniform(0.2, 0.6) : rng.Uniform(0.6, 1.0));
  p.blur_sigma_px *= size / 128.0;
  p.noise_sigma = rng.Bernoulli(0.7) ? rng.Uniform(0.5, 6) : 0;
  p.jpeg_quality = rng.Bernoulli(0.6) ? rng.UniformInt(30, 95) : 0;
  p.exposure = rng.Uniform(0.8, 1.25);
  s.noise_seed = rng.NextU64();
  // Drawn last, so the draws above are what renderer version 1 made. A fifth of the scenes keep
  // the seamless look (painted-over joints, soft light).
  s.seam_shade = rng.Bernoulli(0.8) ? rng.Uniform(0.4, 0.9) : 1.0;
  return s;
}

Scene PreviewScene(const geom::Box3& bounds, const std::vector<std::string>& part_labels,
                   double azimuth_deg, double elevation_deg, int size) {
  Scene s;
  s.camera = FrameObject(bounds, azimuth_deg, elevation_deg, 35, 0.85, size, size);
  s.lighting.key_direction = {0.5, -0.7, 0.9};
  s.lighting.key_intensity = 0.8f;
  s.lighting.ambient_intensity = 0.65f;
  s.environment.backdrop = BackdropKind::kGradient;
  s.environment.backdrop_top = Lin(0.93, 0.93, 0.94);
  s.environment.backdrop_bottom = Lin(0.8, 0.8, 0.82);
  s.environment.floor_color = Lin(0.86, 0.86, 0.87);
  s.environment.floor_tile_mm = 0;
  s.seam_shade = 0.7;  // so that a preview shows where drawers and doors part
  // A fixed tone per label, so previews of the same object always look the same.
  static const double kTones[][3] = {{0.78, 0.6, 0.42},  {0.55, 0.38, 0.26}, {0.35, 0.35, 0.38},
                                     {0.68, 0.52, 0.38}, {0.5, 0.56, 0.48},  {0.62, 0.4, 0.33},
                                     {0.42, 0.5, 0.62},  {0.82, 0.78, 0.7}};
  std::map<std::string, size_t> index;
  for (const auto& l : part_labels) {
    const size_t k = index.emplace(l, index.size()).first->second;
    Material m;
    m.kind = MaterialKind::kPaint;
    m.color = Lin(kTones[k % 8][0], kTones[k % 8][1], kTones[k % 8][2]);
    m.specular = 0.08;
    s.part_materials.push_back(m);
  }
  return s;
}

}  // namespace img2cad::render
