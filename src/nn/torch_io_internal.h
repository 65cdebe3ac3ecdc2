// Saving and loading libtorch modules the way every img2cad model does it: weights.pt plus a
// model.json card written together (atomically), and training checkpoints that carry the
// optimiser state, seed and step count so that a killed run resumes exactly. Internal to nn/: it
// includes libtorch.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace img2cad::nn::torch_io {

// Writes DIR/weights.pt (the module's parameters and buffers) and DIR/model.json (`card`, with
// the object `extra_json` merged in) as one atomic group. Errors: kInvalidArgument when
// `extra_json` is not a JSON object; kIo naming the path.
core::Status SaveModelDir(const std::string& dir, const torch::nn::Module& module,
                          nlohmann::ordered_json card, const std::string& extra_json);

// Reads DIR/model.json as JSON. Errors: kNotFound, kIo, kParse ("malformed JSON") naming it.
core::Result<nlohmann::json> ReadCard(const std::string& dir);

// Loads DIR/weights.pt into `module`, whose layout must match. Errors: kNotFound, kParse
// naming the file.
core::Status LoadWeights(const std::string& dir, torch::nn::Module* module);

// A training checkpoint at `path`: weights, AdamW state (when it exists), seed and steps.
core::Status SaveCheckpoint(const std::string& path, const torch::nn::Module& module,
                            const torch::optim::AdamW* optimizer, uint64_t seed, int64_t steps);
// Restores one; creates `*optimizer` over `trainable` (the parameters the run optimises: all of
// the module's, or a part when the rest is frozen; weight decay `weight_decay`) when the file has
// its state. Errors: kNotFound, kParse naming the file (another configuration's checkpoint
// included).
core::Status LoadCheckpoint(const std::string& path, torch::nn::Module* module,
                            const std::vector<torch::Tensor>& trainable,
                            std::unique_ptr<torch::optim::AdamW>* optimizer, double weight_decay,
                            uint64_t* seed, int64_t* steps);

}  // namespace img2cad::nn::torch_io
