# Build flavours. Each is one LARGESTEP_ option; all of them act through the interface target
# largestep_flags, which every target links, so every translation unit of a build shares the
# same code-generation flags. With no option set the build is the baseline x86-64 flavour.
option(LARGESTEP_SCALAR "Scalar flavour: auto-vectorization and Eigen's explicit SIMD off" OFF)
option(LARGESTEP_AVX2 "AVX2 + FMA flavour (-mavx2 -mfma)" OFF)
option(LARGESTEP_NATIVE "Native flavour (-march=native; may use AVX-512)" OFF)
option(LARGESTEP_OPENMP "OpenMP threads in the data-parallel kernels" OFF)
option(LARGESTEP_SANITIZE "AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(LARGESTEP_FUZZ "libFuzzer targets in fuzz/ (clang only; implies ASan + UBSan)" OFF)
option(LARGESTEP_MPI
       "Open MPI: largestep under mpirun, bench/mpi/ (Debian: openmpi-bin, libopenmpi-dev); off if not found"
       ON)

add_library(largestep_flags INTERFACE)
target_compile_options(largestep_flags INTERFACE -Wall -Wextra -Wpedantic)

set(_largestep_isa_count 0)
foreach(_opt LARGESTEP_SCALAR LARGESTEP_AVX2 LARGESTEP_NATIVE)
  if(${_opt})
    math(EXPR _largestep_isa_count "${_largestep_isa_count} + 1")
  endif()
endforeach()
if(_largestep_isa_count GREATER 1)
  message(FATAL_ERROR "LARGESTEP_SCALAR, LARGESTEP_AVX2 and LARGESTEP_NATIVE are exclusive")
endif()

set(LARGESTEP_FLAVOUR "baseline")
if(LARGESTEP_SCALAR)
  set(LARGESTEP_FLAVOUR "scalar")
  target_compile_options(largestep_flags INTERFACE -fno-tree-vectorize -fno-tree-slp-vectorize)
  target_compile_definitions(largestep_flags INTERFACE EIGEN_DONT_VECTORIZE)
elseif(LARGESTEP_AVX2)
  set(LARGESTEP_FLAVOUR "avx2")
  target_compile_options(largestep_flags INTERFACE -mavx2 -mfma)
elseif(LARGESTEP_NATIVE)
  set(LARGESTEP_FLAVOUR "native")
  target_compile_options(largestep_flags INTERFACE -march=native)
endif()

if(LARGESTEP_OPENMP)
  find_package(OpenMP REQUIRED COMPONENTS CXX)
  target_link_libraries(largestep_flags INTERFACE OpenMP::OpenMP_CXX)
  target_compile_definitions(largestep_flags INTERFACE LARGESTEP_HAVE_OPENMP=1)
  set(LARGESTEP_FLAVOUR "${LARGESTEP_FLAVOUR}+openmp")
endif()

if(LARGESTEP_SANITIZE)
  target_compile_options(largestep_flags INTERFACE -fsanitize=address,undefined
                                                   -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(largestep_flags INTERFACE -fsanitize=address,undefined)
  set(LARGESTEP_FLAVOUR "${LARGESTEP_FLAVOUR}+sanitize")
endif()

if(LARGESTEP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LARGESTEP_FUZZ needs clang, which has libFuzzer; the C++ compiler is "
                        "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}. Use the preset "
                        "'fuzz' (cmake --preset fuzz) or -DCMAKE_CXX_COMPILER=clang++ in a fresh "
                        "build directory.")
  endif()
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=fuzzer)
  check_cxx_source_compiles([[
    #include <cstddef>
    #include <cstdint>
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
  ]] LARGESTEP_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT LARGESTEP_HAVE_LIBFUZZER)
    message(FATAL_ERROR "LARGESTEP_FUZZ: ${CMAKE_CXX_COMPILER} cannot link -fsanitize=fuzzer "
                        "(Debian: apt-get install libclang-rt-14-dev)")
  endif()
  # Every translation unit gets the coverage instrumentation libFuzzer steers by; the fuzz targets
  # themselves add -fsanitize=fuzzer, which also links libFuzzer's main().
  target_compile_options(largestep_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                   -fno-sanitize-recover=undefined
                                                   -fno-omit-frame-pointer)
  target_link_options(largestep_flags INTERFACE -fsanitize=address,undefined)
  set(LARGESTEP_FLAVOUR "${LARGESTEP_FLAVOUR}+fuzz")
endif()

# Test-only: P% extra work in the fused kernel (LogisticObjective::value_and_gradient), results
# discarded, the flavour unchanged, so that the instruction-count gate can be shown to fail on a
# known regression (scripts/count_gate_proof.sh). Never set it in a build whose results count.
set(LARGESTEP_INJECT_EXTRA_WORK 0 CACHE STRING
    "Test only: percent of extra work in the fused kernel (0: none)")
if(NOT LARGESTEP_INJECT_EXTRA_WORK MATCHES "^[0-9]+$")
  message(FATAL_ERROR "LARGESTEP_INJECT_EXTRA_WORK must be a whole percent, got "
                      "'${LARGESTEP_INJECT_EXTRA_WORK}'")
endif()
if(LARGESTEP_INJECT_EXTRA_WORK GREATER 0)
  message(WARNING "LARGESTEP_INJECT_EXTRA_WORK=${LARGESTEP_INJECT_EXTRA_WORK}: the fused kernel "
                  "does ${LARGESTEP_INJECT_EXTRA_WORK}% extra work (a test build)")
  target_compile_definitions(largestep_flags INTERFACE
                             LARGESTEP_INJECT_EXTRA_WORK=${LARGESTEP_INJECT_EXTRA_WORK})
endif()

target_compile_definitions(largestep_flags INTERFACE
                           LARGESTEP_FLAVOUR="${LARGESTEP_FLAVOUR}")
message(STATUS "largestep flavour: ${LARGESTEP_FLAVOUR}")
