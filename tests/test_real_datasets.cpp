// Tests for the real datasets shipped by Debian packages: sizes and class counts match the known
// facts of each dataset, rows are scaled to a largest norm of 1, the specs parse to canonical
// forms, and a missing file, bad classes or a damaged file are DataErrors naming the problem.
// Fashion-MNIST's rows are checked against the IDX files decoded here by hand; the tests that need
// the Debian package skip when it is absent (CI installs it).
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data_error_message.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/real_datasets.h"
#include "temp_dir.h"

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

// ---- Fashion-MNIST ----

// The decompressed bytes of a gzip file, read here with zlib alone: the tests' reference.
std::string gunzip(const std::string& path) {
  gzFile gz = gzopen(path.c_str(), "rb");
  EXPECT_NE(gz, nullptr) << path;
  if (gz == nullptr) return "";
  std::string bytes;
  char buffer[1 << 16];
  int got = 0;
  while ((got = gzread(gz, buffer, sizeof buffer)) > 0) bytes.append(buffer, got);
  gzclose(gz);
  return bytes;
}

// The raw Fashion-MNIST split: labels and 784-byte images in file order (the 8- and 16-byte IDX
// headers skipped; their fields are checked by the loader's own tests below).
struct RawSplit {
  std::string labels, images;
  int label(std::size_t i) const { return static_cast<unsigned char>(labels[8 + i]); }
  // Pixel j of image i, / 255.
  double pixel(std::size_t i, std::size_t j) const {
    return static_cast<unsigned char>(images[16 + 784 * i + j]) / 255.0;
  }
  std::size_t count() const { return labels.size() - 8; }
};

RawSplit raw_split(FashionSplit split) {
  const FashionFiles files = fashion_files(split);
  return {gunzip(files.labels), gunzip(files.images)};
}

// The largest norm of the images (pixels / 255) of the given classes, summed here in long double.
double largest_norm(const RawSplit& raw, const std::vector<int>& classes) {
  long double largest = 0;
  for (std::size_t i = 0; i < raw.count(); ++i) {
    if (std::find(classes.begin(), classes.end(), raw.label(i)) == classes.end()) continue;
    long double sum = 0;
    for (std::size_t j = 0; j < 784; ++j) sum += raw.pixel(i, j) * raw.pixel(i, j);
    largest = std::max(largest, std::sqrt(sum));
  }
  return static_cast<double>(largest);
}

bool fashion_installed() {
  std::error_code ec;
  for (const FashionSplit split : {FashionSplit::train, FashionSplit::test}) {
    const FashionFiles files = fashion_files(split);
    if (!std::filesystem::exists(files.images, ec) || !std::filesystem::exists(files.labels, ec))
      return false;
  }
  return true;
}

#define SKIP_WITHOUT_FASHION() \
  if (!fashion_installed())    \
  GTEST_SKIP() << "dataset-fashion-mnist is not installed (" << kFashionDir << ")"

// Row i of `data` against image `image` of `raw`, both / 255, the data's row divided by `scale`.
void expect_row_is_image(const Dataset<double>& data, std::ptrdiff_t i, const RawSplit& raw,
                         std::size_t image, double scale) {
  for (std::ptrdiff_t j = 0; j < 784; ++j)
    ASSERT_NEAR(data.X(i, j), raw.pixel(image, static_cast<std::size_t>(j)) / scale, 1e-15)
        << "row " << i << ", pixel " << j;
}

TEST(FashionMnist, SevenVersusNineHasTwelveThousandRowsInFileOrder) {
  SKIP_WITHOUT_FASHION();
  const Dataset<double> data = make_dataset("fashion:7v9");
  EXPECT_EQ(data.spec, "fashion:7v9,split=train");
  ASSERT_EQ(data.n(), 12000);
  EXPECT_EQ(data.d(), 784);
  EXPECT_EQ(count_label(data, -1), 6000);  // sneakers
  EXPECT_EQ(count_label(data, +1), 6000);  // ankle boots
  EXPECT_LE(data.max_row_norm(), 1.0);
  EXPECT_NEAR(data.max_row_norm(), 1.0, 1e-15);
  // Labels and rows against the files decoded here: the first and the last chosen image.
  const RawSplit raw = raw_split(FashionSplit::train);
  std::vector<std::size_t> chosen;
  for (std::size_t i = 0; i < raw.count(); ++i)
    if (raw.label(i) == 7 || raw.label(i) == 9) chosen.push_back(i);
  ASSERT_EQ(chosen.size(), 12000u);
  for (std::size_t k = 0; k < chosen.size(); ++k)
    ASSERT_EQ(data.y(static_cast<std::ptrdiff_t>(k)), raw.label(chosen[k]) == 9 ? 1.0 : -1.0);
  const double scale = largest_norm(raw, {7, 9});
  expect_row_is_image(data, 0, raw, chosen.front(), scale);
  expect_row_is_image(data, 11999, raw, chosen.back(), scale);
}

TEST(FashionMnist, GroupsOfClassesGiveTheLargerTasks) {
  SKIP_WITHOUT_FASHION();
  const Dataset<double> eight = make_dataset("fashion:6+4+2+0v7+5+3+1");
  EXPECT_EQ(eight.spec, "fashion:0+2+4+6v1+3+5+7,split=train");
  EXPECT_EQ(eight.n(), 48000);
  EXPECT_EQ(count_label(eight, -1), 24000);
  EXPECT_NEAR(eight.max_row_norm(), 1.0, 1e-15);
  const Dataset<double> ten = make_dataset("fashion:0+2+4+6+8v1+3+5+7+9");
  ASSERT_EQ(ten.n(), 60000);
  EXPECT_EQ(ten.d(), 784);
  EXPECT_EQ(count_label(ten, +1), 30000);
  EXPECT_NEAR(ten.max_row_norm(), 1.0, 1e-15);
  // Every image, in file order: the label's parity decides the sign.
  const RawSplit raw = raw_split(FashionSplit::train);
  for (std::size_t i = 0; i < raw.count(); ++i)
    ASSERT_EQ(ten.y(static_cast<std::ptrdiff_t>(i)), raw.label(i) % 2 == 1 ? 1.0 : -1.0) << i;
  expect_row_is_image(ten, 0, raw, 0, largest_norm(raw, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(FashionMnist, TheTestSplitIsScaledByTheTrainingFactor) {
  SKIP_WITHOUT_FASHION();
  const Dataset<double> test = make_dataset("fashion:7v9,split=test");
  EXPECT_EQ(test.spec, "fashion:7v9,split=test");
  ASSERT_EQ(test.n(), 2000);
  EXPECT_EQ(count_label(test, -1), 1000);
  const RawSplit raw = raw_split(FashionSplit::test);
  std::size_t first = 0;
  while (raw.label(first) != 7 && raw.label(first) != 9) ++first;
  EXPECT_EQ(test.y(0), raw.label(first) == 9 ? 1.0 : -1.0);
  // Divided by the training rows' largest norm, not by its own.
  const double train_scale = largest_norm(raw_split(FashionSplit::train), {7, 9});
  EXPECT_NEAR(fashion_scale(FashionClasses::parse("7v9")), train_scale, 1e-15);
  expect_row_is_image(test, 0, raw, first, train_scale);
  EXPECT_NE(largest_norm(raw, {7, 9}), train_scale);  // else the test would not tell the two apart
}

// ---- Fashion-MNIST files written here: the IDX reader's checks ----

std::string be32(std::uint32_t x) {
  return {static_cast<char>(x >> 24), static_cast<char>(x >> 16), static_cast<char>(x >> 8),
          static_cast<char>(x)};
}

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  if (!bytes.empty()) gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(gz);
}

std::string label_file(const std::vector<int>& labels, std::uint32_t magic = 0x801) {
  std::string bytes = be32(magic) + be32(static_cast<std::uint32_t>(labels.size()));
  for (const int label : labels) bytes += static_cast<char>(label);
  return bytes;
}

// Images of 2 x 3 pixels, image i filled with pixels[i].
std::string image_file(const std::vector<std::vector<int>>& pixels, std::uint32_t magic = 0x803) {
  std::string bytes =
      be32(magic) + be32(static_cast<std::uint32_t>(pixels.size())) + be32(2) + be32(3);
  for (const auto& image : pixels)
    for (const int p : image) bytes += static_cast<char>(p);
  return bytes;
}

// A directory of the four files: classes 7, 3, 9, 7; the test split's pixels 255 are 204 there.
struct SyntheticFashion {
  TempDir dir;
  SyntheticFashion() {
    for (const FashionSplit split : {FashionSplit::train, FashionSplit::test}) {
      const int top = split == FashionSplit::train ? 255 : 204;
      const FashionFiles files = fashion_files(split, dir.path(""));
      write_gz(files.labels, label_file({7, 3, 9, 7}));
      write_gz(files.images, image_file({{top, 0, 0, 0, 0, 0},
                                         {1, 2, 3, 4, 5, 6},
                                         {0, 51, 0, 0, 0, 0},
                                         {0, 0, 0, 0, 0, top}}));
    }
  }
  FashionFiles train() const { return fashion_files(FashionSplit::train, dir.path("")); }
  Dataset<double> load(FashionSplit split = FashionSplit::train) const {
    return load_fashion(FashionClasses::parse("7v9"), split, dir.path(""));
  }
};

TEST(FashionIdx, SyntheticFilesReadBackExactly) {
  const SyntheticFashion files;
  const Dataset<double> train = files.load();
  ASSERT_EQ(train.n(), 3);  // the image of class 3 left out
  ASSERT_EQ(train.d(), 6);
  EXPECT_EQ(train.y, Vector<double>((Vector<double>(3) << -1, 1, -1).finished()));
  // Largest norm 1 (a pixel 255): the rows are pixels / 255 exactly, row by row.
  EXPECT_EQ(train.X(0, 0), 1.0);
  EXPECT_EQ(train.X(1, 1), 51 / 255.0);
  EXPECT_EQ(train.X(2, 5), 1.0);
  EXPECT_EQ(train.X.sum(), 2 + 51 / 255.0);
  // The test split's largest norm is 204 / 255 = 0.8: divided by the training factor (1), its
  // rows keep that norm; divided by their own it would be 1.
  const Dataset<double> test = files.load(FashionSplit::test);
  EXPECT_EQ(test.X(0, 0), 204 / 255.0);
  EXPECT_EQ(test.X(1, 1), 51 / 255.0);
  EXPECT_EQ(test.X(2, 5), 204 / 255.0);
  EXPECT_EQ(fashion_scale(FashionClasses::parse("7v9"), files.dir.path("")), 1.0);
}

// The message of loading a synthetic set whose training labels or images are `bytes`, with the
// file it must name.
struct Damage {
  std::string message, labels, images;
};
Damage damage(bool labels, const std::string& bytes) {
  const SyntheticFashion files;
  const FashionFiles train = files.train();
  write_gz(labels ? train.labels : train.images, bytes);
  const std::string message = error_of([&] { files.load(); });
  EXPECT_TRUE(contains(message, labels ? train.labels : train.images)) << message;
  return {message, train.labels, train.images};
}

TEST(FashionIdx, DamagedFilesAreDataErrorsNamingTheFileAndTheProblem) {
  const std::vector<std::vector<int>> four = {
      {1, 1, 1, 1, 1, 1}, {2, 2, 2, 2, 2, 2}, {3, 3, 3, 3, 3, 3}, {4, 4, 4, 4, 4, 4}};
  EXPECT_TRUE(contains(damage(true, label_file({7, 3, 9, 7}, 0x803)).message,
                       "wrong magic number 0x00000803 (an IDX label file has 0x00000801)"));
  EXPECT_TRUE(contains(damage(false, image_file(four, 0x801)).message,
                       "wrong magic number 0x00000801 (an IDX image file has 0x00000803)"));
  // The header announces 4 labels, 3 follow; 4 images, 3 and a half follow.
  const std::string labels = label_file({7, 3, 9, 7}), images = image_file(four);
  EXPECT_TRUE(contains(damage(true, labels.substr(0, labels.size() - 1)).message,
                       "truncated: the header announces 4 labels, the file has 3"));
  EXPECT_TRUE(contains(damage(false, images.substr(0, images.size() - 3)).message,
                       "truncated: the header announces 4 images of 2 x 3 pixels, the file ends "
                       "in image 4"));
  EXPECT_TRUE(contains(damage(false, images.substr(0, 10)).message,
                       "truncated: the header ends after 10 of its 16 bytes"));
  EXPECT_TRUE(contains(damage(false, images.substr(0, 2)).message,
                       "truncated: 2 bytes, shorter than an IDX header"));
  EXPECT_TRUE(contains(damage(false, images + "x").message,
                       "trailing data after the 4 images its header announces"));
  // Counts that disagree, and a label that is no class.
  const Damage two = damage(false, image_file({{1, 1, 1, 1, 1, 1}, {2, 2, 2, 2, 2, 2}}));
  EXPECT_TRUE(contains(two.message, "2 images, but " + two.labels + " has 4 labels"))
      << two.message;
  EXPECT_TRUE(contains(damage(true, label_file({7, 3, 12, 7})).message,
                       "label 12 of item 3 is not a class 0..9"));
  // A gzip stream cut short: the data reads complete, the stream does not end.
  const SyntheticFashion cut;
  const std::string path = cut.train().images;
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  cut.dir.write(std::filesystem::path(path).filename().string(), bytes.substr(0, bytes.size() - 6));
  const std::string message = error_of([&] { cut.load(); });
  EXPECT_TRUE(contains(message, path + ": corrupt or truncated gzip data")) << message;
}

TEST(FashionIdx, MissingFilesSayWhichPackageToInstall) {
  const std::string message = error_of(
      [] { load_fashion(FashionClasses::parse("7v9"), FashionSplit::train, "/nonexistent"); });
  EXPECT_TRUE(contains(message,
                       "/nonexistent/train-labels-idx1-ubyte.gz not found: install "
                       "dataset-fashion-mnist (scripts/install-deps.sh)"))
      << message;
}

TEST(FashionIdx, NoImageOfTheChosenClassesIsAnError) {
  const SyntheticFashion files;
  EXPECT_TRUE(contains(error_of([&] {
                         load_fashion(FashionClasses::parse("0v1"), FashionSplit::train,
                                      files.dir.path(""));
                       }),
                       "no images of classes 0v1"));
}

}  // namespace
}  // namespace largestep
