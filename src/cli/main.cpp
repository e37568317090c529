// largestep: gradient descent with large stepsizes on l2-regularized logistic regression.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <stdexcept>

#include "cli_common.h"
#include "largestep/kernel/dataset.h"

int main(int argc, char** argv) {
  using namespace largestep;
  CLI::App app{
      "largestep: gradient descent with large stepsizes for l2-regularized logistic regression.\n"
      "Measures steps and time to a target accuracy, and checks them against the paper's bounds."};
  app.require_subcommand(1);
  cli::Action action;
  cli::add_data_command(app, action);
  cli::add_run_command(app, action);
  cli::add_sweep_command(app, action);
  cli::add_reference_command(app, action);
  cli::add_verify_command(app, action);
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
    if (!found) {
      fmt::print(stderr, "largestep: error: unknown command '{}' (known: {}; see --help)\n", argv[1], known);
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
    return action();
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const cli::UsageError& e) {
    fmt::print(stderr, "largestep: error: {}\n", e.what());
    return 2;
  } catch (const DataError& e) {
    fmt::print(stderr, "largestep: error: {}\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "largestep: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "largestep: failed: {}\n", e.what());
    return 1;
  }
}
