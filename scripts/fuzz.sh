#!/usr/bin/env bash
# Builds rung's libFuzzer targets with clang (ASan + UBSan) and runs each for a given time with a
# persistent corpus, then prints one summary line per target (executions, coverage, findings).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     default: 60 s, every target
#   scripts/fuzz.sh 1800                                  the routine run before a release
#
# SECONDS are CPU seconds (user + system) of the fuzzer: on a busy or shared machine (or under
# `nice`) a target is run again, for the CPU time still missing, until it has had its budget.
#
# Corpora live in build/fuzz/corpus/<target> and grow from run to run; they are seeded from the
# examples, the bad-input corpus and the shared datasets (when ../shared is present). A crash,
# sanitizer report, leak or timeout leaves its input in build/fuzz/findings/<target>/ and makes
# the script exit 1. Logs: build/fuzz/logs/<target>.log. docs/fuzzing.md explains the targets.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all=(scm_text json query extract check import network)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
case $seconds in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac

./scripts/install-deps.sh
if ! command -v clang++ >/dev/null; then  # Debian 12's clang 14 (libFuzzer included)
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq clang >/dev/null
  else
    echo "fuzz.sh: clang++ is not installed (Debian: apt-get install clang)" >&2
    exit 2
  fi
fi

build=build/fuzz
CXX=clang++ CC=clang cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRUNG_FUZZ=ON -DRUNG_BUILD_TESTS=OFF -DRUNG_BUILD_BENCH=OFF -DRUNG_BUILD_CLI=OFF -DRUNG_PCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"

shared=../shared/datasets
seed() {  # seed TARGET DIR: put the starting inputs into DIR (only when it is empty)
  local t=$1 dir=$2
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir")" ] && return 0
  case $t in
    scm_text) cp examples/*.scm tests/data/bad/*.scm "$dir"/ 2>/dev/null || true ;;
    json) cp tests/data/bad/*.json "$dir"/ 2>/dev/null || true
          printf '%s' '{"exogenous":[],"endogenous":[]}' >"$dir/min.json" ;;
    query) local k=0
           for q in 'P(Y=1)' 'P(Y=1 | X=1)' 'P(Y=1 | do(X=0))' 'P(Y[X=0]=1 | X=1, Y=1)' \
                    'E(Y[X=1]) - E(Y[X=0])' 'P(Y[X=1, M=M[X=0]]=1)' 'P(M=hi | Z=0)' 'P(X=1, Y=0 | M=lo)'; do
             printf '%s' "$q" >"$dir/q$k"; k=$((k + 1))
           done ;;
    extract) local k=0
             for r in 'Yes.' 'No, because X' '**Answer: yes**' 'The probability is 0.35' '1/3' \
                      'I think no... actually yes' '{"answer": "no"}' 'ANSWER: 42%'; do
               printf '%s' "$r" >"$dir/r$k"; k=$((k + 1))
             done ;;
    check) printf '\x00%s\n' '{"id": "counterbench-000001", "response": "yes"}' >"$dir/responses"
           printf '\x01' >"$dir/empty-dataset" ;;
    import) if [ -d "$shared" ] && command -v python3 >/dev/null; then  # a few real items of each
              python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[:4]))' \
                "$shared/counterbench/CounterBenchDataset_100.json" | { printf '\x00'; cat; } >"$dir/cb" || true
              for f in det easy hard; do
                python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[:6]))' \
                  "$shared/cladder/test-generate-$f.json" | { printf '\x01'; cat; } >"$dir/cl-$f" || true
              done
            fi
            printf '\x00[]' >"$dir/empty-cb"; printf '\x01[]' >"$dir/empty-cl" ;;
    network) { printf '\x00'; cat tests/data/networks/asia.bif; } >"$dir/asia-bif"
             { printf '\x01'; cat tests/data/networks/asia.uai; } >"$dir/asia-uai"
             { printf '\x02'; cat tests/data/networks/dog_problem.xml; } >"$dir/dog-xml"
             for f in tests/data/bad/networks/*.bif; do { printf '\x00'; cat "$f"; } >"$dir/bad-$(basename "$f")"; done ;;
  esac
}

cpu_seconds=0
read_cpu() {  # sets cpu_seconds: whole CPU seconds (user + system) of this shell's finished children
  # `times` must run in this shell (in a $(...) subshell it would report the subshell's children);
  # one file per script, so that runs side by side do not read each other's.
  times >"$build/logs/.times.$$"
  cpu_seconds=$(tail -1 "$build/logs/.times.$$" |
    awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); s += a[1] * 60 + a[2] } printf "%d", s }')
}

status=0
summary=()
for t in "${targets[@]}"; do
  bin=$build/fuzz/rung_fuzz_$t
  [ -x "$bin" ] || { echo "fuzz.sh: no target '$t' (have: ${all[*]})" >&2; exit 2; }
  corpus=$build/corpus/$t
  findings=$build/findings/$t
  mkdir -p "$findings" "$build/logs"
  seed "$t" "$corpus"
  log=$build/logs/$t.log
  echo "fuzz.sh: $t for $seconds s (corpus $corpus, log $log)"
  : >"$log"
  cpu=0 execs=0 rc=0 round=0
  while [ "$rc" -eq 0 ] && [ "$cpu" -lt "$seconds" ] && [ "$round" -lt 1000 ]; do  # until it has had its CPU time
    round=$((round + 1))
    left=$((seconds - cpu))
    [ "$left" -lt 10 ] && left=10
    echo "== round $round: $left s (CPU so far $cpu s)" >>"$log"
    read_cpu
    before=$cpu_seconds
    set +e
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$bin" "$corpus" -max_total_time="$left" -max_len=8192 -timeout=25 -rss_limit_mb=4096 \
      -print_final_stats=1 -artifact_prefix="$findings/" >"$log.round" 2>&1
    rc=$?
    set -e
    cat "$log.round" >>"$log"
    read_cpu
    cpu=$((cpu + cpu_seconds - before))
    n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log.round" | grep -o '[0-9]*$' || echo 0)
    execs=$((execs + n))
  done
  rm -f "$log.round"
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  found=$(find "$findings" -type f | wc -l)
  summary+=("$(printf '%-9s %6s CPU s (%s rounds)  %12s execs  cov %6s  ft %7s  corpus %6s  findings %s  rc %s' \
    "$t" "$cpu" "$round" "$execs" "$cov" "$ft" "$(ls "$corpus" | wc -l)" "$found" "$rc")")
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then status=1; fi
done
rm -f "$build/logs/.times.$$"
printf '%s\n' "${summary[@]}"
exit $status
