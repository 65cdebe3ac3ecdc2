// The retrieval method: describe the found object, return the nearest training sample's program
// and view. Confidence: the share of the kRetrievalVoters nearest samples that agree with the
// nearest one's category (retrieval has no calibrated probability; this one at least falls when
// the photo sits between categories).
#include "pipeline/retrieval_method.h"

#include <cmath>

#include "core/file_io.h"
#include "core/model_locator.h"
#include "dataset/manifest.h"
#include "image/image.h"
#include "pipeline/find_object.h"
#include "pipeline/methods_internal.h"
#include "program/json_io.h"

namespace img2cad::pipeline {

std::vector<float> DescribeObject(const ObjectImage& object) {
  const image::Crop crop = object.Crop(retrieval::kCropSize);
  return retrieval::Describe(crop.rgb, crop.mask);
}

namespace {

class RetrievalMethod final : public Method {
 public:
  RetrievalMethod(retrieval::Index index, std::string path)
      : index_(std::move(index)), path_(std::move(path)) {}
  std::string name() const override { return "retrieval"; }
  double uncertain_below() const override { return kRetrievalUncertainBelow; }

  core::Result<Estimate> Run(const MethodInput& in) const override {
    const std::vector<float> d = DescribeObject(*in.object);
    const auto near = index_.NearestK(d, kRetrievalVoters);
    const retrieval::Entry& e = index_.entries()[near.front().index];
    Estimate est;
    IMG2CAD_ASSIGN_OR_RETURN(est.program,
                             program::ParseProgram(e.program_json, path_ + ": entry " + e.id));
    est.category = e.category;
    int agree = 0;
    for (const auto& n : near) agree += index_.entries()[n.index].category == e.category;
    est.confidence = static_cast<double>(agree) / near.size();
    est.camera = ViewEstimate{e.azimuth_deg, e.elevation_deg};
    est.details["retrieved"] = e.id;
    est.details["descriptor_distance"] = std::round(near.front().distance * 1e4) / 1e4;
    est.details["voters"] = near.size();
    return est;
  }

 private:
  retrieval::Index index_;
  std::string path_;
};

}  // namespace

core::Result<retrieval::Index> BuildIndex(const std::string& dataset, const std::string& split,
                                          IndexReport* report) {
  IMG2CAD_ASSIGN_OR_RETURN(auto entries, dataset::ReadManifest(dataset, split));
  retrieval::Index index;
  for (const dataset::ManifestEntry& m : entries) {
    auto img = image::ReadImage(m.image_path);
    auto text = core::ReadFile(m.program_path);
    core::Status s = !img.ok() ? img.status() : text.status();
    if (s.ok()) s = program::ParseProgram(*text, m.program_path).status();
    core::Result<ObjectImage> object = s.ok() ? FindObject(*img, m.image_path) : s;
    if (!object.ok()) {
      ++report->failed;
      report->failures.push_back(m.id + ": " + object.status().ToString());
      continue;
    }
    const auto camera = m.camera.value_or(dataset::CameraRecord{});
    index.Add({m.id, m.category, static_cast<float>(camera.azimuth_deg),
               static_cast<float>(camera.elevation_deg), DescribeObject(*object), *text});
    ++report->added;
  }
  return index;
}

namespace internal {

core::Result<std::unique_ptr<Method>> MakeRetrievalMethod(const MethodConfig& config) {
  std::string path = config.retrieval_index;
  if (path.empty()) {
    IMG2CAD_ASSIGN_OR_RETURN(path, core::FindModelFile("retrieval", "index.bin"));
  }
  IMG2CAD_ASSIGN_OR_RETURN(retrieval::Index index, retrieval::Index::Load(path));
  if (index.size() == 0) {
    return core::Status(core::StatusCode::kInvalidArgument, "the retrieval index is empty", "",
                        path);
  }
  return std::unique_ptr<Method>(std::make_unique<RetrievalMethod>(std::move(index), path));
}

}  // namespace internal

}  // namespace img2cad::pipeline
