# Runs a command that must fail: non-zero status, output matching EXPECT, within LIMIT seconds.
#   cmake "-DCMD=mpirun;-np;2;prog;mode" "-DEXPECT=rank 1 of 2" -DLIMIT=20 -P expect_failure.cmake
string(TIMESTAMP start "%s" UTC)
execute_process(COMMAND ${CMD} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT 90)
string(TIMESTAMP stop "%s" UTC)
math(EXPR seconds "${stop} - ${start}")
message("status: ${status}, ${seconds} s\n--- stdout\n${out}--- stderr\n${err}")
if(status STREQUAL "0")
  message(FATAL_ERROR "the job exited with status 0; it should have failed")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "the output does not name the failing rank ('${EXPECT}')")
endif()
if(seconds GREATER LIMIT)
  message(FATAL_ERROR "the job took ${seconds} s to end (limit ${LIMIT} s)")
endif()
