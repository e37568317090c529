#include "largestep/kernel/dataset.h"

#include <cmath>
#include <fmt/format.h>

namespace largestep {

void validate(const Dataset<double>& data) {
  const std::string name = data.spec.empty() ? "dataset" : fmt::format("dataset '{}'", data.spec);
  if (data.total_n() < 1) throw DataError(name + ": no examples");  // a shard may hold none
  if (data.d() < 1) throw DataError(name + ": no features");
  if (data.y.size() != data.n())
    throw DataError(fmt::format("{}: {} labels for {} examples", name, data.y.size(), data.n()));
  if (data.sparse && !data.Xs.isCompressed())
    throw DataError(name + ": sparse matrix not compressed");
  for (std::ptrdiff_t i = 0; i < data.n(); ++i) {
    if (data.y(i) != 1.0 && data.y(i) != -1.0)
      throw DataError(fmt::format("{}: label of example {} is {}, not -1 or +1", name, i, data.y(i)));
    if (data.sparse) {
      for (int p = data.Xs.outerIndexPtr()[i]; p < data.Xs.outerIndexPtr()[i + 1]; ++p)
        if (!std::isfinite(data.Xs.valuePtr()[p]))
          throw DataError(fmt::format("{}: X({}, {}) is not finite", name, i,
                                      data.Xs.innerIndexPtr()[p]));
      continue;
    }
    for (std::ptrdiff_t j = 0; j < data.d(); ++j)
      if (!std::isfinite(data.X(i, j)))
        throw DataError(fmt::format("{}: X({}, {}) is not finite", name, i, j));
  }
}

}  // namespace largestep
