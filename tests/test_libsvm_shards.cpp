// Tests for a LIBSVM file read in shards of rows: read each shard, fold the facts, finish each
// shard (the max row norm combined across shards as an allreduce would), concatenate: the whole
// read, bit for bit, for any split; errors name the global line and stay in their shard.
#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "data_error_message.h"
#include "largestep/data/readers.h"
#include "temp_dir.h"

namespace largestep {
namespace {

// The max of one value from each of `parties` threads, as MPI_Allreduce(MPI_MAX) gives it.
class MaxAllreduce {
 public:
  explicit MaxAllreduce(int parties) : barrier_(parties), values_(parties) {}
  double operator()(int rank, double local) {
    values_[rank] = local;
    barrier_.arrive_and_wait();
    double best = values_[0];
    for (const double v : values_) best = std::max(best, v);
    barrier_.arrive_and_wait();  // nobody writes the next round before everyone has read
    ++calls_[rank];
    return best;
  }
  void leave() { barrier_.arrive_and_drop(); }  // a thread that failed: the others go on
  std::vector<int> calls_ = std::vector<int>(8, 0);

 private:
  std::barrier<> barrier_;
  std::vector<double> values_;
};

// The shards [cuts[k], cuts[k + 1]) of `path`, facts folded in a shuffled order, each shard
// finished on its own thread with the global max, concatenated in row order.
Dataset<double> read_in_shards(const std::string& path, const std::vector<std::int64_t>& cuts,
                               const ReadOptions& options, std::mt19937& rng) {
  const int parties = static_cast<int>(cuts.size()) - 1;
  std::vector<LibsvmShard> shards;
  for (int k = 0; k < parties; ++k)
    shards.push_back(read_libsvm_shard(path, RowRange{cuts[k], cuts[k + 1]}, options));
  std::vector<int> order(parties);
  for (int k = 0; k < parties; ++k) order[k] = k;
  std::shuffle(order.begin(), order.end(), rng);
  LibsvmFacts all = shards[order[0]].facts;
  for (int k = 1; k < parties; ++k) all = combine(all, shards[order[k]].facts);

  MaxAllreduce allreduce(parties);
  std::vector<Dataset<double>> parts(parties);
  std::vector<std::exception_ptr> errors(parties);
  std::vector<std::thread> threads;
  for (int k = 0; k < parties; ++k) {
    threads.emplace_back([&, k] {
      try {
        parts[k] = finish_libsvm_shard(std::move(shards[k]), all, options,
                                       [&, k](double local) { return allreduce(k, local); });
      } catch (...) {
        errors[k] = std::current_exception();
        allreduce.leave();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  for (int k = 1; k < parties; ++k) EXPECT_EQ(allreduce.calls_[k], allreduce.calls_[0]);

  Dataset<double> whole;
  whole.sparse = parts[0].sparse;
  const std::ptrdiff_t d = parts[0].d();
  std::ptrdiff_t n = 0, nonzeros = 0;
  for (const Dataset<double>& part : parts) {
    EXPECT_EQ(part.sparse, whole.sparse);
    EXPECT_EQ(part.d(), d);
    n += part.n();
    nonzeros += part.sparse ? part.Xs.nonZeros() : 0;
  }
  whole.y.resize(n);
  if (whole.sparse) {
    whole.Xs.resize(n, static_cast<int>(d));
    whole.Xs.resizeNonZeros(nonzeros);
  } else {
    whole.X.resize(n, d);
  }
  std::ptrdiff_t row = 0, at = 0;
  for (const Dataset<double>& part : parts) {
    whole.y.segment(row, part.n()) = part.y;
    if (whole.sparse) {
      for (std::ptrdiff_t i = 0; i <= part.n(); ++i)
        whole.Xs.outerIndexPtr()[row + i] = static_cast<int>(at) + part.Xs.outerIndexPtr()[i];
      std::copy_n(part.Xs.innerIndexPtr(), part.Xs.nonZeros(), whole.Xs.innerIndexPtr() + at);
      std::copy_n(part.Xs.valuePtr(), part.Xs.nonZeros(), whole.Xs.valuePtr() + at);
      at += part.Xs.nonZeros();
    } else if (part.n() > 0) {
      whole.X.middleRows(row, part.n()) = part.X;
    }
    row += part.n();
  }
  return whole;
}

template <class T>
bool same_bits(const T* a, const T* b, std::ptrdiff_t count) {
  return count == 0 || std::memcmp(a, b, sizeof(T) * static_cast<std::size_t>(count)) == 0;
}

// X or Xs, y and d bit for bit.
testing::AssertionResult identical(const Dataset<double>& a, const Dataset<double>& b) {
  if (a.sparse != b.sparse) return testing::AssertionFailure() << "dense and sparse";
  if (a.n() != b.n() || a.d() != b.d())
    return testing::AssertionFailure()
           << a.n() << " x " << a.d() << " vs " << b.n() << " x " << b.d();
  if (!same_bits(a.y.data(), b.y.data(), a.n())) return testing::AssertionFailure() << "y";
  if (a.sparse) {
    if (a.Xs.nonZeros() != b.Xs.nonZeros()) return testing::AssertionFailure() << "nonzeros";
    if (!same_bits(a.Xs.outerIndexPtr(), b.Xs.outerIndexPtr(), a.n() + 1) ||
        !same_bits(a.Xs.innerIndexPtr(), b.Xs.innerIndexPtr(), a.Xs.nonZeros()) ||
        !same_bits(a.Xs.valuePtr(), b.Xs.valuePtr(), a.Xs.nonZeros()))
      return testing::AssertionFailure() << "Xs";
  } else if (!same_bits(a.X.data(), b.X.data(), a.X.size())) {
    return testing::AssertionFailure() << "X";
  }
  return testing::AssertionSuccess();
}

// Cut points 0 = c_0 <= c_1 <= ... <= c_parts = n, drawn at random (equal ones: empty shards).
std::vector<std::int64_t> random_cuts(std::int64_t n, int parts, std::mt19937& rng) {
  std::uniform_int_distribution<std::int64_t> point(0, n);
  std::vector<std::int64_t> cuts{0, n};
  for (int k = 1; k < parts; ++k) cuts.push_back(point(rng));
  std::sort(cuts.begin(), cuts.end());
  return cuts;
}

// Every way of cutting into two, and many random ones into 1..5: the whole read each time.
void expect_every_split_is_the_whole(const std::string& path, const ReadOptions& options) {
  const Dataset<double> whole = read_libsvm(path, options);
  const std::int64_t n = count_libsvm_rows(path);
  ASSERT_EQ(n, whole.n());
  std::mt19937 rng(5);
  for (std::int64_t cut = 0; cut <= n; ++cut)
    EXPECT_TRUE(identical(read_in_shards(path, {0, cut, n}, options, rng), whole)) << cut;
  for (int parts = 1; parts <= 5; ++parts) {
    for (int trial = 0; trial < 12; ++trial) {
      const std::vector<std::int64_t> cuts = random_cuts(n, parts, rng);
      EXPECT_TRUE(identical(read_in_shards(path, cuts, options, rng), whole))
          << parts << " parts, trial " << trial;
    }
  }
}

// Comments (whole lines and trailing), blank and blank-space lines, CRLF, a byte-order mark, no
// final newline, rows of very different norms with an odd d (rows at every alignment).
constexpr char kUntidy[] =
    "\xEF\xBB\xBF# written by hand\n"
    "+1 1:2 2:7.9\r\n"
    "\n"
    "-1 3:0.5 7:-1e-3   # trailing comment\n"
    "   \t\n"
    "  -1 1:0.1 2:0.2 3:0.3 4:0.4 5:0.5 6:0.6 7:0.7\r\n"
    "# between rows\n"
    "1 2:3.25\n"
    "-1\t1:1e-5\t5:123.456\n"
    "\r\n"
    "+1 4:-8 6:1.5e2 7:0.001\n"
    "1 1:1";

// Random rows (labels from `classes`), with blank and comment lines and CRLF here and there.
std::string random_file(int rows, int d, const std::vector<std::string>& classes, double density,
                        std::mt19937& rng) {
  std::uniform_real_distribution<double> unit(0, 1);
  std::string text;
  char value[32];
  for (int i = 0; i < rows; ++i) {
    if (unit(rng) < 0.1) text += unit(rng) < 0.5 ? "\n" : "# comment\n";
    text += classes[static_cast<std::size_t>(unit(rng) * static_cast<double>(classes.size()))];
    for (int j = 1; j <= d; ++j) {
      if (unit(rng) >= density) continue;
      std::snprintf(value, sizeof value, "%.17g", (unit(rng) - 0.3) * std::exp(8 * unit(rng)));
      text += " " + std::to_string(j) + ":" + value;
    }
    text += unit(rng) < 0.2 ? "\r\n" : "\n";
  }
  return text;
}

TEST(LibsvmShards, EverySplitOfAnUntidyFileIsTheWholeRead) {
  const TempDir dir;
  const std::string path = dir.write("untidy.txt", kUntidy);
  for (const std::size_t chunk :
       {std::size_t{1}, std::size_t{5}, std::size_t{64}, std::size_t{1} << 20}) {
    ReadOptions options;
    options.chunk_bytes = chunk;
    expect_every_split_is_the_whole(path, options);
    options.storage = ReadOptions::Storage::csr;
    expect_every_split_is_the_whole(path, options);
    options.scale_rows = false;
    expect_every_split_is_the_whole(path, options);
  }
}

TEST(LibsvmShards, EverySplitOfRandomFilesIsTheWholeRead) {
  std::mt19937 rng(11);
  const TempDir dir;
  struct Case {
    std::vector<std::string> classes;
    LabelMap map;
    ReadOptions::Storage storage;
  };
  const std::vector<Case> cases = {
      {{"-1", "+1"}, {}, ReadOptions::Storage::dense},
      {{"0", "1"}, {0.0, 1.0}, ReadOptions::Storage::csr},
      {{"1", "2"}, {1.0, 2.0}, ReadOptions::Storage::automatic},
      {{"1"}, {}, ReadOptions::Storage::automatic},
  };
  for (const Case& c : cases) {
    const std::string path = dir.write("random.txt", random_file(40, 9, c.classes, 0.4, rng));
    ReadOptions options;
    options.labels = c.map;
    options.storage = c.storage;
    options.chunk_bytes = 100;
    expect_every_split_is_the_whole(path, options);
  }
}

// Scaling reaches values whose norms overflow or underflow a plain sum of squares: the global
// maximum takes the same detours in every shard.
TEST(LibsvmShards, ExtremeValuesScaleAsTheWholeRead) {
  const TempDir dir;
  ReadOptions options;
  options.chunk_bytes = 16;
  expect_every_split_is_the_whole(
      dir.write("huge.txt", "1 1:1e200 2:3e200\n-1 1:1\n1 2:2e300\n-1 3:1e-300\n"), options);
  expect_every_split_is_the_whole(
      dir.write("tiny.txt", "1 1:1e-310 2:3e-320\n-1 3:2e-300\n1 1:0\n-1 2:5e-324\n"), options);
  expect_every_split_is_the_whole(dir.write("zero.txt", "1 1:0\n-1 2:0\n1 1:0 3:0\n"), options);
}

// The automatic storage is chosen on the whole file's n, d and nonzeros: a shard without the one
// large index still becomes CSR, with the file's d.
TEST(LibsvmShards, StorageIsChosenOnTheWholeFile) {
  const TempDir dir;
  const std::string path =
      dir.write("wide.txt", "1 1:1\n-1 2:1\n1 1:0.5\n-1 3:2\n1 5000000:1\n-1 1:1 2:2\n");
  const LibsvmShard first = read_libsvm_shard(path, RowRange{0, 3});
  EXPECT_EQ(first.facts.max_index, 2);
  expect_every_split_is_the_whole(path, {});
  EXPECT_TRUE(read_libsvm(path).sparse);
}

TEST(LibsvmShards, CombineIsExactAssociativeAndCommutative) {
  LibsvmFacts a, b, c;
  a.rows = 3, a.nonzeros = 7, a.max_index = 4, a.label_count = 2;
  a.labels = {FirstLabel{1, 10}, FirstLabel{-1, 12}, {}};
  b.rows = 1, b.nonzeros = 2, b.max_index = 9, b.label_count = 1;
  b.labels = {FirstLabel{-1, 3}, {}, {}};
  c.rows = 2, c.nonzeros = 1, c.max_index = 2, c.label_count = 2;
  c.labels = {FirstLabel{5, 20}, FirstLabel{7, 30}, {}};
  const LibsvmFacts left = combine(combine(a, b), c), right = combine(a, combine(c, b));
  for (const LibsvmFacts& f : {left, right, combine(c, combine(b, a))}) {
    EXPECT_EQ(f.rows, 6);
    EXPECT_EQ(f.nonzeros, 10);
    EXPECT_EQ(f.max_index, 9);
    ASSERT_EQ(f.label_count, 3);  // -1 from line 3, 1 from 10, 5 from 20; 7 is past the third
    EXPECT_EQ(f.labels[0].value, -1);
    EXPECT_EQ(f.labels[0].line, 3);
    EXPECT_EQ(f.labels[1].value, 1);
    EXPECT_EQ(f.labels[2].line, 20);
  }
  EXPECT_EQ(combine(a, LibsvmFacts{}).label_count, 2);
}

// An error on a line of one shard is that shard's, with the line counted in the whole file.
TEST(LibsvmShards, MalformedLineFailsOnlyItsShardWithTheGlobalLine) {
  const TempDir dir;
  const std::string path =
      dir.write("bad.txt", "# header\n1 1:1\n-1 2:1\n\n1 1:x\n-1 1:2\n1 3:1\n");
  // Data rows 0..4 are lines 2, 3, 5, 6, 7; row 2 (line 5) is malformed.
  const std::string whole = error_of([&] { read_libsvm(path); });
  EXPECT_NE(whole.find(path + ":5: value is not a finite number (1:x)"), std::string::npos)
      << whole;
  for (const std::size_t chunk : {std::size_t{3}, std::size_t{1} << 20}) {
    ReadOptions options;
    options.chunk_bytes = chunk;
    EXPECT_EQ(error_of([&] { read_libsvm_shard(path, RowRange{2, 3}, options); }), whole);
    EXPECT_EQ(error_of([&] { read_libsvm_shard(path, RowRange{1, -1}, options); }), whole);
    EXPECT_EQ(read_libsvm_shard(path, RowRange{0, 2}, options).facts.rows, 2);
    EXPECT_EQ(read_libsvm_shard(path, RowRange{3, 5}, options).facts.rows, 2);
  }
}

TEST(LibsvmShards, RangePastTheRowsNamesTheirCount) {
  const TempDir dir;
  const std::string path = dir.write("five.txt", "1 1:1\n# c\n-1 2:1\n1 1:2\n\n-1 1:3\n1 2:2");
  EXPECT_EQ(count_libsvm_rows(path), 5);
  for (const RowRange range : {RowRange{0, 6}, RowRange{6, -1}, RowRange{6, 6}, RowRange{3, 9}}) {
    const std::string message = error_of([&] { read_libsvm_shard(path, range); });
    EXPECT_NE(message.find("the file has 5 data rows"), std::string::npos) << message;
    EXPECT_EQ(message.rfind(path + ": rows [", 0), 0u) << message;
  }
  EXPECT_NE(error_of([&] {
              read_libsvm_shard(path, RowRange{3, 2});
            }).find("are not rows"),
            std::string::npos);
  EXPECT_EQ(read_libsvm_shard(path, RowRange{5, -1}).facts.rows, 0);
  EXPECT_EQ(read_libsvm_shard(path, RowRange{5, 5}).facts.rows, 0);
  EXPECT_EQ(read_libsvm_shard(path, RowRange{2, -1}).rows.end, 5);
}

// Label problems only the combined facts show fail every shard's finish, with the whole read's
// message: classes that need a map, and a third class.
TEST(LibsvmShards, LabelsAreCheckedOnTheWholeFile) {
  const TempDir dir;
  const std::string zero_one = dir.write("01.txt", "1 1:1\n1 2:1\n# c\n0 1:2\n0 2:2\n");
  const std::string three = dir.write("three.txt", "1 1:1\n-1 2:1\n2 1:2\n-1 2:2\n");
  for (const std::string& path : {zero_one, three}) {
    const std::string whole = error_of([&] { read_libsvm(path); });
    const LibsvmShard a = read_libsvm_shard(path, RowRange{0, 2});
    const LibsvmShard b = read_libsvm_shard(path, RowRange{2, 4});
    const LibsvmFacts all = combine(a.facts, b.facts);
    for (const LibsvmShard& shard : {a, b}) {
      const std::string message = error_of([&] { finish_libsvm_shard(shard, all); });
      EXPECT_EQ(message, whole);
    }
  }
}

}  // namespace
}  // namespace largestep
