// GD and Nesterov with a progress meter (solver_progress.h), instantiated for float and double in
// their own translation unit: the unit that runs solvers without a meter (methods.cpp) keeps its
// size, and so the compiler's inlining of the loop bench/ counts.
#pragma once

#include "largestep/core/experiment.h"
#include "largestep/core/solver_progress.h"
#include "largestep/kernel/objective.h"

namespace largestep {

template <class Scalar>
SolverResult gradient_descent_with_progress(const LogisticObjective<Scalar>& f, double f_star,
                                            const SolverOptions& options, Vector<Scalar>& w,
                                            const TraceCallback& trace,
                                            const RunStatusSink& progress);

template <class Scalar>
SolverResult nesterov_with_progress(const LogisticObjective<Scalar>& f, double f_star,
                                    const SolverOptions& options, double momentum,
                                    Vector<Scalar>& w, const TraceCallback& trace,
                                    const RunStatusSink& progress);

}  // namespace largestep
