# Runs the same job twice; both must succeed and print the same "parameter digest: ..." line.
#   cmake "-DCMD=mpirun;-np;2;test_mpi;--gtest_filter=DDP.ParameterDigest" -P expect_same_digest.cmake
foreach(run 1 2)
  execute_process(COMMAND ${CMD} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 90)
  if(NOT status STREQUAL "0")
    message(FATAL_ERROR "run ${run} failed (${status}):\n${out}\n${err}")
  endif()
  string(REGEX MATCH "parameter digest: [0-9a-f]+" digest${run} "${out}")
  if(NOT digest${run})
    message(FATAL_ERROR "run ${run} printed no digest:\n${out}")
  endif()
endforeach()
message("run 1: ${digest1}\nrun 2: ${digest2}")
if(NOT digest1 STREQUAL digest2)
  message(FATAL_ERROR "two runs with the same world size and seed gave different parameters")
endif()
