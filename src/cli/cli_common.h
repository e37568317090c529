// What the subcommands of `largestep` share: registration, usage errors, number lists, output.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

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
void add_bifurcation_command(CLI::App& app, Action& action);
void add_score_command(CLI::App& app, Action& action);
void add_methods_command(CLI::App& app, Action& action);

// "1e-2,1e-3" -> {0.01, 0.001}; every value a positive finite number, else a UsageError naming
// the option and the value.
std::vector<double> parse_positive_list(const std::string& option, const std::string& text);
double check_positive(const std::string& option, double value);

// Writes `content` to `path` atomically, or to standard output when path is "-" or empty.
void emit(const std::string& path, const std::string& content);

// A one-line progress display on stderr, rewritten in place when stderr is a terminal.
class Progress {
 public:
  explicit Progress(std::size_t total) : total_(total) {}
  void update(std::size_t done, const std::string& what);
  void finish();

 private:
  std::size_t total_;
};

}  // namespace largestep::cli
