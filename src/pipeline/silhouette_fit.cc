#include "pipeline/silhouette_fit.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "image/preprocess.h"
#include "render/camera.h"
#include "render/silhouette.h"

namespace img2cad::pipeline {

namespace {

// Both crops are blurred before they are compared: a leg one pixel off then still overlaps
// most of its place, so thin parts do not make the objective a field of steps.
constexpr double kBlurPx = 1;

// The views the fit may end at: the renders' elevations are 0-45 degrees; a photo's object seen
// from below its base or from nearly overhead is beyond what the networks read anyway.
constexpr double kMinElevationDeg = -5, kMaxElevationDeg = 55;

// The parameters searched: log-stretches of x and y against z, and the view's change.
struct Params {
  double p[4] = {0, 0, 0, 0};  // log(sx/sz), log(sy/sz), d azimuth, d elevation (degrees)
};

std::array<double, 3> Stretch(const Params& q) {
  const double mean = (q.p[0] + q.p[1]) / 3;  // log sz = 0 before centring
  return {std::exp(q.p[0] - mean), std::exp(q.p[1] - mean), std::exp(-mean)};
}

// Soft intersection over union of two masks of the same size (0-255).
double Iou(const image::Image& a, const image::Image& b) {
  double inter = 0, uni = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    inter += std::min(a.pixels[i], b.pixels[i]);
    uni += std::max(a.pixels[i], b.pixels[i]);
  }
  return uni > 0 ? inter / uni : 0;
}

class Objective {
 public:
  Objective(const render::SilhouetteRenderer& r, image::Image target, double az, double el,
            const SilhouetteFitOptions& o)
      : r_(r), target_(image::GaussianBlur(target, kBlurPx)), az_(az), el_(el), o_(o) {}

  double Iou(const Params& q) {
    ++evaluations_;
    const std::array<double, 3> s = Stretch(q);
    const render::Vec3d scale{s[0], s[1], s[2]};
    const int side = 2 * o_.size;
    const render::Camera cam = render::FrameObject(r_.ScaledBounds(scale), az_ + q.p[2],
                                                   el_ + q.p[3], o_.fov_deg, 0.85, side, side);
    image::Foreground fg;
    fg.mask = r_.Render(cam, scale);
    fg.x0 = side, fg.y0 = side, fg.x1 = 0, fg.y1 = 0;
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x)
        if (fg.mask.pixels[static_cast<size_t>(y) * side + x]) {
          fg.x0 = std::min(fg.x0, x), fg.x1 = std::max(fg.x1, x + 1);
          fg.y0 = std::min(fg.y0, y), fg.y1 = std::max(fg.y1, y + 1);
        }
    if (fg.x1 <= fg.x0) return 0;
    fg.found = true;
    const image::Image crop =
        image::GaussianBlur(image::CropToObject(fg.mask, fg, o_.size).mask, kBlurPx);
    return pipeline::Iou(crop, target_);
  }

  double Cost(const Params& q, double* iou = nullptr) {
    const double v = Iou(q);
    if (iou) *iou = v;
    const std::array<double, 3> s = Stretch(q);
    double prior = 0;
    for (double x : s) prior += std::log(x) * std::log(x);
    const double da = (q.p[2] - azimuth_centre_) / o_.view_sigma_deg;
    const double de = q.p[3] / o_.view_sigma_deg;
    return 1 - v + o_.stretch_prior * prior + o_.view_prior * (da * da + de * de);
  }

  int evaluations() const { return evaluations_; }
  // Where the azimuth prior is centred, as an offset from the estimate (degrees).
  void set_azimuth_centre(double offset) { azimuth_centre_ = offset; }

 private:
  const render::SilhouetteRenderer& r_;
  image::Image target_;
  double az_, el_;
  SilhouetteFitOptions o_;
  int evaluations_ = 0;
  double azimuth_centre_ = 0;
};

}  // namespace

core::Result<SilhouetteFit> FitSilhouette(const geom::Mesh& mesh, const image::Image& object_mask,
                                          double azimuth_deg, double elevation_deg,
                                          const SilhouetteFitOptions& options) {
  if (object_mask.empty() || object_mask.width != object_mask.height) {
    return core::Status(core::StatusCode::kInvalidArgument,
                        "the silhouette fit needs a square object mask");
  }
  if (options.size < 16 || options.size > 512 || options.max_log_stretch <= 0 ||
      options.max_evaluations < 1 || options.fov_deg <= 1 || options.fov_deg >= 120) {
    return core::Status(core::StatusCode::kInvalidArgument, "silhouette fit options out of range");
  }
  IMG2CAD_ASSIGN_OR_RETURN(auto renderer, render::SilhouetteRenderer::Create(mesh));
  image::Image target = image::ConvertChannels(object_mask, 1);
  if (target.width != options.size) target = image::Resize(target, options.size, options.size);
  Objective f(*renderer, std::move(target), azimuth_deg, elevation_deg, options);

  SilhouetteFit fit;
  Params best;
  double best_cost = f.Cost(best, &fit.iou_before);
  fit.iou_after = fit.iou_before;
  // Each start is searched on its own, with its share of the renders; the best end wins. The
  // mirrored start (the estimated azimuth reflected through the front, -az) is there because
  // a camera head cannot tell a view from its mirror image on a symmetric piece, and a stretch
  // fitted from the wrong one squeezes the wrong axis.
  std::vector<double> starts = {0};
  if (options.fit_view && options.mirrored_start) {
    double d = std::remainder(-2 * azimuth_deg, 360.0);
    if (std::abs(d) > 20) starts.push_back(d);
  }
  const int n = options.fit_view ? 4 : 2;
  for (size_t i = 0; i < starts.size(); ++i) {
    const int budget = f.evaluations() + (options.max_evaluations - f.evaluations()) /
                                             static_cast<int>(starts.size() - i);
    f.set_azimuth_centre(starts[i]);
    Params at;
    at.p[2] = starts[i];
    double iou = fit.iou_before;
    double cost = i == 0 ? best_cost : f.Cost(at, &iou);
    double step[4] = {0.1, 0.1, 10, 6};
    const double min_step[4] = {0.0125, 0.0125, 1.25, 0.75};
    while (f.evaluations() < budget) {
      bool improved = false;
      for (int k = 0; k < n && f.evaluations() < budget; ++k) {
        for (double sign : {1.0, -1.0}) {
          Params q = at;
          q.p[k] += sign * step[k];
          if (k < 2 && std::abs(q.p[k]) > options.max_log_stretch) continue;
          if (k == 2 && std::abs(q.p[2] - starts[i]) > options.max_azimuth_change_deg) continue;
          if (k == 3 && (std::abs(q.p[3]) > options.max_elevation_change_deg ||
                         elevation_deg + q.p[3] < kMinElevationDeg ||
                         elevation_deg + q.p[3] > kMaxElevationDeg))
            continue;
          double v = 0;
          const double c = f.Cost(q, &v);
          if (c < cost) {
            cost = c, at = q, iou = v, improved = true;
            break;
          }
        }
      }
      if (!improved) {
        bool any = false;
        for (int k = 0; k < n; ++k) {
          step[k] /= 2;
          any |= step[k] >= min_step[k];
        }
        if (!any) break;
      }
    }
    // Costs from different starts compare without their view priors' centres: each pays only
    // for how far it moved from its own start.
    if (i == 0 || cost < best_cost) best_cost = cost, best = at, fit.iou_after = iou;
  }
  fit.stretch = Stretch(best);
  fit.azimuth_deg = std::fmod(azimuth_deg + best.p[2] + 360, 360);
  fit.elevation_deg = elevation_deg + best.p[3];
  fit.evaluations = f.evaluations();
  return fit;
}

}  // namespace img2cad::pipeline
