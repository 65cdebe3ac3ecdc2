#include "core/model_locator.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace img2cad::core {

namespace fs = std::filesystem;

namespace {

std::mutex g_mutex;
std::string g_root;  // guarded by g_mutex

std::string ExecutableDir() {
  char exe[4096];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return "";
  exe[n] = '\0';
  return fs::path(exe).parent_path().string();
}

}  // namespace

void SetModelsRoot(const std::string& root) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_root = root;
}

std::vector<std::string> ModelRootCandidates() {
  std::vector<std::string> out;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_root.empty()) return {g_root};  // an explicit root is the only one tried
  }
  if (const char* env = std::getenv("IMG2CAD_MODELS"); env && *env) out.push_back(env);
  if (const std::string dir = ExecutableDir(); !dir.empty()) {
    out.push_back((fs::path(dir) / ".." / "models").lexically_normal().string());
    out.push_back((fs::path(dir) / "models").string());
  }
  out.push_back("models");
  return out;
}

Result<std::string> FindModelFile(const std::string& name, const std::string& file) {
  const std::vector<std::string> roots = ModelRootCandidates();
  std::string tried;
  for (const auto& root : roots) {
    const fs::path p = fs::path(root) / name / file;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return fs::weakly_canonical(p, ec).string();
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  return Status(StatusCode::kNotFound, "model file " + name + "/" + file +
                                           " not found (looked in " + tried +
                                           "; set --models or IMG2CAD_MODELS)");
}

}  // namespace img2cad::core
