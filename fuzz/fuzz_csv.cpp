// Fuzz target for read_csv: the input is the file's text followed by one options byte
// (options_byte.h: label column, header, scale=, label map).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_check.h"
#include "largestep/data/readers.h"
#include "options_byte.h"

namespace {
const std::string kName = "fuzz.csv";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace largestep;
  if (size == 0) return 0;
  const CsvOptions options = fuzz::options_from_byte(data[size - 1]);
  const std::string text(reinterpret_cast<const char*>(data), size - 1);
  fuzz::check_reader(kName, options.read.scale_rows, [&](bool scale_rows) {
    CsvOptions these = options;
    these.read.scale_rows = scale_rows;
    std::istringstream in(text);
    return read_csv(in, kName, these);
  });
  return 0;
}
