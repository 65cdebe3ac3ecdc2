#include "nn/tfjs_graph_internal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "core/file_io.h"

namespace img2cad::nn {

struct TfjsGraph::Node {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;  // data inputs only ("^name" control inputs dropped)
  nlohmann::json attr;
};

namespace {

using core::Result;
using core::Status;
using core::StatusCode;

// A value flowing through the graph: 4-D activations are NCHW (`nchw`), everything else keeps
// TensorFlow's layout.
struct Value {
  torch::Tensor t;
  bool nchw = false;
};

Status ParseError(const std::string& path, const std::string& what) {
  return Status(StatusCode::kParse, path + ": " + what);
}

std::string Base64Decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : in) {
    const size_t pos = kAlphabet.find(c);
    if (pos == std::string::npos) break;  // '=' padding ends the data
    value = (value << 6) | static_cast<int>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xff));
    }
  }
  return out;
}

// TensorFlow attribute accessors (the JSON form of AttrValue: {"s": base64}, {"b": bool},
// {"f": float}, {"i": "int"}, {"list": {"i": [...], "s": [...]}}).
std::string AttrString(const nlohmann::json& attr, const char* key, const std::string& dflt = "") {
  if (!attr.contains(key) || !attr[key].contains("s")) return dflt;
  return Base64Decode(attr[key]["s"].get<std::string>());
}
bool AttrBool(const nlohmann::json& attr, const char* key, bool dflt = false) {
  if (!attr.contains(key) || !attr[key].contains("b")) return dflt;
  return attr[key]["b"].get<bool>();
}
double AttrFloat(const nlohmann::json& attr, const char* key, double dflt = 0) {
  if (!attr.contains(key) || !attr[key].contains("f")) return dflt;
  return attr[key]["f"].get<double>();
}
std::vector<int64_t> AttrInts(const nlohmann::json& attr, const char* key) {
  std::vector<int64_t> out;
  if (!attr.contains(key) || !attr[key].contains("list") || !attr[key]["list"].contains("i"))
    return out;
  for (const auto& v : attr[key]["list"]["i"])
    out.push_back(v.is_string() ? std::stoll(v.get<std::string>()) : v.get<int64_t>());
  return out;
}
std::vector<std::string> AttrStrings(const nlohmann::json& attr, const char* key) {
  std::vector<std::string> out;
  if (!attr.contains(key) || !attr[key].contains("list") || !attr[key]["list"].contains("s"))
    return out;
  for (const auto& v : attr[key]["list"]["s"]) out.push_back(Base64Decode(v.get<std::string>()));
  return out;
}

// An NHWC axis (negative counts from the end) as the NCHW axis of a 4-D activation.
int64_t NchwAxis(int64_t axis) {
  if (axis < 0) axis += 4;
  static const int64_t kMap[4] = {0, 2, 3, 1};
  return kMap[axis];
}

torch::Tensor ToNchw(const torch::Tensor& t) {
  if (t.dim() == 4) return t.permute({0, 3, 1, 2});
  if (t.dim() == 1 && t.size(0) > 1) return t.view({1, -1, 1, 1});
  if (t.dim() >= 2) {
    // [.., C] broadcast against NHWC: move C to the front of the trailing dims.
    auto v = t;
    while (v.dim() < 4) v = v.unsqueeze(0);
    return v.permute({0, 3, 1, 2});
  }
  return t;
}

// Both operands of an element-wise op in one layout.
std::pair<Value, Value> Align(Value a, Value b) {
  if (a.nchw && !b.nchw) b = {ToNchw(b.t), true};
  if (b.nchw && !a.nchw) a = {ToNchw(a.t), true};
  return {a, b};
}

// TensorFlow's SAME padding for one spatial dimension: the extra pixel goes after.
std::pair<int64_t, int64_t> SamePad(int64_t in, int64_t k, int64_t stride, int64_t dilation) {
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + (k - 1) * dilation + 1 - in, 0);
  return {total / 2, total - total / 2};
}

torch::Tensor PadSame(const torch::Tensor& x, int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                      int64_t dh, int64_t dw, double fill = 0) {
  const auto [top, bottom] = SamePad(x.size(2), kh, sh, dh);
  const auto [left, right] = SamePad(x.size(3), kw, sw, dw);
  if (top == 0 && bottom == 0 && left == 0 && right == 0) return x;
  return torch::constant_pad_nd(x, {left, right, top, bottom}, fill);
}

// Bilinear resizing with TensorFlow's three coordinate rules: align_corners, half-pixel centres
// (both as libtorch's), and the legacy rule (source = destination x in/out), which libtorch lacks.
torch::Tensor ResizeBilinear(const torch::Tensor& x, int64_t h, int64_t w, bool align_corners,
                             bool half_pixel) {
  namespace F = torch::nn::functional;
  if (align_corners || half_pixel)
    return F::interpolate(x, F::InterpolateFuncOptions()
                                 .size(std::vector<int64_t>{h, w})
                                 .mode(torch::kBilinear)
                                 .align_corners(align_corners));
  auto axis = [&](int64_t in, int64_t out, int64_t dim, const torch::Tensor& v) {
    const auto src = torch::arange(out, torch::kFloat) * (static_cast<double>(in) / out);
    const auto i0 = src.floor().to(torch::kLong).clamp(0, in - 1);
    const auto i1 = (i0 + 1).clamp(0, in - 1);
    auto frac = (src - i0.to(torch::kFloat));
    std::vector<int64_t> shape(4, 1);
    shape[dim] = out;
    frac = frac.view(shape);
    return v.index_select(dim, i0) * (1 - frac) + v.index_select(dim, i1) * frac;
  };
  return axis(x.size(3), w, 3, axis(x.size(2), h, 2, x));
}

// One node's outputs from its inputs' values, for every op but Const and Placeholder.
// `unsupported` makes the located error for what this interpreter cannot do.
Result<std::vector<Value>> Apply(const TfjsGraph::Node& node, const std::vector<Value>& in,
                                 const std::function<Status(const std::string&)>& unsupported) {
  auto need = [&](size_t n) { return in.size() >= n; };
  const auto& attr = node.attr;
  const std::string& op = node.op;
  std::vector<Value> out;
  if (op == "Identity") {
    if (!need(1)) return unsupported("no input");
    out.push_back(in[0]);
  } else if (op == "Conv2D" || op == "_FusedConv2D" || op == "DepthwiseConv2dNative" ||
             op == "FusedDepthwiseConv2dNative") {
    if (!need(2) || !in[0].nchw || in[1].t.dim() != 4)
      return unsupported("needs a 4-D input and a 4-D filter");
    const bool depthwise = op.find("Depthwise") != std::string::npos;
    if (AttrString(attr, "data_format", "NHWC") != "NHWC")
      return unsupported("only NHWC graphs are supported");
    auto strides = AttrInts(attr, "strides");
    auto dilations = AttrInts(attr, "dilations");
    if (strides.size() != 4) strides = {1, 1, 1, 1};
    if (dilations.size() != 4) dilations = {1, 1, 1, 1};
    const std::string padding = AttrString(attr, "padding", "VALID");
    if (padding != "SAME" && padding != "VALID") return unsupported("padding " + padding);
    const auto& f = in[1].t;  // HWIO, or H W in multiplier for depthwise
    const int64_t kh = f.size(0), kw = f.size(1);
    torch::Tensor weight =
        depthwise ? f.permute({2, 3, 0, 1}).reshape({-1, 1, kh, kw}) : f.permute({3, 2, 0, 1});
    weight = weight.contiguous();
    torch::Tensor x = in[0].t;
    if (padding == "SAME")
      x = PadSame(x, kh, kw, strides[1], strides[2], dilations[1], dilations[2]);
    const std::vector<int64_t> stride{strides[1], strides[2]}, zero{0, 0},
        dilation{dilations[1], dilations[2]};
    x = torch::conv2d(x, weight, torch::Tensor(), stride, zero, dilation,
                      depthwise ? in[0].t.size(1) : 1);
    size_t arg = 2;
    for (const auto& fused : AttrStrings(attr, "fused_ops")) {
      if (fused == "BiasAdd") {
        if (arg >= in.size()) return unsupported("BiasAdd without a bias");
        x = x + in[arg++].t.view({1, -1, 1, 1});
      } else if (fused == "Relu") {
        x = torch::relu(x);
      } else if (fused == "Relu6") {
        x = torch::clamp(x, 0, 6);
      } else if (fused == "LeakyRelu") {
        x = torch::leaky_relu(x, AttrFloat(attr, "leakyrelu_alpha", 0.2));
      } else if (fused == "Sigmoid") {
        x = torch::sigmoid(x);
      } else if (fused == "Elu") {
        x = torch::elu(x);
      } else {
        return unsupported("fused op " + fused);
      }
    }
    out.push_back({x, true});
  } else if (op == "Add" || op == "AddV2" || op == "Sub" || op == "Mul" || op == "RealDiv" ||
             op == "Maximum" || op == "Minimum") {
    if (!need(2)) return unsupported("needs two inputs");
    auto [a, b] = Align(in[0], in[1]);
    torch::Tensor r = op == "Sub"       ? a.t - b.t
                      : op == "Mul"     ? a.t * b.t
                      : op == "RealDiv" ? a.t / b.t
                      : op == "Maximum" ? torch::maximum(a.t, b.t)
                      : op == "Minimum" ? torch::minimum(a.t, b.t)
                                        : a.t + b.t;
    out.push_back({r, a.nchw || b.nchw});
  } else if (op == "Relu" || op == "Relu6" || op == "Sigmoid" || op == "Tanh" ||
             op == "LeakyRelu") {
    if (!need(1)) return unsupported("no input");
    const auto& x = in[0].t;
    torch::Tensor r = op == "Relu"      ? torch::relu(x)
                      : op == "Relu6"   ? torch::clamp(x, 0, 6)
                      : op == "Sigmoid" ? torch::sigmoid(x)
                      : op == "Tanh"    ? torch::tanh(x)
                                        : torch::leaky_relu(x, AttrFloat(attr, "alpha", 0.2));
    out.push_back({r, in[0].nchw});
  } else if (op == "Mean") {
    if (!need(2)) return unsupported("needs the reduction axes");
    std::vector<int64_t> axes;
    const auto a = in[1].t.to(torch::kLong).reshape({-1});
    for (int64_t i = 0; i < a.size(0); ++i) {
      const int64_t axis = a[i].item<int64_t>();
      axes.push_back(in[0].nchw ? NchwAxis(axis) : axis);
    }
    const bool keep = AttrBool(attr, "keep_dims");
    if (in[0].nchw && !keep) return unsupported("a mean of an image without keep_dims");
    out.push_back({in[0].t.mean(axes, keep), in[0].nchw});
  } else if (op == "ConcatV2") {
    if (!need(3)) return unsupported("needs at least two inputs and an axis");
    int64_t axis = in.back().t.item<int64_t>();
    std::vector<torch::Tensor> parts;
    bool nchw = false;
    for (size_t i = 0; i + 1 < in.size(); ++i) nchw = nchw || in[i].nchw;
    for (size_t i = 0; i + 1 < in.size(); ++i)
      parts.push_back(nchw && !in[i].nchw ? ToNchw(in[i].t) : in[i].t);
    if (nchw) axis = NchwAxis(axis);
    out.push_back({torch::cat(parts, axis), nchw});
  } else if (op == "ResizeBilinear") {
    if (!need(2) || !in[0].nchw) return unsupported("needs an image and a size");
    const auto size = in[1].t.to(torch::kLong).reshape({-1});
    if (size.size(0) != 2) return unsupported("the size must have two elements");
    out.push_back(
        {ResizeBilinear(in[0].t, size[0].item<int64_t>(), size[1].item<int64_t>(),
                        AttrBool(attr, "align_corners"), AttrBool(attr, "half_pixel_centers")),
         true});
  } else if (op == "MaxPool") {
    if (!need(1) || !in[0].nchw) return unsupported("needs an image");
    auto k = AttrInts(attr, "ksize");
    auto s = AttrInts(attr, "strides");
    if (k.size() != 4 || s.size() != 4) return unsupported("ksize and strides need 4 values");
    torch::Tensor x = in[0].t;
    if (AttrString(attr, "padding", "VALID") == "SAME")
      x = PadSame(x, k[1], k[2], s[1], s[2], 1, 1, -std::numeric_limits<double>::infinity());
    out.push_back({torch::max_pool2d(x, {k[1], k[2]}, {s[1], s[2]}), true});
  } else if (op == "Pad" || op == "PadV2") {
    if (!need(2) || !in[0].nchw) return unsupported("needs an image and paddings");
    const auto p = in[1].t.to(torch::kLong).reshape({4, 2});
    if (p[0].abs().sum().item<int64_t>() != 0 || p[3].abs().sum().item<int64_t>() != 0)
      return unsupported("padding of the batch or channel axis");
    const double fill = op == "PadV2" && in.size() > 2 ? in[2].t.item<double>() : 0.0;
    out.push_back({torch::constant_pad_nd(in[0].t,
                                          {p[2][0].item<int64_t>(), p[2][1].item<int64_t>(),
                                           p[1][0].item<int64_t>(), p[1][1].item<int64_t>()},
                                          fill),
                   true});
  } else {
    return unsupported("this op is not supported");
  }
  return out;
}

// "name:k" -> "name" (a node's k-th output), as Run's evaluation reads references.
std::string NodeName(const std::string& ref) { return ref.substr(0, ref.rfind(':')); }

}  // namespace

Result<TfjsGraph> TfjsGraph::Load(const std::string& model_json) {
  IMG2CAD_ASSIGN_OR_RETURN(std::string text, core::ReadFile(model_json));
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return ParseError(model_json, std::string("malformed JSON: ") + e.what());
  }
  if (!doc.is_object() || !doc.contains("modelTopology") || !doc.contains("weightsManifest"))
    return ParseError(model_json,
                      "not a TensorFlow.js graph model (no modelTopology or "
                      "weightsManifest)");
  try {
    return Build(model_json, doc);
  } catch (const nlohmann::json::exception& e) {
    return ParseError(model_json, std::string("unexpected JSON: ") + e.what());
  }
}

Result<TfjsGraph> TfjsGraph::Build(const std::string& model_json, const nlohmann::json& doc) {
  TfjsGraph graph;
  graph.path_ = model_json;
  const auto& topology = doc["modelTopology"];
  if (!topology.contains("node") || !topology["node"].is_array())
    return ParseError(model_json, "modelTopology has no node list");
  size_t index = 0;
  for (const auto& n : topology["node"]) {
    auto node = std::make_shared<Node>();
    if (!n.contains("name") || !n.contains("op"))
      return ParseError(model_json,
                        "modelTopology.node[" + std::to_string(index) + "] has no name or op");
    node->name = n["name"].get<std::string>();
    node->op = n["op"].get<std::string>();
    if (n.contains("input"))
      for (const auto& in : n["input"]) {
        const std::string s = in.get<std::string>();
        if (!s.empty() && s[0] != '^') node->inputs.push_back(s);
      }
    if (n.contains("attr")) node->attr = n["attr"];
    graph.nodes_[node->name] = node;
    ++index;
  }

  const std::filesystem::path dir = std::filesystem::path(model_json).parent_path();
  size_t group_index = 0;
  for (const auto& group : doc["weightsManifest"]) {
    const std::string where = "weightsManifest[" + std::to_string(group_index++) + "]";
    std::string bytes;
    for (const auto& p : group.value("paths", nlohmann::json::array())) {
      IMG2CAD_ASSIGN_OR_RETURN(std::string part, core::ReadFile((dir / p.get<std::string>())));
      bytes += part;
    }
    size_t offset = 0;
    for (const auto& w : group.value("weights", nlohmann::json::array())) {
      const std::string name = w.value("name", "");
      std::vector<int64_t> shape;
      for (const auto& d : w.value("shape", nlohmann::json::array()))
        shape.push_back(d.get<int64_t>());
      int64_t count = 1;
      for (int64_t d : shape) count *= d;
      const std::string dtype = w.value("dtype", "float32");
      std::string stored = dtype;
      double scale = 1, min = 0;
      if (w.contains("quantization")) {
        const auto& q = w["quantization"];
        stored = q.value("dtype", "");
        scale = q.value("scale", 1.0);
        min = q.value("min", 0.0);
      }
      const size_t element = stored == "float16" || stored == "uint16"  ? 2
                             : stored == "uint8" || stored == "bool"    ? 1
                             : stored == "float32" || stored == "int32" ? 4
                                                                        : 0;
      if (element == 0)
        return ParseError(model_json,
                          where + " weight '" + name + "': unsupported dtype '" + stored + "'");
      const size_t size = element * static_cast<size_t>(count);
      if (offset + size > bytes.size())
        return ParseError(model_json, where + " weight '" + name + "': the weight files end at " +
                                          std::to_string(bytes.size()) + " bytes, before it");
      const void* data = bytes.data() + offset;
      torch::Tensor t;
      if (stored == "float32") {
        t = torch::from_blob(const_cast<void*>(data), {count}, torch::kFloat).clone();
      } else if (stored == "int32") {
        t = torch::from_blob(const_cast<void*>(data), {count}, torch::kInt).clone();
      } else if (stored == "float16") {
        t = torch::from_blob(const_cast<void*>(data), {count}, torch::kHalf).to(torch::kFloat);
      } else if (stored == "bool") {
        t = torch::from_blob(const_cast<void*>(data), {count}, torch::kUInt8).to(torch::kBool);
      } else {  // affine-quantised uint8 / uint16
        const auto raw = stored == "uint8"
                             ? torch::from_blob(const_cast<void*>(data), {count}, torch::kUInt8)
                                   .to(torch::kFloat)
                             : torch::from_blob(const_cast<void*>(data), {count}, torch::kInt16)
                                   .to(torch::kInt32)
                                   .bitwise_and(0xffff)
                                   .to(torch::kFloat);
        t = raw * scale + min;
        if (dtype == "int32") t = t.round().to(torch::kInt);
      }
      graph.constants_[name] = t.reshape(shape);
      offset += size;
    }
  }
  return graph;
}

std::vector<int64_t> TfjsGraph::InputShape(const std::string& name) const {
  auto it = nodes_.find(name);
  std::vector<int64_t> shape;
  if (it == nodes_.end() || it->second->op != "Placeholder") return shape;
  const auto& attr = it->second->attr;
  if (!attr.contains("shape") || !attr["shape"].contains("shape")) return shape;
  for (const auto& d : attr["shape"]["shape"].value("dim", nlohmann::json::array()))
    shape.push_back(std::stoll(d.value("size", std::string("-1"))));
  return shape;
}

Result<std::vector<torch::Tensor>> TfjsGraph::Run(const std::map<std::string, torch::Tensor>& feeds,
                                                  const std::vector<std::string>& outputs,
                                                  int64_t* peak_held_bytes) const {
  std::map<std::string, std::vector<Value>> done;
  std::string failing;  // the node being evaluated when libtorch threw

  // How many times each node's results will still be asked for. A result is dropped after its
  // last use: keeping every activation until the end made the detector's peak memory the sum of
  // all its layers' outputs (about 580 MB at 512x512) instead of the few alive at once.
  std::map<std::string, int> uses;
  {
    std::vector<std::string> stack;
    std::set<std::string> seen;
    for (const auto& ref : outputs) {
      ++uses[NodeName(ref)];
      stack.push_back(NodeName(ref));
    }
    while (!stack.empty()) {
      const std::string name = stack.back();
      stack.pop_back();
      auto nit = nodes_.find(name);
      if (!seen.insert(name).second || nit == nodes_.end()) continue;
      for (const auto& input : nit->second->inputs) {
        ++uses[NodeName(input)];
        stack.push_back(NodeName(input));
      }
    }
  }
  int64_t held = 0, peak = 0;
  // Bytes of a node's results that count as held: weights are held by the graph anyway.
  auto bytes = [&](const std::string& name, const std::vector<Value>& values) {
    int64_t n = 0;
    if (nodes_.at(name)->op == "Const") return n;
    for (const auto& v : values) n += v.t.defined() ? v.t.nbytes() : 0;
    return n;
  };
  // Hands out one use of `name`'s results, dropping them after the last.
  auto use = [&](const std::string& name, const std::vector<Value>& out, size_t port) -> Value {
    Value v = out[port];
    if (--uses[name] <= 0) {
      auto it = done.find(name);
      if (it != done.end()) {
        held -= bytes(name, it->second);
        done.erase(it);
      }
    }
    return v;
  };

  // Evaluates `ref` ("name" or "name:k"), depth first.
  std::function<Result<Value>(const std::string&)> eval =
      [&](const std::string& ref) -> Result<Value> {
    const size_t colon = ref.rfind(':');
    const std::string name = colon == std::string::npos ? ref : ref.substr(0, colon);
    size_t port = 0;
    if (colon != std::string::npos) {
      const std::string digits = ref.substr(colon + 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        return Status(StatusCode::kInvalidArgument, path_ + ": bad node reference '" + ref + "'");
      port = std::stoul(digits);
    }
    if (auto it = done.find(name); it != done.end()) {
      if (port >= it->second.size())
        return Status(StatusCode::kInvalidArgument,
                      path_ + ": node '" + name + "' has no output " + std::to_string(port));
      return use(name, it->second, port);
    }
    auto nit = nodes_.find(name);
    if (nit == nodes_.end())
      return Status(StatusCode::kInvalidArgument, path_ + ": no node named '" + name + "'");
    const Node& node = *nit->second;
    std::vector<Value> in;
    for (const auto& input : node.inputs) {
      IMG2CAD_ASSIGN_OR_RETURN(Value v, eval(input));
      in.push_back(v);
    }
    auto unsupported = [&](const std::string& what) {
      return Status(StatusCode::kInvalidArgument,
                    path_ + ": node '" + name + "' (" + node.op + "): " + what);
    };
    std::vector<Value> out;
    failing = name;
    if (node.op == "Const") {
      auto it = constants_.find(name);
      if (it == constants_.end()) return unsupported("a constant without a weight");
      out.push_back({it->second, false});
    } else if (node.op == "Placeholder") {
      auto it = feeds.find(name);
      if (it == feeds.end())
        return Status(StatusCode::kInvalidArgument, path_ + ": no feed for input '" + name + "'");
      const auto& t = it->second;
      out.push_back(t.dim() == 4 ? Value{t.permute({0, 3, 1, 2}).contiguous(), true}
                                 : Value{t, false});
    } else {
      IMG2CAD_ASSIGN_OR_RETURN(out, Apply(node, in, unsupported));
    }
    if (port >= out.size()) return unsupported("no output " + std::to_string(port));
    held += bytes(name, out);
    peak = std::max(peak, held);
    done[name] = out;
    return use(name, out, port);
  };

  std::vector<torch::Tensor> results;
  try {
    torch::NoGradGuard no_grad;
    for (const auto& name : outputs) {
      IMG2CAD_ASSIGN_OR_RETURN(Value v, eval(name));
      results.push_back(v.nchw ? v.t.permute({0, 2, 3, 1}).contiguous() : v.t);
    }
  } catch (const c10::Error& e) {
    return Status(StatusCode::kInternal, path_ + ": node '" + failing +
                                             "': libtorch failed: " + e.what_without_backtrace());
  } catch (const std::exception& e) {  // malformed attributes (nlohmann::json's type errors)
    return Status(StatusCode::kInvalidArgument,
                  path_ + ": node '" + failing + "': bad attributes: " + e.what());
  }
  if (peak_held_bytes) *peak_held_bytes = peak;
  return results;
}

}  // namespace img2cad::nn
