// The runners of the field's stepsize methods beside the paper's (the method table's rows silver,
// adgd, armijo, polyak) and of safe large-stepsize GD (safe), for float and double, in their own translation unit: methods.cpp, whose
// inlining of GD's loop bench/ counts, stays as it was.
#pragma once

#include "largestep/core/experiment.h"
#include "largestep/core/solver_progress.h"
#include "largestep/kernel/objective.h"

namespace largestep {

enum class FieldMethod { silver, adgd, armijo, polyak, safe };

// Runs the method from w (in: w_0, out: the last iterate) with the options' eta as its base
// stepsize (silver: 1/L; adgd: eta_0; armijo: the first trial; polyak: the step at f*'s rounding;
// safe: where its warm-up starts).
// The signature is the method table's SolverRunner; `momentum` is unused.
template <FieldMethod M, class Scalar>
SolverResult run_field_method(const LogisticObjective<Scalar>& f, double f_star,
                              const SolverOptions& options, double momentum, Vector<Scalar>& w,
                              const TraceCallback& trace, const RunStatusSink& progress);

}  // namespace largestep
