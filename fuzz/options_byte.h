// The reader fuzz targets take their options from the input's last byte, so that one input
// names both the text and how it is read, and libFuzzer mutates both. Bits 0-5 only, so that the
// printable characters '@' (0x40, all defaults) to DEL give every combination and a seed file can
// end in a readable letter.
#pragma once

#include <cstdint>
#include <optional>

#include "largestep/data/readers.h"

namespace largestep::fuzz {

// bit 0: label first (CSV), bit 1: header (CSV), bit 2: scale=none,
// bits 3-5: label map: none, {0,1}, {1,2}, {-1,1}, {2,1}, negative=0 only, positive=1 only, none.
inline CsvOptions options_from_byte(std::uint8_t byte) {
  CsvOptions options;
  options.label_column = byte & 1 ? CsvOptions::LabelColumn::first : CsvOptions::LabelColumn::last;
  options.header = byte & 2;
  options.read.scale_rows = !(byte & 4);
  const LabelMap maps[8] = {{},         {0.0, 1.0},          {1.0, 2.0},          {-1.0, 1.0},
                            {2.0, 1.0}, {0.0, std::nullopt}, {std::nullopt, 1.0}, {}};
  options.read.labels = maps[(byte >> 3) & 7];
  return options;
}

}  // namespace largestep::fuzz
