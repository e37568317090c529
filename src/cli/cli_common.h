// What the subcommands of `largestep` share: registration, usage errors, outputs (the progress
// display: progress.h).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "numbers.h"

namespace largestep::cli {

// A problem with what the user asked for: printed as one line, exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Each subcommand registers itself and sets `action` to what it does when chosen; the action
// returns the exit code.
using Action = std::function<int()>;
void add_data_command(CLI::App& app, Action& action);
void add_run_command(CLI::App& app, Action& action);
void add_sweep_command(CLI::App& app, Action& action);
void add_reference_command(CLI::App& app, Action& action);
void add_verify_command(CLI::App& app, Action& action);
void add_arena_command(CLI::App& app, Action& action);
void add_tune_safe_command(CLI::App& app, Action& action);
void add_bifurcation_command(CLI::App& app, Action& action);
void add_score_command(CLI::App& app, Action& action);
void add_methods_command(CLI::App& app, Action& action);

// A file the command reads, as the user named it: {"--data libsvm:F", "F"}.
struct Input {
  std::string option;
  std::string path;
};

// The files the dataset spec `spec` (given to `option`) reads: the file of libsvm: and csv:, the
// bundled file of a real dataset; none for generated data. Malformed specs are DataErrors.
std::vector<Input> dataset_inputs(const std::string& option, const std::string& spec);

// Before any work: `path` (given to `option`; "-" is standard output) can be written (output.h's
// check_output_path) and is none of `inputs` (same device and inode). A UsageError naming the
// option, the path and, for an input, the option that reads it.
void check_output(const std::string& option, const std::string& path,
                  const std::vector<Input>& inputs = {});

// A directory output (--out DIR of suites and verify): DIR and its missing parents are created
// now, before any work, so a path that cannot become a writable directory is a UsageError at once.
void prepare_output_dir(const std::string& option, const std::string& dir);

// Writes `content` to `path` ("-": standard output) through the one output function (output.h).
void emit(const std::string& path, const std::string& content);

}  // namespace largestep::cli
