// Stepsize rules and the experiment registry.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <set>

#include "largestep/data/dataset_spec.h"
#include "largestep/core/experiment.h"
#include "largestep/core/methods.h"
#include "largestep/data/generators.h"
#include "largestep/core/registry.h"
#include "largestep/core/stepsize.h"

namespace largestep {
namespace {

const RuleContext kContext{1e-4, 0.25, 0.1, 120.0};

TEST(StepsizeRule, EachRuleGivesItsFormula) {
  EXPECT_DOUBLE_EQ(rule_eta(parse_rule("classical"), kContext), 4.0);
  EXPECT_DOUBLE_EQ(rule_eta(parse_rule("s2"), kContext), 0.1 / std::sqrt(1e-4));
  EXPECT_DOUBLE_EQ(rule_eta(parse_rule("s2:c=2"), kContext), 2 * 0.1 / std::sqrt(1e-4));
  EXPECT_DOUBLE_EQ(rule_eta(parse_rule("s3:0.5"), kContext), 0.5 * std::cbrt(0.01 / 1e-4));
  EXPECT_DOUBLE_EQ(rule_eta(parse_rule("loc:frac=0.9"), kContext), 108.0);
  EXPECT_DOUBLE_EQ(rule_eta(parse_rule("fixed:eta=7"), kContext), 7.0);
  EXPECT_THROW(rule_eta(parse_rule("best"), kContext), std::invalid_argument);
}

TEST(StepsizeRule, NamesRoundTrip) {
  for (const char* text : {"classical", "s2:c=1.5", "s3:c=1", "loc:frac=0.5", "fixed:eta=100", "best"})
    EXPECT_EQ(parse_rule(text).str(), text);
}

TEST(StepsizeRule, BadRulesAreRejectedWithTheirName) {
  for (const char* text : {"fast", "s2:c=-1", "s2:c=abc", "fixed", "classical:2", "loc:frac=0", "s3:c=inf"}) {
    try {
      parse_rule(text);
      FAIL() << text;
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_FALSE(what.empty());
    }
  }
}

TEST(StepsizeRule, MarginRulesRefuseNonSeparableData) {
  RuleContext c = kContext;
  c.gamma = 0;
  EXPECT_THROW(rule_eta(parse_rule("s2"), c), std::invalid_argument);
  EXPECT_THROW(rule_eta(parse_rule("s3"), c), std::invalid_argument);
  EXPECT_NO_THROW(rule_eta(parse_rule("classical"), c));
}

TEST(StepsizeRule, BestGridIsQuarterPowersOfTwoFromClassicalToEtaLoc) {
  const std::vector<double> grid = best_grid(kContext);
  ASSERT_FALSE(grid.empty());
  EXPECT_GE(grid.front(), 4.0 * (1 - 1e-12));
  EXPECT_LT(grid.front(), 4.0 * std::exp2(0.25));
  EXPECT_LT(grid.back(), 120.0);
  EXPECT_GE(grid.back() * std::exp2(0.25), 120.0);
  for (std::size_t k = 1; k < grid.size(); ++k) EXPECT_DOUBLE_EQ(grid[k] / grid[k - 1], std::exp2(0.25));
}

TEST(StepsizeRule, BestIsNoWorseThanAnyGridPoint) {
  const Problem p = make_problem(make_hard(0.1), 1e-3, compute_reference_double);
  RunSpec spec;
  spec.rule = parse_rule("best");
  const RunOutcome o = run(p, spec);
  ASSERT_FALSE(o.grid.empty());
  ASSERT_FALSE(o.result.settled.lower_bound);
  for (const auto& [eta, settled] : o.grid) {
    if (settled.lower_bound) continue;
    EXPECT_LE(o.result.settled.value, settled.value) << eta;
  }
}

TEST(Registry, SuitesHaveUniqueNamesAndValidEntries) {
  for (const char* name : {"quick", "paper", "realsize", "arena-quick", "arena"}) {
    const Suite& suite = find_suite(name);
    EXPECT_FALSE(suite.experiments.empty());
    std::set<std::string> names;
    for (const Experiment& e : suite.experiments) {
      EXPECT_TRUE(names.insert(e.name).second) << e.name;
      EXPECT_EQ(parse_dataset_spec(e.dataset).canonical(), e.dataset);
      EXPECT_TRUE(e.spec.rule.has_value()) << e.name;
      EXPECT_GT(e.lambda, 0);
      EXPECT_GT(e.spec.options.max_steps, 0);
    }
  }
  EXPECT_THROW(find_suite("nope"), std::invalid_argument);
}

// The real-size suite times classical, loc, best and Nesterov on each of its datasets, none of
// which needs the margin certificate (minutes at 10^6 rows), on data past any cache.
TEST(Registry, RealSizeSuiteRunsFourMethodsWithoutCertificatesOnLargeData) {
  std::map<std::string, std::multiset<std::string>> methods;
  for (const Experiment& e : find_suite("realsize").experiments) {
    methods[e.dataset].insert(e.method());
    EXPECT_FALSE(rule_method(e.spec.rule->kind).oracles.contains(Oracle::gamma)) << e.name;
    EXPECT_EQ(e.spec.options.eps, 1e-8) << e.name;
    EXPECT_FALSE(e.keep_trace) << e.name;
  }
  ASSERT_EQ(methods.size(), 3u);
  for (const auto& [dataset, m] : methods) {
    EXPECT_EQ(m, (std::multiset<std::string>{"best", "classical", "loc", "nesterov"})) << dataset;
    const DatasetSpec spec = parse_dataset_spec(dataset);
    if (spec.kind == "planted") {
      EXPECT_EQ(spec.params.at("n"), "1000000") << dataset;
    }
  }
}

// Every arena cell runs every method of the table but the fixed stepsize: the paper's rules, and
// every solver with its default rule.
TEST(Registry, ArenaRunsEveryMethodOnEveryCell) {
  std::set<std::string> expected;
  for (const Method& m : rules())
    if (m.name != "fixed") expected.insert(std::string(m.name));
  for (const Method& m : solvers())
    if (m.name != "gd") expected.insert(std::string(m.name));
  for (const char* name : {"arena-quick", "arena"}) {
    std::map<std::pair<std::string, double>, std::set<std::string>> cells;
    for (const Experiment& e : find_suite(name).experiments) {
      const auto cell = std::make_pair(e.dataset, e.lambda);
      EXPECT_TRUE(cells[cell].insert(e.method()).second) << e.name;
      EXPECT_EQ(e.spec.options.eps, 1e-8) << e.name;
      if (e.spec.solver != SolverKind::gd) {
        EXPECT_EQ(e.spec.rule->str(), parse_rule(solver_method(e.spec.solver).default_rule).str())
            << e.name;
      }
    }
    EXPECT_GE(cells.size(), 6u) << name;
    for (const auto& [cell, methods] : cells) EXPECT_EQ(methods, expected) << name << " " << cell.first;
  }
}

TEST(Registry, PaperSuiteSweepsNineLambdasFromOneHundredthToOneMillionth) {
  std::set<double> lambdas;
  for (const Experiment& e : find_suite("paper").experiments) lambdas.insert(e.lambda);
  ASSERT_EQ(lambdas.size(), 9u);
  EXPECT_NEAR(*lambdas.rbegin(), 1e-2, 1e-17);
  EXPECT_NEAR(*lambdas.begin(), 1e-6, 1e-21);
}

}  // namespace
}  // namespace largestep
