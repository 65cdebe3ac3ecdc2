// Books and boxes on a storage piece's shelves. Real bookcases are photographed full (issue 10's
// IKEA sample), and a network that has only seen empty compartments reads a full one as a solid
// front. The contents are clutter boxes: drawn and shadowed, but never part of the program.
#include <algorithm>
#include <cmath>

#include "render/renderer.h"
#include "render/shading.h"

namespace img2cad::render {

using namespace internal;  // NOLINT

namespace {

constexpr int kMaxBoxes = 400;  // keeps a tall bookcase's render cost bounded
constexpr double kEps = 1;      // mm

bool Is(const std::string& label, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (label == n) return true;
  return false;
}

Rgb BookColour(core::Rng& rng) {
  // Spines: mostly muted, some saturated, some white or black.
  switch (rng.Weighted({0.6, 0.25, 0.15})) {
    case 0:
      return Hsv(rng.Uniform(0, 360), rng.Uniform(0.15, 0.55), rng.Uniform(0.2, 0.75));
    case 1:
      return Hsv(rng.Uniform(0, 360), rng.Uniform(0.55, 0.85), rng.Uniform(0.35, 0.9));
    default:
      return Hsv(0, 0, rng.Bernoulli(0.5) ? rng.Uniform(0.75, 0.95) : rng.Uniform(0.05, 0.2));
  }
}

void Push(const Vec3d& lo, const Vec3d& hi, const Rgb& colour, std::vector<ClutterBox>* out) {
  if (static_cast<int>(out->size()) >= kMaxBoxes) return;
  ClutterBox b;
  b.min = lo;
  b.max = hi;
  b.color = colour;
  out->push_back(b);
}

// Fills the compartment x in [a, b], z in [z0, z1] (its floor and ceiling), y in [y0, y1].
void FillCompartment(core::Rng& rng, double a, double b, double z0, double z1, double y0, double y1,
                     std::vector<ClutterBox>* out) {
  const double height = z1 - z0, depth = y1 - y0;
  if (height < 80 || depth < 60 || b - a < 60) return;
  // A run of contents from one end, covering part or all of the width.
  const double run = (b - a) * rng.Uniform(0.5, 1.0);
  const bool from_left = rng.Bernoulli(0.5);
  const double start = from_left ? a + rng.Uniform(0, 10) : b - run;
  const double end = from_left ? a + run : b - rng.Uniform(0, 10);
  // Books usually stand at the front edge; sometimes pushed to the back.
  const bool front = rng.Bernoulli(0.75);
  Rgb series = BookColour(rng);
  double x = start;
  while (x < end - 10 && static_cast<int>(out->size()) < kMaxBoxes) {
    const size_t kind = rng.Weighted({0.78, 0.06, 0.08, 0.08});
    if (kind == 1) {  // a gap, or a book fallen over
      x += rng.Uniform(15, 60);
      continue;
    }
    const double d = depth * rng.Uniform(0.55, 0.92);
    const double ya = front ? y0 + rng.Uniform(0, 15) : y1 - d - rng.Uniform(0, 5);
    if (kind == 2) {  // a stack of books lying flat
      const double w = std::min(end - x, rng.Uniform(150, 280));
      if (w < 100) break;
      double z = z0;
      const int n = rng.UniformInt(2, 7);
      for (int i = 0; i < n && z < z0 + 0.75 * height; ++i) {
        const double t = rng.Uniform(18, 45);
        const double inset = rng.Uniform(0, 15);
        Push({x + inset, ya, z}, {x + w - rng.Uniform(0, 20), ya + d - inset, z + t},
             BookColour(rng), out);
        z += t;
      }
      x += w + rng.Uniform(5, 20);
      continue;
    }
    if (kind == 3) {  // a storage box or a binder block
      const double w = std::min(end - x, rng.Uniform(120, 380));
      if (w < 80) break;
      const double h = height * rng.Uniform(0.35, 0.85);
      const Rgb c = rng.Bernoulli(0.5)
                        ? Hsv(rng.Uniform(20, 50), rng.Uniform(0.1, 0.45), rng.Uniform(0.4, 0.9))
                        : BookColour(rng);
      Push({x, ya, z0}, {x + w, ya + d, z0 + h}, c, out);
      x += w + rng.Uniform(3, 20);
      continue;
    }
    // An upright book; runs of a series share a colour.
    if (rng.Bernoulli(0.35)) series = BookColour(rng);
    const Rgb c = rng.Bernoulli(0.5) ? series : BookColour(rng);
    const double w = std::min(end - x, rng.Uniform(12, 50));
    const double h = std::min(height - 8, std::min(380.0, height * rng.Uniform(0.5, 0.92)));
    if (w < 8 || h < 40) break;
    Push({x, ya, z0}, {x + w, ya + d, z0 + h}, c, out);
    x += w + (rng.Bernoulli(0.2) ? rng.Uniform(1, 6) : 0.3);
  }
}

}  // namespace

std::vector<ClutterBox> ShelfContents(core::Rng& rng, const geom::Mesh& mesh,
                                      const std::vector<std::string>& part_labels) {
  IMG2CAD_CHECK_EQ(mesh.triangles.size(), mesh.part_ids.size());
  const std::vector<PartBox> parts = PartBoxes(mesh, static_cast<int>(part_labels.size()));
  std::vector<ClutterBox> out;
  for (size_t s = 0; s < parts.size(); ++s) {
    if (!parts[s].present || !Is(part_labels[s], {"shelf", "bottom"})) continue;
    const PartBox& floor = parts[s];
    const double a = floor.lo[0], b = floor.hi[0], z0 = floor.hi[2];
    // Dividers (and sides) standing on this floor split it into compartments.
    std::vector<std::pair<double, double>> walls;
    for (size_t w = 0; w < parts.size(); ++w) {
      if (!parts[w].present || !Is(part_labels[w], {"divider", "side"})) continue;
      const PartBox& p = parts[w];
      const double centre = (p.lo[0] + p.hi[0]) / 2;
      if (centre <= a || centre >= b || p.hi[2] < z0 + kEps || p.lo[2] > z0 + kEps) continue;
      walls.push_back({p.lo[0], p.hi[0]});
    }
    std::sort(walls.begin(), walls.end());
    double left = a;
    for (size_t i = 0; i <= walls.size(); ++i) {
      const double right = i < walls.size() ? walls[i].first : b, mid = (left + right) / 2;
      // The ceiling: the nearest shelf, bottom or top above the compartment's middle.
      double z1 = 1e30;
      for (size_t c = 0; c < parts.size(); ++c) {
        if (c == s || !parts[c].present || !Is(part_labels[c], {"shelf", "top", "bottom"}))
          continue;
        if (parts[c].lo[2] < z0 - kEps || parts[c].lo[0] > mid || parts[c].hi[0] < mid) continue;
        z1 = std::min(z1, parts[c].lo[2]);
      }
      if (z1 < 1e29 && rng.Bernoulli(0.9))
        FillCompartment(rng, left, right, z0, z1, floor.lo[1], floor.hi[1], &out);
      if (i < walls.size()) left = walls[i].second;
    }
  }
  return out;
}

}  // namespace img2cad::render
