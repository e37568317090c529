// The row operations the scaled reference is written in: margins of a block of rows, X_b^T r added
// to a d-vector, in double and in double-double, and the weighted Gram matrix of a block, for
// dense and CSR data alike (a CSR row is its nonzeros). Only the dense Hessian (weighted_gram) is
// dense-only: the scaled reference does without it for large d and for CSR data.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

#include "largestep/kernel/dataset.h"
#include "largestep/reference/double_double.h"
#include "largestep/reference/ordered_sum.h"

namespace largestep {

class DataRows {
 public:
  // `unit_rows`: the rows of a unit of every ordered sum over these rows (ordered_sum.h). A shard
  // (Dataset::is_shard) is held in whole units.
  DataRows(const Dataset<double>& data, std::ptrdiff_t unit_rows)
      : data_(data), unit_rows_(unit_rows) {}

  // The rows of the whole dataset, and those this process holds: every row index below numbers
  // the held rows (from 0, at row first_row of a shard), as OrderedSum passes them.
  std::ptrdiff_t n() const { return data_.total_n(); }
  std::ptrdiff_t held() const { return data_.n(); }
  std::ptrdiff_t d() const { return data_.d(); }
  double label(std::ptrdiff_t i) const { return data_.y(i); }
  bool sparse() const { return data_.sparse; }
  std::ptrdiff_t unit_rows() const { return unit_rows_; }
  // How many units every ordered sum over these rows has.
  std::ptrdiff_t units() const { return (n() + unit_rows_ - 1) / unit_rows_; }
  // An ordered sum over every row, of partials of `partial_size` doubles: this process's units.
  OrderedSum ordered_sum(std::ptrdiff_t partial_size, const BlockReducer<double>* reducer) const {
    return OrderedSum(n(), unit_rows_, partial_size, reducer,
                      data_.is_shard() ? HeldRows{data_.first_row, data_.n()}
                                       : HeldRows{});
  }

  // Dataset::max_row_terms over every row, a shard's with the processes' (`reducer`).
  std::ptrdiff_t max_row_terms(const BlockReducer<double>* reducer) const {
    return largestep::max_row_terms(data_, reducer);
  }

  // z_k = y_i <x_i, w> for the rows i = begin + k of [begin, end).
  void margins(std::ptrdiff_t begin, std::ptrdiff_t end, const Vector<double>& w,
               Eigen::Ref<Vector<double>> z) const {
    data_.with_matrix([&](const auto& X) { z.noalias() = X.middleRows(begin, end - begin) * w; });
    z.array() *= data_.y.segment(begin, end - begin).array();
  }

  // out += X_b^T r.
  void add_transpose_times(std::ptrdiff_t begin, std::ptrdiff_t end,
                           const Eigen::Ref<const Vector<double>>& r, Eigen::Ref<Vector<double>> out) const {
    data_.with_matrix(
        [&](const auto& X) { out.noalias() += X.middleRows(begin, end - begin).transpose() * r; });
  }

  // out += sum_i c_i <x_i, v> x_i over the CSR rows of [begin, end), c indexed by row: each
  // row's nonzeros are read once, for <x_i, v> and, still in L1, for the update of out (the
  // blocked margins-then-transpose of hessian_times reads every row twice). Rounding: <x_i, v>
  // sums max_row_terms() products and out_j one term per row of column j (at most
  // max_column_terms() over the whole pass).
  void add_weighted_normal_times(std::ptrdiff_t begin, std::ptrdiff_t end, const Vector<double>& c,
                                 const Vector<double>& v, Eigen::Ref<Vector<double>> out) const {
    if (!data_.sparse) throw std::logic_error("add_weighted_normal_times: CSR data only");
    const int* outer = data_.Xs.outerIndexPtr();
    const int* inner = data_.Xs.innerIndexPtr();
    const double* values = data_.Xs.valuePtr();
    for (std::ptrdiff_t i = begin; i < end; ++i) {
      double z = 0;
      for (int k = outer[i]; k < outer[i + 1]; ++k) z += values[k] * v(inner[k]);
      const double t = c(i) * z;
      for (int k = outer[i]; k < outer[i + 1]; ++k) out(inner[k]) += t * values[k];
    }
  }

  // The most nonzeros of any column (CSR; n when dense): how many terms a column's sum over all
  // rows adds. A shard's counts are summed over the processes (`reducer`), exactly, in doubles.
  std::ptrdiff_t max_column_terms(const BlockReducer<double>* reducer) const {
    if (!data_.sparse) return data_.total_n();
    std::vector<double> count(static_cast<std::size_t>(data_.d()), 0.0);
    const auto add_mine = [this](std::span<double> c) {
      const int* inner = data_.Xs.innerIndexPtr();
      for (std::ptrdiff_t k = 0; k < data_.Xs.nonZeros(); ++k) c[inner[k]] += 1;
    };
    if (data_.is_shard())
      reducer->fold_in_order(count, add_mine);
    else
      add_mine(count);
    return count.empty() ? 0
                         : static_cast<std::ptrdiff_t>(*std::max_element(count.begin(), count.end()));
  }

  // out += X_b^T diag(c) X_b (lower triangle only): the rows scaled by sqrt(c_k) >= 0, then a
  // symmetric rank-k update (half the flops of a general product). `scratch` holds the block.
  void add_weighted_gram(std::ptrdiff_t begin, std::ptrdiff_t end,
                         const Eigen::Ref<const Vector<double>>& c, Eigen::Ref<Matrix<double>> out,
                         RowMatrix<double>& scratch) const {
    if (data_.sparse) throw std::logic_error("add_weighted_gram: dense data only");
    scratch.noalias() = c.cwiseSqrt().asDiagonal() * data_.X.middleRows(begin, end - begin);
    out.selfadjointView<Eigen::Lower>().rankUpdate(scratch.transpose());
  }

  // Margins in double-double of w = w_hi + w_lo: y_i sum_j x_ij w_j with the products x_ij w_hi_j
  // exact (two_prod) and summed by TwoSum, every rounding error collected in a second double
  // (Ogita, Rump and Oishi's Dot2, without its final rounding). The error is at most
  // margin_error_factor(k) u^2 sum_j |x_ij w_j|, k the row's stored entries (max_row_terms()).
  void margins_dd(std::ptrdiff_t begin, std::ptrdiff_t end, const std::vector<double>& w_hi,
                  const std::vector<double>& w_lo, DoubleDouble* z) const {
    for (std::ptrdiff_t i = begin; i < end; ++i) {
      const Row row = this->row(i);
      double s = 0, c = 0;
      for (std::ptrdiff_t k = 0; k < row.count; ++k) {
        const double x = row.values[k];
        const std::ptrdiff_t j = row.column(k);
        const DoubleDouble p = two_prod(x, w_hi[j]);
        const DoubleDouble t = two_sum(s, p.hi);
        s = t.hi;
        c += t.lo + p.lo + x * w_lo[j];
      }
      const DoubleDouble zi = two_sum(s, c);
      z[i - begin] = data_.y(i) > 0 ? zi : -zi;
    }
  }
  static double margin_error_factor(std::ptrdiff_t terms) {
    const double k = static_cast<double>(terms);
    return 1.01 * (2 * k + 2) * (k + 3);
  }

  // acc_j += sum_k r_k x_{begin+k, j} as compensated sums: acc_hi by TwoSum, every rounding error
  // (of the sum and of the exact products r_hi x) collected in acc_lo (Sum2 over the block). For a
  // block of m rows the error is at most gradient_error_factor(m) u^2 sum_k |r_k x_kj|.
  void add_transpose_times_dd(std::ptrdiff_t begin, std::ptrdiff_t end, const DoubleDouble* r,
                              std::vector<double>& acc_hi, std::vector<double>& acc_lo) const {
    for (std::ptrdiff_t i = begin; i < end; ++i) {
      const Row row = this->row(i);
      const DoubleDouble ri = r[i - begin];
      for (std::ptrdiff_t k = 0; k < row.count; ++k) {
        const double x = row.values[k];
        const std::ptrdiff_t j = row.column(k);
        const DoubleDouble p = two_prod(ri.hi, x);
        const DoubleDouble t = two_sum(acc_hi[j], p.hi);
        acc_hi[j] = t.hi;
        acc_lo[j] += t.lo + p.lo + ri.lo * x;
      }
    }
  }
  // The columns a CSR block touches, each once (in `columns`; `seen`, d flags all false on entry
  // and on return after clear_columns): the only accumulators add_transpose_times_dd changed, so
  // that folding a block's sums costs its nonzeros, not d. Dense data touches every column.
  void touched_columns(std::ptrdiff_t begin, std::ptrdiff_t end, std::vector<char>& seen,
                       std::vector<int>& columns) const {
    columns.clear();
    if (!data_.sparse) {
      columns.resize(static_cast<std::size_t>(d()));
      for (std::ptrdiff_t j = 0; j < d(); ++j) columns[j] = static_cast<int>(j);
      return;
    }
    const int* inner = data_.Xs.innerIndexPtr();
    for (int k = data_.Xs.outerIndexPtr()[begin]; k < data_.Xs.outerIndexPtr()[end]; ++k) {
      if (seen[inner[k]]) continue;
      seen[inner[k]] = 1;
      columns.push_back(inner[k]);
    }
  }

  static double gradient_error_factor(std::ptrdiff_t m) {
    const double mm = static_cast<double>(m);
    return 1.01 * (mm + 3) * (mm + 3);
  }

 private:
  // Row i's stored entries: all d of a dense row, the nonzeros of a CSR row with their columns.
  struct Row {
    const double* values;
    const int* columns;  // null for a dense row: entry k is column k
    std::ptrdiff_t count;
    std::ptrdiff_t column(std::ptrdiff_t k) const { return columns ? columns[k] : k; }
  };
  Row row(std::ptrdiff_t i) const {
    if (!data_.sparse) return {data_.X.row(i).data(), nullptr, data_.d()};
    const int begin = data_.Xs.outerIndexPtr()[i];
    return {data_.Xs.valuePtr() + begin, data_.Xs.innerIndexPtr() + begin,
            data_.Xs.outerIndexPtr()[i + 1] - begin};
  }

  const Dataset<double>& data_;
  std::ptrdiff_t unit_rows_;
};

}  // namespace largestep
