// Runs the img2cad binary under test (IMG2CAD_BINARY) and captures what it prints.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/file_io.h"

namespace img2cad::testing {

struct CliResult {
  int code = -1;  // exit code; -1 when the process did not exit normally
  std::string out, err;
};

// `args` use shell syntax (redirections allowed); stdout and stderr go through files in
// `scratch`, which must exist.
inline CliResult RunImg2cad(const std::string& args, const std::filesystem::path& scratch) {
  const std::string out = (scratch / "stdout").string(), err = (scratch / "stderr").string();
  const int status =
      std::system((std::string(IMG2CAD_BINARY) + " " + args + " >" + out + " 2>" + err).c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = core::ReadFile(out).value();
  r.err = core::ReadFile(err).value();
  return r;
}

}  // namespace img2cad::testing
