// largestep sweep --data SPEC --lambdas L,... (--etas E,... | --rules R,...) [...]
// largestep sweep --suite NAME [...]
#include <fmt/format.h>
#include <map>
#include <memory>

#include "cli_common.h"
#include "largestep/dataset_spec.h"
#include "largestep/experiment.h"
#include "largestep/registry.h"
#include "largestep/result_io.h"
#include "largestep/text.h"
#include "theory/reference_mp.h"
#include "run_options.h"

namespace largestep::cli {
namespace {

struct SweepArgs {
  std::string data, lambdas, etas, rules, solvers = "gd", suite, format = "csv", out = "-";
  bool list_suites = false;
  CommonRunArgs common;
};

// One row to run: a problem key and a run spec (plus the registry name, for suites).
struct Job {
  std::string experiment, dataset;
  double lambda;
  RunSpec spec;
};

std::vector<Job> jobs_from_flags(const SweepArgs& a) {
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
  std::vector<Job> jobs;
  for (const double lambda : parse_positive_list("--lambdas", a.lambdas))
    for (const RunSpec& s : specs) jobs.push_back({"", a.data, lambda, s});
  return jobs;
}

std::vector<Job> jobs_from_suite(const SweepArgs& a) {
  if (!a.data.empty() || !a.lambdas.empty() || !a.etas.empty() || !a.rules.empty())
    throw UsageError("--suite runs the registry's experiments: drop --data, --lambdas, --etas, --rules");
  const Precision precision = parse_precision(a.common.scalar);
  SolverOptions base = a.common.solver_options();
  std::vector<Job> jobs;
  for (const Experiment& e : find_suite(a.suite).experiments) {
    SolverOptions options = base;
    options.eps = e.eps;
    options.max_steps = e.horizon;
    jobs.push_back({e.name, e.dataset, e.lambda,
                    RunSpec{parse_solver(e.solver), parse_rule(e.rule), std::nullopt, precision, options}});
  }
  return jobs;
}

int sweep_command(const SweepArgs& a) {
  if (a.list_suites) {
    for (const Suite& s : suites())
      fmt::print("{:8} {:4} experiments  {}\n", s.name, s.experiments.size(), s.description);
    return 0;
  }
  const std::vector<Job> jobs = a.suite.empty() ? jobs_from_flags(a) : jobs_from_suite(a);
  std::vector<std::string> columns = kRunColumns;
  if (!a.suite.empty()) columns.insert(columns.begin(), "experiment");

  std::map<std::pair<std::string, double>, Problem> problems;  // each reference solved once
  nlohmann::json records = nlohmann::json::array();
  std::string csv = csv_header(columns);
  Progress progress(jobs.size());
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const Job& job = jobs[k];
    const auto key = std::make_pair(job.dataset, job.lambda);
    auto it = problems.find(key);
    if (it == problems.end())
      it = problems.emplace(key, make_problem(make_dataset(job.dataset), job.lambda, theory::certified_reference)).first;
    const RunOutcome outcome = run(it->second, job.spec);
    nlohmann::json record = run_record(it->second, job.spec, outcome);
    if (!job.experiment.empty()) record["experiment"] = job.experiment;
    csv += csv_row(record, columns);
    records.push_back(record);
    progress.update(k + 1, fmt::format("{} lambda={:.3g} {} {}: settled {} ({})", job.dataset,
                                       job.lambda, to_string(job.spec.solver), outcome.rule,
                                       outcome.result.settled.str(),
                                       to_string(outcome.result.termination)));
  }
  progress.finish();
  emit(a.out, a.format == "json" ? records.dump(2) + "\n" : csv);
  return 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run solvers over lambdas and stepsizes (or a registry suite): one row per run");
  cmd->add_option("--data", a->data, "Dataset spec:\n" + dataset_spec_help());
  cmd->add_option("--lambdas", a->lambdas, "Comma-separated lambdas, e.g. 1e-2,1e-3,1e-4");
  cmd->add_option("--etas", a->etas, "Comma-separated fixed stepsizes");
  cmd->add_option("--rules", a->rules, "Comma-separated stepsize rules:\n" + rules_help());
  cmd->add_option("--solvers", a->solvers, "Comma-separated solvers: gd, nesterov")->capture_default_str();
  cmd->add_option("--suite", a->suite, "Run a registry suite instead (see --list-suites)");
  cmd->add_flag("--list-suites", a->list_suites, "List the registry's suites and exit");
  a->common.add_to(*cmd);
  cmd->add_option("--format", a->format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Output file ('-': standard output)")->capture_default_str();
  cmd->callback([a, &action] { action = [a] { return sweep_command(*a); }; });
}

}  // namespace largestep::cli
