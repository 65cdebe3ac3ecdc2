// The `img2cad train ...` subcommands' command line: their options and how each runs
// (apps/commands.h's RunTrain* functions). main.cc adds them beside the other commands.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

#include "apps/commands.h"

namespace img2cad::apps {

// Adds `train` and its subcommands (structure, assembler, category-probe, mask-refiner) to the
// app it is made with. The options bind to these fields, so it must outlive the parse and not
// move.
struct TrainCommands {
  // `threads_option` adds the process-wide --threads option to a subcommand.
  TrainCommands(CLI::App& app, const std::function<void(CLI::App*)>& threads_option);
  TrainCommands(const TrainCommands&) = delete;
  TrainCommands& operator=(const TrainCommands&) = delete;

  // After parsing: the exit code of the train subcommand that ran, or nullopt when the command
  // line chose none. Checks what the options' own validators cannot (kExitUsage). Each model card
  // records `command_line`.
  std::optional<int> Run(const std::string& command_line);

  nn::TrainStructureOptions train_structure;
  nn::TrainAssemblerOptions train_assembler;
  std::string assembler_head = "gmflow";
  pipeline::TrainCategoryProbeOptions train_probe;
  pipeline::TrainMaskRefinerOptions train_refiner;
  CLI::App* train_structure_cmd = nullptr;
  CLI::App* train_assembler_cmd = nullptr;
  CLI::App* train_probe_cmd = nullptr;
  CLI::App* train_refiner_cmd = nullptr;
};

}  // namespace img2cad::apps
