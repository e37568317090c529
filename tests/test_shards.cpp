// Data held in shards (Dataset::is_shard, core/shards.h) within one process: a shard of every row,
// summed through a reducer of one process, gives the whole dataset's bits (the value and gradient,
// the cache key, the scaled reference); what needs every row refuses a shard; planted shards are
// those rows of the whole dataset. Several processes: tests/mpi/check_mpi.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>

#include "largestep/core/shards.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/generators.h"
#include "largestep/data/libsvm_writer.h"
#include "largestep/kernel/objective.h"
#include "largestep/reference/disk_cache.h"
#include "largestep/reference/scaled_reference.h"
#include "largestep/reference/separability.h"

namespace largestep {
namespace {

// The processes of a job of one: partials added in order from zero, as the serial kernel adds
// them, and every fold applied to the state as given.
template <class Scalar>
class OneProcess : public BlockReducer<Scalar> {
 public:
  ReduceMode mode() const override { return ReduceMode::deterministic; }
  std::pair<std::ptrdiff_t, std::ptrdiff_t> my_blocks(std::ptrdiff_t blocks) const override {
    return {0, blocks};
  }
  void combine(const Matrix<Scalar>& grads, const Vector<Scalar>& losses, Scalar& loss,
               Vector<Scalar>& grad) const override {
    loss = Scalar(0);
    grad.setZero(grads.rows());
    for (std::ptrdiff_t k = 0; k < losses.size(); ++k) {
      loss += losses(k);
      grad += grads.col(k);
    }
  }
  void fold_in_order(std::span<Scalar> state,
                     const std::function<void(std::span<Scalar>)>& mine) const override {
    mine(state);
  }
  const BlockReducer<Scalar>& deterministic() const override { return *this; }
};

// Installs a reducer of one process for the test's lifetime (the scaled reference and the cache
// key read data_parallel_reducer).
class ShardTest : public testing::Test {
 protected:
  void SetUp() override { data_parallel_reducer<double>() = &reducer_; }
  void TearDown() override { data_parallel_reducer<double>() = nullptr; }
  OneProcess<double> reducer_;
};

constexpr const char* kSpec = "planted:n=9000,d=24,gamma=0.02,seed=3";
// CSR: 54000 nonzeros, 8 d = 24000 a block at least: two blocks of 8192 rows.
constexpr const char* kCsrSpec = "planted:n=9000,d=3000,gamma=0.002,seed=3,nnz=6";

const auto rethrow = [](const std::exception_ptr& e) {
  if (e) std::rethrow_exception(e);
};

Dataset<double> every_row_as_a_shard() {
  return make_dataset_rows(parse_dataset_spec(kSpec), RowRange{0, 9000});
}

TEST_F(ShardTest, PlantedRowsMadeAsAShardAreThoseRowsOfTheWholeDataset) {
  const Dataset<double> whole = make_dataset(kSpec);
  const Dataset<double> shard = make_dataset_rows(parse_dataset_spec(kSpec), RowRange{4096, 8192});
  ASSERT_TRUE(shard.is_shard());
  EXPECT_EQ(shard.first_row, 4096);
  EXPECT_EQ(shard.n(), 4096);
  EXPECT_EQ(shard.total_n(), 9000);
  EXPECT_EQ(shard.X, whole.X.middleRows(4096, 4096));
  EXPECT_EQ(shard.y, whole.y.segment(4096, 4096));
  EXPECT_THROW(make_dataset_rows(parse_dataset_spec("hard"), RowRange{0, 1}), DataError);
  EXPECT_THROW(make_dataset_rows(parse_dataset_spec(kSpec), RowRange{0, 9001}), DataError);
}

// f on the whole dataset and g on a shard of every row (with the reducer) evaluate alike at w and
// along v, bit for bit; value and hessian_times sum in value_and_gradient's blocks, so value is
// value_and_gradient's value.
void expect_same_evaluations(const LogisticObjective<double>& f, const LogisticObjective<double>& g,
                             const Vector<double>& w, const Vector<double>& v) {
  Vector<double> grad_f, grad_g;
  const double value = f.value_and_gradient(w, grad_f);
  EXPECT_EQ(value, g.value_and_gradient(w, grad_g));
  EXPECT_EQ(grad_f, grad_g);
  EXPECT_EQ(f.value(w), value);
  EXPECT_EQ(g.value(w), value);
  EXPECT_EQ(f.hessian_times(w, v), g.hessian_times(w, v));
  EXPECT_EQ(f.gradient_sum_depth(), g.gradient_sum_depth());
  EXPECT_EQ(f.max_row_norm(), g.max_row_norm());
  EXPECT_EQ(f.max_row_terms(), g.max_row_terms());
}

TEST_F(ShardTest, AShardOfEveryRowEvaluatesToTheWholeDatasetsBits) {
  const Dataset<double> whole = make_dataset(kSpec);
  const Dataset<double> shard = every_row_as_a_shard();
  const LogisticObjective<double> f(whole, 1e-3);
  LogisticObjective<double> g(shard, 1e-3);
  g.set_reducer(&reducer_);
  expect_same_evaluations(f, g, Vector<double>::LinSpaced(24, -3, 5),
                          Vector<double>::LinSpaced(24, 1, -2));
  EXPECT_EQ(disk_cache::data_hasher(whole).value(),
            disk_cache::data_hasher(shard, &reducer_).value());
}

TEST_F(ShardTest, WhatNeedsEveryRowRefusesAShard) {
  const Dataset<double> shard = every_row_as_a_shard();
  LogisticObjective<double> f(shard, 1e-3);
  const Vector<double> w = Vector<double>::Zero(24);
  Vector<double> grad;
  EXPECT_THROW(f.value_and_gradient(w, grad), std::logic_error);  // no reducer
  EXPECT_THROW(f.value(w), std::logic_error);
  EXPECT_THROW(f.hessian_times(w, w), std::logic_error);
  f.set_reducer(&reducer_);
  EXPECT_THROW(f.hessian(w), std::logic_error);
  EXPECT_THROW(f.smoothness(), std::logic_error);
  EXPECT_THROW(disk_cache::data_hasher(shard), std::logic_error);  // no reducer
}

void expect_same_reference(const ScaledResult& shard, const ScaledResult& whole) {
  EXPECT_EQ(shard.f_star, whole.f_star);
  EXPECT_EQ(shard.f_star_lower, whole.f_star_lower);
  EXPECT_EQ(shard.f_star_upper, whole.f_star_upper);
  EXPECT_EQ(shard.h_min, whole.h_min);
  EXPECT_EQ(shard.h_max_uncertainty, whole.h_max_uncertainty);
  EXPECT_EQ(shard.smoothness, whole.smoothness);
  EXPECT_EQ(shard.w, whole.w);
  EXPECT_EQ(shard.newton_iterations, whole.newton_iterations);
}

TEST_F(ShardTest, TheScaledReferenceOfAShardOfEveryRowIsTheWholeDatasets) {
  const ScaledResult shard = compute_reference_scaled(every_row_as_a_shard(), 1e-3);
  data_parallel_reducer<double>() = nullptr;
  expect_same_reference(shard, compute_reference_scaled(make_dataset(kSpec), 1e-3));
}

// `whole` held as a shard of every row: the processes' code paths, in one process.
Dataset<double> as_a_shard(Dataset<double> whole) {
  whole.all_rows = whole.n();
  return whole;
}

void expect_same_certificate(const Separability& shard, const Separability& whole) {
  EXPECT_EQ(to_string(shard.verdict), to_string(whole.verdict));
  EXPECT_EQ(shard.margin, whole.margin);
  EXPECT_EQ(shard.margin_upper_bound, whole.margin_upper_bound);
  EXPECT_EQ(shard.direction, whole.direction);
  EXPECT_EQ(shard.iterations, whole.iterations);
  EXPECT_EQ(shard.digits, whole.digits);
  EXPECT_EQ(shard.method, whole.method);
}

TEST_F(ShardTest, TheMarginCertificateOfAShardOfEveryRowIsTheWholeDatasets) {
  // Separable (from the shortest row, and warm-started near the planted direction, as large data
  // is), not separable (the exact proof on the support), and a margin only MPFR resolves.
  Dataset<double> flipped = make_dataset("planted:n=400,d=3,gamma=0.05,seed=2");
  for (std::ptrdiff_t i = 0; i < flipped.n(); i += 7) flipped.y(i) = -flipped.y(i);
  for (const Dataset<double>& whole :
       {make_dataset(kSpec), flipped, make_dataset("hard:gamma=1e-16")}) {
    SCOPED_TRACE(whole.spec);
    const Separability mine = check_separability(as_a_shard(whole));
    data_parallel_reducer<double>() = nullptr;
    expect_same_certificate(mine, check_separability(whole));
    data_parallel_reducer<double>() = &reducer_;
  }
  EXPECT_EQ(to_string(check_separability(as_a_shard(flipped)).verdict), "no");
  EXPECT_EQ(check_separability(as_a_shard(make_dataset("hard:gamma=1e-16"))).digits, 40);

  const Dataset<double> whole = make_dataset(kSpec);
  SeparabilityOptions warm;
  warm.start_direction = planted_direction(24, 3);
  const Separability mine = check_separability(as_a_shard(whole), warm);
  const double candidate = certified_margin(as_a_shard(whole), warm.start_direction);
  data_parallel_reducer<double>() = nullptr;
  expect_same_certificate(mine, check_separability(whole, warm));
  EXPECT_EQ(candidate, certified_margin(whole, warm.start_direction));
  EXPECT_GT(candidate, 0);
  EXPECT_THROW(check_separability(as_a_shard(whole)), std::logic_error);  // no reducer
}

TEST_F(ShardTest, ProcessesHoldShardsOnlyOfLargePlantedData) {
  const DatasetSpec large = parse_dataset_spec(kSpec);  // n d^2 = 5.2e6: the scaled reference
  const auto automatic = ReferenceMethod::automatic, scaled = ReferenceMethod::scaled;
  EXPECT_EQ(resolve_reference_method(9000, 24, automatic), scaled);
  EXPECT_EQ(resolve_reference_method(2000, 24, automatic), ReferenceMethod::mpfr);  // 1.15e6
  EXPECT_EQ(resolve_reference_method(10, 2, scaled), scaled);
  EXPECT_EQ(resolve_reference_method(1000000, 100, ReferenceMethod::mpfr), ReferenceMethod::mpfr);
  const RowRange held = rows_to_hold(large, automatic);
  EXPECT_EQ(held.begin, 0);
  EXPECT_EQ(held.end, 9000);  // one process: every unit
  EXPECT_TRUE(rows_to_hold(large, ReferenceMethod::mpfr).everything());
  EXPECT_TRUE(
      rows_to_hold(parse_dataset_spec("planted:n=2000,d=24,gamma=0.02,seed=3"), automatic)
          .everything());
  const RowRange csr = rows_to_hold(parse_dataset_spec(kCsrSpec), automatic);
  EXPECT_EQ(csr.begin, 0);
  EXPECT_EQ(csr.end, 9000);
  data_parallel_reducer<double>() = nullptr;
  EXPECT_TRUE(rows_to_hold(large, automatic).everything());  // no processes sharing rows
}

// A dense LIBSVM file read as a shard of one process: its facts folded, its rows scaled by the
// processes' largest norm once made, the file read by row range: the whole read's bits.
TEST_F(ShardTest, ADenseLibsvmFileHeldAsAShardIsTheWholeRead) {
  Dataset<double> planted = make_dataset(kSpec);
  planted.X *= 3.0;  // rows longer than 1, so that the scaling divides by something
  const std::string path = testing::TempDir() + "largestep_shard.libsvm";
  {
    std::ofstream out(path);
    out << libsvm_text(planted);
  }
  const DatasetSpec spec = parse_dataset_spec("libsvm:" + path + ",format=dense");
  const Dataset<double> held =
      make_held_dataset(spec, ReferenceMethod::automatic, {}, rethrow);
  const Dataset<double> whole = make_dataset(spec);
  ASSERT_TRUE(held.is_shard());
  EXPECT_EQ(held.total_n(), 9000);
  EXPECT_EQ(held.X, whole.X);
  EXPECT_EQ(held.y, whole.y);
  EXPECT_EQ(held.spec, whole.spec);
  // Small data (the MPFR reference) is read whole.
  EXPECT_FALSE(make_held_dataset(spec, ReferenceMethod::mpfr, {}, rethrow).is_shard());
  std::remove(path.c_str());
}

// The same CSR matrix (structure and values) and labels.
void expect_same_csr(const Dataset<double>& a, const Dataset<double>& b) {
  ASSERT_EQ(a.Xs.rows(), b.Xs.rows());
  ASSERT_EQ(a.Xs.cols(), b.Xs.cols());
  ASSERT_EQ(a.Xs.nonZeros(), b.Xs.nonZeros());
  const std::ptrdiff_t nnz = a.Xs.nonZeros();
  EXPECT_TRUE(std::equal(a.Xs.outerIndexPtr(), a.Xs.outerIndexPtr() + a.Xs.rows() + 1,
                         b.Xs.outerIndexPtr()));
  EXPECT_TRUE(std::equal(a.Xs.innerIndexPtr(), a.Xs.innerIndexPtr() + nnz, b.Xs.innerIndexPtr()));
  EXPECT_TRUE(std::equal(a.Xs.valuePtr(), a.Xs.valuePtr() + nnz, b.Xs.valuePtr()));
  EXPECT_EQ(a.y, b.y);
}

// CSR data held as a shard of every row (sparse planted data, made by row range, and a LIBSVM
// file stored as CSR): the whole dataset's matrix, and through a reducer of one process the whole
// dataset's evaluations, cache key and scaled reference, bit for bit.
TEST_F(ShardTest, CsrDataHeldAsAShardIsTheWholeDatasetsBits) {
  const Dataset<double> whole = make_dataset(kCsrSpec);
  const Dataset<double> held =
      make_held_dataset(parse_dataset_spec(kCsrSpec), ReferenceMethod::automatic, {}, rethrow);
  ASSERT_TRUE(held.is_shard());
  ASSERT_TRUE(held.sparse);
  EXPECT_EQ(held.total_stored(), 54000);
  expect_same_csr(held, whole);
  const LogisticObjective<double> f(whole, 1e-3);
  LogisticObjective<double> g(held, 1e-3);
  g.set_reducer(&reducer_);
  EXPECT_EQ(f.row_blocks(), 2);
  EXPECT_EQ(g.row_blocks(), 2);
  Vector<double> w(3000), v(3000);
  for (std::ptrdiff_t j = 0; j < 3000; ++j) {
    w(j) = std::sin(0.37 * static_cast<double>(j)) * 40;
    v(j) = std::cos(0.11 * static_cast<double>(j));
  }
  expect_same_evaluations(f, g, w, v);
  EXPECT_EQ(f.max_row_terms(), 6);
  EXPECT_EQ(disk_cache::data_hasher(whole).value(),
            disk_cache::data_hasher(held, &reducer_).value());
  const ScaledResult shard_reference = compute_reference_scaled(held, 1e-3);

  // The same rows written to a LIBSVM file and read back as CSR, held as a shard.
  const std::string path = testing::TempDir() + "largestep_csr_shard.libsvm";
  {
    std::ofstream out(path);
    out << libsvm_text(whole);
  }
  const DatasetSpec spec = parse_dataset_spec("libsvm:" + path + ",format=csr,scale=none");
  const Dataset<double> read = make_held_dataset(spec, ReferenceMethod::automatic, {}, rethrow);
  ASSERT_TRUE(read.is_shard());
  ASSERT_TRUE(read.sparse);
  const Dataset<double> read_whole = make_dataset(spec);
  EXPECT_EQ(read.total_stored(), read_whole.stored());  // the writer adds column d where absent
  expect_same_csr(read, read_whole);
  std::remove(path.c_str());

  data_parallel_reducer<double>() = nullptr;
  expect_same_reference(shard_reference, compute_reference_scaled(whole, 1e-3));
}

}  // namespace
}  // namespace largestep
