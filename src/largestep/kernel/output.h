// Writing result files: every writer of the project goes through here.
#pragma once

#include <string>

namespace largestep {

// Writes to PATH.tmp.PID then renames it over PATH, so a reader never sees a partial file.
// Throws std::runtime_error naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace largestep
