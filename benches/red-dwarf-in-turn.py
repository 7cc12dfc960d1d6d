#!/usr/bin/env python3
"""red-dwarf 0.4.0's in-process pipeline and the whole `polyphony analyze` process, timed in
turn, block after block, so that both meet the same load (this machine's speed drifts by tens
of percent over minutes, which makes a ratio of two separate runs mean little).

Each block: one red-dwarf `run_pipeline` (the votes already in memory, as
compare-red-dwarf.sh times it), then PROCESSES runs of `polyphony analyze DIR --preset polis
--format json` (output to /dev/null). Prints both medians and their ratio, and the median of
the per-block ratios. With `--with-load`, red-dwarf's time also counts reading the export as
our process does (issue 24's "in-process CSV load + math"): `pandas.read_csv` of votes.csv and
comments.csv, the latest vote per cell, the records `run_pipeline` takes (`to_dict`, the fast
way). Run it with a Python that has red-dwarf (compare-red-dwarf.sh makes one):

    .venv-peer/bin/python benches/red-dwarf-in-turn.py POLYPHONY DIR [BLOCKS] [PROCESSES] [--with-load]
"""

import os
import statistics
import sys
import time
import warnings

import pandas as pd

warnings.filterwarnings("ignore")
from reddwarf.implementations.polis import run_pipeline  # noqa: E402


def load(directory: str) -> tuple[list, list]:
    """The export as `run_pipeline` takes it: each cell's latest vote as a record, and the
    statements moderated out."""
    # The columns used only, and records built from plain lists: the quickest way we found
    # (DataFrame.to_dict("records") took four times as long).
    columns = ["timestamp", "comment-id", "voter-id", "vote"]
    v = pd.read_csv(f"{directory}/votes.csv", usecols=columns)
    v = v.sort_values("timestamp", kind="stable")
    v = v.drop_duplicates(["voter-id", "comment-id"], keep="last")
    c = pd.read_csv(f"{directory}/comments.csv", usecols=["comment-id", "moderated"])
    votes = [
        {"participant_id": p, "statement_id": s, "vote": x, "modified": t}
        for p, s, x, t in zip(v["voter-id"].tolist(), v["comment-id"].tolist(),
                              v["vote"].tolist(), v["timestamp"].tolist())
    ]
    mod_out = [int(x) for x in c.loc[c.moderated == -1, "comment-id"]]
    return votes, mod_out


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--with-load"]
    with_load = len(args) < len(sys.argv) - 1
    binary, directory = args[0], args[1]
    blocks = int(args[2]) if len(args) > 2 else 15
    processes = int(args[3]) if len(args) > 3 else 10
    votes, mod_out = load(directory)
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
        if with_load:
            v, m = load(directory)
            run_pipeline(votes=v, mod_out_statement_ids=m, random_state=0)
        else:
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
    what = "read_csv + records + run_pipeline" if with_load else "run_pipeline"
    print(f"red-dwarf {what}: median {statistics.median(rd):.1f} ms ({blocks} runs)")
    print(f"polyphony analyze process: median {statistics.median(us):.2f} ms "
          f"({blocks} blocks of {processes})")
    print(f"ratio of the medians {statistics.median(rd) / statistics.median(us):.1f}x; "
          f"median of the per-block ratios {statistics.median(ratios):.1f}x "
          f"(range {min(ratios):.1f}-{max(ratios):.1f})")


if __name__ == "__main__":
    main()
