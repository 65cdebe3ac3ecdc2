#include "render/renderer.h"

#include <embree3/rtcore.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "render/shading.h"

namespace img2cad::render {

using namespace internal;  // NOLINT: this file's vocabulary

namespace {

constexpr unsigned kObject = 0;
constexpr float kInf = std::numeric_limits<float>::infinity();

// Per-part data the shader needs: its material and the grain axis resolved from its shape.
struct PartShading {
  Material material;
  Vec3d axis;
};

// Appends a closed box as 12 triangles.
void AddBox(const ClutterBox& b, std::vector<float>* v, std::vector<unsigned>* idx) {
  const unsigned base = static_cast<unsigned>(v->size() / 3);
  auto f = [](const auto& p) -> geom::Vec3f {
    return {static_cast<float>(p[0]), static_cast<float>(p[1]), static_cast<float>(p[2])};
  };
  const geom::Mesh box = geom::BoxMesh(f(b.min), f(b.max));
  for (const auto& p : box.vertices) v->insert(v->end(), p.begin(), p.end());
  for (const auto& t : box.triangles)
    for (uint32_t k : t) idx->push_back(base + k);
}

RTCGeometry TriangleGeometry(RTCDevice device, const float* vertices, size_t nv,
                             const unsigned* indices, size_t nt) {
  RTCGeometry g = rtcNewGeometry(device, RTC_GEOMETRY_TYPE_TRIANGLE);
  auto* vb = static_cast<float*>(rtcSetNewGeometryBuffer(g, RTC_BUFFER_TYPE_VERTEX, 0,
                                                         RTC_FORMAT_FLOAT3, 3 * sizeof(float), nv));
  auto* ib = static_cast<unsigned*>(rtcSetNewGeometryBuffer(
      g, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3, 3 * sizeof(unsigned), nt));
  std::copy(vertices, vertices + 3 * nv, vb);
  std::copy(indices, indices + 3 * nt, ib);
  rtcCommitGeometry(g);
  return g;
}

// Darkens the left or upper pixel of every boundary between two parts that meet at nearly the
// same depth. The depth test keeps the lines off occlusion edges (a leg well in front of a back
// panel), where real photos show a change of shade but no gap. Only radiance changes, so the
// maps it reads stay as they were and the pixels can be darkened in place.
void DrawSeams(const Frame& frame, int w, int h, double shade, std::vector<Rgb>* radiance) {
  constexpr float kDepthTolerance = 0.03f;  // of the distance to the camera
  auto meets = [&](size_t a, size_t b) {
    const int16_t pa = frame.part_id[a], pb = frame.part_id[b];
    if (pa < 0 || pb < 0 || pa == pb) return false;
    const float da = frame.depth_mm[a], db = frame.depth_mm[b];
    return std::abs(da - db) <= kDepthTolerance * std::min(da, db);
  };
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y) * w + x;
      if ((x + 1 < w && meets(i, i + 1)) || (y + 1 < h && meets(i, i + w)))
        (*radiance)[i] = Scale((*radiance)[i], shade);
    }
  }
}

}  // namespace

const char* MaterialKindName(MaterialKind k) {
  switch (k) {
    case MaterialKind::kWood:
      return "wood";
    case MaterialKind::kPaint:
      return "paint";
    case MaterialKind::kMetal:
      return "metal";
    case MaterialKind::kFabric:
      return "fabric";
  }
  return "?";
}

struct Renderer::Impl {
  RTCDevice device = nullptr;
};

Renderer::Renderer() : impl_(std::make_unique<Impl>()) {
  impl_->device = rtcNewDevice("threads=1");
  IMG2CAD_CHECK(impl_->device != nullptr) << "Embree device creation failed";
}

Renderer::~Renderer() { rtcReleaseDevice(impl_->device); }

core::Result<Frame> Renderer::Render(const geom::Mesh& mesh, const Scene& scene) {
  const Camera& cam = scene.camera;
  if (mesh.triangles.empty()) {
    return core::Status(core::StatusCode::kInvalidArgument, "nothing to render: the mesh is empty");
  }
  if (cam.width <= 0 || cam.height <= 0 || cam.width > 8192 || cam.height > 8192) {
    return core::Status(core::StatusCode::kInvalidArgument, "image size must be 1..8192 pixels");
  }
  IMG2CAD_CHECK_EQ(mesh.triangles.size(), mesh.part_ids.size());

  // Scene: the object (geometry 0) and the clutter (geometry 1).
  RTCScene rtc = rtcNewScene(impl_->device);
  {
    std::vector<float> v;
    v.reserve(mesh.vertices.size() * 3);
    for (const auto& p : mesh.vertices) v.insert(v.end(), p.begin(), p.end());
    std::vector<unsigned> idx;
    idx.reserve(mesh.triangles.size() * 3);
    for (const auto& t : mesh.triangles) idx.insert(idx.end(), t.begin(), t.end());
    RTCGeometry g = TriangleGeometry(impl_->device, v.data(), mesh.vertices.size(), idx.data(),
                                     mesh.triangles.size());
    rtcAttachGeometryByID(rtc, g, kObject);
    rtcReleaseGeometry(g);
  }
  if (!scene.environment.clutter.empty()) {
    std::vector<float> v;
    std::vector<unsigned> idx;
    for (const auto& b : scene.environment.clutter) AddBox(b, &v, &idx);
    RTCGeometry g =
        TriangleGeometry(impl_->device, v.data(), v.size() / 3, idx.data(), idx.size() / 3);
    rtcAttachGeometryByID(rtc, g, 1);
    rtcReleaseGeometry(g);
  }
  rtcCommitScene(rtc);
  if (rtcGetDeviceError(impl_->device) != RTC_ERROR_NONE) {
    rtcReleaseScene(rtc);
    return core::Status(core::StatusCode::kInternal, "Embree failed to build the scene");
  }

  // Per-part shading: materials, and the wood grain along each part's longest extent.
  int max_part = 0;
  for (int32_t id : mesh.part_ids) max_part = std::max(max_part, id);
  std::vector<PartShading> parts(max_part + 1);
  {
    const std::vector<PartBox> boxes = PartBoxes(mesh, max_part + 1);
    for (int id = 0; id <= max_part; ++id) {
      const auto& mats = scene.part_materials;
      parts[id].material = mats.empty() ? Material() : mats[std::min<size_t>(id, mats.size() - 1)];
      Vec3d axis = parts[id].material.grain_axis;
      if (Dot(axis, axis) < 1e-12) {
        const Vec3d ext = Sub(boxes[id].hi, boxes[id].lo);
        const int k = ext[0] >= ext[1] && ext[0] >= ext[2] ? 0 : (ext[1] >= ext[2] ? 1 : 2);
        axis = {0, 0, 0};
        axis[k] = 1;
      }
      parts[id].axis = Normalize(axis);
    }
  }

  const Lighting& light = scene.lighting;
  const Environment& env = scene.environment;
  const Vec3d to_light = Normalize(light.key_direction);
  const Vec3d forward = Normalize(Sub(cam.target, cam.position));
  const Vec3d right = Normalize(Cross(forward, cam.up));
  const Vec3d up = Cross(right, forward);
  const double tan_half = std::tan(cam.fov_y_deg * 3.14159265358979 / 360);
  const double aspect = static_cast<double>(cam.width) / cam.height;
  const double scene_scale =
      std::sqrt(Dot(Sub(cam.target, cam.position), Sub(cam.target, cam.position)));

  RTCIntersectContext ctx;
  rtcInitIntersectContext(&ctx);
  auto occluded = [&](const Vec3d& from) {
    RTCRay r{};
    r.org_x = static_cast<float>(from[0]);
    r.org_y = static_cast<float>(from[1]);
    r.org_z = static_cast<float>(from[2]);
    r.dir_x = static_cast<float>(to_light[0]);
    r.dir_y = static_cast<float>(to_light[1]);
    r.dir_z = static_cast<float>(to_light[2]);
    r.tnear = 0.05f;
    r.tfar = kInf;
    r.mask = 0xFFFFFFFF;
    rtcOccluded1(rtc, &ctx, &r);
    return r.tfar < 0;
  };
  auto ambient = [&](const Vec3d& n) {
    return Scale(Mix(light.ground_color, light.sky_color, 0.5 + 0.5 * n[2]),
                 light.ambient_intensity);
  };
  auto backdrop = [&](int x, int y) {
    switch (env.backdrop) {
      case BackdropKind::kFlat:
        return env.backdrop_top;
      case BackdropKind::kGradient:
        return Mix(env.backdrop_top, env.backdrop_bottom, (y + 0.5) / cam.height);
      case BackdropKind::kTexture: {
        const double n = Fbm({x / env.texture_scale, y / env.texture_scale, 0.5}, 41);
        return Mix(env.backdrop_top, env.backdrop_bottom, n);
      }
    }
    return env.backdrop_top;
  };

  Frame frame;
  const int w = cam.width, h = cam.height;
  frame.depth_mm.assign(static_cast<size_t>(w) * h, kInf);
  frame.part_id.assign(static_cast<size_t>(w) * h, -1);
  frame.mask = image::Image(w, h, 1, 0);
  std::vector<Rgb> radiance(static_cast<size_t>(w) * h);

  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double sx = (2 * (x + 0.5) / w - 1) * tan_half * aspect;
      const double sy = (1 - 2 * (y + 0.5) / h) * tan_half;
      const Vec3d dir = Normalize(Add(forward, Add(Mul(right, sx), Mul(up, sy))));
      RTCRayHit rh{};
      rh.ray.org_x = static_cast<float>(cam.position[0]);
      rh.ray.org_y = static_cast<float>(cam.position[1]);
      rh.ray.org_z = static_cast<float>(cam.position[2]);
      rh.ray.dir_x = static_cast<float>(dir[0]);
      rh.ray.dir_y = static_cast<float>(dir[1]);
      rh.ray.dir_z = static_cast<float>(dir[2]);
      rh.ray.tnear = 0;
      rh.ray.tfar = kInf;
      rh.ray.mask = 0xFFFFFFFF;
      rh.hit.geomID = RTC_INVALID_GEOMETRY_ID;
      rtcIntersect1(rtc, &ctx, &rh);

      // The floor is analytic: the plane z = 0, hit when the ray goes down and nothing is nearer.
      double t_floor = kInf;
      if (env.floor && dir[2] < -1e-9) t_floor = -cam.position[2] / dir[2];
      const bool hit_mesh = rh.hit.geomID != RTC_INVALID_GEOMETRY_ID && rh.ray.tfar < t_floor;
      const size_t pix = static_cast<size_t>(y) * w + x;
      Rgb c;
      if (hit_mesh) {
        const double t = rh.ray.tfar;
        const Vec3d p = Add(cam.position, Mul(dir, t));
        Vec3d n = Normalize({rh.hit.Ng_x, rh.hit.Ng_y, rh.hit.Ng_z});
        if (Dot(n, dir) > 0) n = Mul(n, -1);
        Material mat;
        Vec3d axis{0, 0, 1};
        if (rh.hit.geomID == kObject) {
          const int id = mesh.part_ids[rh.hit.primID];
          mat = parts[id].material;
          axis = parts[id].axis;
          frame.depth_mm[pix] = static_cast<float>(t);
          frame.part_id[pix] = static_cast<int16_t>(id);
          frame.mask.pixels[pix] = 255;
        } else {
          mat.color = env.clutter[rh.hit.primID / 12].color;
        }
        const Rgb albedo = Albedo(mat, p, axis);
        const double ndl = Dot(n, to_light);
        double direct = 0;
        if (ndl > 0 && !occluded(Add(p, Mul(n, 0.2)))) direct = ndl;
        c = Times(albedo, Add3(ambient(n), Scale(light.key_color, light.key_intensity * direct)));
        // Highlights; metal also mirrors the sky and ground.
        const Vec3d half = Normalize(Sub(to_light, dir));
        const double spec =
            direct > 0 ? mat.specular * std::pow(std::max(0.0, Dot(n, half)), mat.shininess) : 0;
        c = Add3(c, Scale(light.key_color, spec * light.key_intensity));
        if (mat.kind == MaterialKind::kMetal) {
          const Vec3d refl = Sub(dir, Mul(n, 2 * Dot(dir, n)));
          c = Mix(c, Times(albedo, Mix(light.ground_color, light.sky_color, 0.5 + 0.5 * refl[2])),
                  0.45);
        }
      } else if (t_floor < kInf) {
        const Vec3d p = Add(cam.position, Mul(dir, t_floor));
        Rgb albedo = env.floor_color;
        if (env.floor_tile_mm > 0) {
          const auto ix = static_cast<int64_t>(std::floor(p[0] / env.floor_tile_mm));
          const auto iy = static_cast<int64_t>(std::floor(p[1] / env.floor_tile_mm));
          albedo = ((ix + iy) & 1) ? env.floor_color2 : env.floor_color;
        }
        albedo = Scale(albedo, 0.9 + 0.2 * Fbm(Mul(p, 1.0 / 90), 53));
        const double direct =
            to_light[2] > 0 && !occluded(Add(p, Vec3d{0, 0, 0.2})) ? to_light[2] : 0;
        c = Times(albedo,
                  Add3(ambient({0, 0, 1}), Scale(light.key_color, light.key_intensity * direct)));
        // The floor fades into the backdrop with distance, hiding the horizon line.
        const double fog = std::exp(-t_floor / (6 * scene_scale));
        c = Mix(backdrop(x, y), c, fog);
      } else {
        c = backdrop(x, y);
      }
      radiance[pix] = c;
    }
  }
  rtcReleaseScene(rtc);
  if (scene.seam_shade < 1) DrawSeams(frame, w, h, scene.seam_shade, &radiance);

  // Film: exposure, soft shoulder, sRGB; then the camera's blur, noise and compression.
  const Photometric& ph = scene.photometric;
  image::Image rgb(w, h, 3);
  for (size_t i = 0; i < radiance.size(); ++i) {
    for (int k = 0; k < 3; ++k) {
      double v = radiance[i][k] * ph.exposure;
      v = v / (1 + 0.15 * v);
      rgb.pixels[i * 3 + k] =
          static_cast<uint8_t>(std::lround(255 * ToSrgb(static_cast<float>(v))));
    }
  }
  rgb = image::GaussianBlur(rgb, ph.blur_sigma_px);
  if (ph.noise_sigma > 0) {
    core::Rng noise(scene.noise_seed);
    for (auto& v : rgb.pixels)
      v = static_cast<uint8_t>(
          std::clamp(std::lround(v + noise.Normal(0, ph.noise_sigma)), 0L, 255L));
  }
  if (ph.jpeg_quality > 0) {
    auto jpg = image::EncodeJpeg(rgb, ph.jpeg_quality);
    if (!jpg.ok()) return jpg.status();
    auto back = image::DecodeImage(*jpg);
    if (!back.ok()) return back.status();
    rgb = std::move(back).value();
  }
  frame.rgb = std::move(rgb);
  return frame;
}

image::Image DepthImage(const Frame& frame) {
  const int w = frame.rgb.width, h = frame.rgb.height;
  float lo = kInf, hi = 0;
  for (float d : frame.depth_mm) {
    if (d < kInf) lo = std::min(lo, d), hi = std::max(hi, d);
  }
  image::Image out(w, h, 1, 0);
  for (size_t i = 0; i < frame.depth_mm.size(); ++i) {
    const float d = frame.depth_mm[i];
    if (d < kInf)
      out.pixels[i] =
          static_cast<uint8_t>(255 - std::lround(200.0 * (d - lo) / std::max(1e-3f, hi - lo)));
  }
  return out;
}

namespace {

// Part `id`'s colour channel k in PartIdImage: 64-255, never the background's black.
uint8_t PartColour(int id, int k) { return static_cast<uint8_t>(64 + 191 * Hash(id, k, 0, 7)); }

}  // namespace

image::Image PartIdImage(const Frame& frame) {
  const int w = frame.rgb.width, h = frame.rgb.height;
  image::Image out(w, h, 3, 0);
  for (size_t i = 0; i < frame.part_id.size(); ++i) {
    const int id = frame.part_id[i];
    if (id < 0) continue;
    for (int k = 0; k < 3; ++k) out.pixels[i * 3 + k] = PartColour(id, k);
  }
  return out;
}

std::vector<int16_t> PartIdsFromImage(const image::Image& img, int num_parts) {
  std::vector<int16_t> ids(static_cast<size_t>(img.width) * img.height, -1);
  if (img.channels != 3) return ids;
  auto key = [](uint8_t r, uint8_t g, uint8_t b) { return (r << 16) | (g << 8) | b; };
  std::unordered_map<int, int16_t> by_colour;
  for (int id = num_parts - 1; id >= 0; --id)  // a shared colour goes to the lower id
    by_colour[key(PartColour(id, 0), PartColour(id, 1), PartColour(id, 2))] =
        static_cast<int16_t>(id);
  for (size_t i = 0; i < ids.size(); ++i) {
    const uint8_t* p = &img.pixels[i * 3];
    auto it = by_colour.find(key(p[0], p[1], p[2]));
    if (it != by_colour.end()) ids[i] = it->second;
  }
  return ids;
}

}  // namespace img2cad::render
