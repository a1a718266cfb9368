#!/usr/bin/env bash
# Installs what is missing, builds rung (Release), and runs the main job on the embedded
# default: generate a sample benchmark (300 items of each preset: counterbench, cladder, ladder;
# seed 1) into build/sample/benchmark.jsonl and print the audit of each preset's part.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
build=build/release
# build/release is the quick start's own folder (tests off); building by hand uses build/dev.
# The Python module is built for Debian's /usr/bin/python3 (python3-dev, pybind11-dev) and installed
# for it (into /usr/local/lib/python3.X/dist-packages), so that `import rung` works (docs/python.md).
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUNG_BUILD_TESTS=OFF -DRUNG_BUILD_BENCH=ON \
  -DPython3_EXECUTABLE=/usr/bin/python3 -DRUNG_PYTHON=ON >/dev/null
cmake --build "$build" -j "$jobs"
python_dir=$(cmake -L -N "$build" | sed -n 's/^RUNG_PYTHON_INSTALL_DIR:PATH=//p')
if [ "$(id -u)" -eq 0 ]; then
  cmake --install "$build" --component python --prefix /usr/local >/dev/null
  python_note="The Python module is installed for /usr/bin/python3 (/usr/local/$python_dir): python3 -c 'import rung'"
else
  python_note="The Python module is in $PWD/$build/python: export PYTHONPATH=\"$PWD/$build/python\" (or, as root, cmake --install $build --component python)"
fi

rung="$build/rung"
mkdir -p build/sample
echo
echo "== rung validate examples/*.scm"
"$rung" validate examples/*.scm
echo
: > build/sample/benchmark.jsonl
for preset in counterbench cladder ladder; do
  echo
  echo "== rung generate --preset $preset -n 300 --seed 1 --threads $jobs -o build/sample/$preset.jsonl"
  "$rung" generate --preset "$preset" -n 300 --seed 1 --threads "$jobs" -o "build/sample/$preset.jsonl"
  cat "build/sample/$preset.jsonl" >> build/sample/benchmark.jsonl
done
for preset in counterbench cladder ladder; do
  echo
  echo "== rung audit build/sample/$preset.jsonl"
  "$rung" audit "build/sample/$preset.jsonl" --threads "$jobs"
done
echo
echo "Sample benchmark: build/sample/benchmark.jsonl ($(wc -l < build/sample/benchmark.jsonl) items; one file per preset beside it)."
echo
echo "The rung tool is $PWD/$build/rung. To call it as 'rung', as the README's examples do, either"
echo "  export PATH=\"$PWD/$build:\$PATH\"            # this shell only"
echo "  cmake --install $build --prefix /usr/local     # installs rung, the library and its headers"
echo
echo "$python_note"
