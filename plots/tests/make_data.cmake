# Writes the plots tests' data directory with the real writers (cmake -P; see ../CMakeLists.txt):
# the claim suite through `verify` (runs.json, runs.csv, traces/, measurements/, verdicts.*), the
# figures' runs through `sweep --suite figures-quick` (figures/), the method table (methods.json),
# a small 1-D bifurcation whose
# last stepsize diverges, then the committed kernel benchmark fixtures (trimmed from real
# bench_kernels output: the benchmarks take minutes and depend on the machine).
#   -DLARGESTEP=path/to/largestep -DOUT=directory -DFIXTURES=plots/tests/fixtures
foreach(var LARGESTEP OUT FIXTURES)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "make_data.cmake: -D${var}=... is required")
  endif()
endforeach()

# A stopped earlier run must not leave a mix of old and new files.
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")

function(run what)
  execute_process(COMMAND "${LARGESTEP}" ${ARGN} RESULT_VARIABLE status
                  OUTPUT_FILE "${OUT}.${what}.log" ERROR_FILE "${OUT}.${what}.log")
  if(NOT status EQUAL 0)
    file(READ "${OUT}.${what}.log" log)
    message(FATAL_ERROR "largestep ${ARGN}: exit status ${status}\n${log}")
  endif()
endfunction()

run(verify verify --suite quick --out "${OUT}")
run(figures sweep --suite figures-quick --out "${OUT}/figures")
# The method table, as the main job writes it (`largestep methods --json > DATA/methods.json`).
execute_process(COMMAND "${LARGESTEP}" methods --json RESULT_VARIABLE status
                OUTPUT_FILE "${OUT}/methods.json" ERROR_FILE "${OUT}.methods.log")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "largestep methods --json: exit status ${status}")
endif()
run(bifurcation bifurcation --data oned --lambda 1e-2 --from 0.7 --to 4.5 --count 12 --steps 4000
    --last 4 --out "${OUT}/bifurcation.csv")
file(GLOB kernels "${FIXTURES}/kernels_*.json")
file(COPY ${kernels} DESTINATION "${OUT}")
message(STATUS "plots test data in ${OUT}")
