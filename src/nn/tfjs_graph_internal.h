// A TensorFlow.js graph model (`model.json` with its topology and weights manifest, plus the
// binary weight shards it names) run with libtorch: enough of TensorFlow's op set for the
// convolutional detectors shipped as npm packages (convolutions plain, fused and depthwise, with
// SAME or VALID padding; element-wise arithmetic and activations; means, concatenation, bilinear
// resizing, max pooling). Internal to nn/: it includes libtorch.
//
// Layout: TensorFlow's graphs are NHWC; every 4-D activation is kept NCHW here (what libtorch's
// convolutions want), and axis arguments and constants are translated on the way in. Outputs of
// rank 4 come back NHWC, as TensorFlow would give them.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace img2cad::nn {

class TfjsGraph {
 public:
  // Reads `model_json` (format "graph-model") and the weight files it lists (paths relative to
  // it, concatenated in order). Weights may be float32, int32, or float32 quantised to float16.
  // Errors: kNotFound / kIo naming a missing file; kParse naming the file and the place (malformed
  // JSON, a node without an op, weights shorter than the manifest says, an unknown dtype or
  // quantisation).
  static core::Result<TfjsGraph> Load(const std::string& model_json);

  // Evaluates the nodes `outputs` (names, optionally with ":0") given the placeholders in `feeds`
  // (NHWC float tensors for images), evaluating only what they depend on. Errors:
  // kInvalidArgument for an unknown output or a missing feed; kInvalidArgument naming the node for
  // an op this interpreter does not know or attributes it does not support; kInternal naming the
  // node when libtorch throws (a shape mismatch). Each node's results are dropped as soon as the
  // last node that reads them has run; `peak_held_bytes`, when given, receives the most bytes of
  // such results (weights excluded) held at once.
  core::Result<std::vector<torch::Tensor>> Run(const std::map<std::string, torch::Tensor>& feeds,
                                               const std::vector<std::string>& outputs,
                                               int64_t* peak_held_bytes = nullptr) const;

  // The declared input shape of the placeholder `name` (TensorFlow's -1 for unknown), or empty.
  std::vector<int64_t> InputShape(const std::string& name) const;

  struct Node;

 private:
  // Load after the JSON parsed; nlohmann::json's type errors propagate as exceptions.
  static core::Result<TfjsGraph> Build(const std::string& model_json, const nlohmann::json& doc);

  std::string path_;
  std::map<std::string, std::shared_ptr<const Node>> nodes_;
  std::map<std::string, torch::Tensor> constants_;
};

}  // namespace img2cad::nn
