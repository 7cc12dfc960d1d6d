"""The Python package and `polyphony` (the CLI) give the same numbers, bit for bit: the same
JSON text, and the DataFrames hold exactly the report's values."""

import json

import pandas as pd
import pytest

import polyphony
from conftest import shared


@pytest.mark.parametrize("preset", ["workshop", "polis"])
@pytest.mark.parametrize("seed", [0, 3])
def test_analyze_matches_the_cli_on_vtaiwan(cli, vtaiwan, preset, seed):
    expected = cli("analyze", vtaiwan, "--preset", preset, "--seed", seed, "--format", "json")
    result = polyphony.analyze(polyphony.read_export(vtaiwan), preset=preset, seed=seed)
    assert result.to_json() + "\n" == expected
    assert result.report == json.loads(expected)


def test_analyze_matches_the_cli_on_an_api_pair(cli, two_camps):
    expected = cli("analyze", two_camps, "--format", "json")
    result = polyphony.analyze(str(two_camps))
    assert result.to_json() + "\n" == expected


def test_a_votes_dataframe_gives_the_exports_numbers(cli, vtaiwan):
    export = polyphony.read_export(vtaiwan)
    votes = pd.DataFrame(export.vote_columns())
    statements = pd.DataFrame(export.statement_columns())
    result = polyphony.analyze(votes, statements=statements, preset="polis")
    expected = cli("analyze", vtaiwan, "--preset", "polis", "--format", "json")
    assert result.to_json() + "\n" == expected


def test_dataframes_hold_the_reports_values_exactly(vtaiwan):
    result = polyphony.analyze(str(vtaiwan))
    a = result.report["analysis"]
    people = result.participants
    assert people["participant"].tolist() == [p["participant"] for p in a["participants"]]
    assert people["x"].tolist() == [p["position"][0] for p in a["participants"]]
    assert people["y"].tolist() == [p["position"][1] for p in a["participants"]]
    groups = [None if pd.isna(g) else int(g) for g in people["group"]]
    assert groups == [p["group"] for p in a["participants"]]
    assert result.groups["size"].tolist() == [len(g["members"]) for g in a["groups"]["groups"]]
    st = result.statements.set_index("statement")
    assert st.index.tolist() == a["statements"]
    assert result.pca.center.tolist() == a["pca"]["center"]
    assert result.pca.components.tolist() == a["pca"]["components"]
    assert st["extremity"].tolist() == a["pca"]["statement_extremity"]
    for tid, value in a["group_aware_consensus"].items():
        assert st.loc[int(tid), "group_aware_consensus"] == value
    for tid, value in a["priorities"].items():
        assert st.loc[int(tid), "priority"] == value
    for d in a["divisive"]:
        assert st.loc[d["statement"], "divisiveness"] == d["divisiveness"]
    for g in a["groups"]["groups"]:
        assert st[f"{g['label']}_agree"].tolist() == [t["agree"] for t in g["tallies"]]
        for r in g["representative"]:
            assert st.loc[r["statement"], f"{g['label']}_repness"] == r["repness"]
            assert st.loc[r["statement"], f"{g['label']}_repful_for"] == r["repful_for"]
    for side in ("agree", "disagree"):
        for c in a["consensus"][side]:
            assert st.loc[c["statement"], "consensus"] == side


def test_replay_matches_the_cli(cli, vtaiwan):
    expected = cli("analyze", vtaiwan, "--preset", "polis", "--replay", "--every", "1d",
                   "--format", "json")
    replayed = polyphony.replay(str(vtaiwan), preset="polis", every="1d")
    assert replayed.result.to_json() + "\n" == expected
    assert replayed.updates > 1 and replayed.votes == 49997


def test_replay_change_matches_the_cli(cli, vtaiwan):
    expected = json.loads(cli("analyze", vtaiwan, "--replay", "--every", "1d", "--change",
                              "1d..7d", "--format", "json"))["change"]
    from polyphony import _native

    got = json.loads(_native.replay_change(polyphony.read_export(vtaiwan),
                                           _native.duration_ms("1d"), _native.duration_ms("7d"),
                                           "workshop", 0, "1d", None))
    assert got == expected


@pytest.mark.parametrize("blob", ["below-100-ptpts", "150ptpt-3gp-no-strict-no-meta"])
def test_polis_state_matches_the_cli(cli, blob):
    folder = shared("polis-math-blobs", blob)
    expected = cli("analyze", folder, "--polis-state", folder / "math-pca2.json", "--format", "json")
    blob_out = json.loads(cli("analyze", folder, "--polis-state", folder / "math-pca2.json",
                              "--format", "polis-blob"))
    result, math = polyphony.analyze_with_polis_state(str(folder), folder / "math-pca2.json")
    assert result.to_json() + "\n" == expected
    assert math == blob_out


def test_tables_match_the_cli(cli, vtaiwan):
    plan = json.loads(cli("tables", vtaiwan, "--mode", "mixed", "--size", "6", "--seed", "2",
                          "--format", "json"))
    seats = polyphony.tables(str(vtaiwan), mode="mixed", size=6, seed=2)
    expected = [(t["number"], m["participant"], m["group"]) for t in plan["tables"]
                for m in t["members"]]
    got = [(int(t), int(p), None if pd.isna(g) else int(g))
           for t, p, g in zip(seats["table"], seats["participant"], seats["group"])]
    assert got == expected


def test_compare_matches_the_cli_but_for_the_clock(cli, vtaiwan):
    def timeless(c):
        for p in c["pipelines"]:
            p.pop("time_ms"), p.pop("bootstrap_ms")
        return c

    expected = timeless(json.loads(cli("compare", vtaiwan, "--bootstrap", "3", "--format", "json")))
    got = polyphony.compare(str(vtaiwan), bootstrap=3)
    assert timeless(got.raw) == expected
    assert got.summary["pipeline"].tolist() == ["polis", "kmeans", "gmm", "dbscan", "hdbscan"]
    assert len(got.groups) == len(expected["participants"])


def test_compare_statements_match_the_cli(cli, vtaiwan):
    """Bridging, group-informed consensus (the geometric form) and representative statements
    under false-discovery control: the same as `polyphony compare --consensus geometric --fdr`,
    and the DataFrames hold what the JSON holds."""
    expected = json.loads(cli("compare", vtaiwan, "--bootstrap", "0", "--consensus", "geometric",
                              "--fdr", "0.05", "--format", "json"))["statements"]
    got = polyphony.compare(str(vtaiwan), bootstrap=0, consensus="geometric", fdr=0.05)
    assert got.raw["statements"] == expected
    assert expected["consensus_form"] == "geometric"
    bridging = expected["bridging"]["statements"]
    assert got.bridging["statement"].tolist() == [s["statement"] for s in bridging]
    assert got.bridging["intercept"].is_monotonic_decreasing
    assert got.consensus["statement"].tolist() == [s["statement"] for s in expected["group_consensus"]]
    fdr = expected["repness_fdr"]
    assert len(got.repness_fdr) == fdr["survivors"] <= fdr["polis_sufficient"] <= fdr["tested"]
    assert (got.repness_fdr["q_value"] <= 0.05).all()


def test_timelapse_matches_the_cli(cli, vtaiwan, tmp_path):
    out = tmp_path / "lapse.json"
    cli("analyze", vtaiwan, "--preset", "polis", "--replay", "--every", "1d", "--timelapse", out)
    replayed = polyphony.replay(str(vtaiwan), preset="polis", every="1d", frames=100)
    assert replayed.timelapse == json.loads(out.read_text())
