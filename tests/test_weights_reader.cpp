// Tests for read_weights: one vector per line or one number per line, separators and comments, and
// a DataError naming path, line and problem for every malformed file.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
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
  EXPECT_EQ(error("nan 1\n", 2), ":1: weight 1 is not a finite number: NaN or Inf (nan)");
  // One sign only: "+-1" and "++1" are malformed, as the data readers hold them to be.
  EXPECT_EQ(error("+-1 1\n", 2), ":1: weight 1 is not a finite number (+-1)");
  EXPECT_EQ(error("1 ++1\n", 2), ":1: weight 2 is not a finite number (++1)");
  EXPECT_EQ(error("# nothing\n\n", 2), ": no weights (empty file)");
  EXPECT_NE(error_of([] {
              read_weights("/nonexistent/w.txt", 2);
            }).find("/nonexistent/w.txt: cannot open"),
            std::string::npos);
}

TEST(ReadWeights, AnEmptyFieldBetweenCommasIsAnErrorNotSkipped) {
  // issue 17: "1,,2" was read as (1, 2).
  EXPECT_EQ(error("1,,2\n", 2), ":1: weight 2 is missing (empty field) (1,,2)");
  EXPECT_EQ(error("1, ,2\n", 2), ":1: weight 2 is missing (empty field) (1, ,2)");
  EXPECT_EQ(error(",1,2\n", 2), ":1: weight 1 is missing (empty field) (,1,2)");
  EXPECT_EQ(error("1,2,\n", 2), ":1: weight 3 is missing (empty field) (1,2,)");
  EXPECT_EQ(error("1 2\n3,,4 # comment\n", 2), ":2: weight 2 is missing (empty field) (3,,4 )");
  // One comma, with blanks around it or not, separates as blanks do.
  const auto w = read("1 , 2\n3,\t4\n", 2);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], (Vector<double>(2) << 1, 2).finished());
  EXPECT_EQ(w[1], (Vector<double>(2) << 3, 4).finished());
}

TEST(ReadWeights, FollowsTheNumberGrammarOfEveryReader) {
  const auto w = read("1e-310 -4.9e-324 +2\n", 3);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], (Vector<double>(3) << 1e-310, -4.9e-324, 2).finished());
  EXPECT_EQ(error("1 1e-400\n", 2),
            ":1: weight 2 is out of range: nonzero but below the smallest double "
            "(4.9406564584124654e-324) (1e-400)");
  EXPECT_EQ(error("1e309 1\n", 2),
            ":1: weight 1 is not a finite number: beyond the largest double "
            "(1.7976931348623157e+308) (1e309)");
  EXPECT_EQ(error("0x10 1\n", 2), ":1: weight 1 is not a finite number (0x10)");
}

TEST(ReadWeights, SkipsAByteOrderMarkAsTheDataReadersDo) {
  const auto w = read(
      "\xEF\xBB\xBF"
      "1 2\r\n3 4\r\n",
      2);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], (Vector<double>(2) << 1, 2).finished());
  EXPECT_EQ(error("1 2\n\xEF\xBB\xBF"
                  "3 4\n",
                  2)
                .substr(0, 25),
            ":2: weight 1 is not a fin");
}

TEST(ReadWeights, ReadsAStreamNamingItInErrors) {
  std::istringstream in("1 2\n3 x\n");
  EXPECT_EQ(error_of([&] { read_weights(in, "stream", 2); }),
            "stream:2: weight 2 is not a finite number (x)");
}

}  // namespace
}  // namespace largestep
