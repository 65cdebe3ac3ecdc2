// Render and compare (issue 8): stage 2 reads every number from the image, but nothing checks
// that the model it writes looks like the object. Its proportions are where it errs most: on 300
// val renders, a perfect correction of the three axes' proportions alone would lower the
// learned pipeline's CD (paper) from 0.102 to 0.087 (15%; with the true structure 0.086 ->
// 0.074). FitSilhouette stretches the predicted model along x, y and z (and may turn the
// estimated view a little) until its silhouette, cropped as `predict` crops the photo, overlaps
// the object's mask best.
//
// The compared images: the object's mask cropped to a square around its box with an 8% margin
// (ObjectImage::Crop), and the model's silhouette ray-traced from the view (render::FrameObject
// at a fixed field of view) and cropped the same way, both `size` pixels square and blurred by
// one pixel. Cropping removes the camera's distance and the object's place in the photo; what is
// left is the shape of the outline. The objective is 1 - IoU (soft) plus two priors that keep
// the answer near stage 2's: the squared centred log-stretches and the view's change (in units
// of `view_sigma_deg`). A compass search (each parameter stepped up and down, steps halved when
// nothing improves) minimises it over log(sx/sz), log(sy/sz) and, with fit_view, the azimuth and
// elevation; with mirrored_start a second search starts from the mirrored azimuth and the lower
// cost wins. The option values are the ones chosen on the val split (models/assembler/README.md).
#pragma once

#include <array>

#include "core/status.h"
#include "geom/mesh.h"
#include "image/image.h"

namespace img2cad::pipeline {

struct SilhouetteFitOptions {
  int size = 64;                 // side of the compared crops, pixels
  double fov_deg = 40;           // the renders' fields of view are 25-55 degrees
  double max_log_stretch = 0.3;  // x and y against z within e^(+-0.3) (x 0.74 - 1.35)
  double stretch_prior = 2;      // weight of the sum of squared centred log-stretches
  bool fit_view = true;          // also search the azimuth and elevation
  double view_sigma_deg = 20;    // a view change of this much costs as much as 1 - IoU = 1 ...
  double view_prior = 0.02;      // ... times this weight
  int max_evaluations = 160;     // renders
  bool mirrored_start = true;    // with fit_view, also search from the mirrored azimuth
  // With fit_view: how far the view may move from where its search started. The elevation stays
  // within -5 to 55 degrees whatever it started at.
  double max_azimuth_change_deg = 40;
  double max_elevation_change_deg = 15;
};

struct SilhouetteFit {
  // Multiply the model's x, y and z by these (about the origin); their product is 1, so the
  // size in mm stays stage 2's on average.
  std::array<double, 3> stretch{1, 1, 1};
  double azimuth_deg = 0, elevation_deg = 0;  // the fitted view
  double iou_before = 0, iou_after = 0;       // of the two crops, before and after
  int evaluations = 0;                        // renders made
};

// `mesh`: the predicted model (program frame, mm). `object_mask`: the object's mask cropped as
// above (1 channel, any square size; resampled to options.size). `azimuth_deg`/`elevation_deg`:
// the estimated view (DESIGN §3). Errors: kInvalidArgument for an empty mesh or mask, or options
// out of range; kInternal when the ray tracer fails.
core::Result<SilhouetteFit> FitSilhouette(const geom::Mesh& mesh, const image::Image& object_mask,
                                          double azimuth_deg, double elevation_deg,
                                          const SilhouetteFitOptions& options = {});

}  // namespace img2cad::pipeline
