// LogisticObjective over the multiprecision scalar; instantiated once, in objective_mp.cpp,
// because Eigen over MPFR numbers is slow to compile.
#pragma once

#include "largestep/reference/multiprecision.h"
#include "largestep/kernel/objective.h"

namespace largestep {

extern template class LogisticObjective<Mp>;

}  // namespace largestep
