#!/usr/bin/env bash
# Installs what is missing, builds rung (Release), and runs the main job on the embedded
# default: generate a sample benchmark (400 counterbench items, seed 1) and print its audit.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
build=build/release
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUNG_BUILD_TESTS=OFF -DRUNG_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "$jobs"

rung="$build/rung"
mkdir -p build/sample
echo
echo "== rung validate examples/*.scm"
"$rung" validate examples/*.scm
echo
echo "== rung generate --preset counterbench -n 400 --seed 1 --threads $jobs -o build/sample/counterbench.jsonl"
"$rung" generate --preset counterbench -n 400 --seed 1 --threads "$jobs" -o build/sample/counterbench.jsonl
echo
echo "== rung audit build/sample/counterbench.jsonl"
"$rung" audit build/sample/counterbench.jsonl --threads "$jobs"
