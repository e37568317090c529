// What the arena shows, judged like the paper's claims (pass, fail, or inconclusive for want of
// evidence). These are findings about the methods, not about the code:
//   A1  the silver schedule's worst case on a quadratic: over the spectrum [1/kappa, 1] the block
//       polynomial's largest |p| is (1 - z_k)/(1 + z_k), so ||w - w*||^2 shrinks by its square
//       per block, and no less on some quadratic (computed, not run);
//   A2  silver's measured slope of passes against kappa, against its worst-case exponent
//       log_rho(2) = 0.7864 (per dataset, at least 4 kappas over 2 decades);
//   A3  per cell: whether the paper's large constant stepsizes (s2, s3, loc) reach eps in fewer
//       passes than the field's no-oracle methods (silver, adgd, armijo), or the other way round;
//   A4  per method: runs that diverged, went non-finite or did not settle within the horizon;
//   A5  the solver safe, on the cells it was not tuned on (not the datasets of the suite
//       safe-train): no more passes than the best no-oracle method (silver, adgd, armijo) in at
//       least 80% of them, and within 2x of the best method overall, oracles included, in every
//       one, never diverging or failing to settle.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "arena.h"
#include "verdict.h"

namespace largestep::theory {

// The largest |prod_t (1 - h_t x)| over x in [1/kappa, 1] (steps h_t in units of 1/L): a grid of
// `grid` points, then golden-section refinement around the best.
double block_polynomial_max(const std::vector<double>& steps, double kappa, int grid = 100000);

// Silver's exponent: the schedule takes O(kappa^log_rho(2)) steps, rho = 1 + sqrt(2).
double silver_exponent();

// How the solver safe stands against the others over the cells `counted` accepts (A5, and what
// `largestep tune-safe` ranks settings by). A cell counts when safe and some no-oracle method of
// the field ran in it.
struct SafeStanding {
  int cells = 0;
  int no_oracle_wins = 0;  // safe's passes <= the fewest of silver, adgd, armijo
  int within_twice = 0;    // safe's passes <= 2 x the fewest of every method
  int failures = 0;        // safe diverged, went non-finite or did not settle
  double worst_ratio = 0;  // the largest safe / fewest overall (infinite for a failure)
  std::string worst_cell;
  double log_ratio_sum = 0;  // sum of ln(safe / fewest no-oracle) over cells safe settled in
  std::vector<std::string> lost;  // "cell (safe N, adgd M)" where a no-oracle method did better
};
SafeStanding safe_standing(const ArenaTable& table,
                           const std::function<bool(const ArenaCell&)>& counted);

// Whether the cell is one of safe's training cells: its dataset is one of the suite safe-train's.
bool safe_training_cell(const ArenaCell& cell);

std::vector<Verdict> judge_arena(const ArenaTable& table);

}  // namespace largestep::theory
