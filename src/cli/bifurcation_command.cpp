// largestep bifurcation --data oned --lambda L [--from 0.8 --to 1.6 --count 161 --steps 4000 --last
// 64]
//
// The long-run behaviour of GD on one-dimensional data as eta crosses eta_loc (paper E5, S7):
// below eta_loc the last iterates sit on w_lambda, above it they oscillate on a 2-cycle (then
// 4, ...) or run off. One CSV row per kept iterate: dataset,lambda,eta,eta_loc,termination,t,w
// and the provenance columns (commit,flavour,compiler,cpu);
// a run that diverged or turned non-finite gets one row with empty t and w. Rows go to the output
// as each run ends: memory holds one run's kept iterates, never the whole table.
#include <fmt/format.h>

#include <memory>

#include "cli_common.h"
#include "largestep/core/experiment.h"
#include "largestep/core/gradient_descent.h"
#include "largestep/core/result_io.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/kernel/output.h"
#include "largestep/reference/certified.h"
#include "progress.h"
#include "run_options.h"

namespace largestep::cli {
namespace {

// What one command may ask for: --count runs, --last kept iterates per run (held in memory until
// the run ends), and at most kMaxRows rows in all (about 150 bytes each: 1.5 GB of CSV).
constexpr std::int64_t kMaxCount = 1'000'000;
constexpr std::int64_t kMaxLast = 1'000'000;
constexpr std::int64_t kMaxRows = 10'000'000;

struct BifurcationArgs {
  std::string data = "oned", out = "-";
  double lambda = 0, from = 0.8, to = 1.6;
  std::int64_t count = 161, steps = 4000, last = 64;
  bool progress = false;
};

void validate(const BifurcationArgs& a) {
  check_positive("--lambda", a.lambda);
  check_positive("--from", a.from);
  check_positive("--to", a.to);
  if (!(a.to >= a.from))
    throw UsageError(fmt::format("--to ({}) must be >= --from ({})", a.to, a.from));
  if (a.last > a.steps + 1)
    throw UsageError(
        fmt::format("--last must be in [1, --steps + 1 = {}], got {}", a.steps + 1, a.last));
  if (a.count > kMaxRows / a.last)
    throw UsageError(fmt::format(
        "--count {} x --last {} = {} rows, more than the {} rows one command may write; lower "
        "--count or --last",
        a.count, a.last, a.count * a.last, kMaxRows));  // both <= 10^6: no overflow
}

int bifurcation_command(const BifurcationArgs& a) {
  validate(a);
  check_output("--out", a.out, dataset_inputs("--data", a.data));
  const ProgressDisplays displays(a.progress);
  const Problem problem = make_problem(displays.make_dataset(a.data), a.lambda);
  if (problem.data.d() != 1)
    throw UsageError(fmt::format("bifurcation needs one-dimensional data (d = 1); {} has d = {}",
                                 problem.data.spec, problem.data.d()));
  const LogisticObjective<double> f(problem.data, a.lambda);
  const double eta_loc = problem.reference.eta_loc;
  std::vector<std::string> columns = {"dataset",     "lambda", "eta", "eta_loc",
                                      "termination", "t",      "w"};
  columns.insert(columns.end(), kProvenanceColumns.begin(), kProvenanceColumns.end());
  OutputFile out(a.out);
  out.write(csv_header(columns));
  Progress progress(static_cast<std::size_t>(a.count), displays.shown());
  for (std::int64_t k = 0; k < a.count; ++k) {
    const double fraction = a.count == 1 ? a.from
                                         : a.from + (a.to - a.from) * static_cast<double>(k) /
                                                        static_cast<double>(a.count - 1);
    SolverOptions options;
    options.eta = fraction * eta_loc;
    options.max_steps = a.steps;
    options.stop_when_settled = false;
    std::vector<std::pair<std::int64_t, double>> kept;
    const auto keep_tail = [&](const TracePoint& p, const Vector<double>& w) {
      if (p.t > a.steps - a.last) kept.emplace_back(p.t, w[0]);
    };
    const SolverResult r = gradient_descent(f, problem.reference.f_star, options, keep_tail);
    nlohmann::json row = {{"dataset", problem.data.spec},
                          {"lambda", a.lambda},
                          {"eta", options.eta},
                          {"eta_loc", eta_loc},
                          {"termination", to_string(r.termination)},
                          {"t", nullptr},
                          {"w", nullptr}};
    add_provenance(row);
    if (r.termination == Termination::max_steps) {
      for (const auto& [t, w] : kept) {
        row["t"] = t;
        row["w"] = w;
        out.write(csv_row(row, columns));
      }
    } else {
      out.write(csv_row(row, columns));  // diverged or non-finite: no iterate is a measurement
    }
    progress.update(static_cast<std::size_t>(k + 1),
                    fmt::format("eta = {:.4g} ({:.3f} eta_loc): {}", options.eta, fraction,
                                to_string(r.termination)));
  }
  progress.finish();
  out.commit();
  return 0;
}

}  // namespace

void add_bifurcation_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<BifurcationArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bifurcation", "GD's last iterates against eta near eta_loc on one-dimensional data (CSV)");
  cmd->add_option("--data", a->data,
                  "A one-dimensional dataset spec (oned[:x=1], or a file with d = 1)")
      ->capture_default_str();
  add_positive_option(*cmd, "--lambda", a->lambda, "Regularization strength lambda > 0")
      ->required();
  add_positive_option(*cmd, "--from", a->from, "Smallest eta, in units of eta_loc")
      ->default_str(fmt::format("{}", a->from));
  add_positive_option(*cmd, "--to", a->to, "Largest eta, in units of eta_loc")
      ->default_str(fmt::format("{}", a->to));
  add_integer_option(*cmd, "--count", a->count, 1, kMaxCount,
                     fmt::format("Number of evenly spaced etas (at most {}; --count x --last at "
                                 "most {} rows)",
                                 kMaxCount, kMaxRows))
      ->default_str(fmt::format("{}", a->count));
  add_integer_option(*cmd, "--steps", a->steps, 1, kMaxSteps, "Steps per run (the horizon)")
      ->default_str(fmt::format("{}", a->steps));
  add_integer_option(*cmd, "--last", a->last, 1, kMaxLast,
                     "Iterates kept per run: w_t for the last LAST steps")
      ->default_str(fmt::format("{}", a->last));
  cmd->add_option("--out", a->out,
                  "Output CSV file ('-': standard output), written as the runs end")
      ->capture_default_str();
  add_progress_flag(*cmd, a->progress);
  cmd->callback([a, &action] { action = [a] { return bifurcation_command(*a); }; });
}

}  // namespace largestep::cli
