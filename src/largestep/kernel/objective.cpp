#include "largestep/kernel/objective.h"

namespace largestep {

template class LogisticObjective<float>;
template class LogisticObjective<double>;

}  // namespace largestep
