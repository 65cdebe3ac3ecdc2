// Composition: a program built by cad/ and drawn by render/.
#pragma once

#include <optional>
#include <string>

#include "cad/model.h"
#include "core/status.h"
#include "program/program.h"
#include "render/renderer.h"

namespace img2cad::pipeline {

struct RenderRequest {
  int size = 256;                       // square image, pixels
  uint64_t seed = 0;                    // scene randomisation seed
  bool clean = false;                   // neutral studio scene instead of a randomised one
  std::optional<double> azimuth_deg;    // overrides the drawn (or default 30) view
  std::optional<double> elevation_deg;  // overrides the drawn (or default 20) view
  // Share (0-1) of randomised renders whose shelves are filled with books and boxes
  // (render::ShelfContents). Drawn from a stream of its own, so the rest of the scene is the same
  // with or without them.
  double shelf_contents = 0;
  // Share (0-1) of randomised renders whose seats and backs are quilted upholstery
  // (render::QuiltUpholstery), from a stream of its own as well.
  double quilted = 0;
  // Share (0-1) of randomised renders whose doors and drawer fronts are panelled, a frame around a
  // panel (render::PanelFronts), from a stream of its own as well.
  double panelled = 0;
};

// The labels of a program's parts, in part order.
std::vector<std::string> PartLabels(const program::Program& program);

// Renders a built model. The scene comes from RandomScene(seed) or PreviewScene (clean), and the
// view from the request where given. Errors: from tessellation and rendering.
core::Result<render::Frame> RenderModel(const cad::Model& model, const RenderRequest& request,
                                        render::Renderer* renderer,
                                        render::Scene* scene_out = nullptr);

}  // namespace img2cad::pipeline
