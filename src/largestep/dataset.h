// Dataset<Scalar>: n labelled points, X row-major (n x d), labels y_i in {-1, +1}.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace largestep {

template <class Scalar>
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
template <class Scalar>
using RowMatrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

// Thrown for anything wrong with a dataset, a dataset spec or a data file. The message names the
// problem (and, for files, "path:line").
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class Scalar>
struct Dataset {
  RowMatrix<Scalar> X;  // n x d, one example per row
  Vector<Scalar> y;     // n labels, each -1 or +1
  std::string spec;     // the dataset spec it was made from (for reports)

  std::ptrdiff_t n() const { return X.rows(); }
  std::ptrdiff_t d() const { return X.cols(); }

  Scalar max_row_norm() const {
    return X.rows() == 0 ? Scalar(0) : Scalar(X.rowwise().norm().maxCoeff());
  }

  template <class Other>
  Dataset<Other> cast() const {
    return Dataset<Other>{X.template cast<Other>(), y.template cast<Other>(), spec};
  }
};

// Divides every row by the largest row norm, so that max ||x_i|| = 1 and the geometry (angles,
// ratios of margins) is kept. A dataset whose rows are all zero is left as it is.
template <class Scalar>
void scale_rows_by_max_norm(Dataset<Scalar>& data) {
  const Scalar m = data.max_row_norm();
  if (m > Scalar(0)) data.X /= m;
}

// Checks the invariants every consumer relies on: n >= 1, d >= 1, y.size() == n, labels in
// {-1, +1}, all entries finite. Throws DataError naming the first violation.
void validate(const Dataset<double>& data);

}  // namespace largestep
