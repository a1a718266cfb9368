# Runs CMD with ARGS (a ;-list) and fails unless its exit status is EXPECT.
execute_process(COMMAND ${CMD} ${ARGS} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL EXPECT)
  message(FATAL_ERROR "expected exit status ${EXPECT}, got ${status}\nstdout: ${out}\nstderr: ${err}")
endif()
message(STATUS "exit status ${status} as expected; stderr: ${err}")
