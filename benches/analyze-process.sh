#!/usr/bin/env bash
# The whole `polyphony analyze` process (read the export, one update, print the JSON), timed by
# hyperfine, against another build of it in the same run when one is given (both must print
# the same bytes); then each one's CPU time and page faults (perf stat), which a busy machine
# disturbs less than the wall-clock time. Prints each one's median (hyperfine's own summary is
# the mean) and, with another build, the ratio of the medians; then, with another build, both
# timed in turn (benches/interleaved.py), which a load drifting over the minutes of the run
# meets alike. RUNS=200 for more runs.
#   bash benches/analyze-process.sh [OTHER_POLYPHONY_BINARY] [CONVERSATION]   (default vtaiwan.uberx)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p polyphony --bin polyphony
ours=${CARGO_TARGET_DIR:-target}/release/polyphony
other=${1:-}
dir="../shared/data/polis-open-data/${2:-vtaiwan.uberx}"
args="analyze $dir --preset polis --format json"
cmds=("$ours $args")
[ -n "$other" ] && cmds+=("$other $args")
if [ -n "$other" ] && ! cmp -s <($ours $args) <($other $args); then
  echo "the two builds print different bytes" >&2
  exit 1
fi
summary=$(mktemp)
hyperfine -N --warmup 10 --runs "${RUNS:-60}" --export-json "$summary" "${cmds[@]}"
python3 - "$summary" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
for r in results:
    print(f"{r['command'].split()[0]}: median {r['median'] * 1000:.2f} ms of {len(r['times'])} runs")
if len(results) == 2:
    print(f"ratio of the medians, this build / the other: {results[0]['median'] / results[1]['median']:.3f}")
PY
rm -f "$summary"
if [ -n "$other" ]; then
  python3 benches/interleaved.py "${RUNS:-60}" "this build::$ours $args" "the other::$other $args"
fi
if command -v perf >/dev/null; then
  for c in "${cmds[@]}"; do
    perf stat -r 20 -e task-clock,page-faults $c 2>&1 >/dev/null | grep -E "task-clock|page-faults|elapsed" | sed "s|^|${c%% *}: |"
  done
fi
