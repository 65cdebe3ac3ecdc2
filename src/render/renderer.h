// The Embree ray tracer: a tessellated model with part ids in, a photo-like RGB image and exact
// depth, silhouette-mask and part-id maps out. Embree is private to this module.
//
//   render::Renderer renderer;                       // one per thread; holds the Embree device
//   core::Rng rng(seed);
//   render::Scene scene = render::RandomScene(rng, mesh_bounds, num_parts, 128);
//   IMG2CAD_ASSIGN_OR_RETURN(render::Frame frame, renderer.Render(mesh, scene));
//
// Units: mm in the program frame (z up, the object standing on z = 0).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/status.h"
#include "geom/mesh.h"
#include "image/image.h"
#include "render/camera.h"

namespace img2cad::render {

using Rgb = std::array<float, 3>;  // linear RGB, 0..1

enum class MaterialKind { kWood, kPaint, kMetal, kFabric };
const char* MaterialKindName(MaterialKind k);

struct Material {
  MaterialKind kind = MaterialKind::kPaint;
  Rgb color{0.7f, 0.7f, 0.7f};
  Rgb color2{0.5f, 0.4f, 0.3f};  // wood: dark grain colour
  Vec3d grain_axis{0, 0, 1};     // wood: direction the grain runs along
  double grain_scale_mm = 6;     // wood: ring spacing; fabric: weave size
  double quilt_mm = 0;           // fabric: spacing of stitched seams across it (0: none)
  // Panelled fronts (PanelFronts): a shadowed groove inset this far (mm) from the edges of the box
  // panel_min..panel_max across x (width) and z (height), as where the frame of a real cabinet
  // door or drawer front meets its panel; 0: none. Fronts face -y, so only the faces across y
  // (the front and the back) show it.
  double panel_inset_mm = 0;
  double panel_groove = 0;  // how much the groove darkens at its centre, 0..1
  double panel_shade = 1;   // the panel's brightness inside the groove, against the frame's
  Vec3d panel_min{0, 0, 0}, panel_max{0, 0, 0};
  double shininess = 20;  // Blinn-Phong exponent
  double specular = 0.1;  // specular strength
};

struct Lighting {
  Vec3d key_direction{0.4, -0.6, 0.7};  // toward the light, any length
  Rgb key_color{1.0f, 0.96f, 0.9f};
  float key_intensity = 0.9f;
  Rgb sky_color{0.55f, 0.6f, 0.7f};      // ambient from above
  Rgb ground_color{0.3f, 0.27f, 0.24f};  // ambient from below
  float ambient_intensity = 0.6f;
};

enum class BackdropKind { kFlat, kGradient, kTexture };

// A box standing on the floor (mm), drawn but excluded from every map.
struct ClutterBox {
  Vec3d min{0, 0, 0}, max{0, 0, 0};
  Rgb color{0.5f, 0.5f, 0.5f};
};

struct Environment {
  BackdropKind backdrop = BackdropKind::kGradient;
  Rgb backdrop_top{0.85f, 0.85f, 0.87f};
  Rgb backdrop_bottom{0.7f, 0.7f, 0.72f};
  double texture_scale = 12;  // pixels per noise cell for kTexture
  bool floor = true;          // an infinite plane at z = 0 that takes shadows
  Rgb floor_color{0.75f, 0.73f, 0.7f};
  Rgb floor_color2{0.6f, 0.58f, 0.55f};  // second colour of the floor pattern
  double floor_tile_mm = 400;            // 0: plain floor
  std::vector<ClutterBox> clutter;
};

// Camera-side degradations applied to the RGB image only.
struct Photometric {
  double blur_sigma_px = 0;  // Gaussian blur
  double noise_sigma = 0;    // sensor noise, in 0..255 units
  int jpeg_quality = 0;      // 0: no compression; else 1..100
  double exposure = 1.0;     // multiplies linear radiance
};

// The version of what the renderer draws for a given program, seed and options. Datasets record
// it per sample (manifest field `renderer`), so that a folder rendered by an older renderer is
// not silently extended. 1: before seams; 2: seams between parts.
inline constexpr int kRendererVersion = 2;

struct Scene {
  Camera camera;
  std::vector<Material> part_materials;  // indexed by mesh part id; the last repeats if short
  Lighting lighting;
  Environment environment;
  Photometric photometric;
  uint64_t noise_seed = 0;  // sensor noise stream
  // Seams: where two parts meet on screen at nearly the same depth (a drawer front beside its
  // neighbour or the carcass, a handle on a door), the pixel on the left or upper side of the
  // boundary has its radiance multiplied by this, a line one pixel wide, as the shadowed gaps and
  // mouldings between the panels of real furniture are. 1: no seams.
  double seam_shade = 1;
};

// What a render produces. Maps are width x height, row-major, top row first, and describe the
// object alone (floor and clutter are background in them).
struct Frame {
  image::Image rgb;              // 3 channels, sRGB
  std::vector<float> depth_mm;   // distance from the camera along the ray; +inf for background
  image::Image mask;             // 1 channel: 255 where the object is visible
  std::vector<int16_t> part_id;  // the visible part's id, -1 for background
};

class Renderer {
 public:
  Renderer();  // creates a single-threaded Embree device; parallelise across renderers
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Renders `mesh` (its part_ids index scene.part_materials). Errors: kInvalidArgument for an
  // empty mesh or a zero-size image; kInternal when Embree fails.
  core::Result<Frame> Render(const geom::Mesh& mesh, const Scene& scene);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Domain randomisation (issue 3): a random but plausible scene around an object with these
// bounds. Camera azimuth over 0-360 weighted toward front three-quarter views, elevation 0-45,
// random focal length and distance with the object framed; a key light and sky light; wood,
// paint, metal and fabric materials per part (parts sharing a label share a material);
// flat, gradient or textured backdrops, a floor with the object's shadow, clutter boxes; blur,
// noise and JPEG artefacts. `part_labels[i]` is the label of part i.
Scene RandomScene(core::Rng& rng, const geom::Box3& bounds,
                  const std::vector<std::string>& part_labels, int size);

// Books, stacks of books, binders and storage boxes on the shelves of a storage piece, as real
// bookcases are photographed: boxes for Environment::clutter (so drawn and shadowed, but, like all
// clutter, absent from every map). Every part labelled `shelf` or `bottom` is a compartment floor,
// split by the `divider` parts standing on it; each compartment's ceiling is the nearest `shelf`,
// `bottom` or `top` above its middle, and most compartments get a run of contents from one end.
// Contents behind doors or drawers are drawn too and simply not seen. Empty when the mesh has no
// such parts. `part_labels[i]` is the label of part i; at most 400 boxes.
std::vector<ClutterBox> ShelfContents(core::Rng& rng, const geom::Mesh& mesh,
                                      const std::vector<std::string>& part_labels);

// Quilted upholstery, as on cushioned armchairs (a long cushion stitched into panels): every part
// labelled `seat` or `back` of a piece with a seat gets one fabric with seams every 60-140 mm,
// running across the seat's depth and up the back. The other parts keep their materials. Returns
// whether the piece has a seat (when not, nothing is drawn from `rng` and the scene is unchanged:
// a bookcase's `back` is a panel).
bool QuiltUpholstery(core::Rng& rng, const std::vector<std::string>& part_labels, Scene* scene);

// Panelled fronts, as on most real cabinets (a frame around a recessed or raised panel): every
// part labelled `door` or `drawer` gets its own copy of its material with a groove inset from the
// edges of the part's box (Material::panel_inset_mm). One draw per scene: the inset, 25-70 mm but
// at most a fifth of the front's smaller side; the groove's darkening, 35-70%; the panel 10%
// darker to 10% lighter than its frame. `mesh` is the object (its part ids index part_labels).
// Returns whether any part was panelled; nothing is drawn from `rng` when none is a front.
bool PanelFronts(core::Rng& rng, const geom::Mesh& mesh,
                 const std::vector<std::string>& part_labels, Scene* scene);

// A clean, neutral scene for previews: fixed studio light, grey gradient, soft floor, no
// clutter or noise, wood and paint tones by label.
Scene PreviewScene(const geom::Box3& bounds, const std::vector<std::string>& part_labels,
                   double azimuth_deg, double elevation_deg, int size);

// Maps as viewable 8-bit images: depth (near = bright, background 0), and part ids as distinct
// colours (background black).
image::Image DepthImage(const Frame& frame);
image::Image PartIdImage(const Frame& frame);
// The inverse of PartIdImage for a model of `num_parts` parts: each pixel's part id, -1 for the
// background and for a colour that is no part's (a resized or compressed map). Row-major, one
// entry per pixel. Errors: none; an image that is not 3-channel gives all -1.
std::vector<int16_t> PartIdsFromImage(const image::Image& img, int num_parts);

}  // namespace img2cad::render
