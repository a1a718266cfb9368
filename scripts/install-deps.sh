#!/usr/bin/env bash
# Installs the Debian packages rung needs to build and test, and nothing else.
# Idempotent: packages already present are skipped; `apt-get update` runs at most once.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-graph-dev   # Boost.Graph and Boost.Multiprecision (headers)
  libgmp-dev           # exact rationals
  libeigen3-dev
  libfmt-dev
  nlohmann-json3-dev
  libcli11-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  liblinear-dev libxgboost-dev  # the audit's learners (logistic regression, boosted trees)
  libjemalloc-dev      # the rung tool's and the benchmarks' malloc (not the library's)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi

echo "rung: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
