#!/usr/bin/env bash
# Installs what is missing, builds rung (Release), and runs the main job on the embedded
# default: validate and describe every model in examples/.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
build=build/release
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUNG_BUILD_TESTS=OFF -DRUNG_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "$jobs"

rung="$build/rung"
echo
echo "== rung validate examples/*.scm"
"$rung" validate examples/*.scm
for model in examples/*.scm; do
  echo
  echo "== rung show $model"
  "$rung" show "$model"
done
