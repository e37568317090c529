// Writes a dataset as LIBSVM text, so that other solvers (LIBLINEAR, scikit-learn, a user's own
// code) see exactly the rows largestep uses, scaling included.
#pragma once

#include <string>

#include "largestep/kernel/dataset.h"

namespace largestep {

// One line per example: "+1" or "-1", then "j:x_ij" for j = 1..d, every value written with
// %.17g so that it reads back as the same double. Zeros are left out (the format's convention)
// except feature d, written on every line so that any reader recovers d. Reading the text back
// with `libsvm:FILE,scale=none` gives the same X and y bit for bit (scale=max would divide by a
// largest norm that is 1 only to rounding).
std::string libsvm_text(const Dataset<double>& data);

}  // namespace largestep
