// Tests for libsvm_text: the exported text reads back (read_libsvm, scale off) as the same rows bit
// for bit, keeps d when the last feature is zero, and follows the LIBSVM conventions.
#include <gtest/gtest.h>

#include "temp_dir.h"

#include <cmath>
#include <limits>
#include <string>

#include "largestep/data/libsvm_writer.h"
#include "largestep/data/readers.h"
#include "largestep/data/real_datasets.h"

namespace largestep {
namespace {

Dataset<double> read_back(const std::string& text) {
  const TempDir dir;
  ReadOptions options;
  options.scale_rows = false;
  return read_libsvm(dir.write("data.libsvm", text), options);
}

TEST(LibsvmText, WritesLabelsAndNonzerosWithTheLastFeatureAlways) {
  Dataset<double> data{RowMatrix<double>(2, 3), Vector<double>(2), ""};
  data.X << 0.5, 0, 0,  //
      0, -0.25, 1;
  data.y << 1, -1;
  EXPECT_EQ(libsvm_text(data), "+1 1:0.5 3:0\n-1 2:-0.25 3:1\n");
}

TEST(LibsvmText, ReadsBackBitForBit) {
  Dataset<double> data{RowMatrix<double>(3, 4), Vector<double>(3), ""};
  data.X << 1.0 / 3, std::nextafter(1.0, 0.0), -1e-300, 0,       //
      std::numeric_limits<double>::denorm_min(), 0, 2.0 / 3, 0,  //
      -0.1, 0.7, 1e300, 0;  // the last feature is zero everywhere: d must survive
  data.y << 1, -1, 1;
  const Dataset<double> back = read_back(libsvm_text(data));
  ASSERT_EQ(back.d(), 4);
  EXPECT_EQ(back.X, data.X);
  EXPECT_EQ(back.y, data.y);
}

TEST(LibsvmText, ExportsARealDatasetExactly) {
  const Dataset<double> data = load_digits({0, 8});
  const Dataset<double> back = read_back(libsvm_text(data));
  EXPECT_EQ(back.X, data.X);
  EXPECT_EQ(back.y, data.y);
}

}  // namespace
}  // namespace largestep
