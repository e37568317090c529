// Tests for read_libsvm and read_csv: good files read exactly, and every bad-file class throws a
// DataError that names the path, the line and the problem.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "data_error_message.h"
#include "largestep/data/readers.h"
#include "scoped_env.h"

namespace largestep {
namespace {

namespace fs = std::filesystem;

// A LIBSVM line of row i: label +-1 and two features.
std::string fmt_row(int i) {
  return std::to_string(i % 2 == 0 ? 1 : -1) + " 1:" + std::to_string(i % 7) + " 3:0.25\n";
}

// A file with the given contents in a fresh temporary directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& contents, const std::string& name = "data.txt") {
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("largestep_test_readers_" + std::string(test->name()) +
                                        "_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    path_ = (dir_ / name).string();
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  std::string dir() const { return dir_.string(); }

 private:
  fs::path dir_;
  std::string path_;
};

// Whether `message` contains every one of `parts`.
testing::AssertionResult mentions(const std::string& message,
                                  const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    if (message.find(part) == std::string::npos) {
      return testing::AssertionFailure() << "'" << message << "' lacks '" << part << "'";
    }
  }
  return testing::AssertionSuccess();
}

std::string libsvm_error(const std::string& contents, const ReadOptions& options = {}) {
  const TempFile file(contents);
  std::string message = error_of([&] { read_libsvm(file.path(), options); });
  // Every line-level message starts with the path, so tests can check just ":LINE:".
  EXPECT_EQ(message.rfind(file.path() + ":", 0), 0u) << message;
  return message.substr(std::min(message.size(), file.path().size()));
}

std::string csv_error(const std::string& contents, const CsvOptions& options = {}) {
  const TempFile file(contents, "data.csv");
  std::string message = error_of([&] { read_csv(file.path(), options); });
  EXPECT_EQ(message.rfind(file.path() + ":", 0), 0u) << message;
  return message.substr(std::min(message.size(), file.path().size()));
}

ReadOptions unscaled(LabelMap labels = {}) {
  ReadOptions options;
  options.labels = labels;
  options.scale_rows = false;
  return options;
}

// ---- Good files ----

TEST(Readers, ReadsSparseLibsvmWithGapsAndCommentsExactly) {
  const TempFile file(
      "# a comment line\n"
      "+1 1:0.5 4:-2.25   # trailing comment\n"
      "\n"
      "   \t\n"
      "-1 2:1e-3\t3:7\r\n"
      "1 5:0.1\n"
      "-1\n");
  const Dataset<double> data = read_libsvm(file.path(), unscaled());
  ASSERT_EQ(data.n(), 4);
  ASSERT_EQ(data.d(), 5);
  RowMatrix<double> expected(4, 5);
  expected << 0.5, 0, 0, -2.25, 0,  //
      0, 1e-3, 7, 0, 0,             //
      0, 0, 0, 0, 0.1,              //
      0, 0, 0, 0, 0;
  EXPECT_EQ(data.X, expected);
  EXPECT_EQ(data.y, Vector<double>((Vector<double>(4) << 1, -1, 1, -1).finished()));
  EXPECT_EQ(data.spec, "");
}

TEST(Readers, MapsZeroOneLabels) {
  const TempFile file("0 1:1\n1 2:1\n0 1:2\n");
  const Dataset<double> data = read_libsvm(file.path(), unscaled({0.0, 1.0}));
  EXPECT_EQ(data.y, Vector<double>((Vector<double>(3) << -1, 1, -1).finished()));
}

TEST(Readers, MapsOneTwoLabels) {
  const TempFile file("2 1:1\n1 2:1\n2.0 1:2\n");
  const Dataset<double> data = read_libsvm(file.path(), unscaled({1.0, 2.0}));
  EXPECT_EQ(data.y, Vector<double>((Vector<double>(3) << 1, -1, 1).finished()));
}

TEST(Readers, AcceptsSingleClassFile) {
  const TempFile file("1 1:1\n+1 2:1\n");
  const Dataset<double> data = read_libsvm(file.path(), unscaled());
  EXPECT_EQ(data.y, Vector<double>::Ones(2));
}

TEST(Readers, ScalingMakesMaxRowNormOneAndKeepsRatios) {
  const TempFile file("1 1:3 2:4\n-1 1:1\n1 2:-2 3:0.5\n");
  const Dataset<double> raw = read_libsvm(file.path(), unscaled());
  const Dataset<double> scaled = read_libsvm(file.path());  // scale_rows is on by default
  EXPECT_NEAR(scaled.max_row_norm(), 1.0, 1e-15);
  EXPECT_NEAR(scaled.X(0, 1) / scaled.X(0, 0), raw.X(0, 1) / raw.X(0, 0), 1e-15);
  EXPECT_TRUE(scaled.X.isApprox(raw.X / 5.0, 1e-15));
  EXPECT_EQ(scaled.y, raw.y);
}

TEST(Readers, ScalingLeavesAllZeroRowsAlone) {
  const TempFile file("1 1:0\n-1 2:0\n");
  const Dataset<double> data = read_libsvm(file.path());
  EXPECT_EQ(data.X, RowMatrix<double>::Zero(2, 2));
}

TEST(Readers, ScalesRowsWhoseSumOfSquaresOverflows) {
  // Found in review: the largest norm came out infinite and scaling zeroed every row (fuzz_libsvm
  // and fuzz_csv flag it on their seed huge_values).
  const TempFile file("1 1:1e200 2:1e200\n-1 1:1e200\n");
  const Dataset<double> raw = read_libsvm(file.path(), unscaled());
  EXPECT_NEAR(raw.max_row_norm() / 1e200, std::sqrt(2.0), 1e-15);
  const Dataset<double> scaled = read_libsvm(file.path());
  EXPECT_NEAR(scaled.max_row_norm(), 1.0, 1e-15);
  EXPECT_NEAR(scaled.X(0, 0), 1 / std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(scaled.X(1, 0), 1 / std::sqrt(2.0), 1e-15);
}

TEST(Readers, ScalesRowsOfSubnormalValues) {
  // Found by fuzz_csv ("1.e-310, 1."): the squares underflowed to 0, so the row was not scaled.
  const TempFile file("1.e-310, 1.\n", "data.csv");
  CsvOptions options;
  options.read.scale_rows = false;
  EXPECT_EQ(read_csv(file.path(), options).max_row_norm(), 1e-310);
  const Dataset<double> scaled = read_csv(file.path());
  EXPECT_EQ(scaled.X(0, 0), 1.0);

  const TempFile tiny("1 1:3e-170 2:4e-170\n-1 3:1e-170\n");
  const Dataset<double> data = read_libsvm(tiny.path());
  EXPECT_NEAR(data.X(0, 0), 0.6, 1e-15);
  EXPECT_NEAR(data.X(0, 1), 0.8, 1e-15);
  EXPECT_NEAR(data.X(1, 2), 0.2, 1e-15);
}

TEST(Readers, ReadsCsvWithLabelLast) {
  const TempFile file("1.5, -2, 1\r\n\n0,3e2,-1\n", "data.csv");
  CsvOptions options;
  options.read.scale_rows = false;
  const Dataset<double> data = read_csv(file.path(), options);
  RowMatrix<double> expected(2, 2);
  expected << 1.5, -2, 0, 300;
  EXPECT_EQ(data.X, expected);
  EXPECT_EQ(data.y, Vector<double>((Vector<double>(2) << 1, -1).finished()));
  EXPECT_EQ(data.spec, "");
}

TEST(Readers, ReadsCsvWithLabelFirstHeaderAndLabelMap) {
  const TempFile file("\nclass,a,b,c\n2,1,2,3\n1,4,5,6\n", "data.csv");
  CsvOptions options;
  options.read = unscaled({1.0, 2.0});
  options.label_column = CsvOptions::LabelColumn::first;
  options.header = true;
  const Dataset<double> data = read_csv(file.path(), options);
  RowMatrix<double> expected(2, 3);
  expected << 1, 2, 3, 4, 5, 6;
  EXPECT_EQ(data.X, expected);
  EXPECT_EQ(data.y, Vector<double>((Vector<double>(2) << 1, -1).finished()));
}

TEST(Readers, ScalesCsvRowsByDefault) {
  const TempFile file("0,2,1\n0,-1,-1\n", "data.csv");
  const Dataset<double> data = read_csv(file.path());
  EXPECT_NEAR(data.max_row_norm(), 1.0, 1e-15);
  EXPECT_NEAR(data.X(1, 1), -0.5, 1e-15);
}

TEST(Readers, ReadsFromAStreamAsFromAFileAndNamesTheStreamInErrors) {
  const std::string libsvm = "1 1:3 2:4\n-1 3:1\n";
  const TempFile file(libsvm);
  std::istringstream libsvm_in(libsvm);
  const Dataset<double> from_stream = read_libsvm(libsvm_in, "memory");
  const Dataset<double> from_file = read_libsvm(file.path());
  EXPECT_EQ(from_stream.X, from_file.X);
  EXPECT_EQ(from_stream.y, from_file.y);

  CsvOptions options;
  options.label_column = CsvOptions::LabelColumn::first;
  std::istringstream csv_in("1,2,3\n-1,4,5\n");
  const Dataset<double> csv = read_csv(csv_in, "memory", options);
  EXPECT_EQ(csv.n(), 2);
  EXPECT_EQ(csv.d(), 2);

  std::istringstream bad_libsvm("1 1:1\n-1 x:2\n");
  EXPECT_TRUE(mentions(error_of([&] { read_libsvm(bad_libsvm, "memory"); }),
                       {"memory:2: ", "bad index"}));
  std::istringstream bad_csv("2,1\n");
  EXPECT_TRUE(mentions(error_of([&] { read_csv(bad_csv, "memory", options); }),
                       {"memory:1: ", "label not -1 or +1 (2)"}));
}

// A progress sink hears the bytes read of the stream's length, ending at the whole length once,
// and changes nothing read; a stream that cannot tell its length is read silently.
TEST(Readers, ProgressHearsTheBytesReadAndChangesNothing) {
  std::string libsvm;
  for (int i = 0; i < 3000; ++i) libsvm += fmt_row(i);
  std::vector<std::int64_t> done;
  std::int64_t total = -1;
  ReadOptions options;
  options.progress = [&](std::int64_t d, std::int64_t t, const std::string& what) {
    done.push_back(d);
    total = t;
    EXPECT_NE(what.find("bytes of memory read"), std::string::npos) << what;
  };
  std::istringstream in(libsvm), plain_in(libsvm);
  const Dataset<double> with = read_libsvm(in, "memory", options);
  const Dataset<double> without = read_libsvm(plain_in, "memory");
  EXPECT_EQ(with.X, without.X);
  EXPECT_EQ(with.y, without.y);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(total, static_cast<std::int64_t>(libsvm.size()));
  EXPECT_EQ(done.back(), total);
  EXPECT_EQ(std::count(done.begin(), done.end(), total), 1);
  EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
  EXPECT_LE(static_cast<std::int64_t>(done.size()), ProgressCounter::kReports + 1);

  // CSV from a file, without a final newline: the count still ends at the file's size.
  const TempFile file("1,0.5,2\n-1,3,4");
  CsvOptions csv;
  csv.label_column = CsvOptions::LabelColumn::first;
  done.clear();
  csv.read.progress = options.progress;
  std::ifstream csv_in(file.path());
  const Dataset<double> data = read_csv(csv_in, "memory", csv);
  EXPECT_EQ(data.n(), 2);
  EXPECT_EQ(done, (std::vector<std::int64_t>{8, 14}));  // each line (few bytes), the end once
}

// ---- Bad files: one test per error class ----

TEST(Readers, RejectsMissingFile) {
  const TempFile dir("");
  const std::string path = dir.dir() + "/no_such_file.libsvm";
  EXPECT_TRUE(mentions(error_of([&] { read_libsvm(path); }), {path + ": ", "cannot open"}));
  EXPECT_TRUE(mentions(error_of([&] { read_csv(path); }), {path + ": ", "cannot open"}));
}

TEST(Readers, RejectsDirectory) {
  const TempFile dir("");
  EXPECT_TRUE(mentions(error_of([&] { read_libsvm(dir.dir()); }), {dir.dir() + ": ", "directory"}));
}

TEST(Readers, RejectsEmptyFile) {
  EXPECT_TRUE(mentions(libsvm_error(""), {": empty file"}));
  EXPECT_TRUE(mentions(libsvm_error("# only a comment\n\n  \n"), {": empty file"}));
  EXPECT_TRUE(mentions(csv_error("\n\n"), {": empty file"}));
  CsvOptions header;
  header.header = true;
  EXPECT_TRUE(mentions(csv_error("a,b,label\n", header), {": empty file"}));
}

TEST(Readers, RejectsNonNumericLabel) {
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\nyes 1:3\n"),
                       {":3: ", "label is not a finite number", "(yes)"}));
  CsvOptions first;
  first.label_column = CsvOptions::LabelColumn::first;
  EXPECT_TRUE(mentions(csv_error("1,1\n-1,2\n0x1,3\n", first),
                       {":3: ", "label is not a finite number", "(0x1)"}));
  EXPECT_TRUE(mentions(csv_error("1,2,1\n3,4,-1\n5,6,pos\n"),
                       {":3: ", "label is not a finite number", "(pos)"}));
}

TEST(Readers, RejectsNonNumericValue) {
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\n1 1:abc\n"),
                       {":3: ", "value is not a finite number", "(1:abc)"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:\n"), {":2: ", "value is missing", "(1:)"}));
  EXPECT_TRUE(
      mentions(libsvm_error("1 1:1\n-1 1:1.5.2\n"), {":2: ", "value is not a finite number"}));
  EXPECT_TRUE(mentions(csv_error("1,2,1\n3,4,-1\n5,6x,1\n"),
                       {":3: ", "value is not a finite number", "(6x)"}));
  EXPECT_TRUE(mentions(csv_error("1,2,1\n3,4,-1\n5, ,1\n"), {":3: ", "missing value"}));
}

TEST(Readers, RejectsFeatureWithoutColon) {
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\n1 3\n"), {":3: ", "index:value", "(3)"}));
}

TEST(Readers, RejectsMissingLabel) {
  EXPECT_TRUE(
      mentions(libsvm_error("1 1:1\n-1 1:2\n1:3 2:4\n"), {":3: ", "missing label", "(1:3)"}));
  EXPECT_TRUE(mentions(csv_error("1,2,1\n3,4,-1\n5,6,\n"), {":3: ", "missing label"}));
  CsvOptions first;
  first.label_column = CsvOptions::LabelColumn::first;
  EXPECT_TRUE(mentions(csv_error("1,2,1\n-1,4,3\n ,6,7\n", first), {":3: ", "missing label"}));
}

TEST(Readers, RejectsBadIndex) {
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\n1 0:3\n"), {":3: ", "bad index", "(0:3)"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\n1 -2:3\n"), {":3: ", "bad index", "(-2:3)"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\n1 1.5:3\n"), {":3: ", "bad index", "(1.5:3)"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\n1 x:3\n"), {":3: ", "bad index", "(x:3)"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 99999999999999999999:2\n"), {":2: ", "bad index"}));
}

TEST(Readers, RejectsRepeatedIndex) {
  EXPECT_TRUE(
      mentions(libsvm_error("1 1:1\n-1 1:2\n1 2:3 2:4\n"), {":3: ", "repeated index", "(2:4)"}));
}

TEST(Readers, RejectsDecreasingIndex) {
  EXPECT_TRUE(
      mentions(libsvm_error("1 1:1\n-1 1:2\n1 5:3 2:4\n"), {":3: ", "decreasing index", "(2:4)"}));
}

TEST(Readers, RejectsNanAndInf) {
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\nnan 1:3\n"), {":3: ", "NaN or Inf", "label"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\n1 1:inf\n"), {":3: ", "NaN or Inf", "value"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:-Infinity\n"), {":2: ", "NaN or Inf"}));
  EXPECT_TRUE(mentions(csv_error("1,2,1\n3,4,-1\n5,NaN,1\n"), {":3: ", "NaN or Inf", "(NaN)"}));
  EXPECT_TRUE(mentions(csv_error("1,2,1\n3,4,-1\n5,6,inf\n"), {":3: ", "NaN or Inf", "(inf)"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:1e999\n"),
                       {":2: ", "value is not a finite number: beyond the largest double"}));
}

TEST(Readers, RejectsMoreThanTwoClasses) {
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 1:2\n1 1:2\n2 1:3\n"),
                       {":4: ", "more than two classes", "{-1, 1, 2}"}));
  EXPECT_TRUE(
      mentions(csv_error("0,0\n1,1\n2,2\n"), {":3: ", "more than two classes", "{0, 1, 2}"}));
}

TEST(Readers, RejectsLabelsOtherThanPlusMinusOneWithoutMap) {
  const std::string message = libsvm_error("# header\n0 1:1\n1 1:2\n");
  EXPECT_TRUE(mentions(message, {":2: ", "label not -1 or +1 (0)", "labels are {0, 1}",
                                 "negative=0,positive=1", "neg=0,pos=1"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n2 1:3\n"),
                       {":2: ", "labels are {1, 2}", "negative=1,positive=2"}));
  EXPECT_TRUE(mentions(csv_error("1,2,0\n3,4,0\n"), {":1: ", "labels are {0}", "neg="}));
}

TEST(Readers, RejectsLabelNotInMap) {
  EXPECT_TRUE(mentions(libsvm_error("0 1:1\n1 1:2\n-1 1:3\n", unscaled({0.0, 1.0})),
                       {":3: ", "label not in the label map negative=0,positive=1", "(-1)"}));
  CsvOptions options;
  options.read = unscaled({1.0, 2.0});
  EXPECT_TRUE(mentions(csv_error("1,2,1\n3,4,0\n", options), {":2: ", "label map", "(0)"}));
}

TEST(Readers, RejectsRaggedCsvLine) {
  EXPECT_TRUE(mentions(csv_error("1,2,1\n3,4,-1\n5,6,7,1\n"),
                       {":3: ", "ragged line", "4 fields", "line 1 has 3"}));
  EXPECT_TRUE(mentions(csv_error("1,2,1\n3,-1\n"), {":2: ", "ragged line", "2 fields", "has 3"}));
}

TEST(Readers, RejectsCsvWithFewerThanTwoColumns) {
  EXPECT_TRUE(mentions(csv_error("\n1\n-1\n"), {":2: ", "fewer than 2 columns"}));
}

TEST(Readers, RejectsLibsvmTooLargeForADenseMatrix) {
  // Found by fuzz_libsvm: a 20-byte file asked for a 32 GiB matrix.
  EXPECT_TRUE(mentions(libsvm_error("1 4294967297:-1\n"), {": too large", "4294967297"}));
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 4294967297:-1\n"), {": too large", "n = 2"}));
  // The cap is on dense matrices: forced dense, n * d above it is refused, naming format=csr.
  ReadOptions small = unscaled();
  small.storage = ReadOptions::Storage::dense;
  small.max_entries = 5;
  EXPECT_TRUE(mentions(libsvm_error("1 1:1\n-1 3:1\n", small),
                       {": too large", "exceed 5", "format=csr"}));
  small.max_entries = 6;
  const TempFile file("1 1:1\n-1 3:1\n");
  EXPECT_EQ(read_libsvm(file.path(), small).X.size(), 6);
  // By default a file past the cap is read as CSR (its 2 nonzeros), not refused.
  small.storage = ReadOptions::Storage::automatic;
  small.max_entries = 5;
  const Dataset<double> sparse = read_libsvm(file.path(), small);
  EXPECT_TRUE(sparse.sparse);
  EXPECT_EQ(sparse.Xs.nonZeros(), 2);
  EXPECT_EQ(sparse.d(), 3);
}

TEST(Readers, RejectsLibsvmWithoutFeatures) {
  EXPECT_TRUE(mentions(libsvm_error("1\n-1 # nothing\n"), {": no features"}));
}

// ---- issue 17: scaling, the number grammar, memory ----

TEST(Readers, ScaledRowsHaveLargestNormAtMostOneAsComputed) {
  // Dividing (2, 7.9) by its norm leaves a norm of 1.0000000000000002: Assumption 1 then failed.
  const TempFile file("2,7.9,1\n", "data.csv");
  const Dataset<double> one = read_csv(file.path());
  EXPECT_LE(one.max_row_norm(), 1.0);
  EXPECT_GE(one.max_row_norm(), 1.0 - 4e-16);
  // The geometry is kept: the rows are the raw ones over one common factor, to rounding.
  EXPECT_NEAR(one.X(0, 1) / one.X(0, 0), 7.9 / 2, 1e-15);
  std::mt19937_64 engine(17);
  std::uniform_int_distribution<int> digit(-99, 99);
  for (int trial = 0; trial < 300; ++trial) {
    std::string text;
    for (int row = 0; row < 3; ++row)
      text += std::to_string(digit(engine) / 10.0) + "," + std::to_string(digit(engine) / 10.0) +
              "," + std::to_string(digit(engine) / 10.0) + (row % 2 ? ",1\n" : ",-1\n");
    std::istringstream in(text);
    const Dataset<double> data = read_csv(in, "random.csv");
    if (data.X.cwiseAbs().maxCoeff() == 0) continue;
    ASSERT_LE(data.max_row_norm(), 1.0) << text;
    ASSERT_GE(data.max_row_norm(), 1.0 - 4e-16) << text;
  }
}

TEST(Readers, ReadSubnormalsExactlyAndRefuseValuesOutOfDoublesRange) {
  const TempFile file("+1 1:1e-310 2:-4.9e-324\n-1 1:2\n");
  const Dataset<double> data = read_libsvm(file.path(), unscaled());
  EXPECT_EQ(data.X(0, 0), 1e-310);
  EXPECT_EQ(data.X(0, 1), -4.9e-324);
  EXPECT_TRUE(mentions(
      libsvm_error("1 1:1\n-1 1:1e-400\n"),
      {":2: ", "value is out of range: nonzero but below the smallest double", "(1:1e-400)"}));
  EXPECT_TRUE(mentions(csv_error("1,2e-400,1\n"), {":1: ", "value is out of range", "(2e-400)"}));
  EXPECT_TRUE(mentions(csv_error("1,1,-1e999\n"),
                       {":1: ", "label is not a finite number: beyond the largest double"}));
  // One leading '+', as every reader of numbers takes it; not two signs.
  EXPECT_TRUE(mentions(csv_error("1,+-2,1\n"), {":1: ", "value is not a finite number", "(+-2)"}));
  EXPECT_TRUE(mentions(libsvm_error("1 +1:1\n-1 ++2:1\n"), {":2: ", "bad index", "(++2:1)"}));
}

TEST(Readers, RefuseDataBeyondTheAvailableMemoryNamingTheSize) {
  const ScopedEnv limit("LARGESTEP_MAX_MEMORY", "100");  // bytes
  // 3 lines times d = 5: 120 bytes of doubles.
  EXPECT_TRUE(mentions(
      libsvm_error("1 5:1\n-1 1:1\n1 2:1\n"),
      {": the dense matrix of n = 3 lines times d = 5", "120 bytes", "100 bytes available"}));
  EXPECT_TRUE(mentions(csv_error("1,2,3,4,5,6,7,1\n1,2,3,4,5,6,7,-1\n"),
                       {": the matrix of n = 2 lines times d = 7", "112 bytes", "available"}));
  const TempFile small("1 1:1\n-1 2:1\n");  // 32 bytes
  EXPECT_EQ(read_libsvm(small.path()).X.size(), 4);
}

}  // namespace
}  // namespace largestep
