// Weight vectors from a text file, to score solutions computed elsewhere (a peer solver, a user's
// own code) against the certified optimum.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "largestep/kernel/dataset.h"

namespace largestep {

// One vector per line: d numbers separated by blanks (spaces, tabs) or by single commas with or
// without blanks around them; blank lines and text after '#' are skipped. A file of exactly d
// lines holding one number each (numpy.savetxt of a 1-D array) is read as one vector. Numbers
// follow the grammar of text.h (parse_number). Throws DataError "path:line: ..." for a number that
// does not parse, is not finite or is out of double's range, for an empty field ("1,,2", "1,"),
// and for a line with a count other than d; "path: ..." for an unreadable or empty file and for
// a file too large for the available memory.
std::vector<Vector<double>> read_weights(const std::string& path, std::ptrdiff_t d);

// The same from a stream; `name` stands for the path in error messages.
std::vector<Vector<double>> read_weights(std::istream& in, const std::string& name,
                                         std::ptrdiff_t d);

}  // namespace largestep
