// The ground-truth method: the dataset's own program, so that `scripts/evaluate ground-truth`
// measures the metrics' noise floor through the same predict -> eval path as every method.
#include "pipeline/methods_internal.h"
#include "program/json_io.h"

namespace img2cad::pipeline::internal {

namespace {

class GroundTruthMethod final : public Method {
 public:
  std::string name() const override { return "ground-truth"; }

  core::Result<Estimate> Run(const MethodInput& in) const override {
    if (in.sample == nullptr) {
      return core::Status(core::StatusCode::kInvalidArgument,
                          "the ground-truth method needs dataset inputs (--manifest)", "",
                          in.image_path);
    }
    Estimate e;
    IMG2CAD_ASSIGN_OR_RETURN(e.program, program::ReadProgramFile(in.sample->program_path));
    e.category = in.sample->category;
    e.confidence = 1;
    if (in.sample->camera) {
      e.camera = ViewEstimate{in.sample->camera->azimuth_deg, in.sample->camera->elevation_deg};
    }
    e.details["program"] = in.sample->program_path;
    return e;
  }
};

}  // namespace

core::Result<std::unique_ptr<Method>> MakeGroundTruthMethod(const MethodConfig&) {
  return std::unique_ptr<Method>(std::make_unique<GroundTruthMethod>());
}

}  // namespace img2cad::pipeline::internal
