// The arena's table from run records: cells, passes, lower bounds, skipped and diverged runs,
// oracle marks, and slopes against a closed-form power law.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "theory/arena.h"
#include "theory/arena_verdicts.h"
#include "theory/safe_tuning.h"
#include "cli_runner.h"

namespace largestep::theory {
namespace {

nlohmann::json record(const std::string& label, double lambda, const std::string& method,
                      nlohmann::json passes, double smoothness = 1) {
  nlohmann::json r = {{"experiment", label + "/lambda=" + std::to_string(lambda) + "/" + method},
                      {"method", method},
                      {"dataset", label == "a" ? "hard:gamma=0.1" : "digits:0v8"},
                      {"lambda", lambda},
                      {"termination", "converged"},
                      {"seconds", 0.5},
                      {"smoothness", smoothness},
                      {"passes", passes},
                      {"passes_at_least", nullptr},
                      {"settled", 7},
                      {"settled_at_least", nullptr}};
  return r;
}

// passes = 3 kappa^0.5 on dataset a: the fitted slope is 0.5.
nlohmann::json power_law_runs() {
  nlohmann::json runs = nlohmann::json::array();
  for (const double lambda : {1e-2, 1e-4, 1e-6}) {
    const double kappa = 1 / lambda;
    runs.push_back(record("a", lambda, "classical", std::lround(3 * std::sqrt(kappa))));
    runs.push_back(record("a", lambda, "polyak", 5));
  }
  return {{"suite", "test"}, {"runs", runs}};
}

TEST(Arena, SlopeOfAPowerLawIsItsExponent) {
  const ArenaTable t = tabulate_arena(power_law_runs(), "runs.json");
  ASSERT_EQ(t.cells.size(), 3u);
  ASSERT_EQ(t.methods, (std::vector<std::string>{"classical", "polyak"}));
  EXPECT_EQ(t.oracles, (std::vector<std::string>{"", "f_star"}));
  EXPECT_DOUBLE_EQ(t.cells[1].kappa, 1e4);
  for (const ArenaSlope& s : t.slopes) {
    ASSERT_TRUE(s.fit.has_value());
    EXPECT_EQ(s.points, 3u);
    EXPECT_NEAR(s.fit->slope, s.method == "classical" ? 0.5 : 0.0, 1e-3) << s.method;
  }
}

TEST(Arena, CensoredSkippedAndDivergedRunsAreShownAsSuch) {
  nlohmann::json doc = power_law_runs();
  nlohmann::json& runs = doc["runs"];
  runs[0]["passes"] = nullptr;
  runs[0]["passes_at_least"] = 1000;
  runs[2]["termination"] = "diverged";
  runs.push_back({{"experiment", "a/lambda=0.01/s2"}, {"method", "s2"}, {"dataset", "hard:gamma=0.1"},
                  {"lambda", 1e-2}, {"skipped", "not separable"}});
  const ArenaTable t = tabulate_arena(doc, "runs.json");
  const std::string md = arena_markdown(t);
  EXPECT_TRUE(contains(md, "| >999 |")) << md;  // at least 1000: more than 999, as StepCount::str
  EXPECT_TRUE(contains(md, "| diverged |")) << md;
  EXPECT_TRUE(contains(md, "| skipped |")) << md;
  EXPECT_TRUE(contains(md, "| polyak * (f_star) |")) << md;
  EXPECT_TRUE(contains(md, "| s2 * (gamma) |")) << md;
  // The censored cell is left out of the fit: two points remain.
  for (const ArenaSlope& s : t.slopes)
    if (s.method == "classical") {
      EXPECT_EQ(s.points, 2u);
    }
  const nlohmann::json j = arena_json(t);
  EXPECT_EQ(j.at("cells")[0].at("runs")[0].at("passes_at_least"), 1000);
  EXPECT_EQ(j.at("cells")[0].at("runs")[2].at("skipped"), "not separable");
}

TEST(Arena, BadRecordsAreNamed) {
  nlohmann::json doc = power_law_runs();
  doc["runs"][1].erase("passes");
  try {
    tabulate_arena(doc, "x/runs.json");
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(contains(e.what(), "x/runs.json: runs[1]")) << e.what();
    EXPECT_TRUE(contains(e.what(), "passes")) << e.what();
  }
  nlohmann::json twice = power_law_runs();
  twice["runs"].push_back(twice["runs"][0]);
  EXPECT_THROW(tabulate_arena(twice, "r"), std::invalid_argument);
  EXPECT_THROW(tabulate_arena(nlohmann::json::array(), "r"), std::invalid_argument);
}

std::vector<const Verdict*> of_claim(const ArenaTable& t, const std::string& claim) {
  std::vector<const Verdict*> out;
  for (const Verdict& v : t.verdicts)
    if (v.claim == claim) out.push_back(&v);
  return out;
}

// silver's passes = 100 kappa^p over kappas 1e1 .. 1e4 (four, three decades), loc and adgd beside
// it.
nlohmann::json silver_runs(double exponent, int cells = 4) {
  nlohmann::json runs = nlohmann::json::array();
  for (int k = 1; k <= cells; ++k) {
    const double lambda = std::pow(10.0, -k);
    runs.push_back(record("a", lambda, "silver", std::lround(100 * std::pow(1 / lambda, exponent))));
    runs.push_back(record("a", lambda, "loc", 30));
    runs.push_back(record("a", lambda, "adgd", k == 1 ? 20 : 40));
  }
  return {{"suite", "test"}, {"runs", runs}};
}

TEST(ArenaVerdicts, SilverBlockRateHoldsOnTheQuadratic) {
  const ArenaTable t = tabulate_arena(silver_runs(0.5), "r");
  ASSERT_EQ(of_claim(t, "A1").size(), 1u);
  EXPECT_EQ(of_claim(t, "A1")[0]->outcome, Outcome::pass) << of_claim(t, "A1")[0]->measured;
  EXPECT_NEAR(silver_exponent(), 0.7864, 1e-4);
}

TEST(ArenaVerdicts, SilverSlopeIsJudgedAgainstItsExponentWithEnoughKappas) {
  EXPECT_EQ(of_claim(tabulate_arena(silver_runs(0.5), "r"), "A2").at(0)->outcome, Outcome::pass);
  EXPECT_EQ(of_claim(tabulate_arena(silver_runs(1.0), "r"), "A2").at(0)->outcome, Outcome::fail);
  // Three kappas are below the minimum evidence: inconclusive, whatever the slope.
  EXPECT_EQ(of_claim(tabulate_arena(silver_runs(1.0, 3), "r"), "A2").at(0)->outcome,
            Outcome::inconclusive);
}

TEST(ArenaVerdicts, ConstantsAgainstTheFieldPerCellAndFailuresPerMethod) {
  nlohmann::json doc = silver_runs(0.5);
  doc["runs"][5]["termination"] = "diverged";  // adgd at lambda 1e-2
  const ArenaTable t = tabulate_arena(doc, "r");
  const auto a3 = of_claim(t, "A3");
  ASSERT_EQ(a3.size(), 4u);
  // Cell 1: adgd 20 beats loc 30; cell 2: loc 30 against silver 1000 (the diverged adgd does not
  // count); cells 3, 4: loc 30 against adgd 40.
  EXPECT_EQ(a3[0]->outcome, Outcome::fail) << a3[0]->reason;
  for (int k = 1; k < 4; ++k) EXPECT_EQ(a3[k]->outcome, Outcome::pass) << a3[k]->reason;
  for (const Verdict* v : of_claim(t, "A4"))
    EXPECT_EQ(v->outcome, v->dataset == "adgd" ? Outcome::fail : Outcome::pass) << v->measured;
  const std::string md = arena_markdown(t);
  EXPECT_TRUE(contains(md, "### Findings"));
  EXPECT_TRUE(contains(md, "max\\|p\\|")) << md;  // bars inside a cell are escaped
  EXPECT_EQ(arena_json(t).at("verdicts").size(), t.verdicts.size());
}

// Cells on `dataset` at lambda 10^-k, k = 1..5: adgd 100, silver 300, armijo 200, polyak 60 and
// safe as given (a number, or "diverged").
nlohmann::json safe_runs(const std::string& dataset, const std::vector<nlohmann::json>& safe) {
  nlohmann::json runs = nlohmann::json::array();
  for (std::size_t k = 0; k < safe.size(); ++k) {
    const double lambda = std::pow(10.0, -static_cast<double>(k + 1));
    for (const auto& [method, passes] : {std::pair<std::string, nlohmann::json>{"adgd", 100},
                                         {"silver", 300}, {"armijo", 200}, {"polyak", 60},
                                         {"safe", safe[k]}}) {
      nlohmann::json r = record("x", lambda, method, passes.is_number() ? passes : nlohmann::json(150));
      r["dataset"] = dataset;
      if (!passes.is_number()) r["termination"] = passes;
      runs.push_back(r);
    }
  }
  return {{"suite", "test"}, {"runs", runs}};
}

// A5: safe at or below the best no-oracle method in >= 80% of the held-out cells, and within 2x
// of the best method (polyak, an oracle, here) in every one; never on its training cells.
TEST(ArenaVerdicts, SafeIsJudgedOnHeldOutCellsAgainstTheBar) {
  const auto a5 = [](const nlohmann::json& doc) {
    const ArenaTable t = tabulate_arena(doc, "r");
    const std::vector<const Verdict*> v = of_claim(t, "A5");
    EXPECT_EQ(v.size(), 2u);
    return std::make_pair(v.at(0)->outcome, v.at(1)->outcome);
  };
  // 4 of 5 at or below adgd's 100, all within 120 = 2 x 60.
  EXPECT_EQ(a5(safe_runs("hard:gamma=0.1", {90, 100, 100, 80, 110})),
            std::make_pair(Outcome::pass, Outcome::pass));
  // 3 of 5: below 80%; one at 130 > 2 x 60.
  EXPECT_EQ(a5(safe_runs("hard:gamma=0.1", {90, 100, 100, 130, 110})),
            std::make_pair(Outcome::fail, Outcome::fail));
  // A diverged run fails the second bar however the others did.
  EXPECT_EQ(a5(safe_runs("hard:gamma=0.1", {90, 100, 100, 80, "diverged"})).second, Outcome::fail);
  // The same numbers on a dataset of safe-train: inconclusive, it was tuned there.
  EXPECT_EQ(a5(safe_runs("hard:gamma=0.2", {90, 100, 100, 80, 110})),
            std::make_pair(Outcome::inconclusive, Outcome::inconclusive));
  const ArenaTable t = tabulate_arena(safe_runs("hard:gamma=0.1", {90, 100, 100, 130, 110}), "r");
  const SafeStanding s = safe_standing(t, [](const ArenaCell&) { return true; });
  EXPECT_EQ(s.cells, 5);
  EXPECT_EQ(s.no_oracle_wins, 3);
  EXPECT_EQ(s.within_twice, 4);
  EXPECT_DOUBLE_EQ(s.worst_ratio, 130.0 / 60);
  EXPECT_NEAR(s.log_ratio_sum, std::log(0.9 * 1.3 * 1.1), 1e-12);
}

TEST(SafeTuning, TheDefaultsAreAPointOfTheGridAndTheRankingFollowsTheBar) {
  const std::vector<SafeSettings> grid = safe_grid();
  EXPECT_EQ(grid.size(), 192u);
  EXPECT_EQ(std::count_if(grid.begin(), grid.end(),
                          [](const SafeSettings& s) { return s.str() == SafeSettings{}.str(); }),
            1);
  SafeTrial failing{{}, {}}, slow{{}, {}}, fast{{}, {}};
  failing.standing = {.cells = 5, .no_oracle_wins = 5, .within_twice = 5, .failures = 1};
  slow.standing = {.cells = 5, .no_oracle_wins = 2, .within_twice = 5, .log_ratio_sum = 1};
  fast.standing = {.cells = 5, .no_oracle_wins = 2, .within_twice = 5, .log_ratio_sum = -1};
  EXPECT_TRUE(ranks_before(slow, failing));
  EXPECT_TRUE(ranks_before(fast, slow));
  EXPECT_FALSE(ranks_before(slow, fast));
}

}  // namespace
}  // namespace largestep::theory
