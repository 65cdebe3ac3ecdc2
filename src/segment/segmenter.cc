#include "segment/segmenter.h"

#include <opencv2/dnn.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <mutex>

#include "core/check.h"
#include "core/parallel.h"

namespace img2cad::segment {

image::Image Binarise(const image::Image& prob) {
  std::array<double, 256> hist{};
  for (uint8_t v : prob.pixels) hist[v] += 1;
  const double n = static_cast<double>(prob.pixels.size());
  double total = 0;
  for (int i = 0; i < 256; ++i) total += i * hist[i];
  // Otsu: the threshold that maximises the between-class variance.
  double w0 = 0, sum0 = 0, best = -1;
  int threshold = 128;
  for (int t = 0; t < 255; ++t) {
    w0 += hist[t];
    sum0 += t * hist[t];
    const double w1 = n - w0;
    if (w0 == 0 || w1 == 0) continue;
    const double m0 = sum0 / w0, m1 = (total - sum0) / w1;
    const double between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > best) best = between, threshold = t + 1;
  }
  threshold = std::clamp(threshold, kBinariseMinThreshold, 128);
  image::Image out(prob.width, prob.height, 1, 0);
  for (size_t i = 0; i < prob.pixels.size(); ++i)
    out.pixels[i] = prob.pixels[i] >= threshold ? 255 : 0;
  return out;
}

struct Segmenter::Impl {
  cv::dnn::Net net;
  std::mutex mu;
};

Segmenter::Segmenter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Segmenter::Segmenter(Segmenter&&) noexcept = default;
Segmenter& Segmenter::operator=(Segmenter&&) noexcept = default;
Segmenter::~Segmenter() = default;

core::Result<Segmenter> Segmenter::Load(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return core::Status(core::StatusCode::kNotFound,
                        "no segmenter model (scripts/fetch_segmenter brings it)", "", path);
  }
  auto impl = std::make_unique<Impl>();
  try {
    impl->net = cv::dnn::readNetFromONNX(path);
  } catch (const cv::Exception& e) {
    return core::Status(core::StatusCode::kParse, std::string("OpenCV cannot read it: ") + e.what(),
                        "", path);
  }
  if (impl->net.empty()) {
    return core::Status(core::StatusCode::kParse, "OpenCV read an empty network", "", path);
  }
  return Segmenter(std::move(impl));
}

namespace {

// The network's input for `photo` at size x size, with the package's preprocessing: RGB / 255 -
// 0.5, planar.
core::Result<cv::Mat> InputBlob(const image::Image& photo, int size) {
  if (photo.empty()) return core::Status(core::StatusCode::kInvalidArgument, "empty image");
  constexpr int kSizeMultiple = Segmenter::kSizeMultiple;
  if (size < kSizeMultiple || size % kSizeMultiple) {
    return core::Status(
        core::StatusCode::kInvalidArgument,
        "segmenter size must be a positive multiple of " + std::to_string(kSizeMultiple));
  }
  const image::Image rgb = image::Resize(image::ConvertChannels(photo, 3), size, size);
  const int dims[4] = {1, 3, size, size};
  cv::Mat blob(4, dims, CV_32F);
  float* p = blob.ptr<float>();
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x)
        p[(static_cast<size_t>(c) * size + y) * size + x] = rgb.at(x, y, c) / 255.f - 0.5f;
  return blob;
}

// OpenCV's names for the ONNX nodes that end encoder stages 3 to 6 (the residual adds).
const std::vector<cv::String> kEncoderOutputs = {"onnx_node!/stage3/Add", "onnx_node!/stage4/Add",
                                                 "onnx_node!/stage5/Add", "onnx_node!/stage6/Add"};

// Runs the network on `blob` up to `outputs` (OpenCV runs the layers in graph order up to the
// last of them).
core::Result<std::vector<cv::Mat>> Run(cv::dnn::Net& net, std::mutex& mu, const cv::Mat& blob,
                                       const std::vector<cv::String>& outputs) {
  std::vector<cv::Mat> out;
  std::lock_guard<std::mutex> lock(mu);
  const core::ThreadLease lease = core::ReserveThreads(0);
  try {
    cv::setNumThreads(lease.count());
    net.setInput(blob);
    net.forward(out, outputs);
  } catch (const cv::Exception& e) {
    return core::Status(core::StatusCode::kInternal, std::string("segmenter failed: ") + e.what());
  }
  for (cv::Mat& m : out) m = m.clone();
  return out;
}

}  // namespace

core::Result<image::Image> Segmenter::Mask(const image::Image& photo, int size) const {
  IMG2CAD_ASSIGN_OR_RETURN(cv::Mat blob, InputBlob(photo, size));
  IMG2CAD_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs, Run(impl_->net, impl_->mu, blob, {"output"}));
  const cv::Mat& out = outs.at(0);
  if (out.total() != static_cast<size_t>(size) * size) {
    return core::Status(core::StatusCode::kInternal, "segmenter output has an unexpected size");
  }
  image::Image small(size, size, 1, 0);
  const float* o = out.ptr<float>();
  for (int i = 0; i < size * size; ++i)
    small.pixels[static_cast<size_t>(i)] =
        static_cast<uint8_t>(std::clamp(o[i], 0.f, 1.f) * 255.f + 0.5f);
  return image::Resize(small, photo.width, photo.height);
}

core::Result<std::vector<Segmenter::FeatureMap>> Segmenter::EncoderMaps(const image::Image& photo,
                                                                        int size) const {
  IMG2CAD_ASSIGN_OR_RETURN(cv::Mat blob, InputBlob(photo, size));
  IMG2CAD_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs,
                           Run(impl_->net, impl_->mu, blob, kEncoderOutputs));
  std::vector<FeatureMap> maps;
  for (size_t k = 0; k < outs.size(); ++k) {
    const cv::Mat& m = outs[k];
    if (m.dims != 4 || m.size[0] != 1 || m.size[1] != kEncoderStageChannels[k]) {
      return core::Status(core::StatusCode::kInternal, "encoder output has an unexpected shape");
    }
    FeatureMap map{m.size[1], m.size[2], m.size[3], {}};
    const float* p = m.ptr<float>();
    map.values.assign(p, p + static_cast<size_t>(map.channels) * map.height * map.width);
    maps.push_back(std::move(map));
  }
  return maps;
}

std::vector<float> Segmenter::StageMeans(const std::vector<FeatureMap>& maps) {
  IMG2CAD_CHECK_EQ(maps.size(), 4u);
  std::vector<float> features;
  features.reserve(kEncoderFeatureSize);
  for (const FeatureMap& m : maps) {
    const size_t plane = static_cast<size_t>(m.height) * m.width;
    IMG2CAD_CHECK_EQ(m.values.size(), plane * m.channels);
    for (int c = 0; c < m.channels; ++c) {
      double sum = 0;
      for (size_t i = 0; i < plane; ++i) sum += m.values[c * plane + i];
      features.push_back(static_cast<float>(sum / plane));
    }
  }
  IMG2CAD_CHECK_EQ(features.size(), static_cast<size_t>(kEncoderFeatureSize));
  return features;
}

core::Result<std::vector<float>> Segmenter::EncoderFeatures(const image::Image& photo,
                                                            int size) const {
  IMG2CAD_ASSIGN_OR_RETURN(std::vector<FeatureMap> maps, EncoderMaps(photo, size));
  return StageMeans(maps);
}

}  // namespace img2cad::segment
