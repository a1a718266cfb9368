#!/usr/bin/env bash
# The heavy reproducers of issue #15 (ctest label `heavy`, run by scripts/test-heavy.sh in a
# Release build under `ulimit -v`; left out of the normal run). Usage: heavy.sh RUNG CASE
set -euo pipefail
rung=$1
case_name=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/rung_heavy_${case_name}.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# expect STATUS PATTERN COMMAND...: runs the command, checks its exit status and that its
# output (stdout and stderr) contains PATTERN (a fixed string).
expect() {
  local want=$1 pattern=$2
  shift 2
  local got=0
  "$@" >out.txt 2>err.txt || got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: '$*' exited $got, expected $want"; head -c 2000 err.txt; exit 1
  fi
  if ! grep -qF -- "$pattern" out.txt err.txt; then
    echo "FAIL: '$*' printed no '$pattern'"; head -c 2000 out.txt err.txt; exit 1
  fi
  echo "ok: $* -> $got ($pattern)"
}

chain() {  # chain N ORDER: exogenous U, X0 := U, Xi := X(i-1); ORDER forward or reverse
  echo "exogenous U ~ Bernoulli(1/2)"
  if [ "$2" = forward ]; then
    echo "X0 := U"
    awk -v n="$1" 'BEGIN { for (i = 1; i < n; ++i) printf "X%d := X%d\n", i, i - 1 }'
  else
    awk -v n="$1" 'BEGIN { for (i = n - 1; i >= 1; --i) printf "X%d := X%d\n", i, i - 1 }'
    echo "X0 := U"
  fi
}

case "$case_name" in
  solve_chain_60k)  # was SIGSEGV: one stack frame per ancestor
    chain 60000 forward >chain.scm
    expect 0 "= 0 " "$rung" solve chain.scm -q 'P(X59999[X0=0]=1 | X5=1)'
    expect 0 "= 1/2" "$rung" solve chain.scm -q 'P(X59999=1)' --method enumerate
    ;;
  validate_reverse_chain_60k)  # was quadratic: 127 s in the ASan build
    chain 60000 reverse >chain.scm
    expect 0 "ok (1 exogenous, 60000 endogenous variables)" "$rung" validate chain.scm
    ;;
  model_over_1gib)  # refused by its size, before reading
    head -c 1100000000 /dev/zero | tr '\0' 'a' >big.scm
    expect 1 "rung reads at most 1 GiB of one input" "$rung" validate big.scm
    ;;
  jsonl_line_over_256mib)  # one 300 MB line: refused at the line limit, not read whole
    { printf '{"id": "'; head -c 300000000 /dev/zero | tr '\0' 'a'; printf '"}\n'; } >data.jsonl
    echo '{"id": "x", "response": "yes"}' >responses.jsonl
    expect 1 "line longer than 256 MiB" "$rung" check data.jsonl responses.jsonl
    ;;
  shortcut_ceilings_levels)  # issue #12: no learner above 60% on a yes/no type, every preset and level
    command -v python3 >/dev/null || { echo "heavy.sh: python3 is needed to read the audit's JSON"; exit 1; }
    for preset_count in cladder:3000 counterbench:3000 ladder:6000; do
      preset=${preset_count%%:*}
      count=${preset_count##*:}
      for level in 1 2 3 4 5; do
        "$rung" generate --preset "$preset" -n "$count" --seed 1 --difficulty "$level" -o data.jsonl 2>/dev/null
        "$rung" audit --no-verify --json --threads 2 data.jsonl >audit.json
        python3 - "$preset" "$level" <<'PY'
import json, sys
preset, level = sys.argv[1:]
learned = json.load(open("audit.json"))["learned_shortcuts"]
worst = []
for learner in learned["classifiers"]:
    overall = max(learner["all"][k]["accuracy"] for k in ("pooled", "per_type") if k in learner["all"])
    if overall > 0.58:
        sys.exit(f"FAIL: {preset} level {level}: {learner['name']} overall {overall:.3f} > 0.58")
    for kind, cells in learner["by_type"].items():
        best = max(cells[k]["accuracy"] for k in ("pooled", "per_type"))
        worst.append((best, learner["name"], kind))
best, name, kind = max(worst)
if best > 0.60:
    sys.exit(f"FAIL: {preset} level {level}: {name} on {kind} {best:.3f} > 0.60")
print(f"ok: {preset} level {level}: worst {kind} {best:.3f} ({name})")
PY
      done
    done
    ;;
  *)
    echo "heavy.sh: unknown case $case_name"; exit 2 ;;
esac
