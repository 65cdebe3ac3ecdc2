#include "core/check.h"

#include <cstdio>
#include <cstdlib>

namespace img2cad::core::internal {

CheckFailure::CheckFailure(const char* file, int line, const std::string& condition) {
  stream_ << file << ":" << line << ": CHECK failed: " << condition << " ";
}

CheckFailure::~CheckFailure() {
  // Printed with stdio so the message survives even if iostreams are in a bad state.
  std::fprintf(stderr, "%s\n", stream_.str().c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace img2cad::core::internal
