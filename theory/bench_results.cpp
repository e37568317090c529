#include "bench_results.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>

#include "claims_sweep.h"
#include "largestep/data/dataset_spec.h"

namespace largestep::theory {
namespace {

// eta as written by Google Benchmark (17 significant digits) reads back exactly; 1e-12 leaves room
// for a file written by another tool with fewer digits, and none for a different rule.
constexpr double kEtaTolerance = 1e-12;

const Experiment* find_experiment(const Suite& suite, const std::string& name) {
  for (const Experiment& e : suite.experiments)
    if (e.name == name) return &e;
  return nullptr;
}

// The file being read and where in it: every error names both.
struct Where {
  const std::string& source;
  std::string entry;  // "benchmarks[3]" or "benchmark 'quick/...'"

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw std::invalid_argument(fmt::format("{}: {}: '{}' {}", source, entry, field, problem));
  }
};

std::optional<std::string> optional_string(const nlohmann::json& entry, const char* field,
                                           const Where& where) {
  const auto it = entry.find(field);
  if (it == entry.end()) return std::nullopt;
  if (!it->is_string()) where.fail(field, fmt::format("must be a string, got {}", it->dump()));
  return it->get<std::string>();
}

double number(const nlohmann::json& entry, const char* field, const Where& where) {
  const auto it = entry.find(field);
  if (it == entry.end()) where.fail(field, "is missing (not a bench_time_to_eps counter file?)");
  if (!it->is_number() || !std::isfinite(it->get<double>()))
    where.fail(field, fmt::format("must be a finite number, got {}", it->dump()));
  return it->get<double>();
}

// A step count: a positive integer (w_0 is never within eps of f*: its gap is ln 2 - f*).
std::int64_t count(const nlohmann::json& entry, const char* field, std::int64_t horizon,
                   const Where& where) {
  const double v = number(entry, field, where);
  if (!(v >= 1) || v != std::floor(v))
    where.fail(field, fmt::format("must be a positive integer, got {}", entry.at(field).dump()));
  if (v > static_cast<double>(horizon) + 1)
    where.fail(field, fmt::format("= {} exceeds the experiment's horizon {} + 1", v, horizon));
  return static_cast<std::int64_t>(v);
}

bool flag(const nlohmann::json& entry, const char* field, const Where& where) {
  const double v = number(entry, field, where);
  if (v != 0 && v != 1) where.fail(field, fmt::format("must be 0 or 1, got {}", v));
  return v == 1;
}

// What one benchmark claims, read and checked field by field.
struct Counters {
  bool errored = false;
  std::int64_t steps = 0;
  bool horizon_hit = true;
  double eta = 0, final_gap = 0, gap_bound = 0;

  bool operator==(const Counters&) const = default;
};

Counters read_counters(const nlohmann::json& entry, const Experiment& e, const Where& where) {
  Counters c;
  const auto errored = entry.find("error_occurred");
  if (errored != entry.end()) {
    if (!errored->is_boolean())
      where.fail("error_occurred", fmt::format("must be true or false, got {}", errored->dump()));
    c.errored = errored->get<bool>();
  }
  if (c.errored) return c;  // a skipped run (diverged, or no margin) carries no counters
  const std::int64_t horizon = e.spec.options.max_steps;
  c.steps = count(entry, "steps", horizon, where);
  if (entry.contains("first_hit")) count(entry, "first_hit", horizon, where);
  c.horizon_hit = flag(entry, "horizon_hit", where);
  c.eta = number(entry, "eta", where);
  if (!(c.eta > 0)) where.fail("eta", fmt::format("must be positive, got {}", c.eta));
  c.final_gap = number(entry, "final_gap", where);
  // Files written before gaps carried their error bound have none: the gap is taken as exact.
  if (entry.contains("gap_bound")) {
    c.gap_bound = number(entry, "gap_bound", where);
    if (c.gap_bound < 0) where.fail("gap_bound", fmt::format("must be >= 0, got {}", c.gap_bound));
  }
  if (entry.contains("floor_reached") && flag(entry, "floor_reached", where)) c.horizon_hit = true;
  return c;
}

// The eta the experiment's rule gives on the certified problem: one value, or for `best` any
// point of its grid. Fails naming the benchmark when the file's eta is neither.
void check_eta(const Experiment& e, const Problem& problem, double eta, const Where& where) {
  const auto close = [eta](double want) {
    return std::abs(eta - want) <= kEtaTolerance * std::abs(want);
  };
  const RuleContext context = problem.rule_context();
  std::string expected;
  if (e.spec.eta) {
    if (close(*e.spec.eta)) return;
    expected = fmt::format("the fixed eta {:.17g}", *e.spec.eta);
  } else if (e.spec.rule->kind == RuleKind::best) {
    const std::vector<double> grid = best_grid(context);
    if (std::any_of(grid.begin(), grid.end(), close)) return;
    expected =
        fmt::format("a point of rule best's grid [{:.6g} .. {:.6g}]", grid.front(), grid.back());
  } else {
    const double want = rule_eta(*e.spec.rule, context);
    if (close(want)) return;
    expected = fmt::format("rule {}'s eta {:.17g}", e.spec.rule->str(), want);
  }
  where.fail("eta", fmt::format("= {:.17g} is not {} (relative tolerance {:g})", eta, expected,
                                kEtaTolerance));
}

struct Entry {
  const Experiment* experiment;
  Counters counters;
};

// Every claim benchmark of the file by name, once: repetitions must repeat the same counters.
std::map<std::string, std::map<std::string, Entry>> read_entries(const nlohmann::json& results,
                                                                 const std::string& source) {
  if (!results.is_object() || !results.contains("benchmarks") || !results["benchmarks"].is_array())
    throw std::invalid_argument(
        fmt::format("{}: not a Google Benchmark JSON file: 'benchmarks' must be an array", source));
  std::map<std::string, std::map<std::string, Entry>> by_suite;  // suite -> name -> entry
  const nlohmann::json& benchmarks = results["benchmarks"];
  for (std::size_t k = 0; k < benchmarks.size(); ++k) {
    const nlohmann::json& entry = benchmarks[k];
    Where where{source, fmt::format("benchmarks[{}]", k)};
    if (!entry.is_object())
      throw std::invalid_argument(
          fmt::format("{}: {} must be an object, got {}", source, where.entry, entry.dump()));
    const std::optional<std::string> run_type = optional_string(entry, "run_type", where);
    if (run_type && *run_type != "iteration") continue;  // mean, median, stddev, cv aggregates
    std::optional<std::string> name = optional_string(entry, "run_name", where);
    if (!name) name = optional_string(entry, "name", where);
    if (!name) where.fail("name", "is missing");
    if (name->ends_with("/real_time")) name->resize(name->size() - 10);
    if (!name->ends_with("/double")) continue;  // the claims are judged on double counts
    const std::size_t slash = name->find('/');
    const std::string suite = name->substr(0, slash);
    // Only the claim suites ("quick", "paper") have claims to check; figure runs are skipped.
    if (std::find(std::begin(kSuiteSizes), std::end(kSuiteSizes), suite) == std::end(kSuiteSizes))
      continue;
    const Experiment* e =
        find_experiment(find_suite(suite), name->substr(slash + 1, name->size() - slash - 1 - 7));
    if (!e) continue;  // bench-only extras (e.g. the eta_loc fraction) have no claim here
    where.entry = fmt::format("benchmark '{}'", *name);
    const Counters counters = read_counters(entry, *e, where);
    auto [it, added] = by_suite[suite].try_emplace(*name, Entry{e, counters});
    const Counters& first = it->second.counters;
    if (!added && !(first == counters))
      throw std::invalid_argument(fmt::format(
          "{}: benchmark '{}' appears more than once with conflicting counts (steps {} and {}, "
          "horizon_hit {} and {}, eta {:.17g} and {:.17g}, final_gap {:.3g} and {:.3g}): one "
          "benchmark per name",
          source, *name, first.steps, counters.steps, first.horizon_hit, counters.horizon_hit,
          first.eta, counters.eta, first.final_gap, counters.final_gap));
  }
  return by_suite;
}

// Each method's lambda series on each dataset must be the registry's: all its lambdas, over at
// least two decades, or a slope means nothing.
void check_series(const std::string& suite, const std::map<std::string, Entry>& entries,
                  const std::string& source) {
  std::map<std::string, std::vector<double>> registry;  // dataset -> the suite's lambdas
  for (const Experiment& e : find_suite(suite).experiments) {
    std::vector<double>& lambdas = registry[e.dataset];
    if (std::find(lambdas.begin(), lambdas.end(), e.lambda) == lambdas.end())
      lambdas.push_back(e.lambda);
  }
  std::map<std::pair<std::string, std::string>, std::vector<double>> series;
  for (const auto& [name, entry] : entries)
    series[{entry.experiment->dataset, entry.experiment->method()}].push_back(
        entry.experiment->lambda);
  for (const auto& [key, lambdas] : series) {
    const auto [lo, hi] = std::minmax_element(lambdas.begin(), lambdas.end());
    const std::size_t needed = registry.at(key.first).size();
    if (lambdas.size() < needed || *hi < 100 * *lo * (1 - 1e-9))
      throw std::invalid_argument(fmt::format(
          "{}: the {} series on {} has {} lambda(s) ({:g}): suite '{}' needs all {}, spanning at "
          "least two decades, to fit a slope",
          source, key.second, key.first, lambdas.size(), fmt::join(lambdas, ", "), suite, needed));
  }
}

std::vector<Verdict> judge_suite(const std::string& suite,
                                 const std::map<std::string, Entry>& entries,
                                 const std::string& source, ProblemCache& problems) {
  check_series(suite, entries, source);
  // Keyed by dataset then lambda (decreasing), so the sweeps come out in registry order.
  std::map<std::string, std::map<double, SweepPoint, std::greater<>>> points;
  int gap_checked = 0;
  std::vector<std::string> gap_violations;
  for (const auto& [name, entry] : entries) {
    const Experiment& e = *entry.experiment;
    const Counters& c = entry.counters;
    const Problem& problem = problems.get(e.dataset, e.lambda);
    auto& per_lambda = points[e.dataset];
    auto it = per_lambda.find(e.lambda);
    if (it == per_lambda.end()) it = per_lambda.emplace(e.lambda, sweep_point(problem)).first;
    SweepRun run;
    run.method = e.method();
    RunOutcome outcome;
    if (c.errored) {
      outcome.result.settled = {e.spec.options.max_steps + 1, true};
    } else {
      check_eta(e, problem, c.eta, Where{source, fmt::format("benchmark '{}'", name)});
      // The counts' rule (solver.h): at eta >= eta_loc GD's count is a lower bound, whatever the
      // file says.
      const bool unstable = e.spec.solver == SolverKind::gd && c.eta >= problem.reference.eta_loc;
      const bool censored = c.horizon_hit || unstable;
      outcome.eta = c.eta;
      outcome.result.settled = {c.steps, censored};
      if (!censored) {
        ++gap_checked;
        if (!(c.final_gap + c.gap_bound <= e.spec.options.eps))
          gap_violations.push_back(fmt::format("{}: final gap {:.3g} + bound {:.3g} > eps {:.3g}",
                                               name, c.final_gap, c.gap_bound, e.spec.options.eps));
      }
    }
    run.outcome = outcome;
    it->second.runs.push_back(std::move(run));
  }

  ScalingSweep sweep;
  sweep.suite = suite;
  sweep.eps = find_suite(suite).experiments.front().spec.options.eps;
  for (auto& [dataset, per_lambda] : points) {
    SweepDataset set{dataset, {}};
    for (auto& [lambda, point] : per_lambda) set.points.push_back(std::move(point));
    sweep.datasets.push_back(std::move(set));
  }
  std::vector<Verdict> out = check_step_slopes(sweep, find_study("S5", suite).datasets);
  for (Verdict& v : out) v.dataset += " (" + source + ")";
  out.push_back(verdict_from(gap_violations.empty(), "gaps", source,
                             fmt::format("{} settled runs, {} with final gap + its bound > eps",
                                         gap_checked, gap_violations.size()),
                             "final gap + error bound <= eps for every settled run",
                             "every settled benchmark run ends within eps",
                             gap_violations.empty() ? "" : gap_violations.front()));
  return out;
}

}  // namespace

nlohmann::json parse_benchmark_json(const std::string& text) {
  static const std::regex kNonFinite(R"((:\s*)-?(NaN|nan|Infinity|inf)\b)");
  return nlohmann::json::parse(std::regex_replace(text, kNonFinite, "$1null"));
}

std::vector<Verdict> check_benchmark_results(const nlohmann::json& results,
                                             const std::string& source, const CheckContext& ctx) {
  std::map<std::string, std::map<std::string, Entry>> by_suite;
  try {
    by_suite = read_entries(results, source);
  } catch (const nlohmann::json::exception& e) {  // every field is checked first: a safety net
    throw std::invalid_argument(fmt::format("{}: malformed benchmark file: {}", source, e.what()));
  }
  if (by_suite.empty())
    throw std::invalid_argument(fmt::format(
        "{}: no benchmark named <suite>/<registry experiment>/double (run bench_time_to_eps)",
        source));
  ProblemCache problems(ctx.reference);
  std::vector<Verdict> out;
  for (const auto& [suite, entries] : by_suite) {
    std::vector<Verdict> verdicts = judge_suite(suite, entries, source, problems);
    out.insert(out.end(), verdicts.begin(), verdicts.end());
  }
  return out;
}

}  // namespace largestep::theory
