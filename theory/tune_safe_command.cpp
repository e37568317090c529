// largestep tune-safe [--suite safe-train] [--out DIR] [--top N] [--progress]
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "arena.h"
#include "cli/certificate_args.h"
#include "cli/cli_common.h"
#include "cli/progress.h"
#include "cli/suite_command.h"
#include "largestep/core/registry.h"
#include "largestep/core/result_io.h"
#include "largestep/core/suite_runner.h"
#include "safe_tuning.h"

namespace largestep::cli {
namespace {

struct TuneArgs {
  std::string suite = "safe-train", out = "out/tune-safe";
  std::int64_t top = 15;
  CertificateArgs certificate;
};

// The suite's methods other than safe run once (DIR/runs.json); then safe with every setting of
// the grid on each cell, each setting ranked by safe_standing over all the suite's cells.
int tune_safe_command(const TuneArgs& a) {
  const Suite& suite = find_suite(a.suite);
  Suite others{suite.name, suite.description, {}, false};
  std::vector<Experiment> templates;
  for (const Experiment& e : suite.experiments)
    (e.spec.solver == SolverKind::safe ? templates : others.experiments).push_back(e);
  if (templates.empty() || others.experiments.empty())
    throw UsageError(fmt::format("--suite {}: needs runs of safe and of other methods to rank "
                                 "safe's settings against (safe-train, arena-quick, arena)",
                                 a.suite));
  prepare_output_dir("--out", a.out);
  for (const char* file : {"tune.md", "tune.json"}) check_output("--out", a.out + "/" + file);
  run_suite_into(others, a.out, a.certificate, "tune-safe");
  const std::string runs_path = a.out + "/runs.json";
  const nlohmann::json baseline = read_json_file(runs_path);

  const ProgressDisplays displays(a.certificate.progress);
  ProblemCache problems(displays.reference(), a.certificate.certifier(), displays.data());
  const std::vector<SafeSettings> grid = theory::safe_grid();
  Progress progress(grid.size(), displays.shown());
  std::vector<theory::SafeTrial> trials;
  for (const SafeSettings& settings : grid) {
    nlohmann::json doc = baseline;
    for (Experiment e : templates) {
      e.spec.options.safe = settings;
      const SuiteRun run{e, largestep::run(e, problems), "", "", {}};
      doc["runs"].push_back(suite_run_record(run, problems));
    }
    const theory::ArenaTable table = theory::arena_table(doc, runs_path);
    trials.push_back({settings, theory::safe_standing(table, [](const theory::ArenaCell&) { return true; })});
    const theory::SafeStanding& s = trials.back().standing;
    progress.update(trials.size(),
                    fmt::format("{}: {} failed, {} of {} within 2x, {} of {} <= best no-oracle",
                                settings.str(), s.failures, s.within_twice, s.cells,
                                s.no_oracle_wins, s.cells));
  }
  progress.finish();
  std::stable_sort(trials.begin(), trials.end(), theory::ranks_before);
  const std::string markdown = fmt::format(
      "## Settings of the solver safe on suite {} ({} settings, {} cells)\n\nRanked by: fewer "
      "failures, more cells within 2x of the best method, more cells at or below the best "
      "no-oracle method (silver, adgd, armijo), then the geometric mean of safe / best "
      "no-oracle. The baseline runs are in runs.json.\n\n{}",
      suite.name, grid.size(), templates.size(),
      theory::tuning_markdown(trials, static_cast<std::size_t>(a.top)));
  emit(a.out + "/tune.json",
       nlohmann::json{{"suite", suite.name}, {"trials", theory::tuning_json(trials)}}.dump(1) + "\n");
  emit(a.out + "/tune.md", markdown);
  emit("-", markdown);
  return 0;
}

}  // namespace

void add_tune_safe_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<TuneArgs>();
  CLI::App* cmd = app.add_subcommand(
      "tune-safe",
      "Choose the settings of the solver safe: every setting of a fixed grid (192) on the\n"
      "cells of a suite, ranked against the suite's other methods (DIR/runs.json, tune.md,\n"
      "tune.json; the ranking on stdout)");
  cmd->add_option("--suite", a->suite, "The registry suite to tune on")->capture_default_str();
  cmd->add_option("--out", a->out, "Directory for the runs and the ranking")->capture_default_str();
  add_integer_option(*cmd, "--top", a->top, 1, 1000, "Settings shown in tune.md")
      ->default_str(fmt::format("{}", a->top));
  a->certificate.add_to(*cmd);
  cmd->callback([a, &action] { action = [a] { return tune_safe_command(*a); }; });
}

}  // namespace largestep::cli
