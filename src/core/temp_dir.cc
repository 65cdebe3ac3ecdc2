#include "core/temp_dir.h"

#include <unistd.h>

#include <atomic>

#include "core/check.h"

namespace img2cad::core {

TempDir::TempDir(const std::string& tag) {
  static std::atomic<unsigned> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("img2cad_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  std::filesystem::create_directories(path_, ec);
  IMG2CAD_CHECK(!ec) << "cannot create " << path_.string() << ": " << ec.message();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace img2cad::core
