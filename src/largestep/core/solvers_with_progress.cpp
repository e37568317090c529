#include "largestep/core/solvers_with_progress.h"

#include "largestep/core/gradient_descent.h"
#include "largestep/core/nesterov.h"

namespace largestep {

template <class Scalar>
SolverResult gradient_descent_with_progress(const LogisticObjective<Scalar>& f, double f_star,
                                            const SolverOptions& options, Vector<Scalar>& w,
                                            const TraceCallback& trace,
                                            const RunStatusSink& progress) {
  ProgressMeter meter(progress, options);
  if (trace)
    return gradient_descent<Scalar, const TraceCallback&, ProgressMeter&>(f, f_star, options, w,
                                                                          trace, meter);
  return gradient_descent<Scalar, NoObserver, ProgressMeter&>(f, f_star, options, w, NoObserver{},
                                                              meter);
}

template <class Scalar>
SolverResult nesterov_with_progress(const LogisticObjective<Scalar>& f, double f_star,
                                    const SolverOptions& options, double momentum,
                                    Vector<Scalar>& w, const TraceCallback& trace,
                                    const RunStatusSink& progress) {
  ProgressMeter meter(progress, options);
  if (trace)
    return nesterov<Scalar, const TraceCallback&, ProgressMeter&>(f, f_star, options, momentum, w,
                                                                  trace, meter);
  return nesterov<Scalar, NoObserver, ProgressMeter&>(f, f_star, options, momentum, w, NoObserver{},
                                                      meter);
}

template SolverResult gradient_descent_with_progress<float>(const LogisticObjective<float>&, double,
                                                            const SolverOptions&, Vector<float>&,
                                                            const TraceCallback&,
                                                            const RunStatusSink&);
template SolverResult gradient_descent_with_progress<double>(const LogisticObjective<double>&,
                                                             double, const SolverOptions&,
                                                             Vector<double>&, const TraceCallback&,
                                                             const RunStatusSink&);
template SolverResult nesterov_with_progress<float>(const LogisticObjective<float>&, double,
                                                    const SolverOptions&, double, Vector<float>&,
                                                    const TraceCallback&, const RunStatusSink&);
template SolverResult nesterov_with_progress<double>(const LogisticObjective<double>&, double,
                                                     const SolverOptions&, double, Vector<double>&,
                                                     const TraceCallback&, const RunStatusSink&);

}  // namespace largestep
