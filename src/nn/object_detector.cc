#include "nn/object_detector.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/parallel.h"
#include "nn/tfjs_graph_internal.h"

namespace img2cad::nn {

namespace {

constexpr const char* kInput = "tower_0/images";
constexpr const char* kHeatmap = "tower_0/keypoints";  // N x h x w x 80, sigmoid
constexpr const char* kSizes = "tower_0/wh";           // N x h x w x 4: left, top, right, bottom

const char* const kCocoLabels[kCocoClasses] = {"person",        "bicycle",      "car",
                                               "motorcycle",    "airplane",     "bus",
                                               "train",         "truck",        "boat",
                                               "traffic light", "fire hydrant", "stop sign",
                                               "parking meter", "bench",        "bird",
                                               "cat",           "dog",          "horse",
                                               "sheep",         "cow",          "elephant",
                                               "bear",          "zebra",        "giraffe",
                                               "backpack",      "umbrella",     "handbag",
                                               "tie",           "suitcase",     "frisbee",
                                               "skis",          "snowboard",    "sports ball",
                                               "kite",          "baseball bat", "baseball glove",
                                               "skateboard",    "surfboard",    "tennis racket",
                                               "bottle",        "wine glass",   "cup",
                                               "fork",          "knife",        "spoon",
                                               "bowl",          "banana",       "apple",
                                               "sandwich",      "orange",       "broccoli",
                                               "carrot",        "hot dog",      "pizza",
                                               "donut",         "cake",         "chair",
                                               "couch",         "potted plant", "bed",
                                               "dining table",  "toilet",       "tv",
                                               "laptop",        "mouse",        "remote",
                                               "keyboard",      "cell phone",   "microwave",
                                               "oven",          "toaster",      "sink",
                                               "refrigerator",  "book",         "clock",
                                               "vase",          "scissors",     "teddy bear",
                                               "hair drier",    "toothbrush"};

}  // namespace

const char* CocoLabel(int c) { return c >= 0 && c < kCocoClasses ? kCocoLabels[c] : "unknown"; }

struct ObjectDetector::Impl {
  TfjsGraph graph;
  int input_size = 512;
};

ObjectDetector::ObjectDetector(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ObjectDetector::ObjectDetector(ObjectDetector&&) noexcept = default;
ObjectDetector& ObjectDetector::operator=(ObjectDetector&&) noexcept = default;
ObjectDetector::~ObjectDetector() = default;

core::Result<ObjectDetector> ObjectDetector::Load(const std::string& model_json) {
  IMG2CAD_ASSIGN_OR_RETURN(TfjsGraph graph, TfjsGraph::Load(model_json));
  const auto shape = graph.InputShape(kInput);
  if (shape.size() != 4 || shape[1] <= 0 || shape[1] != shape[2] || shape[3] != 3)
    return core::Status(core::StatusCode::kInvalidArgument,
                        model_json + ": no 1 x N x N x 3 input named '" + kInput +
                            "' (not the CenterNet detector)");
  auto impl = std::make_unique<Impl>(Impl{std::move(graph), static_cast<int>(shape[1])});
  return ObjectDetector(std::move(impl));
}

namespace {

struct Maps {
  torch::Tensor heat;   // h x w x 80
  torch::Tensor sizes;  // h x w x 4, input pixels
  // Input pixel (u, v) is photo pixel (u * scale + x0, v * scale + y0).
  float scale = 1, x0 = 0, y0 = 0;
};

core::Result<Maps> RunNetwork(const TfjsGraph& graph, int n, const image::Image& photo,
                              float fill) {
  if (photo.empty())
    return core::Status(core::StatusCode::kInvalidArgument, "the detector got an empty photo");
  if (!(fill > 0 && fill <= 1))
    return core::Status(core::StatusCode::kInvalidArgument,
                        "the detector's fill must be in (0, 1]");
  // The photo, shrunk so that its longer side takes `fill` of the input, centred on grey.
  const float scale = fill * n / std::max(photo.width, photo.height);
  const int w = std::max(1, static_cast<int>(std::lround(photo.width * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(photo.height * scale)));
  const image::Image small = image::Resize(image::ConvertChannels(photo, 3), w, h);
  image::Image input(n, n, 3, 128);
  const int ox = (n - w) / 2, oy = (n - h) / 2;
  for (int y = 0; y < h; ++y)
    std::copy_n(&small.pixels[static_cast<size_t>(y) * w * 3], static_cast<size_t>(w) * 3,
                &input.pixels[(static_cast<size_t>(y + oy) * n + ox) * 3]);
  const core::ThreadLease lease = core::ReserveThreads(0);
  torch::set_num_threads(lease.count());
  // The network takes 0-255 RGB (its first convolution holds the normalisation).
  const torch::Tensor x =
      torch::from_blob(input.pixels.data(), {1, n, n, 3}, torch::kUInt8).to(torch::kFloat);
  IMG2CAD_ASSIGN_OR_RETURN(auto out, graph.Run({{kInput, x}}, {kHeatmap, kSizes}));
  if (out[0].dim() != 4 || out[0].size(3) != kCocoClasses || out[1].dim() != 4)
    return core::Status(core::StatusCode::kInternal, "the detector's outputs have odd shapes");
  return Maps{out[0][0], out[1][0], 1 / scale, -ox / scale, -oy / scale};
}

// The peaks of `maps` (3 x 3 local maxima) of at least `min_score`, best first, at most
// `max_count`, with their boxes in the photo's pixels.
std::vector<Detection> Peaks(const Maps& maps, int input_size, const image::Image& photo,
                             float min_score, int max_count) {
  const int64_t h = maps.heat.size(0), w = maps.heat.size(1);
  const torch::Tensor chw = maps.heat.permute({2, 0, 1}).unsqueeze(0);
  const torch::Tensor pooled = torch::max_pool2d(chw, {3, 3}, {1, 1}, {1, 1});
  const torch::Tensor peaks = (chw * (chw == pooled)).reshape({-1});
  const int64_t k = std::min<int64_t>(max_count, peaks.size(0));
  const auto [scores, indices] = peaks.topk(k);
  const float stride_x = static_cast<float>(input_size) / w;
  const float stride_y = static_cast<float>(input_size) / h;
  auto px = [&](float u) { return std::clamp(u * maps.scale + maps.x0, 0.f, float(photo.width)); };
  auto py = [&](float v) { return std::clamp(v * maps.scale + maps.y0, 0.f, float(photo.height)); };
  std::vector<Detection> found;
  for (int64_t i = 0; i < k; ++i) {
    const float score = scores[i].item<float>();
    if (score < min_score) break;
    const int64_t index = indices[i].item<int64_t>();
    const int64_t c = index / (h * w), y = (index / w) % h, x = index % w;
    const auto box = maps.sizes[y][x];
    Detection d;
    d.coco_class = static_cast<int>(c);
    d.score = score;
    d.x0 = px(x * stride_x - box[0].item<float>());
    d.y0 = py(y * stride_y - box[1].item<float>());
    d.x1 = px(x * stride_x + box[2].item<float>());
    d.y1 = py(y * stride_y + box[3].item<float>());
    found.push_back(d);
  }
  return found;
}

std::array<float, kCocoClasses> BestPerClass(const Maps& maps) {
  const torch::Tensor best = std::get<0>(maps.heat.reshape({-1, kCocoClasses}).max(0));
  std::array<float, kCocoClasses> out{};
  for (int c = 0; c < kCocoClasses; ++c) out[c] = best[c].item<float>();
  return out;
}

}  // namespace

core::Result<std::vector<Detection>> ObjectDetector::Detect(const image::Image& photo,
                                                            float min_score, int max_count,
                                                            float fill) const {
  IMG2CAD_ASSIGN_OR_RETURN(Maps maps, RunNetwork(impl_->graph, impl_->input_size, photo, fill));
  return Peaks(maps, impl_->input_size, photo, min_score, max_count);
}

core::Result<std::array<float, kCocoClasses>> ObjectDetector::ClassScores(const image::Image& photo,
                                                                          float fill) const {
  IMG2CAD_ASSIGN_OR_RETURN(Maps maps, RunNetwork(impl_->graph, impl_->input_size, photo, fill));
  return BestPerClass(maps);
}

core::Result<ObjectDetector::Reading> ObjectDetector::Read(const image::Image& photo,
                                                           float min_score, int max_count,
                                                           float fill) const {
  IMG2CAD_ASSIGN_OR_RETURN(Maps maps, RunNetwork(impl_->graph, impl_->input_size, photo, fill));
  return Reading{BestPerClass(maps), Peaks(maps, impl_->input_size, photo, min_score, max_count)};
}

}  // namespace img2cad::nn
