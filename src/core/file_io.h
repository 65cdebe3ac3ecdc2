// File input and atomic output.
//
// Every file img2cad writes goes to a temporary name in the destination directory and is renamed
// into place only once complete, so a crash or a failed build never leaves a half-written file
// (DESIGN §5). AtomicOutputs extends this to a set of files that appear together or not at all.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace img2cad::core {

// Reads a whole file. Errors: kNotFound when it does not exist, kIo when it cannot be read
// (a directory, no permission). The Status names the file.
Result<std::string> ReadFile(const std::string& path);

// Writes `contents` to `path` through a temporary file in the same directory and a rename.
// Errors: kIo, naming the file. On error nothing is left at `path` or at the temporary name.
Status WriteFileAtomic(const std::string& path, const std::string& contents);

// A group of output files committed together.
//
//   AtomicOutputs out;
//   IMG2CAD_RETURN_IF_ERROR(out.CreateDirectory("out/chair"));
//   std::string tmp = out.Stage("out/chair/model.step");  // write to tmp with any writer
//   ... write tmp; on any error just return: the destructor removes every staged file
//   IMG2CAD_RETURN_IF_ERROR(out.Commit());              // renames every staged file into place
//
// Directories created by CreateDirectory are removed again if the group is never committed and
// they are empty.
class AtomicOutputs {
 public:
  AtomicOutputs() = default;
  AtomicOutputs(const AtomicOutputs&) = delete;
  AtomicOutputs& operator=(const AtomicOutputs&) = delete;
  ~AtomicOutputs();

  // Creates `dir` and any missing parents. Errors: kIo when it cannot be created or exists as a
  // non-directory.
  Status CreateDirectory(const std::string& dir);

  // Returns the temporary path to write `final_path`'s contents to: a file with the same name in
  // a hidden staging directory beside it (same file system, so the final rename is atomic).
  // Writers that derive side files from the name (an OBJ's .mtl) therefore get the final names.
  std::string Stage(const std::string& final_path);

  // Renames every staged temporary to its final path. A staged file that was never written is
  // an error (kIo). After a failed Commit the files already renamed stay; the rest are removed.
  Status Commit();

  // The final paths staged so far, in order.
  std::vector<std::string> FinalPaths() const;

 private:
  struct Entry {
    std::string temp;
    std::string final_path;
  };
  // The staging directory inside `parent`, created on first use.
  std::string StagingDirFor(const std::string& parent);

  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, std::string>> staging_dirs_;  // parent -> staging dir
  std::vector<std::string> created_dirs_;
  bool committed_ = false;
};

}  // namespace img2cad::core
