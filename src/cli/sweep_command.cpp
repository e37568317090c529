// largestep sweep --data SPEC --lambdas L,... (--etas E,... | --rules R,...) [...]
// largestep sweep --suite NAME [...]
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "certificate_args.h"
#include "cli_common.h"
#include "largestep/core/experiment.h"
#include "largestep/core/methods.h"
#include "largestep/core/registry.h"
#include "largestep/core/result_io.h"
#include "largestep/core/suite_runner.h"
#include "largestep/core/task_sharing.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/text.h"
#include "largestep/reference/certified.h"
#include "progress.h"
#include "run_options.h"
#include "suite_command.h"

namespace largestep::cli {
namespace {

struct SweepArgs {
  std::string data, lambdas, etas, rules, solvers = "gd", suite, format = "csv", out = "-";
  bool list_suites = false;
  CommonRunArgs common;
  CertificateArgs certificate;
  std::vector<std::string> given;  // the options given, by name
  bool has(const std::string& option) const {
    return std::find(given.begin(), given.end(), option) != given.end();
  }
};

std::vector<Experiment> jobs_from_flags(const SweepArgs& a) {
  if (a.data.empty()) throw UsageError("give --data SPEC (or --suite NAME)");
  if (a.lambdas.empty()) throw UsageError("give --lambdas L1,L2,...");
  if (a.etas.empty() == a.rules.empty()) throw UsageError("give exactly one of --etas and --rules");
  const SolverOptions options = a.common.solver_options();
  const Precision precision = parse_precision(a.common.scalar);
  std::vector<RunSpec> specs;
  for (const std::string& solver : split_commas(a.solvers)) {
    RunSpec s{parse_solver(solver), std::nullopt, std::nullopt, precision, options};
    if (!a.etas.empty()) {
      for (const double eta : parse_positive_list("--etas", a.etas)) {
        s.eta = eta;
        specs.push_back(s);
      }
    } else {
      for (const std::string& rule : split_commas(a.rules)) {
        s.rule = parse_rule(rule);
        specs.push_back(s);
      }
    }
  }
  std::vector<Experiment> jobs;
  for (const double lambda : parse_positive_list("--lambdas", a.lambdas))
    for (const RunSpec& s : specs) jobs.push_back(make_experiment("", a.data, lambda, s));
  a.common.check_safe_applies(jobs);
  return jobs;
}

// Before anything runs: an eps at or below the rounding floor of any job is refused (exit 2),
// naming the job, rather than reported after the sweep as runs that could never count.
void refuse_eps_below_floor(const std::vector<Experiment>& jobs, ProblemCache& problems) {
  for (const Experiment& job : jobs) {
    try {
      check_eps_above_floor(problems.get(job.dataset, job.lambda), job.spec);
    } catch (const std::invalid_argument& e) {
      throw UsageError(job.name.empty() ? e.what() : fmt::format("{}: {}", job.name, e.what()));
    }
  }
}

// A registry suite through the runner: DIR/runs.json, runs.csv and traces/ (suite_runner.h).
int suite_command(const SweepArgs& a) {
  if (a.has("--data") || a.has("--lambdas") || a.has("--etas") || a.has("--rules") ||
      a.has("--solvers"))
    throw UsageError(
        "--suite runs the registry's experiments: drop --data, --lambdas, --etas, --rules, --solvers");
  if (a.has("--format"))
    throw UsageError("--format does not apply to --suite: a suite writes runs.json and runs.csv to --out DIR");
  Suite suite = find_suite(a.suite);
  if (!a.has("--out") || a.out == "-")
    throw UsageError("--suite writes a directory: give --out DIR (runs.json, runs.csv, traces/)");
  a.common.check_safe_applies(suite.experiments);
  for (Experiment& e : suite.experiments) e = a.common.applied_to(std::move(e));
  run_suite_into(suite, a.out, a.certificate, "sweep");
  return 0;
}

int sweep_command(const SweepArgs& a) {
  if (a.list_suites) {
    if (a.given.size() > 1) throw UsageError("--list-suites takes no other option");
    std::string list;
    for (const Suite& s : suites())
      list +=
          fmt::format("{:14} {:4} experiments  {}\n", s.name, s.experiments.size(), s.description);
    emit("-", list);
    return 0;
  }
  if (a.has("--suite")) return suite_command(a);
  Suite jobs{"", "", jobs_from_flags(a), false};
  check_output("--out", a.out, dataset_inputs("--data", a.data));
  const ProgressDisplays displays(a.certificate.progress);
  ProblemCache problems(displays.reference(), a.certificate.certifier(), displays.data());
  const bool shared = task_sharing() != nullptr;  // then each run checks its own floor
  if (!shared) refuse_eps_below_floor(jobs.experiments, problems);
  Progress progress(jobs.experiments.size(), displays.shown());
  const std::vector<SuiteRun> runs = run_suite(
      jobs, problems,
      [&progress](std::size_t done, std::size_t, const SuiteRun& r) {
        const Experiment& e = r.experiment;
        progress.update(done, fmt::format("{} lambda={:.3g} {} {}: {}", e.dataset, e.lambda,
                                          to_string(e.spec.solver),
                                          r.outcome ? r.outcome->rule : e.method(),
                                          r.outcome ? fmt::format("settled {} ({})",
                                                                  r.outcome->result.settled.str(),
                                                                  to_string(r.outcome->result.termination))
                                                    : "skipped: " + r.skipped));
      },
      displays.run(progress, "sweep: current run", false));
  progress.finish();
  // One process stops at a run that cannot be made (a rule that needs a margin on data not shown
  // separable), as a usage error; shared among processes, the run's row says why, under
  // "skipped", and the others stand.
  std::vector<std::string> columns = kRunColumns;
  bool any_skipped = false;
  for (const SuiteRun& r : runs) {
    if (r.skipped.empty()) continue;
    if (!shared) throw UsageError(r.skipped);
    any_skipped = true;
  }
  if (any_skipped) columns.push_back("skipped");
  nlohmann::json records = nlohmann::json::array();
  std::string csv = csv_header(columns);
  for (const SuiteRun& r : runs) {
    nlohmann::json record = r.record;
    for (const char* suite_only : {"experiment", "method", "trace"}) record.erase(suite_only);
    csv += csv_row(record, columns);
    records.push_back(std::move(record));
  }
  emit(a.out, a.format == "json" ? records.dump(2) + "\n" : csv);
  return 0;
}

}  // namespace

void run_suite_into(const Suite& suite, const std::string& dir, const CertificateArgs& certificate,
                    const std::string& command) {
  prepare_output_dir("--out", dir);
  for (const char* file : {"runs.json", "runs.csv"}) check_output("--out", dir + "/" + file);
  const ProgressDisplays displays(certificate.progress);
  ProblemCache problems(displays.reference(), certificate.certifier(), displays.data());
  // Shared among processes, each run checks its own floor (suite_runner.h).
  if (task_sharing() == nullptr) refuse_eps_below_floor(suite.experiments, problems);
  Progress progress(suite.experiments.size(), displays.shown());
  const std::vector<SuiteRun> runs = run_suite(
      suite, problems,
      [&progress](std::size_t done, std::size_t, const SuiteRun& r) {
        progress.update(done, r.outcome ? fmt::format("{}: settled {} ({})", r.experiment.name,
                                                      r.outcome->result.settled.str(),
                                                      to_string(r.outcome->result.termination))
                                        : fmt::format("{}: skipped ({})", r.experiment.name, r.skipped));
      },
      displays.run(progress, command + ": current run", false));
  progress.finish();
  write_suite_runs(dir, suite, runs);
  fmt::print(stderr, "{}: {} runs of suite '{}' written to {}/runs.json, runs.csv and traces/\n",
             command, runs.size(), suite.name, dir);
}

void add_sweep_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run solvers over lambdas and stepsizes (or a registry suite): one row per run");
  cmd->add_option("--data", a->data, "Dataset spec:\n" + dataset_spec_help());
  cmd->add_option("--lambdas", a->lambdas, "Comma-separated lambdas, e.g. 1e-2,1e-3,1e-4");
  cmd->add_option("--etas", a->etas, "Comma-separated fixed stepsizes");
  cmd->add_option("--rules", a->rules, "Comma-separated stepsize rules:\n" + rules_help());
  cmd->add_option("--solvers", a->solvers, "Comma-separated solvers: " + known_methods(MethodKind::solver))->capture_default_str();
  cmd->add_option("--suite", a->suite, "Run a registry suite instead (see --list-suites)");
  cmd->add_flag("--list-suites", a->list_suites, "List the registry's suites and exit");
  a->common.add_to(*cmd);
  a->certificate.add_to(*cmd);
  cmd->add_option("--format", a->format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--out", a->out,
                  "Output file ('-': standard output); with --suite, the directory for runs.json, "
                  "runs.csv and traces/")
      ->capture_default_str();
  cmd->callback([a, cmd, &action] {
    for (const CLI::Option* option : cmd->get_options())
      if (option->count() > 0) a->given.push_back(option->get_name());
    action = [a] { return sweep_command(*a); };
  });
}

}  // namespace largestep::cli
