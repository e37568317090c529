#include "largestep/core/field_methods.h"

#include "largestep/core/adgd.h"
#include "largestep/core/armijo.h"
#include "largestep/core/descent.h"
#include "largestep/core/polyak.h"
#include "largestep/core/safe.h"
#include "largestep/core/silver.h"

namespace largestep {
namespace {

template <FieldMethod M, class Scalar>
auto make_step(const LogisticObjective<Scalar>& f, double f_star, const SolverOptions& options) {
  if constexpr (M == FieldMethod::silver) return SilverStep<Scalar>(f, options);
  if constexpr (M == FieldMethod::adgd) return AdgdStep<Scalar>(f, options);
  if constexpr (M == FieldMethod::armijo) return ArmijoStep<Scalar>(f, options);
  if constexpr (M == FieldMethod::polyak) return PolyakStep<Scalar>(f_star, options);
  if constexpr (M == FieldMethod::safe) return SafeStep<Scalar>(f, options);
}

}  // namespace

template <FieldMethod M, class Scalar>
SolverResult run_field_method(const LogisticObjective<Scalar>& f, double f_star,
                              const SolverOptions& options, double, Vector<Scalar>& w,
                              const TraceCallback& trace, const RunStatusSink& progress) {
  options.validate();
  auto step = make_step<M>(f, f_star, options);
  using Step = decltype(step);
  if (progress) {
    ProgressMeter meter(progress, options, 0.1, true);
    if (trace)
      return descend<Scalar, Step, const TraceCallback&, ProgressMeter&>(f, f_star, options, w,
                                                                         step, trace, meter);
    return descend<Scalar, Step, NoObserver, ProgressMeter&>(f, f_star, options, w, step,
                                                             NoObserver{}, meter);
  }
  if (trace) return descend<Scalar, Step, const TraceCallback&>(f, f_star, options, w, step, trace);
  return descend<Scalar, Step>(f, f_star, options, w, step);
}

#define LARGESTEP_FIELD_METHOD(M)                                                               \
  template SolverResult run_field_method<M, float>(const LogisticObjective<float>&, double,      \
                                                   const SolverOptions&, double, Vector<float>&, \
                                                   const TraceCallback&, const RunStatusSink&);  \
  template SolverResult run_field_method<M, double>(                                             \
      const LogisticObjective<double>&, double, const SolverOptions&, double, Vector<double>&,   \
      const TraceCallback&, const RunStatusSink&);
LARGESTEP_FIELD_METHOD(FieldMethod::silver)
LARGESTEP_FIELD_METHOD(FieldMethod::adgd)
LARGESTEP_FIELD_METHOD(FieldMethod::armijo)
LARGESTEP_FIELD_METHOD(FieldMethod::polyak)
LARGESTEP_FIELD_METHOD(FieldMethod::safe)
#undef LARGESTEP_FIELD_METHOD

}  // namespace largestep
