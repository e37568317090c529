// Test helper: a file's whole contents, byte for byte (empty when it cannot be read).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace largestep {

inline std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace largestep
