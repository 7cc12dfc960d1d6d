"""Polyphony from Python against red-dwarf, on vTaiwan UberX, in one process.

Not a test: it prints medians. Run it in a virtual environment holding both packages:

    python3 -m venv target/bench-venv
    target/bench-venv/bin/pip install red-dwarf==0.4.0 maturin==1.16.0
    target/bench-venv/bin/maturin build --release -m crates/polyphony-py/Cargo.toml -o target/py-wheels
    target/bench-venv/bin/pip install target/py-wheels/polyphony-*.whl
    target/bench-venv/bin/python benches/python/bench_vtaiwan.py [--runs 7]

Both engines get the same votes, read once with pandas from the export's votes.csv (the latest
vote of each person on each statement: red-dwarf refuses re-votes), and the same moderation
(comments with moderated = -1 are out). Timed, each as a median of --runs
after one warm-up run:

- red-dwarf 0.4.0's `run_pipeline` (its Polis implementation) on the votes as records;
- `polyphony.analyze(df, statements=..., preset="polis")` on the same DataFrame: conversion
  into the engine's types, the engine, the result object (DataFrames are built on first use);
- the same plus building the participants, groups and statements DataFrames, which is what a
  red-dwarf caller gets back;
- `polyphony.analyze(export)` on an export read once (the engine call from Python), and the
  same work timed inside Rust (`polyphony._native._bench_analyze`), taking turns for
  --overhead-runs runs: the difference of the medians is the Python overhead of the call.
"""

import os

# One BLAS thread unless told otherwise (before NumPy loads): red-dwarf's PCA runs through
# NumPy/scikit-learn, whose threaded BLAS on a small matrix spends its time starting and
# syncing threads — on a busy 2-core machine 2-6 s a run instead of about 0.25 s — while
# Polyphony's engine runs on one thread for a conversation this size. `--blas-threads N` (or
# setting OPENBLAS_NUM_THREADS yourself) measures red-dwarf with more.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, os.environ.get("BENCH_BLAS_THREADS", "1"))

import argparse  # noqa: E402
import pathlib  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import pandas as pd  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / ".." / "shared" / "data" / "polis-open-data" / "vtaiwan.uberx"


def medians_ms(fns, runs):
    """Median, min and max of each function's time. The functions take turns, run by run, so
    that a busy moment of a shared machine falls on all of them alike."""
    for fn in fns:
        fn()  # warm-up
    times = [[] for _ in fns]
    for _ in range(runs):
        for fn, out in zip(fns, times):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return [(statistics.median(t), min(t), max(t)) for t in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--overhead-runs", type=int, default=200,
                        help="runs of the two cheap calls compared for the Python overhead")
    parser.add_argument("--data", type=pathlib.Path, default=DATA)
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="BLAS threads for NumPy (default 1; re-runs the script with it)")
    args = parser.parse_args()
    if args.blas_threads is not None and os.environ.get("BENCH_BLAS_THREADS") != str(args.blas_threads):
        # NumPy has loaded its BLAS already: start again with the setting in place.
        env = dict(os.environ, BENCH_BLAS_THREADS=str(args.blas_threads))
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.pop(name, None)
        os.execve(sys.executable, [sys.executable, *sys.argv], env)

    import_start = time.perf_counter()
    import polyphony
    from polyphony import _native
    polyphony_import = (time.perf_counter() - import_start) * 1000
    import_start = time.perf_counter()
    from reddwarf.implementations.polis import run_pipeline
    red_dwarf_import = (time.perf_counter() - import_start) * 1000

    # red-dwarf refuses re-votes (a pivot with duplicate entries): the latest vote of each
    # person on each statement, as the Polis math keeps, for both engines.
    votes = (pd.read_csv(args.data / "votes.csv").sort_values("timestamp", kind="stable")
             .drop_duplicates(["voter-id", "comment-id"], keep="last"))
    comments = pd.read_csv(args.data / "comments.csv")
    mod_out = comments.loc[comments["moderated"] == -1, "comment-id"].tolist()
    votes = votes.rename(columns={"voter-id": "participant", "comment-id": "statement"})
    statements = pd.DataFrame({
        "statement": comments["comment-id"],
        "moderation": comments["moderated"],
        "text": comments["comment-body"],
    })
    records = [
        {"participant_id": p, "statement_id": s, "vote": v, "modified": t}
        for p, s, v, t in zip(votes["participant"], votes["statement"], votes["vote"],
                              votes["timestamp"])
    ]
    export = polyphony.read_export(args.data)

    def red_dwarf():
        return run_pipeline(votes=records, mod_out_statement_ids=mod_out, random_state=0)

    def from_frame():
        return polyphony.analyze(votes, statements=statements, preset="polis")

    def with_frames():
        r = from_frame()
        return r.participants, r.groups, r.statements

    def from_export():
        return polyphony.analyze(export, preset="polis")

    inside = []

    def in_rust():
        inside.extend(t * 1000 for t in _native._bench_analyze(export, "polis", 0, 1))

    names = ["red-dwarf 0.4.0 run_pipeline", "polyphony.analyze(DataFrame)",
             "  + participants/groups/statements DataFrames", "polyphony.analyze(export)"]
    timed = medians_ms([red_dwarf, from_frame, with_frames, from_export, in_rust], args.runs)
    rows = list(zip(names, timed[:4]))
    # The overhead is a fraction of a millisecond: many more turns of the two cheap calls.
    inside.clear()
    call = medians_ms([from_export, in_rust], args.overhead_runs)[0]
    inside = sorted(inside[1:])  # the first was the warm-up
    rust = (statistics.median(inside), inside[0], inside[-1])
    rows[3] = (f"polyphony.analyze(export), {args.overhead_runs} runs", call)
    rows.append((f"same work timed inside Rust, {args.overhead_runs} runs", rust))

    print(f"vtaiwan.uberx: {len(votes):,} votes, {votes.participant.nunique():,} participants, "
          f"{len(statements)} statements ({len(mod_out)} moderated out); "
          f"median of {args.runs} runs after a warm-up")
    print(f"BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"imports: polyphony {polyphony_import:.0f} ms, red-dwarf {red_dwarf_import:.0f} ms")
    for name, (med, lo, hi) in rows:
        print(f"{name:<48} {med:9.2f} ms  (min {lo:.2f}, max {hi:.2f})")
    rd, frame, frames, call = (r[1][0] for r in rows[:4])
    print(f"red-dwarf / polyphony.analyze(DataFrame): {rd / frame:.1f}x; "
          f"with DataFrames built: {rd / frames:.1f}x; "
          f"polyphony.analyze(export): {rd / call:.1f}x")
    print(f"Python overhead of polyphony.analyze(export) over the Rust work: "
          f"{call - rust[0]:.2f} ms ({(call - rust[0]) / rust[0]:.1%})")


if __name__ == "__main__":
    main()
