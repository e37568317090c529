#include "arena_verdicts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "fit.h"
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
    const bool failed = e.termination == "diverged" || e.termination == "non_finite";
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
      const bool bad = e.termination == "diverged" || e.termination == "non_finite";
      const bool open = !bad && e.settled && e.settled->lower_bound;
      diverged += bad;
      unsettled += open;
      if (bad || open)
        where += fmt::format("{}{} {:.0e} ({})", where.empty() ? "" : ", ", c.label, c.lambda,
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

}  // namespace

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
  for (auto part : {silver_slopes(t), constants_against_field(t), failures_per_method(t)})
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

}  // namespace largestep::theory
