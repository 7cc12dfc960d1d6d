#!/usr/bin/env python3
"""red-dwarf 0.4.0's in-process pipeline and the whole `polyphony analyze` process, timed in
turn, block after block, so that both meet the same load (this machine's speed drifts by tens
of percent over minutes, which makes a ratio of two separate runs mean little).

Each block: one red-dwarf `run_pipeline` (the votes already in memory, as
compare-red-dwarf.sh times it), then PROCESSES runs of `polyphony analyze DIR --preset polis
--format json` (output to /dev/null). Prints both medians and their ratio, and the median of
the per-block ratios. Run it with a Python that has red-dwarf (compare-red-dwarf.sh makes one):

    .venv-peer/bin/python benches/red-dwarf-in-turn.py POLYPHONY DIR [BLOCKS] [PROCESSES]
"""

import os
import statistics
import sys
import time
import warnings

import pandas as pd

warnings.filterwarnings("ignore")
from reddwarf.implementations.polis import run_pipeline  # noqa: E402


def main() -> None:
    binary, directory = sys.argv[1], sys.argv[2]
    blocks = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    processes = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    v = pd.read_csv(f"{directory}/votes.csv").sort_values("timestamp")
    v = v.drop_duplicates(["voter-id", "comment-id"], keep="last")
    c = pd.read_csv(f"{directory}/comments.csv")
    votes = [
        dict(participant_id=int(r["voter-id"]), statement_id=int(r["comment-id"]),
             vote=int(r.vote), modified=int(r.timestamp))
        for _, r in v.iterrows()
    ]
    mod_out = [int(x) for x in c.loc[c.moderated == -1, "comment-id"]]
    argv = [binary, "analyze", directory, "--preset", "polis", "--format", "json"]
    null = os.open(os.devnull, os.O_WRONLY)

    def ours() -> float:
        start = time.perf_counter_ns()
        pid = os.posix_spawn(binary, argv, os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, null, 1)])
        _, status, _ = os.wait4(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(argv)}")
        return (time.perf_counter_ns() - start) / 1e6

    def theirs() -> float:
        start = time.perf_counter_ns()
        run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)
        return (time.perf_counter_ns() - start) / 1e6

    theirs()  # warm-up: imports, caches
    for _ in range(5):
        ours()
    rd, us, ratios = [], [], []
    for _ in range(blocks):
        t = theirs()
        o = statistics.median(ours() for _ in range(processes))
        rd.append(t)
        us.append(o)
        ratios.append(t / o)
    print(f"red-dwarf run_pipeline: median {statistics.median(rd):.1f} ms ({blocks} runs)")
    print(f"polyphony analyze process: median {statistics.median(us):.2f} ms "
          f"({blocks} blocks of {processes})")
    print(f"ratio of the medians {statistics.median(rd) / statistics.median(us):.1f}x; "
          f"median of the per-block ratios {statistics.median(ratios):.1f}x "
          f"(range {min(ratios):.1f}-{max(ratios):.1f})")


if __name__ == "__main__":
    main()
