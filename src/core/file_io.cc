#include "core/file_io.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace img2cad::core {
namespace fs = std::filesystem;

namespace {

std::string TempNameFor(const std::string& final_path) {
  static std::atomic<unsigned> counter{0};
  fs::path p(final_path);
  std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter++);
  return (p.parent_path() / name).string();
}

}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status(StatusCode::kNotFound, "no such file", "", path);
  if (fs::is_directory(path, ec)) {
    return Status(StatusCode::kIo, "is a directory, not a file", "", path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kIo, "cannot open for reading", "", path);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status(StatusCode::kIo, "read failed", "", path);
  return buf.str();
}

Status WriteFileAtomic(const std::string& path, const std::string& contents) {
  const std::string temp = TempNameFor(path);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return Status(StatusCode::kIo, "cannot open for writing", "", path);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temp, ec);
      return Status(StatusCode::kIo, "write failed (disk full?)", "", path);
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    return Status(StatusCode::kIo, "cannot rename temporary file into place", "", path);
  }
  return OkStatus();
}

AtomicOutputs::~AtomicOutputs() {
  std::error_code ec;
  for (const auto& [parent, staging] : staging_dirs_) fs::remove_all(staging, ec);
  if (committed_) return;
  // Deepest first, and only when empty: never delete anything we did not create.
  for (auto it = created_dirs_.rbegin(); it != created_dirs_.rend(); ++it) {
    if (fs::is_empty(*it, ec)) fs::remove(*it, ec);
  }
}

Status AtomicOutputs::CreateDirectory(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return Status(StatusCode::kIo, "exists and is not a directory", "", dir);
    }
    return OkStatus();
  }
  // Remember every level we create so a rollback can remove exactly those.
  std::vector<fs::path> missing;
  for (fs::path p = fs::path(dir); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir, ec);
  if (ec) return Status(StatusCode::kIo, "cannot create directory: " + ec.message(), "", dir);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    created_dirs_.push_back(it->string());
  return OkStatus();
}

std::string AtomicOutputs::StagingDirFor(const std::string& parent) {
  for (const auto& [p, staging] : staging_dirs_) {
    if (p == parent) return staging;
  }
  const std::string staging =
      (fs::path(parent.empty() ? "." : parent) / fs::path(TempNameFor("staging")).filename())
          .string();
  staging_dirs_.push_back({parent, staging});
  return staging;
}

std::string AtomicOutputs::Stage(const std::string& final_path) {
  IMG2CAD_CHECK(!committed_) << "Stage() after Commit()";
  const fs::path final_p(final_path);
  const std::string staging = StagingDirFor(final_p.parent_path().string());
  std::error_code ec;
  fs::create_directories(staging, ec);  // a failure shows up as an unwritable path later
  Entry e{(fs::path(staging) / final_p.filename()).string(), final_path};
  entries_.push_back(e);
  return e.temp;
}

Status AtomicOutputs::Commit() {
  IMG2CAD_CHECK(!committed_) << "Commit() twice";
  std::error_code ec;
  for (const Entry& e : entries_) {
    if (!fs::exists(e.temp, ec)) {
      return Status(StatusCode::kIo, "output was never written", "", e.final_path);
    }
  }
  for (size_t i = 0; i < entries_.size(); ++i) {
    fs::rename(entries_[i].temp, entries_[i].final_path, ec);
    if (ec) {
      Status s(StatusCode::kIo, "cannot rename temporary file into place: " + ec.message(), "",
               entries_[i].final_path);
      for (size_t j = i; j < entries_.size(); ++j) fs::remove(entries_[j].temp, ec);
      committed_ = true;  // what was renamed stays; the rest is gone
      return s;
    }
  }
  committed_ = true;
  for (const auto& [parent, staging] : staging_dirs_) fs::remove_all(staging, ec);
  return OkStatus();
}

std::vector<std::string> AtomicOutputs::FinalPaths() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) out.push_back(e.final_path);
  return out;
}

}  // namespace img2cad::core
