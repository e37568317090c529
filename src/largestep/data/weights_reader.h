// Weight vectors from a text file, to score solutions computed elsewhere (a peer solver, a user's
// own code) against the certified optimum.
#pragma once

#include <string>
#include <vector>

#include "largestep/kernel/dataset.h"

namespace largestep {

// One vector per line: d numbers separated by spaces, tabs or commas; blank lines and text after
// '#' are skipped. A file of exactly d lines holding one number each (numpy.savetxt of a 1-D
// array) is read as one vector. Throws DataError "path:line: ..." for a number that does not
// parse or is not finite and for a line with a count other than d; "path: ..." for an unreadable
// or empty file.
std::vector<Vector<double>> read_weights(const std::string& path, std::ptrdiff_t d);

}  // namespace largestep
