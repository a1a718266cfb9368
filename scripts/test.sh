#!/usr/bin/env bash
# Installs what is missing, builds rung with AddressSanitizer and UndefinedBehaviorSanitizer,
# and runs the whole test suite. Exits non-zero on any failure, and when no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
build=build/asan
start=$(date +%s)
# -g1 (line tables) is enough for the sanitizers' stack traces and much cheaper to build than -g.
cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1 -O1" \
  -DRUNG_SANITIZE=ON -DRUNG_WERROR=ON -DRUNG_BUILD_TESTS=ON -DRUNG_BUILD_BENCH=OFF \
  -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null  # the Python module and its tests: Debian's interpreter
cmake --build "$build" -j "$jobs"
echo "rung: build took $(( $(date +%s) - start )) s"

# Allocation and free stacks of 5 frames instead of 30: ASan records one at every malloc and free,
# and the generator allocates a lot (200 cladder items: 9.3-9.7 s of CPU instead of 10.7-10.9 s,
# 7 December 2026). A report still shows the bad access's whole stack and the allocation's
# innermost frames; to see more, rerun the failing test with malloc_context_size=30.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:malloc_context_size=5
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The heavy reproducers (label heavy) run in scripts/test-heavy.sh.
ctest --test-dir "$build" --output-on-failure --no-tests=error -j "$jobs" -LE heavy

if [ ! -d ../shared/datasets ]; then
  echo "rung: note: ../shared/datasets is absent beside this checkout, so the tests that read the public" \
       "CounterBench and CLadder files were skipped (README.md, \"Tests\")."
fi
