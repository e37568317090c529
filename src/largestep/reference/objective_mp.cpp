#include "largestep/reference/objective_mp.h"

namespace largestep {

template class LogisticObjective<Mp>;

}  // namespace largestep
