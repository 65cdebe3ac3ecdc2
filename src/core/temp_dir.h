// A scratch folder for tests and tools: created fresh and empty, removed with its contents when
// the object goes away. Names are unique per process and object, so parallel test runs and
// concurrent ctest invocations never share one.
#pragma once

#include <filesystem>
#include <string>

namespace img2cad::core {

class TempDir {
 public:
  // Creates <system temp>/img2cad_<tag>_<pid>_<counter>. CHECK-fails if it cannot be created.
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace img2cad::core
