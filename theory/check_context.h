// What every claim check receives: the profile (quick or paper), the reference solver and a
// progress line.
#pragma once

#include <functional>
#include <string>

#include "largestep/core/experiment.h"
#include "largestep/core/registry.h"

namespace largestep::theory {

enum class Profile { quick, paper };

struct CheckContext {
  Profile profile = Profile::quick;
  ReferenceSolver reference = certified_reference;  // tests may opt in to a double one
  std::function<void(const std::string&)> progress;  // may be empty

  void report(const std::string& what) const {
    if (progress) progress(what);
  }
  bool paper() const { return profile == Profile::paper; }
  // The registry's study `name` at this profile's size.
  const Study& study(std::string_view name) const {
    return find_study(name, paper() ? "paper" : "quick");
  }
};

}  // namespace largestep::theory
