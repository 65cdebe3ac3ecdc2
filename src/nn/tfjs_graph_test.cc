#include "nn/tfjs_graph_internal.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "core/model_locator.h"
#include "core/temp_dir.h"
#include "image/image.h"
#include "nn/object_detector.h"

namespace img2cad::nn {
namespace {

// Writes a TF.js graph model: `nodes` as given, and each weight in `weights` (name, shape,
// float values) as float32, or quantised to float16 when `half`.
class GraphWriter {
 public:
  void Node(const std::string& name, const std::string& op, std::vector<std::string> inputs = {},
            nlohmann::json attr = nlohmann::json::object()) {
    nodes_.push_back({{"name", name}, {"op", op}, {"input", inputs}, {"attr", attr}});
  }
  void Weight(const std::string& name, std::vector<int64_t> shape, std::vector<float> values,
              bool half = false) {
    Node(name, "Const");
    nlohmann::json w = {{"name", name}, {"shape", shape}, {"dtype", "float32"}};
    if (half) {
      w["quantization"] = {{"dtype", "float16"}, {"original_dtype", "float32"}};
      const auto h = torch::tensor(values).to(torch::kHalf);
      bytes_.append(reinterpret_cast<const char*>(h.data_ptr()), values.size() * 2);
    } else {
      bytes_.append(reinterpret_cast<const char*>(values.data()), values.size() * 4);
    }
    weights_.push_back(w);
  }
  void IntWeight(const std::string& name, std::vector<int64_t> shape, std::vector<int32_t> values) {
    Node(name, "Const");
    weights_.push_back({{"name", name}, {"shape", shape}, {"dtype", "int32"}});
    bytes_.append(reinterpret_cast<const char*>(values.data()), values.size() * 4);
  }
  std::string Write(const std::string& dir, size_t truncate = 0) const {
    nlohmann::json doc = {
        {"format", "graph-model"},
        {"modelTopology", {{"node", nodes_}}},
        {"weightsManifest", {{{"paths", {"weights.bin"}}, {"weights", weights_}}}}};
    const std::string path = dir + "/model.json";
    EXPECT_TRUE(core::WriteFileAtomic(path, doc.dump()).ok());
    EXPECT_TRUE(
        core::WriteFileAtomic(dir + "/weights.bin", bytes_.substr(0, bytes_.size() - truncate))
            .ok());
    return path;
  }

 private:
  std::vector<nlohmann::json> nodes_, weights_;
  std::string bytes_;
};

std::string B64(const std::string& s) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : s) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(k[(val >> bits) & 0x3f]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(k[((val << 8) >> (bits + 8)) & 0x3f]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

nlohmann::json Conv(const std::string& padding, int stride, std::vector<std::string> fused = {}) {
  nlohmann::json attr = {
      {"padding", {{"s", B64(padding)}}},
      {"strides", {{"list", {{"i", {"1", std::to_string(stride), std::to_string(stride), "1"}}}}}},
      {"data_format", {{"s", B64("NHWC")}}}};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : fused) list.push_back(B64(f));
  if (!fused.empty()) attr["fused_ops"] = {{"list", {{"s", list}}}};
  return attr;
}

// 1 x 4 x 4 x 1, values 0..15 row by row.
torch::Tensor Ramp() { return torch::arange(16, torch::kFloat).view({1, 4, 4, 1}); }

TEST(TfjsGraphTest, SamePaddingPutsTheExtraPixelAfterAndFusedOpsFollow) {
  core::TempDir dir("tfjs");
  GraphWriter g;
  g.Node("x", "Placeholder");
  g.Weight("w", {3, 3, 1, 1}, std::vector<float>(9, 1.f), /*half=*/true);
  g.Weight("b", {1}, {-40.f});
  g.Node("conv", "_FusedConv2D", {"x", "w", "b"}, Conv("SAME", 2, {"BiasAdd", "Relu"}));
  auto graph = TfjsGraph::Load(g.Write(dir.path().string()));
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  auto out = graph->Run({{"x", Ramp()}}, {"conv"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto y = (*out)[0];
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{1, 2, 2, 1}));
  // TensorFlow pads 0 before and 1 after: the first window covers rows and columns 0-2.
  // Sums of the four windows: 45, 39 (columns 2-3), 66 (rows 2-3), 50 (rows and columns 2-3);
  // then the bias (-40) and Relu.
  EXPECT_FLOAT_EQ(y[0][0][0][0].item<float>(), 5);
  EXPECT_FLOAT_EQ(y[0][0][1][0].item<float>(), 0);
  EXPECT_FLOAT_EQ(y[0][1][0][0].item<float>(), 26);
  EXPECT_FLOAT_EQ(y[0][1][1][0].item<float>(), 10);
}

TEST(TfjsGraphTest, DepthwiseMeanBroadcastConcatResizeAndPool) {
  core::TempDir dir("tfjs");
  GraphWriter g;
  g.Node("x", "Placeholder");
  // Depthwise, channel multiplier 2: output channel 2c + m is input channel c times filter m.
  g.Weight("dw", {1, 1, 1, 2}, {2.f, -1.f});
  g.Node("depth", "DepthwiseConv2dNative", {"x", "dw"}, Conv("VALID", 1));
  g.IntWeight("axes", {2}, {1, 2});
  g.Node("mean", "Mean", {"depth", "axes"}, {{"keep_dims", {{"b", true}}}});
  g.Weight("offset", {2}, {100.f, 200.f});
  g.Node("shifted", "Add", {"mean", "offset"});
  g.IntWeight("axis", {}, {-1});
  g.Node("cat", "ConcatV2", {"depth", "x", "axis"});
  g.IntWeight("size", {2}, {8, 8});
  g.Node("up", "ResizeBilinear", {"x", "size"}, {{"align_corners", {{"b", false}}}});
  g.Node("pool", "MaxPool", {"x"},
         {{"ksize", {{"list", {{"i", {"1", "3", "3", "1"}}}}}},
          {"strides", {{"list", {{"i", {"1", "1", "1", "1"}}}}}},
          {"padding", {{"s", B64("SAME")}}}});
  auto graph = TfjsGraph::Load(g.Write(dir.path().string()));
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  auto out = graph->Run({{"x", Ramp()}}, {"depth", "shifted", "cat", "up", "pool"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto& depth = (*out)[0];
  ASSERT_EQ(depth.sizes(), (std::vector<int64_t>{1, 4, 4, 2}));
  EXPECT_FLOAT_EQ(depth[0][1][2][0].item<float>(), 2 * 6);
  EXPECT_FLOAT_EQ(depth[0][1][2][1].item<float>(), -6);
  const auto& shifted = (*out)[1];  // mean of 2x (7.5) and -x (-7.5), plus the offsets
  ASSERT_EQ(shifted.sizes(), (std::vector<int64_t>{1, 1, 1, 2}));
  EXPECT_FLOAT_EQ(shifted[0][0][0][0].item<float>(), 115);
  EXPECT_FLOAT_EQ(shifted[0][0][0][1].item<float>(), 192.5);
  const auto& cat = (*out)[2];
  ASSERT_EQ(cat.sizes(), (std::vector<int64_t>{1, 4, 4, 3}));
  EXPECT_FLOAT_EQ(cat[0][3][1][2].item<float>(), 13);
  // The legacy rule: output pixel i reads input i/2; odd ones halfway, the last one clamped.
  const auto& up = (*out)[3];
  ASSERT_EQ(up.sizes(), (std::vector<int64_t>{1, 8, 8, 1}));
  EXPECT_FLOAT_EQ(up[0][0][2][0].item<float>(), 1);
  EXPECT_FLOAT_EQ(up[0][0][3][0].item<float>(), 1.5);
  EXPECT_FLOAT_EQ(up[0][2][0][0].item<float>(), 4);
  EXPECT_FLOAT_EQ(up[0][7][7][0].item<float>(), 15);
  const auto& pool = (*out)[4];  // SAME pads with -inf, so corners see their 2x2 block
  EXPECT_FLOAT_EQ(pool[0][0][0][0].item<float>(), 5);
  EXPECT_FLOAT_EQ(pool[0][3][3][0].item<float>(), 15);
  EXPECT_FLOAT_EQ(pool[0][1][1][0].item<float>(), 10);
}

TEST(TfjsGraphTest, BadFilesAndGraphsAreRefusedByName) {
  core::TempDir dir("tfjs");
  {
    ASSERT_TRUE(
        core::WriteFileAtomic(dir.path().string() + "/model.json", "{\"modelTopology\": [").ok());
    auto graph = TfjsGraph::Load(dir.path().string() + "/model.json");
    ASSERT_FALSE(graph.ok());
    EXPECT_EQ(graph.status().code(), core::StatusCode::kParse);
    EXPECT_NE(graph.status().ToString().find("model.json"), std::string::npos);
  }
  {
    EXPECT_EQ(TfjsGraph::Load(dir.path().string() + "/absent.json").status().code(),
              core::StatusCode::kNotFound);
  }
  {
    ASSERT_TRUE(core::WriteFileAtomic(dir.path().string() + "/model.json",
                                      R"({"modelTopology": {"node": [{"name": 5, "op": "Add"}]},
                                          "weightsManifest": []})")
                    .ok());
    auto graph = TfjsGraph::Load(dir.path().string() + "/model.json");
    ASSERT_FALSE(graph.ok());
    EXPECT_EQ(graph.status().code(), core::StatusCode::kParse);
  }
  GraphWriter g;
  g.Node("x", "Placeholder");
  g.Weight("w", {2}, {1.f, 2.f});
  g.Node("odd", "Erf", {"x"});
  g.Node("sum", "Add", {"x", "w"});
  {
    auto graph = TfjsGraph::Load(g.Write(dir.path().string(), /*truncate=*/4));
    ASSERT_FALSE(graph.ok());
    EXPECT_EQ(graph.status().code(), core::StatusCode::kParse);
    EXPECT_NE(graph.status().ToString().find("weight 'w'"), std::string::npos);
  }
  auto graph = TfjsGraph::Load(g.Write(dir.path().string()));
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  auto unknown = graph->Run({{"x", Ramp()}}, {"odd"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().ToString().find("'odd' (Erf)"), std::string::npos);
  EXPECT_FALSE(graph->Run({}, {"sum"}).ok());                   // no feed
  EXPECT_FALSE(graph->Run({{"x", Ramp()}}, {"nowhere"}).ok());  // no such node
  auto mismatch = graph->Run({{"x", torch::ones({1, 4, 4, 3})}}, {"sum"});
  ASSERT_FALSE(mismatch.ok());  // 3 channels against a 2-vector
  EXPECT_NE(mismatch.status().ToString().find("'sum'"), std::string::npos);
}

TEST(TfjsGraphTest, ResultsAreDroppedAfterTheirLastUse) {
  core::TempDir dir("tfjs");
  GraphWriter g;
  g.Node("x", "Placeholder");
  // A chain of 12 activations; r0 is read again at the end, and r3 is also an output.
  g.Node("r0", "Relu", {"x"});
  for (int i = 1; i < 12; ++i)
    g.Node("r" + std::to_string(i), "Relu", {"r" + std::to_string(i - 1)});
  g.Node("sum", "Add", {"r11", "r0:0"});
  auto graph = TfjsGraph::Load(g.Write(dir.path().string()));
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  const torch::Tensor x = torch::randn({1, 32, 32, 8});
  int64_t peak = 0;
  auto out = graph->Run({{"x", x}}, {"sum", "r3"}, &peak);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(torch::allclose((*out)[0], 2 * torch::relu(x)));
  EXPECT_TRUE(torch::allclose((*out)[1], torch::relu(x)));
  // One activation is 32 KiB. Kept to the end, all 14 would be held; dropped after their last
  // use, at most the input, r0 (read again by sum), r3 (an output) and the two a step needs.
  const int64_t one = x.nbytes();
  EXPECT_GE(peak, 3 * one);
  EXPECT_LE(peak, 5 * one);
  // The same graph run again gives the same results: nothing was dropped from the graph itself.
  auto again = graph->Run({{"x", x}}, {"sum"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(torch::equal((*again)[0], (*out)[0]));
}

// The real detector, when scripts/fetch_detector has brought it.
TEST(ObjectDetectorTest, TheExampleChairIsAChair) {
  auto model = core::FindModelFile("detector", "centernet.json");
  if (!model.ok()) GTEST_SKIP() << "models/detector not fetched";
  auto detector = ObjectDetector::Load(*model);
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  auto bytes = core::ReadFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png");
  ASSERT_TRUE(bytes.ok());
  auto photo = image::DecodeImage(*bytes);
  ASSERT_TRUE(photo.ok());
  auto found = detector->Detect(*photo, 0.2f);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_FALSE(found->empty());
  EXPECT_EQ((*found)[0].coco_class, kCocoChair);
  EXPECT_STREQ(CocoLabel((*found)[0].coco_class), "chair");
  // The box holds the chair: inside the photo and most of its height.
  const Detection& d = (*found)[0];
  EXPECT_GE(d.x0, 0);
  EXPECT_LE(d.x1, photo->width);
  EXPECT_GT(d.y1 - d.y0, 0.5 * photo->height);
  // One pass gives what the two calls give.
  auto scores = detector->ClassScores(*photo);
  auto reading = detector->Read(*photo, 0.2f);
  ASSERT_TRUE(scores.ok() && reading.ok());
  EXPECT_EQ(reading->class_scores, *scores);
  ASSERT_EQ(reading->detections.size(), found->size());
  EXPECT_EQ(reading->detections[0].score, d.score);
  EXPECT_EQ(reading->detections[0].x1, d.x1);
  EXPECT_FLOAT_EQ((*scores)[kCocoChair], d.score);
  EXPECT_FALSE(detector->Detect(image::Image(), 0.2f).ok());
  EXPECT_FALSE(detector->Read(image::Image()).ok());
  EXPECT_FALSE(ObjectDetector::Load(*model + ".absent").ok());
}

}  // namespace
}  // namespace img2cad::nn
