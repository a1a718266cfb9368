#!/usr/bin/env bash
# Issue #19: a sharded run on a (local) cluster engine. Eight shards made by GNU parallel, two at a
# time, merged by `rung merge`, equal the unsharded run byte for byte. The options draw from few
# distinct models, so shards repeat each other's structures and the merge has to redraw some.
# Usage: shards_parallel.sh RUNG   (exit 77, a skip for ctest, when GNU parallel is missing)
set -euo pipefail
rung=$1
if ! command -v parallel >/dev/null; then
  echo "GNU parallel is not installed (Debian package: parallel); skipped" >&2
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
opts="--preset counterbench -n 200 --seed 8 --difficulty 1"
"$rung" generate $opts -o "$dir/whole.jsonl"
seq 1 8 | parallel --will-cite --halt now,fail=1 -j 2 "$rung" generate $opts --shard {}/8 -o "$dir/part-{}.jsonl"
"$rung" merge "$dir"/part-{1..8}.jsonl -o "$dir/merged.jsonl" 2> "$dir/merge.log"
cat "$dir/merge.log" >&2
cmp "$dir/merged.jsonl" "$dir/whole.jsonl"
grep -q "200 items from 8 parts" "$dir/merge.log"
if cat "$dir"/part-{1..8}.jsonl | cmp -s - "$dir/whole.jsonl"; then
  echo "the shards alone already equal the whole: the test no longer exercises a redraw" >&2
  exit 1
fi
echo "8 shards through GNU parallel, merged, equal the unsharded run"
