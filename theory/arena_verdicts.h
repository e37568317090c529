// What the arena shows, judged like the paper's claims (pass, fail, or inconclusive for want of
// evidence). These are findings about the methods, not about the code:
//   A1  the silver schedule's worst case on a quadratic: over the spectrum [1/kappa, 1] the block
//       polynomial's largest |p| is (1 - z_k)/(1 + z_k), so ||w - w*||^2 shrinks by its square
//       per block, and no less on some quadratic (computed, not run);
//   A2  silver's measured slope of passes against kappa, against its worst-case exponent
//       log_rho(2) = 0.7864 (per dataset, at least 4 kappas over 2 decades);
//   A3  per cell: whether the paper's large constant stepsizes (s2, s3, loc) reach eps in fewer
//       passes than the field's no-oracle methods (silver, adgd, armijo), or the other way round;
//   A4  per method: runs that diverged, went non-finite or did not settle within the horizon.
#pragma once

#include <vector>

#include "arena.h"
#include "verdict.h"

namespace largestep::theory {

// The largest |prod_t (1 - h_t x)| over x in [1/kappa, 1] (steps h_t in units of 1/L): a grid of
// `grid` points, then golden-section refinement around the best.
double block_polynomial_max(const std::vector<double>& steps, double kappa, int grid = 100000);

// Silver's exponent: the schedule takes O(kappa^log_rho(2)) steps, rho = 1 + sqrt(2).
double silver_exponent();

std::vector<Verdict> judge_arena(const ArenaTable& table);

}  // namespace largestep::theory
