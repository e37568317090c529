#include "largestep/data/libsvm_writer.h"

#include <fmt/format.h>

#include <iterator>

namespace largestep {

std::string libsvm_text(const Dataset<double>& data) {
  std::string out;
  auto sink = std::back_inserter(out);
  for (std::ptrdiff_t i = 0; i < data.n(); ++i) {
    out += data.y(i) > 0 ? "+1" : "-1";
    if (data.sparse) {  // the stored entries, and the last column as the dense rows have it
      const SparseRowMatrix<double>& X = data.Xs;
      const int begin = X.outerIndexPtr()[i], end = X.outerIndexPtr()[i + 1];
      for (int p = begin; p < end; ++p)
        fmt::format_to(sink, " {}:{:.17g}", X.innerIndexPtr()[p] + 1, X.valuePtr()[p]);
      if (end == begin || X.innerIndexPtr()[end - 1] + 1 != data.d())
        fmt::format_to(sink, " {}:0", data.d());
      out += '\n';
      continue;
    }
    for (std::ptrdiff_t j = 0; j < data.d(); ++j) {
      const double x = data.X(i, j);
      if (x != 0 || j + 1 == data.d()) fmt::format_to(sink, " {}:{:.17g}", j + 1, x);
    }
    out += '\n';
  }
  return out;
}

}  // namespace largestep
