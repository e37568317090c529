#include "largestep/core/registry.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>

#include "largestep/core/stepsize.h"
#include "largestep/data/dataset_spec.h"

namespace largestep {
namespace {

// The methods every sweep compares (S1, S2, S3, half of eta_loc, the best on the grid) and
// Nesterov (S8).
struct Method {
  std::string_view rule;
  SolverKind solver;
};
constexpr Method kMethods[] = {
    {"classical", SolverKind::gd}, {"s2", SolverKind::gd},   {"s3", SolverKind::gd},
    {"loc", SolverKind::gd},       {"best", SolverKind::gd}, {"classical", SolverKind::nesterov},
};
// On real-size data the rules that need no margin certificate (which costs minutes there):
// time to eps across build flavours and threads, where the data no longer fits a cache.
constexpr Method kRealSizeMethods[] = {
    {"classical", SolverKind::gd},
    {"loc", SolverKind::gd},
    {"best", SolverKind::gd},
    {"classical", SolverKind::nesterov},
};

// The arena: the paper's rules and Nesterov beside the field's other answers (silver, adgd,
// armijo, polyak) and safe large-stepsize GD, every one on every (dataset, lambda) cell.
constexpr Method kArenaMethods[] = {
    {"classical", SolverKind::gd},       {"s2", SolverKind::gd},
    {"s3", SolverKind::gd},              {"loc", SolverKind::gd},
    {"best", SolverKind::gd},            {"classical", SolverKind::nesterov},
    {"classical", SolverKind::silver},   {"fixed:eta=1e-10", SolverKind::adgd},
    {"classical", SolverKind::armijo},   {"classical", SolverKind::polyak},
    {"classical", SolverKind::safe},
};

// S4 and S9 look at the edge-of-stability phase, which only large stepsizes have: those runs
// keep their traces; classical GD and Nesterov need none.
bool traced(std::string_view method) { return method == "s2" || method == "s3" || method == "best"; }

RunSpec gd_spec(std::optional<StepsizeRule> rule, std::optional<double> eta, std::int64_t horizon) {
  RunSpec spec;
  spec.rule = rule;
  spec.eta = eta;
  spec.options.eps = 1e-8;
  spec.options.max_steps = horizon;
  return spec;
}

void add_sweep(Suite& suite, std::string_view label, std::string_view dataset,
               const std::vector<double>& lambdas, std::int64_t horizon,
               std::span<const Method> methods = kMethods, bool keep_traces = true) {
  for (const double lambda : lambdas) {
    for (const Method& m : methods) {
      RunSpec spec = gd_spec(parse_rule(m.rule), std::nullopt, horizon);
      spec.solver = m.solver;
      const std::string method = m.solver == SolverKind::gd ? std::string(m.rule) : to_string(m.solver);
      suite.experiments.push_back(
          make_experiment(fmt::format("{}/lambda={:.3g}/{}", label, lambda, method), dataset,
                          lambda, spec, keep_traces && m.solver == SolverKind::gd && traced(m.rule)));
    }
  }
}

// The runs behind the figures that the claim suite of the same size does not already make:
// figure 1's four traces (hard, lambda = 1e-4, to a horizon of 4000), figures 2 and 4's grid of
// fixed stepsizes eta = 2^(k/2) over lambdas two per decade, and the rules at the grid's lambdas
// the claim suite lacks (figure 2 reads the others from the claim suite's runs).
Suite figures_suite(const Suite& claims, std::string_view size) {
  const bool paper = size == "paper";
  const std::string hard = "hard:gamma=0.1";
  Suite s{fmt::format("figures-{}", size),
          fmt::format("the figures' runs beside suite '{}': traces at lambda = 1e-4, fixed eta = "
                      "2^(k/2) up to 2^{} and the rules over lambda = 1e-2 .. {}",
                      claims.name, paper ? 18 : 14, paper ? "1e-6" : "1e-4"),
          {},
          false};
  const auto trace = [&](std::string label, std::optional<StepsizeRule> rule, std::optional<double> eta) {
    RunSpec spec = gd_spec(rule, eta, 4000);
    spec.options.stop_when_settled = false;
    s.experiments.push_back(make_experiment("trace/" + label, hard, 1e-4, spec, true));
  };
  trace("classical", parse_rule("classical"), std::nullopt);
  trace("s2", parse_rule("s2"), std::nullopt);
  trace("eta100", std::nullopt, 100.0);
  trace("loc0.9", parse_rule("loc:frac=0.9"), std::nullopt);

  const std::vector<double> lambdas = log_spaced_lambdas(2, paper ? 6 : 4, 2);
  const std::int64_t horizon = paper ? 1'000'000 : 100'000;
  for (const double lambda : lambdas) {
    for (int k = 0; k <= (paper ? 36 : 28); ++k) {
      const double eta = std::exp2(k / 2.0);
      s.experiments.push_back(make_experiment(fmt::format("grid/lambda={:.3g}/eta={:.6g}", lambda, eta),
                                              hard, lambda, gd_spec(std::nullopt, eta, horizon)));
    }
  }
  for (const double lambda : lambdas) {
    bool in_claims = false;
    for (const Experiment& e : claims.experiments)
      in_claims = in_claims || (e.dataset == hard && e.lambda == lambda);
    if (in_claims) continue;
    for (const std::string_view rule : {"classical", "s2", "s3", "loc", "best"})
      s.experiments.push_back(make_experiment(fmt::format("rules/lambda={:.3g}/{}", lambda, rule),
                                              hard, lambda, gd_spec(parse_rule(rule), std::nullopt, horizon)));
  }
  return s;
}

std::vector<Suite> build_suites() {
  Suite quick{"quick", "hard dataset (gamma = 0.1), lambda = 1e-2 .. 1e-4; seconds", {}, true};
  add_sweep(quick, "hard0.1", "hard:gamma=0.1", log_spaced_lambdas(2, 4, 1), 2'000'000);

  Suite paper{"paper",
              "hard dataset (gamma = 0.1) and planted (n = 200, d = 10, gamma = 0.05), "
              "9 lambdas from 1e-2 to 1e-6; minutes",
              {},
              true};
  const std::vector<double> lambdas = log_spaced_lambdas(2, 6, 2);
  add_sweep(paper, "hard0.1", "hard:gamma=0.1", lambdas, 20'000'000);
  add_sweep(paper, "planted", "planted:d=10,gamma=0.05,n=200,seed=1", lambdas, 20'000'000);

  // Real-size data (the full profile of the main job, bench_time_to_eps in every flavour): one
  // lambda each, where classical GD takes about a hundred to a few hundred steps (kappa 40 to
  // 100), so that a flavour's runs take minutes. No traces: a trace of 10^6-row runs says nothing the small
  // suites' do not.
  Suite real_size{"realsize",
                  "real-size data: planted dense 10^6 x 100, sparse 10^6 x 2^20 (32 nonzeros a "
                  "row), fashion:1v8 (12,000 x 784); classical, loc, best, Nesterov; tens of "
                  "minutes a build flavour",
                  {},
                  false};
  add_sweep(real_size, "planted1e6", "planted:n=1000000,d=100,gamma=0.05,seed=1", {1e-4},
            100'000, kRealSizeMethods, false);
  // Random sparse rows are nearly orthogonal: lambda_max(X^T X)/(4n) is about 1e-6, so only a
  // lambda below it gives the classical stepsize work to do (kappa about 10 at 1e-7; at 1e-8,
  // kappa 100, classical GD takes 455 steps of a third of a second).
  add_sweep(real_size, "sparse1e6", "planted:n=1000000,d=1048576,nnz=32,gamma=0.0001,seed=1",
            {1e-7}, 100'000, kRealSizeMethods, false);
  add_sweep(real_size, "fashion1v8", "fashion:1v8", {1e-3}, 100'000, kRealSizeMethods, false);
  // The arena (largestep arena): passes over the data to eps = 1e-8 per method and cell. The
  // quick size: two datasets, three lambdas; the paper size: the five small datasets over lambda
  // = 1e-2 .. 1e-6 and a fashion pair at 1e-2 and 1e-3 (12,000 x 784, 7 ms a step: classical GD
  // at 1e-4 passed 5 minutes and 46,000 steps with the gap still at 1e-6).
  Suite arena_quick{"arena-quick",
                    "the stepsize arena: paper rules, Nesterov, silver, adgd, armijo, polyak, safe on "
                    "hard (gamma = 0.1) and digits:0v8, lambda = 1e-2 .. 1e-4; seconds",
                    {},
                    false};
  for (const auto& [label, spec] : {std::pair{"hard0.1", "hard:gamma=0.1"},
                                    std::pair{"digits0v8", "digits:0v8"}})
    add_sweep(arena_quick, label, spec, log_spaced_lambdas(2, 4, 1), 2'000'000, kArenaMethods,
              false);
  Suite arena{"arena",
              "the stepsize arena: paper rules, Nesterov, silver, adgd, armijo, polyak, safe on "
              "hard (gamma = 0.1), planted (200 x 10), digits:0v8, breast_cancer, heart_scale at "
              "lambda = 1e-2 .. 1e-6 and fashion:1v8 at 1e-2 and 1e-3; tens of minutes",
              {},
              false};
  for (const auto& [label, spec] :
       {std::pair{"hard0.1", "hard:gamma=0.1"},
        std::pair{"planted", "planted:d=10,gamma=0.05,n=200,seed=1"},
        std::pair{"digits0v8", "digits:0v8"}, std::pair{"breast_cancer", "breast_cancer"},
        std::pair{"heart_scale", "heart_scale"}})
    add_sweep(arena, label, spec, log_spaced_lambdas(2, 6, 1), 20'000'000, kArenaMethods, false);
  add_sweep(arena, "fashion1v8", "fashion:1v8", log_spaced_lambdas(2, 3, 1), 1'000'000,
            kArenaMethods, false);
  // What `largestep tune-safe` chooses the defaults of the solver safe on: datasets that no other
  // suite of the arena holds, so that the arena judges safe on cells it was not tuned on.
  Suite safe_train{"safe-train",
                   "the arena's methods on the training cells of the solver safe: hard (gamma = "
                   "0.2), planted (500 x 20, seed 7), digits:1v7 at lambda = 1e-2 .. 1e-5",
                   {},
                   false};
  for (const auto& [label, spec] :
       {std::pair{"hard0.2", "hard:gamma=0.2"},
        std::pair{"planted500", "planted:d=20,gamma=0.05,n=500,seed=7"},
        std::pair{"digits1v7", "digits:1v7"}})
    add_sweep(safe_train, label, spec, log_spaced_lambdas(2, 5, 1), 20'000'000, kArenaMethods,
              false);
  return {quick,
          paper,
          figures_suite(quick, "quick"),
          figures_suite(paper, "paper"),
          std::move(real_size),
          std::move(arena_quick),
          std::move(arena),
          std::move(safe_train)};
}

std::vector<std::string> canonical(std::initializer_list<std::string_view> specs) {
  std::vector<std::string> out;
  for (const std::string_view s : specs) out.push_back(parse_dataset_spec(s).canonical());
  return out;
}

// Keyed by (study, size): the quick and the paper form of each.
std::map<std::pair<std::string, std::string>, Study> build_studies() {
  const std::vector<std::string> reference_sets =
      canonical({"oned", "hard:gamma=0.05", "hard:gamma=0.1", "toy4",
                 "planted:n=200,d=10,gamma=0.05,seed=1"});
  // E1-E4 hold on every reference dataset of paper.md: also the 1-D several-points set (S7's)
  // and the real data (E2-E4 need a margin: inconclusive where the data is not separable).
  std::vector<std::string> static_sets = reference_sets;
  for (const std::string& spec : canonical(
           {"planted:d=1,n=5,gamma=0.1,seed=1", "digits:0v8", "breast_cancer", "heart_scale"}))
    static_sets.push_back(spec);
  const std::vector<std::string> e6_sets =
      canonical({"hard:gamma=0.1", "planted:n=200,d=10,gamma=0.05,seed=1"});
  const std::vector<std::string> e5_quick = canonical({"oned", "hard:gamma=0.1", "toy4"});
  const std::vector<std::string> e5_paper =
      canonical({"oned", "hard:gamma=0.1", "toy4", "planted:n=20,d=5,gamma=0.1,seed=1"});
  const std::vector<std::string> s6_sets = canonical({"oned", "hard:gamma=0.1", "hard:gamma=0.5"});
  const std::vector<std::string> s7_sets = canonical({"oned", "planted:d=1,n=5,gamma=0.1,seed=1"});
  const std::vector<std::string> s10_sets = {"planted:d=10,gamma=0.1,seed=1"};
  const auto powers_of_two = [](int from, int to) {
    std::vector<std::int64_t> n;
    for (int k = from; k <= to; ++k) n.push_back(std::int64_t{1} << k);
    return n;
  };
  std::map<std::pair<std::string, std::string>, Study> s;
  const auto add = [&s](const std::string& size, Study study) {
    s.emplace(std::make_pair(study.name, size), std::move(study));
  };
  add("quick", {"E1-E4", static_sets, {1e-2, 1e-4, 1e-6}, {}});
  add("paper", {"E1-E4", static_sets, log_spaced_lambdas(2, 6, 2), {}});
  add("quick", {"E6", e6_sets, {1e-2, 1e-4}, {}});
  add("paper", {"E6", e6_sets, {1e-2, 1e-3, 1e-4, 1e-5}, {}});
  add("quick", {"E7", reference_sets, {}, {}});
  add("paper", {"E7", reference_sets, {}, {}});
  add("quick", {"E5", e5_quick, {1e-2, 1e-4}, {}});
  add("paper", {"E5", e5_paper, log_spaced_lambdas(2, 6, 1), {}});
  // 100 digits put Newton's tolerance far below what lambda = 1e-16 needs (lambda >= 1e-50).
  add("quick", {"S6", s6_sets, log_spaced_lambdas(4, 16, 1), {}});
  add("paper", {"S6", s6_sets, log_spaced_lambdas(4, 16, 2), {}});
  add("quick", {"S7", s7_sets, {1e-2, 1e-3}, {}});
  add("paper", {"S7", s7_sets, {1e-2, 1e-3, 1e-4}, {}});
  // S5's stepsize grid runs on the hard datasets at the claim suite's lambdas; the paper size adds
  // the harder gamma = 0.05.
  add("quick", {"S5", canonical({"hard:gamma=0.1"}), log_spaced_lambdas(2, 4, 1), {}});
  add("paper", {"S5", canonical({"hard:gamma=0.1", "hard:gamma=0.05"}), log_spaced_lambdas(2, 6, 2), {}});
  // The slopes need four sizes over two decades: the paper size spans 2^7 .. 2^14 (2.1 decades),
  // the quick one only 0.9 (its S10 verdict is inconclusive).
  add("quick", {"S10", s10_sets, {}, powers_of_two(7, 10)});
  add("paper", {"S10", s10_sets, {}, powers_of_two(7, 14)});
  return s;
}

}  // namespace

bool is_paper(std::string_view size) {
  if (size == "paper") return true;
  if (size == "quick") return false;
  throw std::invalid_argument(fmt::format("unknown size '{}' (known: quick, paper)", size));
}

std::vector<double> log_spaced_lambdas(double from_exponent, double to_exponent, int per_decade) {
  if (per_decade < 1 || !(to_exponent >= from_exponent))
    throw std::invalid_argument("log_spaced_lambdas: need per_decade >= 1 and to >= from");
  std::vector<double> out;
  const int count = static_cast<int>(std::lround((to_exponent - from_exponent) * per_decade));
  for (int k = 0; k <= count; ++k)
    out.push_back(std::pow(10.0, -(from_exponent + static_cast<double>(k) / per_decade)));
  return out;
}

const std::vector<Suite>& suites() {
  static const std::vector<Suite> all = build_suites();
  return all;
}

const Suite& find_suite(std::string_view name) {
  std::string known;
  for (const Suite& s : suites()) {
    if (s.name == name) return s;
    known += known.empty() ? s.name : ", " + s.name;
  }
  throw std::invalid_argument(fmt::format("unknown suite '{}' (known: {})", name, known));
}

const Study& find_study(std::string_view name, std::string_view size) {
  static const auto all = build_studies();
  is_paper(size);  // names an unknown size
  const auto it = all.find({std::string(name), std::string(size)});
  if (it == all.end())
    throw std::invalid_argument(
        fmt::format("unknown study '{}' (known: {})", name, fmt::join(study_names(), ", ")));
  return it->second;
}

std::vector<std::string> study_names() { return {"E1-E4", "E6", "E7", "E5", "S6", "S7", "S5", "S10"}; }

}  // namespace largestep
