// Test helper: a fresh temporary directory for the current test, removed at the end of it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace largestep {

class TempDir {
 public:
  TempDir() {
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("largestep_test_" + std::string(test->test_suite_name()) + "_" + test->name() + "_" +
            std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The path of `name` in the directory.
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Writes `contents` to `name` in the directory and returns its path.
  std::string write(const std::string& name, const std::string& contents) const {
    const std::string file = path(name);
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace largestep
