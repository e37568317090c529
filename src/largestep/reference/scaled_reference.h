// The reference for real-size data, certified with O(nd) extended-precision work instead of
// O(n d^2) MPFR work: Newton in double to the rounding floor, then mixed-precision iterative
// refinement (w, margins, gradient and f in double-double; the per-row loss and sigmoid in
// __float128; the Newton correction solved in double), the bracket
//   f(w) - ||grad f(w)||^2 / (2 lambda) <= f* <= f(w)
// widened by a bound on the extended evaluation's own rounding, and h_min, h_max of hess f(w)
// with a residual bound (Lanczos on Hessian-vector products when d is large).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "largestep/kernel/dataset.h"

namespace largestep {

// What a long computation reports: stage k of `stages` (1-based) and what it is doing.
using ReferenceProgress = std::function<void(int stage, int stages, const std::string& what)>;

struct ScaledOptions {
  // Rows per block of the Hessian and of the double passes: a few MB of X at d = 100, so that a
  // block is read once for its margins and again from cache for X_b^T r or its Gram update.
  std::ptrdiff_t rows_per_block = 4096;
  // Rows per compensated block of the double-double passes: the Sum2 error grows as m^2 u^2.
  std::ptrdiff_t dd_rows_per_block = 1024;
  // Up to this d the Hessian is formed (d x d doubles, blocked GEMM) and factored; above it,
  // Newton-CG and Lanczos on Hessian-vector products, with nothing d x d.
  std::ptrdiff_t dense_max_d = 2048;
  int lanczos_steps = 200;
  int max_refinements = 8;
  ReferenceProgress progress;
};

// The reference in extended precision, every number as a decimal string (the MpReference fields).
struct ScaledResult {
  std::vector<std::string> w;
  std::string f_star, f_star_lower, f_star_upper, grad_norm, h_min, h_max, eta_loc, smoothness;
  double bracket_width = 0;  // f_star_upper - f_star_lower, rounded up
  double f_error = 0;        // the bound on the rounding of the extended evaluation of f(w)
  double h_min_uncertainty = 0, h_max_uncertainty = 0, eta_loc_uncertainty = 0;
  int newton_iterations = 0, refinements = 0, lanczos_steps = 0;
  bool dense_hessian = true;
};

// The rows of a unit of every ordered sum of the reference on n x d data (ordered_sum.h): sized by
// its largest partial, the formed Hessian's d x d or the double-double gradient's 2 d + 2. A
// process holding whole units of these rows holds whole units of every sum. Throws
// std::invalid_argument if a block size of `options` does not divide the smallest unit.
std::ptrdiff_t reference_unit_rows(std::ptrdiff_t n, std::ptrdiff_t d, bool sparse,
                                   const ScaledOptions& options = {});

// Throws std::runtime_error if Newton fails (it cannot for lambda > 0 and finite data).
ScaledResult compute_reference_scaled(const Dataset<double>& data, double lambda,
                                      const ScaledOptions& options = {});

}  // namespace largestep
