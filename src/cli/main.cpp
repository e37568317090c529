// largestep: gradient descent with large stepsizes on l2-regularized logistic regression.
//
// Exit statuses: 0 success; 1 a failure while working (a failed write, a verify claim that fails);
// 2 a usage error (bad option, number, spec, file or output path), found before any work;
// 128 + N when ended by signal N (SIGINT: 130, SIGTERM: 143), after removing partial outputs.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "cli_common.h"
#include "largestep/kernel/dataset.h"
#include "largestep/kernel/environment.h"
#include "largestep/kernel/output.h"

#ifndef LARGESTEP_VERSION
#define LARGESTEP_VERSION "unknown"
#endif

namespace {

int usage_error(const std::string& message) {
  fmt::print(stderr, "largestep: error: {}\n", message);
  return 2;
}

int run(int argc, char** argv) {
  using namespace largestep;
  CLI::App app{
      "largestep: gradient descent with large stepsizes for l2-regularized logistic regression.\n"
      "Measures steps and time to a target accuracy, and checks them against the paper's bounds."};
  app.require_subcommand(1);
  // Lazily: the commit comes from git, which only --version needs to run.
  app.set_version_flag("--version", [] {
    return fmt::format("largestep {} (commit {})", LARGESTEP_VERSION, current_environment().commit);
  });
  cli::Action action;
  cli::add_data_command(app, action);
  cli::add_run_command(app, action);
  cli::add_sweep_command(app, action);
  cli::add_reference_command(app, action);
  cli::add_verify_command(app, action);
  cli::add_arena_command(app, action);
  cli::add_tune_safe_command(app, action);
  cli::add_bifurcation_command(app, action);
  cli::add_score_command(app, action);
  cli::add_methods_command(app, action);
  // CLI11 would only say "A subcommand is required" for a misspelled command.
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      found = found || sub->get_name() == argv[1];
      known += (known.empty() ? "" : ", ") + sub->get_name();
    }
    if (!found)
      return usage_error(
          fmt::format("unknown command '{}' (known: {}; see --help)", argv[1], known));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) return usage_error(fmt::format("{} (see --help)", e.what()));
    std::ostringstream text;  // --help, --version: through the output function, checked
    app.exit(e, text);
    cli::emit("-", text.str());
    return 0;
  }
  return action();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace largestep;
  install_interrupt_cleanup();
  try {
    const int code = run(argc, argv);
    finish_standard_output();  // text printed by CLI11 or stdio: its loss is a failure too
    return code;
  } catch (const cli::UsageError& e) {
    return usage_error(e.what());
  } catch (const DataError& e) {
    return usage_error(e.what());
  } catch (const std::invalid_argument& e) {  // OutputPathError included
    return usage_error(e.what());
  } catch (const std::exception& e) {  // OutputError included: the path and the reason
    fmt::print(stderr, "largestep: failed: {}\n", e.what());
    return 1;
  }
}
