#include "pipeline/render_program.h"

namespace img2cad::pipeline {

std::vector<std::string> PartLabels(const program::Program& program) {
  std::vector<std::string> labels;
  for (const auto& p : program.parts) labels.push_back(p.label);
  return labels;
}

core::Result<render::Frame> RenderModel(const cad::Model& model, const RenderRequest& request,
                                        render::Renderer* renderer, render::Scene* scene_out) {
  IMG2CAD_ASSIGN_OR_RETURN(geom::Mesh mesh, cad::Tessellate(model));
  const geom::Box3 bounds = geom::Bounds(mesh);
  const auto labels = PartLabels(model.program());
  render::Scene scene;
  if (request.clean) {
    scene = render::PreviewScene(bounds, labels, request.azimuth_deg.value_or(30),
                                 request.elevation_deg.value_or(20), request.size);
  } else {
    core::Rng rng(request.seed);
    scene = render::RandomScene(rng, bounds, labels, request.size);
    core::Rng contents(core::MixSeed(request.seed, 0xb00c5));
    if (request.shelf_contents > 0 && contents.Bernoulli(request.shelf_contents)) {
      auto boxes = render::ShelfContents(contents, mesh, labels);
      scene.environment.clutter.insert(scene.environment.clutter.end(), boxes.begin(), boxes.end());
    }
    core::Rng quilt(core::MixSeed(request.seed, 0x9017ed));
    if (request.quilted > 0 && quilt.Bernoulli(request.quilted))
      render::QuiltUpholstery(quilt, labels, &scene);
    core::Rng panels(core::MixSeed(request.seed, 0xf207));
    if (request.panelled > 0 && panels.Bernoulli(request.panelled))
      render::PanelFronts(panels, mesh, labels, &scene);
  }
  if (!request.clean && (request.azimuth_deg || request.elevation_deg)) {
    // Keep the drawn framing but move the camera to the requested view.
    const render::Camera drawn = scene.camera;
    const double fov = drawn.fov_y_deg;
    scene.camera = render::FrameObject(bounds, request.azimuth_deg.value_or(30),
                                       request.elevation_deg.value_or(20), fov, 0.85, request.size,
                                       request.size);
  }
  if (scene_out) *scene_out = scene;
  return renderer->Render(mesh, scene);
}

}  // namespace img2cad::pipeline
