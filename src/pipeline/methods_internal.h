// Factories of the registered methods (method.h), one per method file. Internal to pipeline/.
#pragma once

#include <memory>

#include "pipeline/method.h"

namespace img2cad::pipeline::internal {

core::Result<std::unique_ptr<Method>> MakeRetrievalMethod(const MethodConfig& config);
core::Result<std::unique_ptr<Method>> MakeGroundTruthMethod(const MethodConfig& config);
core::Result<std::unique_ptr<Method>> MakeLearnedMethod(const MethodConfig& config);
core::Result<std::unique_ptr<Method>> MakeOracleStructureMethod(const MethodConfig& config);

}  // namespace img2cad::pipeline::internal
