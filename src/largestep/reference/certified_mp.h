// The certified reference's w_lambda as Mp numbers. Apart from certified.h, which most of the
// project includes (through experiment.h) to read references in double: Boost.Multiprecision and
// MPFR's headers take seconds to parse per file, so only the files that compute in Mp pay it.
// A field's other numbers are decimal strings: Mp(reference.f_star) reads one.
#pragma once

#include "largestep/reference/certified.h"
#include "largestep/reference/multiprecision.h"

namespace largestep {

// w_lambda at the reference's digits; call inside an MpDigits scope of at least reference.digits.
Vector<Mp> w_mp(const MpReference& reference);

}  // namespace largestep
