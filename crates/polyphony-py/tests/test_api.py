"""The package's own behaviour: inputs, errors, the GIL, plots, the lab's tools."""

import ast
import doctest
import pathlib
import threading
import time

import matplotlib
import pandas as pd
import pytest

import polyphony

matplotlib.use("Agg")

# Milliseconds since the epoch, as Polis counts (small integers would be read as seconds).
T0 = 1_700_000_000_000


def two_camps(n=12, statements=6, timestamps=False):
    rows = []
    for p in range(n):
        for s in range(statements):
            vote = 1 if (p % 2) == (s % 2) else -1
            rows.append((p, s, vote, T0 + 1000 * (statements * p + s)))
    votes = pd.DataFrame(rows, columns=["participant", "statement", "vote", "timestamp"])
    return votes if timestamps else votes.drop(columns="timestamp")


def test_docstring_examples_run():
    import polyphony._plot

    for module in (polyphony, polyphony._plot):
        failures, _ = doctest.testmod(
            module,
            extraglobs={"polyphony": polyphony, "pd": pd},
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        )
        assert failures == 0


def test_the_two_camps_are_found_with_their_letters():
    r = polyphony.analyze(two_camps(), seed=1)
    assert r.k == 2
    by_group = r.participants.groupby("label")["participant"].apply(lambda s: {p % 2 for p in s})
    assert sorted(map(frozenset, by_group)) == [frozenset({0}), frozenset({1})]
    assert r.statements["consensus"].isna().all()  # the camps share nothing


def test_other_tools_column_names_are_read():
    votes = two_camps(timestamps=True).rename(
        columns={"participant": "voter-id", "statement": "comment-id"})
    same = polyphony.analyze(two_camps(timestamps=True)).to_json()
    assert polyphony.analyze(votes).to_json() == same
    red_dwarf = two_camps(timestamps=True).rename(columns={
        "participant": "participant_id", "statement": "statement_id", "timestamp": "modified"})
    assert polyphony.analyze(red_dwarf).to_json() == same


def test_datetime_timestamps_order_revotes():
    votes = pd.DataFrame({
        "participant": [1, 1], "statement": [0, 0], "vote": [1, -1],
        "timestamp": pd.to_datetime(["2024-01-02", "2024-01-01"]),
    })
    r = polyphony.analyze(votes)
    assert r.statements.loc[0, "seen"] == 1
    # The later vote (2 January, an agree) wins.
    assert r.report["analysis"]["base_tallies"][0][0]["agree"] == 1


def test_moderated_statements_stay_out_of_the_math():
    statements = pd.DataFrame({"statement": range(6), "moderation": [1, 1, 1, 1, 1, -1],
                               "text": [f"s{i}" for i in range(6)]})
    r = polyphony.analyze(two_camps(), statements=statements)
    assert r.report["analysis"]["mod_out"] == [5]
    assert r.statements["mod_out"].tolist() == [False] * 5 + [True]
    assert r.statements["text"].tolist() == [f"s{i}" for i in range(6)]


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"participant": [1], "statement": [0]}), "needs a `vote` column"),
    (pd.DataFrame({"participant": [1], "statement": [0], "vote": [2]}), "vote 2 is not"),
    (pd.DataFrame({"participant": [-1], "statement": [0], "vote": [1]}), "participant id -1"),
    (pd.DataFrame({"participant": [None, 1.0], "statement": [0, 0], "vote": [1, 1]}),
     "missing values"),
])
def test_bad_votes_say_what_is_wrong(frame, message):
    with pytest.raises(ValueError, match=message):
        polyphony.analyze(frame)


def test_bad_arguments_say_what_is_wrong(vtaiwan):
    with pytest.raises(ValueError, match="preset"):
        polyphony.analyze(two_camps(), preset="nope")
    with pytest.raises(ValueError):
        polyphony.read_export(vtaiwan, vote_sign="sideways")
    with pytest.raises((ValueError, OSError)):
        polyphony.read_export("/no/such/export")
    with pytest.raises(TypeError, match="DataFrame"):
        polyphony.analyze([1, 2, 3])
    with pytest.raises(ValueError, match="timestamps"):
        polyphony.replay(two_camps())  # every vote at the same time


def test_a_statement_missing_from_the_statements_table_is_refused():
    with pytest.raises(ValueError, match="statement 5"):
        polyphony.analyze(two_camps(), statements=pd.DataFrame({"statement": range(5)}))


def test_the_engine_runs_without_the_gil(vtaiwan):
    export = polyphony.read_export(vtaiwan)
    done = threading.Event()

    def work():
        polyphony.replay(export, every="6h")
        done.set()

    ticks = []
    worker = threading.Thread(target=work)
    start = time.perf_counter()
    worker.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    took = time.perf_counter() - start
    gaps = [b - a for a, b in zip([start] + ticks, ticks)]
    # Holding the GIL, the replay would stop this loop for its whole length.
    assert took > 0.2, "the replay is too short to tell"
    assert max(gaps) < took / 3, (max(gaps), took)


def test_plot_colours_every_group_and_greys_the_rest(vtaiwan):
    r = polyphony.analyze(str(vtaiwan))
    ax = r.plot()
    assert [t.get_text() for t in ax.texts] == r.groups["label"].tolist()
    outside, *groups = ax.collections
    assert matplotlib.colors.to_hex(outside.get_edgecolor()[0]) == "#999999"  # not grouped
    colours = [matplotlib.colors.to_hex(c.get_facecolor()[0]) for c in groups]
    assert colours == [c.lower() for c in polyphony.PALETTE[: r.k]]


def test_timelapse_frames_end_on_the_replayed_map(vtaiwan):
    lapse = polyphony.timelapse(str(vtaiwan), frames=5, every="1d")
    assert lapse["frame"].nunique() == 5
    last = lapse[lapse["frame"] == 4]
    replayed = polyphony.replay(str(vtaiwan), every="1d").result
    assert len(last) == replayed.participant_count


def test_opinion_change_counts_each_person_against_themselves():
    before = two_camps(timestamps=True)
    # Odd participants come round to statement 0.
    after = pd.DataFrame({"participant": range(1, 12, 2), "statement": 0, "vote": 1,
                          "timestamp": T0 + 10**9})
    change = polyphony.opinion_change(before, after).set_index("statement")
    assert change.loc[0, "toward_agree"] == 6
    assert change.loc[0, "stayed"] == 6
    assert change.loc[0, "answered_both"] == 12


def test_replay_change_names_the_moments(vtaiwan):
    change = polyphony.replay_change(str(vtaiwan), "1d", "7d", every="1d", preset="workshop")
    assert change["from"] == 86_400_000 and change["to"] == 7 * 86_400_000


def test_stubs_name_every_public_function():
    package = pathlib.Path(polyphony.__file__).parent
    stubs = ast.parse((package / "__init__.pyi").read_text())
    named = {n.name for n in ast.walk(stubs) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    # Re-exports (`from ._native import Export as Export`).
    named |= {a.asname for n in ast.walk(stubs) if isinstance(n, ast.ImportFrom)
              for a in n.names if a.asname}
    assert set(polyphony.__all__) <= named
    assert (package / "py.typed").exists()
    assert (package / "_native.pyi").exists()
