// LogisticObjective over the multiprecision scalar; instantiated once, in objective_mp.cpp,
// because Eigen over MPFR numbers is slow to compile.
#pragma once

#include "largestep/multiprecision.h"
#include "largestep/objective.h"

namespace largestep {

extern template class LogisticObjective<Mp>;

}  // namespace largestep
