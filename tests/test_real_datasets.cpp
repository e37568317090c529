// Tests for the real datasets shipped by Debian packages: sizes and class counts match the known
// facts of each dataset, rows are scaled to a largest norm of 1, the specs parse to canonical
// forms, and a missing file, bad classes or a damaged file are DataErrors naming the problem.
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <string>

#include "data_error_message.h"
#include "temp_dir.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/real_datasets.h"

namespace largestep {
namespace {

long count_label(const Dataset<double>& data, double label) {
  return static_cast<long>((data.y.array() == label).count());
}

void expect_scaled_with_labels(const Dataset<double>& data) {
  EXPECT_NEAR(data.max_row_norm(), 1.0, 1e-15);
  EXPECT_EQ(count_label(data, 1) + count_label(data, -1), data.n()) << "labels must be -1 or +1";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RealDatasets, DigitsZeroVersusEightHasTheKnownClassSizes) {
  const Dataset<double> data = load_digits({0, 8});
  EXPECT_EQ(data.n(), 178 + 174);
  EXPECT_EQ(data.d(), 64);
  EXPECT_EQ(count_label(data, -1), 178);  // class 0, the first named
  EXPECT_EQ(count_label(data, +1), 174);  // class 8
  expect_scaled_with_labels(data);
}

TEST(RealDatasets, DigitsClassOrderChoosesTheSigns) {
  const Dataset<double> zero_eight = load_digits({0, 8});
  const Dataset<double> eight_zero = load_digits({8, 0});
  ASSERT_EQ(zero_eight.n(), eight_zero.n());
  EXPECT_EQ(zero_eight.X, eight_zero.X);
  EXPECT_EQ(zero_eight.y, -eight_zero.y);
}

TEST(RealDatasets, BreastCancerHas212MalignantAnd357Benign) {
  const Dataset<double> data = load_breast_cancer();
  EXPECT_EQ(data.n(), 569);
  EXPECT_EQ(data.d(), 30);
  EXPECT_EQ(count_label(data, -1), 212);  // malignant
  EXPECT_EQ(count_label(data, +1), 357);  // benign
  expect_scaled_with_labels(data);
}

TEST(RealDatasets, HeartScaleHas270ExamplesOf13Features) {
  const Dataset<double> data = load_heart_scale();
  EXPECT_EQ(data.n(), 270);
  EXPECT_EQ(data.d(), 13);
  EXPECT_EQ(count_label(data, +1), 120);  // presence of heart disease (the Statlog data)
  EXPECT_EQ(count_label(data, -1), 150);
  expect_scaled_with_labels(data);
}

TEST(RealDatasets, SpecsParseToCanonicalFormsAndBuildTheSameData) {
  EXPECT_EQ(parse_dataset_spec("digits:0v8").canonical(), "digits:0v8");
  EXPECT_EQ(parse_dataset_spec("digits:8v0").canonical(), "digits:8v0");
  EXPECT_EQ(parse_dataset_spec("breast_cancer").canonical(), "breast_cancer");
  EXPECT_EQ(parse_dataset_spec("heart_scale").canonical(), "heart_scale");
  const Dataset<double> digits = make_dataset("digits:0v8");
  EXPECT_EQ(digits.spec, "digits:0v8");
  EXPECT_EQ(digits.X, load_digits({0, 8}).X);
  EXPECT_EQ(make_dataset("breast_cancer").X, load_breast_cancer().X);
  EXPECT_EQ(make_dataset("heart_scale").y, load_heart_scale().y);
}

TEST(RealDatasetErrors, DigitClassesMustBeTwoDifferentDigits) {
  EXPECT_TRUE(contains(error_of([] { parse_dataset_spec("digits:3v3"); }), "must differ"));
  EXPECT_TRUE(contains(error_of([] { parse_dataset_spec("digits:0v10"); }), "class '10'"));
  EXPECT_TRUE(contains(error_of([] { parse_dataset_spec("digits:0v10"); }), "not a digit 0..9"));
  EXPECT_TRUE(contains(error_of([] { parse_dataset_spec("digits:-1v2"); }), "class '-1'"));
  EXPECT_TRUE(contains(error_of([] { parse_dataset_spec("digits"); }), "expected two classes AvB"));
  EXPECT_TRUE(
      contains(error_of([] { parse_dataset_spec("digits:08"); }), "expected two classes AvB"));
  EXPECT_TRUE(contains(error_of([] { parse_dataset_spec("digits:0v8,x=1"); }), "no parameter 'x'"));
  EXPECT_TRUE(
      contains(error_of([] { parse_dataset_spec("heart_scale:x=1"); }), "no parameter 'x'"));
}

TEST(RealDatasetErrors, AMissingFileSaysWhichPackageToInstall) {
  const std::string digits = error_of([] { load_digits({0, 8}, "/nonexistent/digits.csv.gz"); });
  EXPECT_TRUE(contains(digits,
                       "/nonexistent/digits.csv.gz not found: install python3-sklearn "
                       "(scripts/install-deps.sh)"))
      << digits;
  const std::string cancer = error_of([] { load_breast_cancer("/nonexistent/breast_cancer.csv"); });
  EXPECT_TRUE(contains(cancer, "not found: install python3-sklearn")) << cancer;
  const std::string heart = error_of([] { load_heart_scale("/nonexistent/heart_scale"); });
  EXPECT_TRUE(contains(heart, "not found: install liblinear-tools")) << heart;
}

TEST(RealDatasetErrors, DamagedFilesNameThePathAndLine) {
  const TempDir dir;
  // A gzip stream cut short: zlib reports it, and so must the loader.
  const std::string full = dir.path("full.csv.gz"), cut = dir.path("cut.csv.gz");
  gzFile gz = gzopen(full.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  for (int line = 0; line < 200; ++line) gzputs(gz, "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,0\n");
  gzclose(gz);
  std::string bytes;
  {
    std::ifstream in(full, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  dir.write("cut.csv.gz", bytes.substr(0, bytes.size() / 2));
  EXPECT_TRUE(contains(error_of([&] { load_digits({0, 8}, cut); }), "corrupt or truncated"));
  // The right number of fields is 65; this file has 17.
  EXPECT_TRUE(contains(error_of([&] {
                         load_digits({0, 8}, full);
                       }),
                       full + ":1: 17 fields, expected 65"));

  const std::string cancer = dir.path("cancer.csv");
  dir.write("cancer.csv", "3,2,malignant,benign\n1,2,0\n3,4,1\n");
  EXPECT_TRUE(contains(error_of([&] { load_breast_cancer(cancer); }),
                       "the first line announces 3 examples, the file has 2"));
  dir.write("cancer.csv", "2,2,malignant,benign\n1,2,0\n3,x,1\n");
  EXPECT_TRUE(contains(error_of([&] { load_breast_cancer(cancer); }),
                       cancer + ":3: field 2 is not a finite number (x)"));
  dir.write("cancer.csv", "1,2,malignant,benign\n1,2,2\n");
  EXPECT_TRUE(contains(error_of([&] { load_breast_cancer(cancer); }), "target 2 is not 0"));
}

}  // namespace
}  // namespace largestep
