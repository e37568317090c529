#include "largestep/core/solver.h"

#include <fmt/format.h>
#include <stdexcept>

namespace largestep {

std::string to_string(Termination t) {
  switch (t) {
    case Termination::converged:
      return "converged";
    case Termination::max_steps:
      return "max_steps";
    case Termination::floor_reached:
      return "floor_reached";
    case Termination::diverged:
      return "diverged";
    case Termination::non_finite:
      return "non_finite";
  }
  return "unknown";
}

Termination parse_termination(std::string_view text) {
  std::string known;
  for (const Termination t :
       {Termination::converged, Termination::max_steps, Termination::floor_reached,
        Termination::diverged, Termination::non_finite}) {
    if (to_string(t) == text) return t;
    known += (known.empty() ? "" : ", ") + to_string(t);
  }
  throw std::invalid_argument(fmt::format("unknown termination '{}' (known: {})", text, known));
}

std::string StepCount::str() const {
  return lower_bound ? fmt::format(">{}", value - 1) : fmt::format("{}", value);
}

void SolverOptions::validate() const {
  const auto fail = [](std::string_view field, auto value, std::string_view constraint) {
    throw std::invalid_argument(fmt::format("{} = {} is invalid: must be {}", field, value, constraint));
  };
  if (!(eta > 0) || !std::isfinite(eta)) fail("eta", eta, "a positive finite number");
  if (!(eps > 0) || !std::isfinite(eps)) fail("eps", eps, "a positive finite number");
  if (max_steps < 1) fail("max_steps", max_steps, ">= 1");
  if (settle_min_steps < 1) fail("settle_min_steps", settle_min_steps, ">= 1");
  if (!(settle_fraction >= 0) || !std::isfinite(settle_fraction))
    fail("settle_fraction", settle_fraction, "a finite number >= 0");
  if (!(increase_tolerance_ulps >= 0) || !std::isfinite(increase_tolerance_ulps))
    fail("increase_tolerance_ulps", increase_tolerance_ulps, "a finite number >= 0");
  if (trace_every < 1) fail("trace_every", trace_every, ">= 1");
  if (!(reference_bracket >= 0) || !std::isfinite(reference_bracket))
    fail("reference_bracket", reference_bracket, "a finite number >= 0");
  if (!(eta_loc > 0)) fail("eta_loc", eta_loc, "a positive number (infinite when not known)");
  safe.validate();
}

}  // namespace largestep
