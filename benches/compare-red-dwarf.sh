#!/usr/bin/env bash
# Times red-dwarf 0.4.0 (the Python re-implementation of the Polis math) and Polyphony on the
# same conversations in one run, and prints the medians and their ratio; with hyperfine
# installed, also the whole `polyphony analyze DIR` process (reading the CSVs, one update,
# printing), median of 30 runs.
#   bash benches/compare-red-dwarf.sh [CONVERSATION ...]   (default: vtaiwan.uberx bg2050-volunteers)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-peer/bin/python ] || python3 -m venv .venv-peer
.venv-peer/bin/python -c 'import reddwarf' 2>/dev/null || .venv-peer/bin/pip install -q red-dwarf==0.4.0
cargo build --release -q -p polyphony-benches --bin time-update
cargo build --release -q -p polyphony --bin polyphony
release=${CARGO_TARGET_DIR:-target}/release
names=("$@"); [ ${#names[@]} -gt 0 ] || names=(vtaiwan.uberx bg2050-volunteers)
for name in "${names[@]}"; do
  dir="../shared/data/polis-open-data/$name"
  rd=$(.venv-peer/bin/python - "$dir" <<'PY'
import sys, time, statistics, warnings
import pandas as pd
warnings.filterwarnings("ignore")
from reddwarf.implementations.polis import run_pipeline
d = sys.argv[1]
v = pd.read_csv(f"{d}/votes.csv").sort_values("timestamp").drop_duplicates(["voter-id", "comment-id"], keep="last")
c = pd.read_csv(f"{d}/comments.csv")
votes = [dict(participant_id=int(r["voter-id"]), statement_id=int(r["comment-id"]), vote=int(r.vote), modified=int(r.timestamp))
         for _, r in v.iterrows()]
mod_out = [int(x) for x in c.loc[c.moderated == -1, "comment-id"]]
def once():
    t = time.perf_counter(); run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0); return time.perf_counter() - t
once()  # warm-up
print(f"{statistics.median(once() for _ in range(5)) * 1000:.1f}")
PY
)
  ours=$("$release"/time-update open-data "$name" 21 2>/dev/null)
  python3 -c "import sys; rd, us = float('$rd'), float('$ours'); print(f'$name: red-dwarf {rd:.1f} ms, polyphony {us:.2f} ms (median of 21), ratio {rd/us:.0f}x')"
  if command -v hyperfine >/dev/null; then
    out=$(mktemp)
    hyperfine -N --warmup 3 --runs 30 --export-json "$out" "$release/polyphony analyze $dir" >/dev/null 2>&1
    python3 -c "import json; print(f\"$name: whole 'polyphony analyze' process {json.load(open('$out'))['results'][0]['median'] * 1000:.1f} ms (median of 30)\")"
    rm -f "$out"
  fi
done
