# Read by CTest when it runs (TEST_INCLUDE_FILES, tests/CMakeLists.txt): one CTest test per
# GoogleTest *suite* of rung_tests, `--gtest_filter=Suite.*`, instead of one per test. Every
# process of the sanitizer build pays about 0.45 s to start (the ASan runtime mapping its shadow
# memory and the binary's relocations): over 700 tests that was 300 s of the CI's CPU, for no
# check. A failing suite prints its failing tests (GoogleTest's summary, shown by
# --output-on-failure).
#
# Set by the generated wrapper: RUNG_TESTS_EXE (the test binary), RUNG_SEPARATE (a
# GoogleTest filter of the tests CTest runs on their own, declared in tests/CMakeLists.txt),
# RUNG_SLOW_SUITES (suites started first on a fresh checkout, by COST).

execute_process(COMMAND "${RUNG_TESTS_EXE}" --gtest_list_tests "--gtest_filter=-${RUNG_SEPARATE}"
                OUTPUT_VARIABLE listing RESULT_VARIABLE status ERROR_VARIABLE errors TIMEOUT 120)
if(NOT status EQUAL 0)
  # Visible as a failing test rather than as a silently smaller suite.
  add_test(rung_tests.listing "${CMAKE_COMMAND}" -E false)
  message(WARNING "rung_tests --gtest_list_tests failed (${status}): ${errors}")
  return()
endif()

string(REPLACE "\n" ";" lines "${listing}")
set(suites "")
foreach(line IN LISTS lines)
  # "Suite." (or "Prefix/Suite." for parameterized suites, maybe with a "# TypeParam" comment);
  # the tests follow, indented.
  if(line MATCHES "^([A-Za-z0-9_/]+)\\.")
    list(APPEND suites "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(REMOVE_DUPLICATES suites)

foreach(suite IN LISTS suites)
  add_test("${suite}" "${RUNG_TESTS_EXE}" "--gtest_filter=${suite}.*-${RUNG_SEPARATE}")
  set(cost 1)
  list(FIND RUNG_SLOW_SUITES "${suite}" slow)  # (not IN_LIST: CTest reads this without a policy version)
  if(NOT slow EQUAL -1)
    set(cost 200)
  endif()
  set_tests_properties("${suite}" PROPERTIES TIMEOUT 900 COST ${cost})
endforeach()
