#include "arena_verdicts.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "fit.h"
#include "largestep/core/registry.h"
#include "largestep/core/silver.h"

namespace largestep::theory {
namespace {

constexpr double kSlopeTolerance = 0.1;
const char* const kPaperConstants[] = {"s2", "s3", "loc"};
const char* const kNoOracleField[] = {"silver", "adgd", "armijo"};

std::optional<std::size_t> method_index(const ArenaTable& t, const std::string& name) {
  const auto it = std::find(t.methods.begin(), t.methods.end(), name);
  if (it == t.methods.end()) return std::nullopt;
  return static_cast<std::size_t>(it - t.methods.begin());
}

// The fewest measured passes among `names` in the cell, with who; "" when none measured.
std::pair<std::string, std::int64_t> fewest(const ArenaTable& t, const ArenaCell& c,
                                            const char* const (&names)[3], std::string& listing) {
  std::pair<std::string, std::int64_t> best{"", std::numeric_limits<std::int64_t>::max()};
  for (const char* name : names) {
    const std::optional<std::size_t> m = method_index(t, name);
    if (!m) continue;
    const ArenaEntry& e = c.entries[*m];
    const bool failed = e.ran_off();
    std::string shown = !e.skipped.empty() ? "skipped"
                        : failed           ? e.termination
                        : !e.passes        ? "-"
                                           : e.passes->str();
    listing += fmt::format("{}{} {}", listing.empty() ? "" : ", ", name, shown);
    if (e.passes && !e.passes->lower_bound && !failed && e.passes->value < best.second)
      best = {name, e.passes->value};
  }
  return best;
}

Verdict silver_quadratic() {
  std::string measured, details;
  double worst = 0;
  nlohmann::json points = nlohmann::json::array();
  for (const double kappa : {10.0, 100.0, 1e3, 1e4}) {
    const SilverSchedule s = silver_schedule(kappa);
    const double factor = block_polynomial_max(s.steps, kappa);
    const double stated = (1 - s.z) / (1 + s.z);
    const double relative = std::abs(factor - stated) / stated;
    worst = std::max(worst, relative);
    measured += fmt::format("{}kappa {:g}: {} steps, max|p| {:.12g} vs {:.12g}",
                            measured.empty() ? "" : "; ", kappa, s.steps.size(), factor, stated);
    points.push_back({{"kappa", kappa}, {"steps", s.steps.size()}, {"max_abs_p", factor},
                      {"stated", stated}});
  }
  Verdict v = verdict_from(
      worst <= 1e-9, "A1", "quadratics with spectrum [mu, L], kappa = 10 .. 1e4", measured,
      "per block ||w - w*||^2 shrinks by ((1 - z_k)/(1 + z_k))^2, attained on a quadratic: max "
      "over [1/kappa, 1] of |p| equals (1 - z_k)/(1 + z_k) to 1e-9",
      fmt::format("the block polynomial attains the stated rate (largest relative difference "
                  "{:.1e})",
                  worst),
      fmt::format("the block polynomial's maximum differs from the stated rate by {:.1e}", worst));
  v.details = {{"points", points}};
  return v;
}

std::vector<Verdict> silver_slopes(const ArenaTable& t) {
  std::vector<Verdict> out;
  const SweepMinimum minimum{4, 2, "kappas"};
  const double exponent = silver_exponent();
  const std::string predicted = with_minimum(
      fmt::format("passes grow at most like kappa^{:.4f} (worst case of the schedule) + {}",
                  exponent, kSlopeTolerance),
      describe(minimum));
  for (const ArenaSlope& s : t.slopes) {
    if (s.method != "silver") continue;
    std::vector<double> kappas;
    const std::optional<std::size_t> m = method_index(t, "silver");
    for (const ArenaCell& c : t.cells)
      if (c.label == s.label && c.entries[*m].passes && !c.entries[*m].passes->lower_bound)
        kappas.push_back(c.kappa);
    const std::string measured =
        s.fit ? fmt::format("slope {:.3f} over {} cells (r2 {:.3f})", s.fit->slope, s.points, s.fit->r2)
              : fmt::format("{} measured cells", s.points);
    const std::string missing = sweep_shortfall(kappas, minimum);
    if (!missing.empty() || !s.fit) {
      out.push_back(below_minimum("A2", s.label, measured, predicted, missing.empty() ? "no fit" : missing));
      continue;
    }
    out.push_back(verdict_from(s.fit->slope <= exponent + kSlopeTolerance, "A2", s.label, measured,
                               predicted, "silver's passes grow no faster than its worst case",
                               "silver's passes grow faster than its worst-case exponent"));
  }
  return out;
}

std::vector<Verdict> constants_against_field(const ArenaTable& t) {
  std::vector<Verdict> out;
  for (const ArenaCell& c : t.cells) {
    std::string paper_list, field_list;
    const auto paper = fewest(t, c, kPaperConstants, paper_list);
    const auto field = fewest(t, c, kNoOracleField, field_list);
    const std::string cell = fmt::format("{} lambda={:.0e}", c.label, c.lambda);
    const std::string measured = fmt::format("paper: {}; field: {}", paper_list, field_list);
    const std::string predicted =
        "the paper's large constant stepsizes (s2, s3, loc; oracles) reach eps in no more passes "
        "than the best no-oracle method of the field (silver, adgd, armijo)";
    if (paper.first.empty() || field.first.empty()) {
      out.push_back(inconclusive("A3", cell, measured, predicted,
                                 "a side has no measured count in this cell"));
      continue;
    }
    out.push_back(verdict_from(
        paper.second <= field.second, "A3", cell, measured, predicted,
        fmt::format("{} ({} passes) beats or ties {} ({})", paper.first, paper.second, field.first,
                    field.second),
        fmt::format("{} ({} passes) beats {} ({})", field.first, field.second, paper.first,
                    paper.second)));
  }
  return out;
}

std::vector<Verdict> failures_per_method(const ArenaTable& t) {
  std::vector<Verdict> out;
  for (std::size_t m = 0; m < t.methods.size(); ++m) {
    int runs = 0, diverged = 0, unsettled = 0;
    std::string where;
    for (const ArenaCell& c : t.cells) {
      const ArenaEntry& e = c.entries[m];
      if (e.method.empty() || !e.skipped.empty()) continue;
      ++runs;
      const bool bad = e.ran_off();
      const bool open = !bad && e.settled && e.settled->lower_bound;
      diverged += bad;
      unsettled += open;
      if (bad || open)
        where += fmt::format("{}{} ({})", where.empty() ? "" : ", ", c.heading(),
                             bad ? e.termination : "not settled");
    }
    const std::string measured =
        fmt::format("{} runs: {} diverged or non-finite, {} not settled within the horizon{}", runs,
                    diverged, unsettled, where.empty() ? "" : ": " + where);
    out.push_back(verdict_from(diverged == 0 && unsettled == 0, "A4", t.methods[m], measured,
                               "never diverges and settles within the horizon in every cell",
                               "every run settled", "some runs diverged or did not settle"));
  }
  return out;
}

std::vector<Verdict> safe_verdicts(const ArenaTable& t) {
  if (!method_index(t, "safe")) return {};
  int training = 0;
  for (const ArenaCell& c : t.cells) training += safe_training_cell(c);
  const SafeStanding s = safe_standing(t, [](const ArenaCell& c) { return !safe_training_cell(c); });
  const std::string subject = fmt::format("safe on {} held-out cells", s.cells);
  const std::string wins = fmt::format(
      "fewest no-oracle passes (or tied) in {} of {} cells{}", s.no_oracle_wins, s.cells,
      s.lost.empty() ? "" : fmt::format("; beaten in {}", fmt::join(s.lost, ", ")));
  const std::string within = fmt::format(
      "within 2x of the best method in {} of {} cells, {} failed; worst ratio {:.3g} ({})",
      s.within_twice, s.cells, s.failures, s.worst_ratio, s.worst_cell);
  const std::string bar_1 =
      "no more passes than the best no-oracle method (silver, adgd, armijo) in >= 80% of the cells "
      "it was not tuned on";
  const std::string bar_2 =
      "within 2x of the best method overall (oracles included) in every such cell, never "
      "diverging or failing to settle";
  if (s.cells == 0) {
    const std::string why =
        training > 0 ? fmt::format("all {} cells with safe are its training cells (safe-train)", training)
                     : "no cell has safe beside a no-oracle method";
    return {inconclusive("A5", "safe", wins, bar_1, why), inconclusive("A5", "safe", within, bar_2, why)};
  }
  return {verdict_from(5 * s.no_oracle_wins >= 4 * s.cells, "A5", subject, wins, bar_1,
                       "safe needs no more passes than the field's best no-oracle method in at "
                       "least 80% of the held-out cells",
                       "safe needs more passes than the field's best no-oracle method in more "
                       "than 20% of the held-out cells"),
          verdict_from(s.within_twice == s.cells && s.failures == 0, "A5", subject, within, bar_2,
                       "safe stays within 2x of the best method in every held-out cell",
                       "safe is more than 2x the best method, or failed, in some held-out cell")};
}

}  // namespace

bool safe_training_cell(const ArenaCell& cell) {
  for (const Experiment& e : find_suite("safe-train").experiments)
    if (e.dataset == cell.dataset) return true;
  return false;
}

SafeStanding safe_standing(const ArenaTable& t,
                           const std::function<bool(const ArenaCell&)>& counted) {
  SafeStanding s;
  const std::optional<std::size_t> safe = method_index(t, "safe");
  if (!safe) return s;
  for (const ArenaCell& c : t.cells) {
    if (!counted(c)) continue;
    std::string listing;
    const auto field = fewest(t, c, kNoOracleField, listing);
    if (field.first.empty()) continue;
    std::int64_t overall = field.second;
    for (const ArenaEntry& e : c.entries)
      if (e.method != "safe" && e.passes && !e.passes->lower_bound && !e.ran_off())
        overall = std::min(overall, e.passes->value);
    ++s.cells;
    const ArenaEntry& e = c.entries[*safe];
    const std::string cell = c.heading();
    const bool failed = !e.skipped.empty() || !e.passes || e.passes->lower_bound || e.ran_off();
    const double ratio = failed ? std::numeric_limits<double>::infinity()
                                : static_cast<double>(e.passes->value) /
                                      static_cast<double>(std::max<std::int64_t>(overall, 1));
    if (ratio > s.worst_ratio || s.worst_cell.empty()) {
      s.worst_ratio = ratio;
      s.worst_cell = cell;
    }
    if (failed) {
      ++s.failures;
      s.lost.push_back(fmt::format("{} (safe failed, {} {})", cell, field.first, field.second));
      continue;
    }
    s.within_twice += ratio <= 2;
    s.log_ratio_sum += std::log(static_cast<double>(e.passes->value) /
                                static_cast<double>(std::max<std::int64_t>(field.second, 1)));
    if (e.passes->value <= field.second)
      ++s.no_oracle_wins;
    else
      s.lost.push_back(
          fmt::format("{} (safe {}, {} {})", cell, e.passes->value, field.first, field.second));
  }
  return s;
}

double silver_exponent() { return std::log(2.0) / std::log(1 + std::sqrt(2.0)); }

double block_polynomial_max(const std::vector<double>& steps, double kappa, int grid) {
  const auto p = [&steps](long double x) {
    long double v = 1;
    for (const double s : steps) v *= 1 - s * x;
    return std::abs(v);
  };
  const long double lo = 1 / static_cast<long double>(kappa), width = 1 - lo;
  int best = 0;
  long double best_value = p(lo);
  for (int i = 1; i <= grid; ++i) {
    const long double v = p(lo + width * i / grid);
    if (v > best_value) best = i, best_value = v;
  }
  long double a = lo + width * std::max(0, best - 1) / grid;
  long double b = lo + width * std::min(grid, best + 1) / grid;
  const long double g = (std::sqrt(5.0L) - 1) / 2;
  for (int k = 0; k < 200; ++k) {
    const long double c = b - g * (b - a), d = a + g * (b - a);
    if (p(c) > p(d)) b = d; else a = c;
  }
  return static_cast<double>(std::max({p(a), p(lo), p(1.0L), best_value}));
}

std::vector<Verdict> judge_arena(const ArenaTable& t) {
  std::vector<Verdict> out{silver_quadratic()};
  for (auto part : {silver_slopes(t), constants_against_field(t), failures_per_method(t),
                    safe_verdicts(t)})
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

}  // namespace largestep::theory
