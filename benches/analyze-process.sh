#!/usr/bin/env bash
# The whole `polyphony analyze` process (read the export, one update, print the JSON), timed by
# hyperfine, against another build of it in the same run when one is given (both must print
# the same bytes); then each one's CPU time and page faults (perf stat), which a busy machine
# disturbs less than the wall-clock time.
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
hyperfine -N --warmup 10 --runs 60 "${cmds[@]}"
if command -v perf >/dev/null; then
  for c in "${cmds[@]}"; do
    perf stat -r 20 -e task-clock,page-faults $c 2>&1 >/dev/null | grep -E "task-clock|page-faults|elapsed" | sed "s|^|${c%% *}: |"
  done
fi
