#include <cstdio>
#include <iostream>
#include <iterator>

#include "apps/commands.h"
#include "program/json_io.h"

namespace img2cad::apps {

namespace {
bool quiet_flag = false;
}  // namespace

void SetQuiet(bool quiet) { quiet_flag = quiet; }
bool Quiet() { return quiet_flag; }

int Fail(const core::Status& s) {
  std::fprintf(stderr, "img2cad: error: %s\n", s.ToString().c_str());
  return kExitFailure;
}

core::Result<program::Program> LoadProgram(const std::string& path) {
  if (path != "-") return program::ReadProgramFile(path);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return program::ParseProgram(text, "<stdin>");
}

}  // namespace img2cad::apps
