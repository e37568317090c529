// Test helper: the message of the DataError an action throws.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "largestep/kernel/dataset.h"

namespace largestep {

// The message of the DataError that `action` throws; a test failure when it throws nothing.
inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DataError thrown";
  return "";
}

}  // namespace largestep
