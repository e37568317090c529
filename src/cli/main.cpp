// largestep: gradient descent with large stepsizes on l2-regularized logistic regression.
//
// Exit statuses: 0 success; 1 a failure while working (a failed write, a verify claim that fails);
// 2 a usage error (bad option, number, spec, file or output path), found before any work;
// 128 + N when ended by signal N (SIGINT: 130, SIGTERM: 143), after removing partial outputs.
// Under mpirun (ranks.h) a failure that one process meets alone ends the whole job, with a
// message naming that process's rank.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "cli_common.h"
#include "largestep/kernel/dataset.h"
#include "largestep/kernel/environment.h"
#include "largestep/kernel/output.h"
#include "largestep/processes/processes.h"

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
  // Under mpirun (ranks.h): `run` shares its rows (run_command.cpp), every other command its
  // suites' runs.
  if (app.get_subcommand("run")->parsed() == false) share_runs();
  return action();
}

// A failure: reported once, by rank 0 when every process meets it (before they work together),
// else by the process that met it, which then ends the whole job.
int fail(int code, const std::string& message) {
  using namespace largestep;
  if (processes_working_together()) abort_processes(code, message);
  fmt::print(stderr, "largestep: {}\n", message);
  return finish_processes(code);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace largestep;
  install_interrupt_cleanup();
  try {
    start_processes(argc, argv);
  } catch (const std::exception& e) {
    return fail(2, fmt::format("error: {}", e.what()));
  }
  try {
    const int code = run(argc, argv);
    finish_standard_output();  // text printed by CLI11 or stdio: its loss is a failure too
    return finish_processes(code);
  } catch (const cli::UsageError& e) {
    return fail(2, fmt::format("error: {}", e.what()));
  } catch (const DataError& e) {
    return fail(2, fmt::format("error: {}", e.what()));
  } catch (const std::invalid_argument& e) {  // OutputPathError included
    return fail(2, fmt::format("error: {}", e.what()));
  } catch (const std::exception& e) {  // OutputError included: the path and the reason
    return fail(1, fmt::format("failed: {}", e.what()));
  }
}
