// Tests for sparse (CSR) data: the fused CSR kernel, Hessian products and the smoothness constant
// against the dense code on the same matrix and against long double sums; LIBSVM files read as
// CSR; the sparse planted generator; GD runs on CSR data.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include "data_error_message.h"
#include "largestep/core/experiment.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/generators.h"
#include "largestep/data/libsvm_writer.h"
#include "largestep/data/readers.h"
#include "largestep/kernel/objective.h"

namespace largestep {
namespace {

// The same matrix, dense.
Dataset<double> densified(const Dataset<double>& sparse) {
  Dataset<double> dense;
  dense.X = RowMatrix<double>(sparse.Xs);
  dense.y = sparse.y;
  dense.spec = sparse.spec;
  return dense;
}

Dataset<double> small_sparse(std::int64_t n = 3000, std::int64_t d = 400, std::int64_t k = 7) {
  return make_sparse_planted({.n = n, .d = d, .nonzeros = k, .gamma = 1e-3, .seed = 3});
}

Vector<double> random_point(std::ptrdiff_t d, double scale, std::uint64_t seed = 5) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Vector<double> w(d);
  for (double& wj : w) wj = scale * normal(rng);
  return w;
}

// f and grad f summed in long double, row by row from the dense matrix: an independent reference.
long double reference_value_and_gradient(const Dataset<double>& dense, double lambda,
                                         const Vector<double>& w, Vector<double>& grad) {
  const std::ptrdiff_t n = dense.n(), d = dense.d();
  long double loss = 0;
  std::vector<long double> g(static_cast<std::size_t>(d), 0.0L);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    long double z = 0;
    for (std::ptrdiff_t j = 0; j < d; ++j) z += static_cast<long double>(dense.X(i, j)) * w(j);
    z *= dense.y(i);
    loss += z >= 0 ? std::log1p(std::exp(-z)) : -z + std::log1p(std::exp(z));
    const long double r = -1.0L / (1.0L + std::exp(z)) * dense.y(i);
    for (std::ptrdiff_t j = 0; j < d; ++j) g[j] += r * dense.X(i, j);
  }
  grad.resize(d);
  long double reg = 0;
  for (std::ptrdiff_t j = 0; j < d; ++j) {
    grad(j) = static_cast<double>(g[j] / n + static_cast<long double>(lambda) * w(j));
    reg += static_cast<long double>(w(j)) * w(j);
  }
  return loss / n + lambda / 2.0L * reg;
}

TEST(SparseKernel, ValueAndGradientMatchLongDoubleReference) {
  const Dataset<double> sparse = small_sparse();
  ASSERT_TRUE(sparse.sparse);
  const Dataset<double> dense = densified(sparse);
  const double lambda = 1e-3;
  const LogisticObjective<double> f_sparse(sparse, lambda), f_dense(dense, lambda);
  for (const double scale : {0.0, 1.0, 30.0, 1e3}) {
    const Vector<double> w = random_point(sparse.d(), scale);
    Vector<double> g_sparse, g_dense, g_ref;
    const double v_sparse = f_sparse.value_and_gradient(w, g_sparse);
    const double v_dense = f_dense.value_and_gradient(w, g_dense);
    const long double v_ref = reference_value_and_gradient(dense, lambda, w, g_ref);
    EXPECT_NEAR(v_sparse, static_cast<double>(v_ref), 1e-13 * std::abs(static_cast<double>(v_ref)))
        << "scale " << scale;
    EXPECT_NEAR(v_dense, v_sparse, 1e-13 * std::abs(v_dense)) << "scale " << scale;
    EXPECT_LE((g_sparse - g_ref).norm(), 1e-13 * g_ref.norm()) << "scale " << scale;
    // The value bound of the sparse evaluation holds against the long double reference.
    const ValueErrorBound<double> bound(f_sparse);
    EXPECT_LE(std::abs(v_sparse - static_cast<double>(v_ref)), bound(v_sparse, w.norm()) + 1e-300);
    // value() sums as value_and_gradient does: the same bits.
    EXPECT_EQ(f_sparse.value(w), v_sparse);
  }
}

TEST(SparseKernel, ChunkedSumMatchesReferenceAndChunksDependOnDataOnly) {
  // Enough nonzeros for several chunks: n * k >= 8 d per chunk.
  const Dataset<double> sparse = small_sparse(40000, 200, 10);
  const LogisticObjective<double> f(sparse, 1e-4);
  // 4 10^5 nonzeros, 8 d = 1600 a block at least: at most 64 blocks, of 512 2^k rows: 1024.
  EXPECT_EQ(f.block_rows(), 1024);
  EXPECT_EQ(f.row_blocks(), 40);
  EXPECT_EQ(f.gradient_sum_depth(), 1024 + 40);
  const Vector<double> w = random_point(sparse.d(), 3.0);
  Vector<double> g, g_ref;
  const double v = f.value_and_gradient(w, g);
  const long double v_ref = reference_value_and_gradient(densified(sparse), 1e-4, w, g_ref);
  EXPECT_NEAR(v, static_cast<double>(v_ref), 1e-13 * v);
  EXPECT_LE((g - g_ref).norm(), 1e-13 * g_ref.norm());
  // Evaluating twice gives the same bits (no dependence on scheduling).
  Vector<double> g2;
  EXPECT_EQ(f.value_and_gradient(w, g2), v);
  EXPECT_EQ(g2, g);
  EXPECT_EQ(f.value(w), v);
  // Hessian-vector products in the same blocks.
  const Dataset<double> dense = densified(sparse);
  const LogisticObjective<double> fd(dense, 1e-4);
  const Vector<double> u = random_point(sparse.d(), 1.0, 9);
  EXPECT_LE((f.hessian_times(w, u) - fd.hessian(w) * u).norm(), 1e-13 * (fd.hessian(w) * u).norm());
}

TEST(SparseKernel, BlockRowsFollowTheNonzerosPerColumn) {
  // Fewer than 8 d nonzeros: one block, whatever n.
  EXPECT_EQ(sparse_block_rows(1000, 10, 79), 1024);
  EXPECT_EQ(sparse_block_rows(100, 10, 79), 512);
  // The real-size sparse set: 3.2e7 nonzeros, 8 d = 2^23: at most 3 blocks, 2 of 2^19 rows.
  EXPECT_EQ(sparse_block_rows(1000000, 1 << 20, 32000000), 1 << 19);
  // At most kMaxSparseBlocks = 64 blocks however many nonzeros.
  EXPECT_EQ(sparse_block_rows(1000000, 10, 1 << 30), 16384);
  EXPECT_EQ(sparse_block_rows(64 * 512, 10, 1 << 30), 512);
  EXPECT_EQ(sparse_block_rows(64 * 512 + 1, 10, 1 << 30), 1024);
}

TEST(SparseKernel, HessianAndHessianTimesMatchDense) {
  const Dataset<double> sparse = small_sparse(500, 30, 5);
  const Dataset<double> dense = densified(sparse);
  const LogisticObjective<double> fs(sparse, 1e-2), fd(dense, 1e-2);
  const Vector<double> w = random_point(sparse.d(), 2.0), v = random_point(sparse.d(), 1.0, 9);
  EXPECT_LE((fs.hessian(w) - fd.hessian(w)).norm(), 1e-14 * fd.hessian(w).norm());
  EXPECT_LE((fs.hessian_times(w, v) - fd.hessian_times(w, v)).norm(),
            1e-14 * fd.hessian_times(w, v).norm());
  EXPECT_LE((fs.hessian_times(w, v) - fd.hessian(w) * v).norm(), 1e-13 * (fd.hessian(w) * v).norm());
}

TEST(SparseKernel, GramEigenvalueByGramMatrixAndByLanczos) {
  // Small side at most kDenseGramLimit: the Gram matrix; both sides above it: Lanczos.
  const Dataset<double> small = small_sparse(3000, 300, 6);
  const Dataset<double> small_dense = densified(small);
  const double exact = largest_gram_eigenvalue(small_dense.X);
  EXPECT_NEAR(largest_gram_eigenvalue(small.Xs), exact, 1e-12 * exact);

  const Dataset<double> large = small_sparse(6000, 2500, 8);
  ASSERT_GT(std::min(large.n(), large.d()), kDenseGramLimit);
  const Matrix<double> gram = Matrix<double>(RowMatrix<double>(large.Xs).transpose() *
                                             RowMatrix<double>(large.Xs));
  const double exact_large =
      Eigen::SelfAdjointEigenSolver<Matrix<double>>(gram, Eigen::EigenvaluesOnly)
          .eigenvalues()
          .maxCoeff();
  const double lanczos = largest_gram_eigenvalue(large.Xs);
  EXPECT_LE(lanczos, exact_large * (1 + 1e-12));  // a Ritz value is below the eigenvalue
  EXPECT_NEAR(lanczos, exact_large, 1e-12 * exact_large);
}

TEST(SparsePlanted, ShapeMarginsAndDeterminism) {
  const SparsePlantedOptions options{.n = 2000, .d = 1 << 16, .nonzeros = 12, .gamma = 1e-3,
                                     .seed = 11};
  const Dataset<double> data = make_sparse_planted(options);
  ASSERT_TRUE(data.sparse);
  EXPECT_EQ(data.n(), 2000);
  EXPECT_EQ(data.d(), 1 << 16);
  EXPECT_EQ(data.Xs.nonZeros(), 2000 * 12);
  const Vector<double> w_star = planted_direction(options.d, options.seed);
  for (std::ptrdiff_t i = 0; i < data.n(); ++i) {
    EXPECT_EQ(data.Xs.outerIndexPtr()[i + 1] - data.Xs.outerIndexPtr()[i], 12);
    for (int p = data.Xs.outerIndexPtr()[i] + 1; p < data.Xs.outerIndexPtr()[i + 1]; ++p)
      ASSERT_LT(data.Xs.innerIndexPtr()[p - 1], data.Xs.innerIndexPtr()[p]) << "row " << i;
    EXPECT_GE(data.y(i) * row_dot(data.Xs, i, w_star), options.gamma) << "row " << i;
    EXPECT_LE(data.Xs.row(i).norm(), 1.0);
  }
  const Dataset<double> again = make_sparse_planted(options);
  EXPECT_TRUE(again.Xs.isApprox(data.Xs, 0.0));
  EXPECT_EQ(again.y, data.y);
  EXPECT_EQ(Eigen::Map<const Vector<int>>(again.Xs.innerIndexPtr(), again.Xs.nonZeros()),
            Eigen::Map<const Vector<int>>(data.Xs.innerIndexPtr(), data.Xs.nonZeros()));
}

TEST(SparsePlanted, RefusesWhatCannotWork) {
  const auto error = [](const std::string& spec) {
    return error_of([&] { make_dataset(spec); });
  };
  EXPECT_NE(error("planted:n=10,d=5,nnz=6").find("nnz must be in [1, d = 5]"), std::string::npos);
  EXPECT_NE(error("planted:n=10,d=5,nnz=0").find("nnz must be in"), std::string::npos);
  // Margins in d = 2^20 are about 1e-3: gamma = 0.5 is out of reach, and the message says so.
  const std::string far = error("planted:n=10,d=1048576,nnz=32,gamma=0.5");
  EXPECT_NE(far.find("too large for sparse rows"), std::string::npos) << far;
  EXPECT_NE(far.find("use a gamma of that order"), std::string::npos) << far;
  const std::string huge = error("planted:n=100000000000,d=1000,nnz=30,gamma=0.001");
  EXPECT_NE(huge.find("CSR holds at most"), std::string::npos) << huge;
  // The spec keeps nnz in its canonical form, and a dense planted spec stays as it was.
  EXPECT_EQ(parse_dataset_spec("planted:nnz=4,d=100").canonical(),
            "planted:d=100,gamma=0.05,n=1000,nnz=4,seed=1");
  EXPECT_EQ(parse_dataset_spec("planted").canonical(), "planted:d=10,gamma=0.05,n=1000,seed=1");
}

TEST(SparseReader, LibsvmAsCsrEqualsDenseAndRoundTrips) {
  const std::string text = "+1 1:0.5 7:-2\n-1 3:1.25\n+1 2:4 7:1\n-1 5:0.125\n";
  ReadOptions csr_options, dense_options;
  csr_options.storage = ReadOptions::Storage::csr;
  dense_options.storage = ReadOptions::Storage::dense;
  std::istringstream a(text), b(text);
  const Dataset<double> csr = read_libsvm(a, "t.svm", csr_options);
  const Dataset<double> dense = read_libsvm(b, "t.svm", dense_options);
  ASSERT_TRUE(csr.sparse);
  ASSERT_FALSE(dense.sparse);
  EXPECT_EQ(csr.Xs.nonZeros(), 6);
  EXPECT_EQ(csr.d(), 7);
  EXPECT_LE((RowMatrix<double>(csr.Xs) - dense.X).cwiseAbs().maxCoeff(), 1e-16);
  EXPECT_EQ(csr.y, dense.y);
  // Small data stays dense by default.
  std::istringstream c(text);
  EXPECT_FALSE(read_libsvm(c, "t.svm").sparse);
  // Written back and read with scale=none: the same CSR matrix, bit for bit.
  ReadOptions again = csr_options;
  again.scale_rows = false;
  std::istringstream d(libsvm_text(csr));
  const Dataset<double> back = read_libsvm(d, "back.svm", again);
  EXPECT_TRUE(back.Xs.isApprox(csr.Xs, 0.0));
  EXPECT_EQ(RowMatrix<double>(back.Xs), RowMatrix<double>(csr.Xs));
  EXPECT_EQ(back.y, csr.y);
}

TEST(SparseReader, AutomaticStorageChoosesCsrForSparseOrTooLargeFiles) {
  // One line with index 10^7: dense would be 10^7 entries of 10^7 zeros; CSR holds 2 nonzeros.
  std::istringstream wide("+1 1:1 10000000:1\n-1 2:1\n");
  const Dataset<double> data = read_libsvm(wide, "wide.svm");
  EXPECT_TRUE(data.sparse);
  EXPECT_EQ(data.d(), 10000000);
  EXPECT_EQ(data.Xs.nonZeros(), 3);
  // Forced dense, the cap on dense entries still applies.
  ReadOptions dense;
  dense.storage = ReadOptions::Storage::dense;
  dense.max_entries = 1000;
  std::istringstream again("+1 1:1 10000000:1\n-1 2:1\n");
  try {
    read_libsvm(again, "wide.svm", dense);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("format=csr"), std::string::npos) << e.what();
  }
}

TEST(SparseRuns, GdOnCsrMatchesDenseRun) {
  // A classical GD run on CSR data reaches eps in the same number of steps as on the dense copy
  // (the sums differ in order only), with the same reference.
  Dataset<double> sparse = small_sparse(2000, 50, 5);
  sparse.spec = "sparse-test";
  Dataset<double> dense = densified(sparse);
  const Problem ps = make_problem(sparse, 1e-3);
  const Problem pd = make_problem(dense, 1e-3);
  EXPECT_NEAR(ps.reference.f_star, pd.reference.f_star, 1e-14);
  RunSpec spec;
  spec.rule = parse_rule("classical");
  spec.options.eps = 1e-9;
  spec.options.max_steps = 20000;
  const RunOutcome rs = run(ps, spec), rd = run(pd, spec);
  ASSERT_FALSE(rs.result.settled.lower_bound);
  EXPECT_NEAR(static_cast<double>(rs.result.settled.value), static_cast<double>(rd.result.settled.value), 1);
}

}  // namespace
}  // namespace largestep
