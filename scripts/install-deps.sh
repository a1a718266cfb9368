#!/usr/bin/env bash
# Installs the Debian packages rung needs to build and test, and nothing else.
# Idempotent: packages already present are skipped; `apt-get update` runs at most once.
# Prints one line per step; apt's full output goes to build/logs/install-deps.log, whose path is
# printed when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config
  ccache               # rebuilds reuse unchanged objects (used when present)
  libboost-graph-dev   # Boost.Graph and Boost.Multiprecision (headers)
  libgmp-dev           # exact rationals
  libeigen3-dev
  zlib1g-dev           # gzip-compressed networks (.bif.gz, .uai.gz)
  libfmt-dev
  nlohmann-json3-dev
  libcli11-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  liblinear-dev libxgboost-dev  # the audit's learners (logistic regression, boosted trees)
  libjemalloc-dev      # the rung tool's and the benchmarks' malloc (not the library's)
  wamerican            # /usr/share/dict/words: the test that nonsense names are not English words
  parallel             # GNU parallel: the test of a sharded run on a cluster engine
  python3-dev pybind11-dev  # the rung Python module (python/, docs/python.md), for /usr/bin/python3
  python3-pytest       # its tests (tests/python)
  python3-yaml         # the test that the lm-eval export's task YAML parses (tests/check/lm_eval_export_test.py)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "rung: build dependencies present" >&2
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi

mkdir -p build/logs
log="$PWD/build/logs/install-deps.log"
: > "$log"
step() {
  local what=$1
  shift
  echo "rung: $what" >&2
  if ! "$@" >> "$log" 2>&1; then
    echo "rung: failed: $what (full log: $log)" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

export DEBIAN_FRONTEND=noninteractive
step "updating the package lists (apt-get update)" $sudo apt-get update
step "installing ${missing[*]}" $sudo apt-get install -y --no-install-recommends "${missing[@]}"
echo "rung: installed ${#missing[@]} packages (log: $log)" >&2
