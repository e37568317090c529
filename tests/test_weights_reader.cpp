// Tests for read_weights: one vector per line or one number per line, separators and comments, and
// a DataError naming path, line and problem for every malformed file.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "data_error_message.h"
#include "largestep/data/weights_reader.h"
#include "temp_dir.h"

namespace largestep {
namespace {

std::vector<Vector<double>> read(const std::string& text, std::ptrdiff_t d) {
  const TempDir dir;
  return read_weights(dir.write("w.txt", text), d);
}

// The message of the DataError for `text`, after the path (which it must start with).
std::string error(const std::string& text, std::ptrdiff_t d) {
  const TempDir dir;
  const std::string path = dir.write("w.txt", text);
  const std::string message = error_of([&] { read_weights(path, d); });
  EXPECT_EQ(message.rfind(path, 0), 0u) << message;
  return message.substr(std::min(message.size(), path.size()));
}

TEST(ReadWeights, ReadsOneVectorPerLineWithAnySeparator) {
  const auto w = read("# two vectors\n1 2.5 -3\n\n0.1,+2e-3,\t-0  # trailing comment\n", 3);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], (Vector<double>(3) << 1, 2.5, -3).finished());
  EXPECT_EQ(w[1], (Vector<double>(3) << 0.1, 2e-3, 0).finished());
}

TEST(ReadWeights, ReadsAColumnOfDNumbersAsOneVector) {
  const auto w = read("1.000000000000000000e+00\n-2.5e-01\n3\n", 3);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], (Vector<double>(3) << 1, -0.25, 3).finished());
}

TEST(ReadWeights, ErrorsNameTheLineAndTheProblem) {
  EXPECT_EQ(error("1 2\n1 2 3\n", 2), ":2: 3 weights, the dataset has d = 2 features");
  EXPECT_EQ(error("1 abc\n", 2), ":1: weight 2 is not a finite number (abc)");
  EXPECT_EQ(error("nan 1\n", 2), ":1: weight 1 is not a finite number (nan)");
  // One sign only: "+-1" and "++1" are malformed, as the data readers hold them to be.
  EXPECT_EQ(error("+-1 1\n", 2), ":1: weight 1 is not a finite number (+-1)");
  EXPECT_EQ(error("1 ++1\n", 2), ":1: weight 2 is not a finite number (++1)");
  EXPECT_EQ(error("# nothing\n\n", 2), ": no weights (empty file)");
  EXPECT_NE(error_of([] {
              read_weights("/nonexistent/w.txt", 2);
            }).find("/nonexistent/w.txt: cannot open"),
            std::string::npos);
}

}  // namespace
}  // namespace largestep
