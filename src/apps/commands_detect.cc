// detect: the pretrained COCO detector (models/detector/) on photos, one JSON line each.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "core/model_locator.h"
#include "image/image.h"
#include "nn/object_detector.h"

namespace img2cad::apps {

int RunDetect(const DetectArgs& a) {
  std::string model = a.model;
  if (model.empty()) {
    auto found = core::FindModelFile("detector", "centernet.json");
    if (!found.ok()) return Fail(found.status());
    model = *found;
  }
  auto detector = nn::ObjectDetector::Load(model);
  if (!detector.ok()) return Fail(detector.status());
  int failed = 0;
  for (const std::string& path : a.images) {
    auto photo = image::ReadImage(path);
    auto found = photo.ok() ? detector->Detect(*photo, a.min_score, 50, a.fill)
                            : core::Result<std::vector<nn::Detection>>(photo.status());
    if (!found.ok()) {
      ++failed;
      Fail(found.status());
      continue;
    }
    nlohmann::ordered_json line = {{"photo", path}, {"detections", nlohmann::json::array()}};
    for (const nn::Detection& d : *found) {
      const bool furniture = d.coco_class == nn::kCocoChair || d.coco_class == nn::kCocoCouch ||
                             d.coco_class == nn::kCocoBed || d.coco_class == nn::kCocoDiningTable;
      if (a.furniture_only && !furniture) continue;
      line["detections"].push_back(
          {{"class", nn::CocoLabel(d.coco_class)},
           {"score", std::round(d.score * 1000.0) / 1000.0},
           {"box", {std::round(d.x0), std::round(d.y0), std::round(d.x1), std::round(d.y1)}}});
    }
    std::printf("%s\n", line.dump().c_str());
  }
  if (failed && !Quiet())
    std::fprintf(stderr, "img2cad detect: %d of %zu photos failed\n", failed, a.images.size());
  return failed ? kExitPartial : kExitOk;
}

}  // namespace img2cad::apps
