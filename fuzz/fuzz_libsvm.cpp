// Fuzz target for read_libsvm: the input is the file's text followed by one options byte
// (options_byte.h; only scale= and the label map apply).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_check.h"
#include "largestep/readers.h"
#include "options_byte.h"

namespace {
const std::string kName = "fuzz.libsvm";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace largestep;
  if (size == 0) return 0;
  const ReadOptions options = fuzz::options_from_byte(data[size - 1]).read;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size - 1));
  fuzz::check_outcome([&] { return read_libsvm(in, kName, options); },
                      options.scale_rows ? fuzz::RowNorms::one : fuzz::RowNorms::any, kName);
  return 0;
}
