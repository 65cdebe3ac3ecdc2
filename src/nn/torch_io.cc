#include "nn/torch_io_internal.h"

#include <sstream>

#include "core/file_io.h"
#include "core/json_format.h"

namespace img2cad::nn::torch_io {

core::Status SaveModelDir(const std::string& dir, const torch::nn::Module& module,
                          nlohmann::ordered_json card, const std::string& extra_json) {
  std::ostringstream weights;
  try {
    torch::serialize::OutputArchive archive;
    module.save(archive);
    archive.save_to(weights);
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kIo,
                        std::string("cannot serialise: ") + e.what_without_backtrace(), "", dir);
  }
  auto extra = nlohmann::ordered_json::parse(extra_json, nullptr, false);
  if (extra.is_discarded() || !extra.is_object()) {
    return core::Status(core::StatusCode::kInvalidArgument, "model card is not a JSON object");
  }
  for (auto it = extra.begin(); it != extra.end(); ++it) card[it.key()] = it.value();
  core::AtomicOutputs out;
  IMG2CAD_RETURN_IF_ERROR(out.CreateDirectory(dir));
  IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic(out.Stage(dir + "/weights.pt"), weights.str()));
  IMG2CAD_RETURN_IF_ERROR(
      core::WriteFileAtomic(out.Stage(dir + "/model.json"), core::FormatJson(card)));
  return out.Commit();
}

core::Result<nlohmann::json> ReadCard(const std::string& dir) {
  const std::string path = dir + "/model.json";
  IMG2CAD_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return core::Status(core::StatusCode::kParse, "malformed JSON", "", path);
  }
  return j;
}

core::Status LoadWeights(const std::string& dir, torch::nn::Module* module) {
  const std::string path = dir + "/weights.pt";
  IMG2CAD_ASSIGN_OR_RETURN(std::string bytes, core::ReadFile(path));
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    module->load(archive);
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kParse,
                        std::string("cannot load weights: ") + e.what_without_backtrace(), "",
                        path);
  } catch (const std::exception& e) {  // torch's archive parser throws its own errors
    return core::Status(core::StatusCode::kParse, std::string("cannot load weights: ") + e.what(),
                        "", path);
  }
  return core::OkStatus();
}

core::Status SaveCheckpoint(const std::string& path, const torch::nn::Module& module,
                            const torch::optim::AdamW* optimizer, uint64_t seed, int64_t steps) {
  std::ostringstream bytes;
  try {
    torch::serialize::OutputArchive archive, net, optim;
    module.save(net);
    archive.write("net", net);
    archive.write("seed", torch::tensor(static_cast<int64_t>(seed)));
    archive.write("steps", torch::tensor(steps));
    if (optimizer) {
      optimizer->save(optim);
      archive.write("optim", optim);
    }
    archive.save_to(bytes);
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kIo,
                        std::string("cannot serialise: ") + e.what_without_backtrace(), "", path);
  }
  return core::WriteFileAtomic(path, bytes.str());
}

core::Status LoadCheckpoint(const std::string& path, torch::nn::Module* module,
                            const std::vector<torch::Tensor>& trainable,
                            std::unique_ptr<torch::optim::AdamW>* optimizer, double weight_decay,
                            uint64_t* seed, int64_t* steps) {
  IMG2CAD_ASSIGN_OR_RETURN(std::string bytes, core::ReadFile(path));
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive, net, optim;
    archive.load_from(in);
    archive.read("net", net);
    module->load(net);
    torch::Tensor seed_t, steps_t;
    archive.read("seed", seed_t);
    archive.read("steps", steps_t);
    *seed = static_cast<uint64_t>(seed_t.item<int64_t>());
    *steps = steps_t.item<int64_t>();
    if (archive.try_read("optim", optim)) {
      *optimizer = std::make_unique<torch::optim::AdamW>(
          trainable, torch::optim::AdamWOptions(1e-3).weight_decay(weight_decay));
      (*optimizer)->load(optim);
    }
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kParse,
                        std::string("cannot load checkpoint: ") + e.what_without_backtrace(), "",
                        path);
  } catch (const std::exception& e) {
    return core::Status(core::StatusCode::kParse,
                        std::string("cannot load checkpoint: ") + e.what(), "", path);
  }
  return core::OkStatus();
}

}  // namespace img2cad::nn::torch_io
