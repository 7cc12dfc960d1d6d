"""Polyphony for Python: Polis-exact opinion groups on pandas data.

The engine is Polyphony's Rust engine (the same calls as ``polyphony analyze``, so the numbers
are the command line's, bit for bit); this package turns its results into pandas DataFrames
and NumPy arrays, and draws the opinion map with matplotlib when matplotlib is installed.

From an export to a plot:

    >>> import polyphony
    >>> result = polyphony.analyze(polyphony.read_export("vtaiwan.uberx"))  # doctest: +SKIP
    >>> result.plot()  # doctest: +SKIP

Votes can also come as a DataFrame of (participant, statement, vote[, timestamp]) with agree =
+1, disagree = -1 and pass = 0:

    >>> import pandas as pd
    >>> votes = pd.DataFrame(
    ...     [(p, s, 1 if (p % 2) == (s % 2) else -1) for p in range(12) for s in range(6)],
    ...     columns=["participant", "statement", "vote"],
    ... )
    >>> result = polyphony.analyze(votes, seed=1)
    >>> result.k
    2
    >>> sorted(result.groups["size"])
    [6, 6]
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _native
from ._native import Export

__all__ = [
    "Export",
    "Result",
    "Replay",
    "Comparison",
    "PCA",
    "read_export",
    "votes_from_frame",
    "analyze",
    "replay",
    "timelapse",
    "replay_change",
    "compare",
    "tables",
    "opinion_change",
    "analyze_with_polis_state",
]

#: Okabe & Ito's colour-blind-safe palette (the web app's colours): one per group, in order.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
#: A marker per group as well, so the groups differ without colour (print, monochrome).
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]

# Column names other tools use for the same things (openData CSVs, red-dwarf, Polis's API).
_ALIASES = {
    "participant": ("participant", "participant_id", "voter-id", "voter_id", "pid"),
    "statement": ("statement", "statement_id", "comment-id", "comment_id", "tid"),
    "vote": ("vote",),
    "timestamp": ("timestamp", "time", "modified", "created"),
}

VotesLike = Union["pd.DataFrame", Export, str, "os.PathLike[str]"]


def read_export(path: Union[str, "os.PathLike[str]"], vote_sign: str = "auto") -> Export:
    """Reads a Polis export: an openData folder (``comments.csv`` with ``votes.csv`` or
    ``participants-votes.csv``) or an API pair folder (``votes.json`` + ``comments.json``).

    ``vote_sign`` is ``"auto"`` (tells the darwin and TypeScript CSV exports apart by their
    timestamps), ``"agree_positive"`` or ``"agree_negative"``.

    >>> polyphony.read_export("no/such/folder")
    Traceback (most recent call last):
    ...
    OSError: no/such/folder: no such folder
    """
    return _native.read_export(os.fspath(path), vote_sign)


def _column(frame: "pd.DataFrame", name: str, required: bool = True) -> Optional[str]:
    for alias in _ALIASES[name]:
        if alias in frame.columns:
            return alias
    if required:
        raise ValueError(
            f"the votes table needs a `{name}` column (or one of {list(_ALIASES[name])}); "
            f"it has {list(frame.columns)}"
        )
    return None


def _ints(series: "pd.Series", what: str) -> list:
    if series.isna().any():
        raise ValueError(f"the `{what}` column has missing values")
    return series.astype("int64").tolist()


def _int_bytes(series: "pd.Series", what: str) -> bytes:
    """A vote column as little-endian int64 bytes: the fast way into the engine."""
    if series.isna().any():
        raise ValueError(f"the `{what}` column has missing values")
    return series.to_numpy(dtype=np.int64).astype("<i8", copy=False).tobytes()


def _timestamps(series: "pd.Series") -> bytes:
    if pd.api.types.is_datetime64_any_dtype(series):
        if series.isna().any():
            raise ValueError("the `timestamp` column has missing values")
        # Milliseconds since the epoch, as Polis counts.
        ms = series.astype("datetime64[ns]").astype("int64") // 1_000_000
        return ms.to_numpy(dtype=np.int64).astype("<i8", copy=False).tobytes()
    return _int_bytes(series, "timestamp")


def votes_from_frame(
    votes: "pd.DataFrame", statements: Optional["pd.DataFrame"] = None
) -> Export:
    """A conversation from a DataFrame of votes: one row per vote with ``participant``,
    ``statement``, ``vote`` (agree = +1, disagree = -1, pass = 0) and optionally ``timestamp``
    (milliseconds since the epoch as Polis counts, or datetimes; a later vote on the same
    statement replaces an earlier one; the replay reads integers below 10^11 as seconds, as the
    command line does for Polis's newer exports). openData and red-dwarf names (``voter-id``, ``comment-id``,
    ``participant_id``, ``statement_id``, ``modified``) work too.

    Rows are read in order. As in Polis, the vote matrix's rows and columns follow the order in
    which participants and statements are first seen, and k-means starts from that order: the
    same rows in the same order give the same numbers as an export (``polyphony analyze``
    reads ``votes.csv`` in file order).

    ``statements``, when given, lists every statement (``statement``, and optionally ``text``,
    ``moderation`` as Polis's 1 / 0 / -1 and ``is_meta``): rejected and meta statements then
    stay out of the math, as in an export.

    >>> export = polyphony.votes_from_frame(
    ...     pd.DataFrame({"participant": [1, 2], "statement": [0, 0], "vote": [1, -1]}))
    >>> len(export)
    2
    """
    p, s, v = (_column(votes, n) for n in ("participant", "statement", "vote"))
    t = _column(votes, "timestamp", required=False)
    kwargs: dict = {}
    if t is not None:
        kwargs["times"] = _timestamps(votes[t])
    if statements is not None:
        sid = _column(statements, "statement")
        kwargs["statement_ids"] = _ints(statements[sid], "statement")
        if "text" in statements.columns:
            kwargs["texts"] = statements["text"].fillna("").astype(str).tolist()
        if "moderation" in statements.columns:
            kwargs["moderation"] = _ints(statements["moderation"], "moderation")
        if "is_meta" in statements.columns:
            kwargs["is_meta"] = statements["is_meta"].fillna(False).astype(bool).tolist()
    return _native.export_from_columns(
        _int_bytes(votes[p], "participant"),
        _int_bytes(votes[s], "statement"),
        _int_bytes(votes[v], "vote"),
        **kwargs,
    )


def _export(votes: VotesLike, statements: Optional["pd.DataFrame"] = None) -> Export:
    if isinstance(votes, Export):
        if statements is not None:
            raise ValueError("statements= goes with a votes DataFrame, not an export")
        return votes
    if isinstance(votes, (str, os.PathLike)):
        return read_export(votes)
    if isinstance(votes, pd.DataFrame):
        return votes_from_frame(votes, statements)
    raise TypeError(
        "votes must be a pandas DataFrame, an Export (polyphony.read_export) or an export's "
        f"folder, not {type(votes).__name__}"
    )


class PCA(NamedTuple):
    """The PCA behind the map, by statement (``statements`` gives the column order). Values
    are in Polis's internal sign (agree = -1), so they compare with Polis math blobs."""

    statements: np.ndarray
    center: np.ndarray
    components: np.ndarray
    projections: np.ndarray
    extremity: np.ndarray


class Result:
    """One analysis: the map, the groups and what the statements say about them.

    ``participants``, ``groups`` and ``statements`` are DataFrames; ``pca`` holds NumPy arrays;
    ``report`` is the JSON ``polyphony analyze --format json`` prints, parsed.

    >>> votes = pd.DataFrame(
    ...     [(p, s, 1 if (p < 6) == (s < 3) else -1) for p in range(12) for s in range(6)],
    ...     columns=["participant", "statement", "vote"])
    >>> r = polyphony.analyze(votes)
    >>> list(r.participants.columns)
    ['participant', 'x', 'y', 'group', 'label', 'in_conv', 'base_cluster', 'votes']
    >>> r.statements[["statement", "A_agree", "B_agree"]].head(2)
       statement  A_agree  B_agree
    0          0        6        0
    1          1        6        0
    >>> r.pca.components.shape
    (2, 6)
    """

    def __init__(self, native: "_native.Analysis") -> None:
        self._native = native
        self.tick, self.participant_count, self.vote_count, self.k = native.summary()

    def __repr__(self) -> str:
        return (
            f"<polyphony.Result: {self.participant_count} participants, "
            f"{self.vote_count} votes, k = {self.k}>"
        )

    def to_json(self) -> str:
        """The text ``polyphony analyze --format json`` prints, byte for byte."""
        return self._native.report_json()

    @cached_property
    def report(self) -> dict:
        """Polyphony's JSON report (``format``, ``statement_texts``, ``analysis``) as a dict."""
        return json.loads(self.to_json())

    @cached_property
    def participants(self) -> "pd.DataFrame":
        """One row per participant in map order: id, x, y, group id and letter (missing when
        not grouped), in the clustering or not, base cluster, votes cast."""
        frame = pd.DataFrame(self._native.participant_columns())
        for col in ("group", "base_cluster"):
            frame[col] = frame[col].astype("Int64")
        return frame

    @cached_property
    def groups(self) -> "pd.DataFrame":
        """One row per opinion group: id, letter, size, centre (x, y), base clusters."""
        return pd.DataFrame(self._native.group_columns())

    @cached_property
    def statements(self) -> "pd.DataFrame":
        """One row per statement with a vote: tallies of the clustered participants and of each
        group (``A_agree`` …), each group's repness where it represents the group (``NaN``
        elsewhere), consensus, group-aware consensus, divisiveness, extremity, priority and
        the statement's place on the map."""
        return pd.DataFrame(self._native.statement_columns())

    @cached_property
    def pca(self) -> PCA:
        """Centre, the two components, statement projections and extremity as arrays."""
        statements, center, components, projections, extremity = self._native.pca()
        return PCA(
            np.asarray(statements, dtype=np.int64),
            np.asarray(center, dtype=np.float64),
            np.asarray(components, dtype=np.float64).reshape(len(components), len(center)),
            np.asarray(projections, dtype=np.float64).reshape(len(projections), 2),
            np.asarray(extremity, dtype=np.float64),
        )

    @property
    def silhouettes(self) -> dict:
        """Silhouette of each candidate k (empty before there are groups)."""
        return self._native.silhouettes()[0]

    def plot(self, ax: Any = None, title: Optional[str] = None) -> Any:
        """Draws the opinion map with matplotlib (needs matplotlib, which the package does not
        install): one dot per participant, each group in its own colour and marker from a
        colour-blind-safe palette, its letter at its centre. Returns the Axes.

        >>> import matplotlib; matplotlib.use("Agg")
        >>> ax = polyphony.analyze(pd.DataFrame(
        ...     [(p, s, 1 if (p % 2) == (s % 2) else -1) for p in range(12) for s in range(6)],
        ...     columns=["participant", "statement", "vote"])).plot()
        >>> [t.get_text() for t in ax.texts]
        ['A', 'B']
        """
        from . import _plot

        return _plot.opinion_map(self, ax=ax, title=title)


@dataclass
class Replay:
    """A replay: the last update's result, how many updates and votes, the first and last vote
    times (ms), and the time-lapse (``polyphony-timelapse/1``) when frames were asked."""

    result: Result
    updates: int
    votes: int
    first_time: int
    last_time: int
    timelapse: Optional[dict] = None


@dataclass
class Comparison:
    """Pipelines side by side: ``summary`` (one row per pipeline), ``groups`` (one column per
    pipeline, one row per participant); statements: ``bridging`` (Community Notes' matrix
    factorisation: ``intercept``, the bridging score, best first), ``consensus``
    (group-informed consensus over Polis's groups, best first), ``repness_fdr`` (the
    representative statements that survive Benjamini-Hochberg, when ``fdr`` was given, else
    ``None``); and ``raw``, ``polyphony compare --format json``'s object."""

    summary: "pd.DataFrame"
    groups: "pd.DataFrame"
    raw: dict
    bridging: Optional["pd.DataFrame"] = None
    consensus: Optional["pd.DataFrame"] = None
    repness_fdr: Optional["pd.DataFrame"] = None


def analyze(
    votes: VotesLike,
    preset: str = "workshop",
    seed: int = 0,
    statements: Optional["pd.DataFrame"] = None,
) -> Result:
    """Analyses a conversation: the same as ``polyphony analyze --preset P --seed S``.

    ``votes`` is a DataFrame (see :func:`votes_from_frame`), an :class:`Export` or an export's
    folder. ``preset`` is ``"workshop"`` (2-3 groups, Polis's bugs fixed) or ``"polis"``
    (reproduces Polis). The engine runs with the GIL released.

    >>> votes = pd.DataFrame({"participant": [1, 1, 2, 2], "statement": [0, 1, 0, 1],
    ...                       "vote": [1, -1, -1, 1]})
    >>> r = polyphony.analyze(votes)
    >>> r.participant_count, r.vote_count
    (2, 4)
    """
    return Result(_native.analyze(_export(votes, statements), preset, seed))


def replay(
    votes: VotesLike,
    preset: str = "polis",
    seed: int = 0,
    every: Optional[str] = None,
    every_votes: Optional[int] = None,
    frames: Optional[int] = None,
) -> Replay:
    """Replays the votes in time order, one update per second with new votes (as Polis's math
    worker polls) unless ``every`` ("500ms", "10m", "2h", "1d") or ``every_votes`` say
    otherwise, carrying the engine's state: ``polyphony analyze --replay``. With ``frames``,
    also the time-lapse of at most that many frames. Needs vote timestamps.

    >>> t0 = 1_700_000_000_000  # milliseconds, one vote a second
    >>> votes = pd.DataFrame([(p, s, 1 if p % 2 == s % 2 else -1, t0 + 1000 * (6 * p + s))
    ...                       for p in range(12) for s in range(6)],
    ...                      columns=["participant", "statement", "vote", "timestamp"])
    >>> r = polyphony.replay(votes, every="10s")
    >>> r.updates, r.votes
    (8, 72)
    """
    native, (updates, n, first, last), lapse = _native.replay(
        _export(votes), preset, seed, every, every_votes, frames
    )
    return Replay(
        Result(native), updates, n, first, last, json.loads(lapse) if lapse else None
    )


def timelapse(
    votes: VotesLike,
    frames: int = 12,
    preset: str = "polis",
    seed: int = 0,
    every: Optional[str] = None,
    every_votes: Optional[int] = None,
) -> "pd.DataFrame":
    """The map forming over time: a replay's snapshots, every position in the final map's
    basis, as one long DataFrame (frame, update, time, votes, participant, x, y, group) ready
    for a faceted plot or an animation.

    >>> t0 = 1_700_000_000_000
    >>> votes = pd.DataFrame([(p, s, 1 if p % 2 == s % 2 else -1, t0 + 1000 * (6 * p + s))
    ...                       for p in range(12) for s in range(6)],
    ...                      columns=["participant", "statement", "vote", "timestamp"])
    >>> lapse = polyphony.timelapse(votes, frames=3, every="10s")
    >>> sorted(lapse["frame"].unique().tolist())
    [0, 1, 2]
    """
    r = replay(votes, preset, seed, every, every_votes, frames)
    rows = []
    for i, frame in enumerate((r.timelapse or {}).get("frames", [])):
        for p in frame["points"]:
            rows.append(
                (i, frame["update"], frame["time"], frame["votes"], p["participant"],
                 p["position"][0], p["position"][1], p["group"])
            )
    out = pd.DataFrame(
        rows,
        columns=["frame", "update", "time", "votes", "participant", "x", "y", "group"],
    )
    out["group"] = out["group"].astype("Int64")
    return out


def replay_change(
    votes: VotesLike,
    start: str,
    end: str,
    preset: str = "polis",
    seed: int = 0,
    every: Optional[str] = None,
    every_votes: Optional[int] = None,
) -> dict:
    """The opinion change between two moments of a replay, given as durations after the first
    vote (``"0"``, ``"30m"``, ``"1h"``, ``"2d"``), each person compared with themselves:
    ``polyphony analyze --replay --change START..END``'s ``change`` object.

    >>> t0 = 1_700_000_000_000
    >>> votes = pd.DataFrame([(p, 0, 1 if p < 6 else -1, t0) for p in range(12)]
    ...                      + [(p, 0, 1, t0 + 60_000) for p in range(6, 12)],
    ...                      columns=["participant", "statement", "vote", "timestamp"])
    >>> c = polyphony.replay_change(votes, "0", "1m")
    >>> c["change"]["panel"]["items"][0]["everyone"]["toward_agree"]
    6
    """
    return json.loads(
        _native.replay_change(
            _export(votes),
            _native.duration_ms(start),
            _native.duration_ms(end),
            preset,
            seed,
            every,
            every_votes,
        )
    )


def compare(
    votes: VotesLike,
    bootstrap: int = 50,
    seed: int = 0,
    pipelines: Optional[Sequence[str]] = None,
    consensus: str = "legacy",
    fdr: Optional[float] = None,
) -> Comparison:
    """Runs several pipelines on one conversation - Polis (the engine) and linfa PCA with
    KMeans (``kmeans``), GaussianMixture (``gmm``), DBSCAN (``dbscan``) and HDBSCAN
    (``hdbscan``) - with k, group sizes, silhouette, adjusted Rand index and agreement against
    the export's Polis groups, and bootstrap stability; and ranks statements by bridging
    (Community Notes' matrix factorisation) beside group-informed consensus (``consensus``:
    ``"legacy"``, Polis's product, or ``"geometric"``, red-dwarf's geometric mean with a
    Jeffreys prior), with the representative statements that survive Benjamini-Hochberg at
    false-discovery rate ``fdr`` when given: ``polyphony compare --format json``.

    >>> votes = pd.DataFrame([(p, s, 1 if p % 2 == s % 2 else -1)
    ...                       for p in range(12) for s in range(6)],
    ...                      columns=["participant", "statement", "vote"])
    >>> c = polyphony.compare(votes, bootstrap=3, pipelines=["polis", "kmeans"])
    >>> c.summary[["pipeline", "k"]].to_dict("list")
    {'pipeline': ['polis', 'kmeans'], 'k': [2, 2]}
    >>> both = pd.DataFrame([(p, 9, 1) for p in range(12)], columns=votes.columns)
    >>> c = polyphony.compare(pd.concat([votes, both]), bootstrap=0, pipelines=["polis"],
    ...                       consensus="geometric", fdr=0.05)
    >>> int(c.bridging.statement.iloc[0]), int(c.consensus.statement.iloc[0])
    (9, 9)
    """
    raw = json.loads(
        _native.compare(
            _export(votes),
            bootstrap,
            seed,
            list(pipelines) if pipelines else None,
            consensus,
            fdr,
        )
    )
    summary = pd.DataFrame(
        [{k: v for k, v in p.items() if k != "groups"} for p in raw["pipelines"]]
    )
    groups = pd.DataFrame(
        {p["pipeline"]: pd.array(p["groups"], dtype="Int64") for p in raw["pipelines"]}
    )
    groups.insert(0, "participant", raw["participants"])
    st = raw["statements"]
    bridging = (
        pd.DataFrame(st["bridging"]["statements"]) if st["bridging"] is not None else None
    )
    consensus_df = pd.DataFrame(
        st["group_consensus"], columns=["statement", "score"]
    )
    fdr_df = None
    if st["repness_fdr"] is not None:
        fdr_df = pd.DataFrame(
            [
                dict(group=g["group"], **s)
                for g in st["repness_fdr"]["groups"]
                for s in g["statements"]
            ],
            columns=["group", "statement", "stance", "p_value", "q_value"],
        )
    return Comparison(summary, groups, raw, bridging, consensus_df, fdr_df)


def tables(
    votes: VotesLike,
    mode: str = "same_group",
    size: int = 8,
    preset: str = "workshop",
    seed: int = 0,
) -> "pd.DataFrame":
    """Discussion tables of at most ``size`` people, ``same_group`` or ``mixed``, seeded:
    ``polyphony tables --format json`` as one row per seat (table, the table's group when it
    has one, participant, the participant's group).

    >>> votes = pd.DataFrame([(p, s, 1 if p % 2 == s % 2 else -1)
    ...                       for p in range(12) for s in range(6)],
    ...                      columns=["participant", "statement", "vote"])
    >>> seats = polyphony.tables(votes, size=3)
    >>> len(seats), seats["table"].nunique()
    (12, 4)
    """
    plan = json.loads(_native.tables(_export(votes), mode, size, preset, seed))
    rows = [
        (t["number"], t["group"], m["participant"], m["group"])
        for t in plan["tables"]
        for m in t["members"]
    ]
    out = pd.DataFrame(rows, columns=["table", "table_group", "participant", "group"])
    for col in ("table_group", "group"):
        out[col] = out[col].astype("Int64")
    return out


def opinion_change(
    before: VotesLike,
    after: VotesLike,
    preset: str = "workshop",
    seed: int = 0,
) -> "pd.DataFrame":
    """What changed between two moments, each person compared with themselves: ``before``'s
    votes are analysed, ``after``'s are added to the same conversation (a later vote replaces
    an earlier one; give ``after`` timestamps later than ``before``'s) and analysed again. One
    row per statement: of the people who voted on it both times, how many moved toward agree or
    toward disagree or stayed, and the mean shift (agree = +1). ``attrs["change"]`` holds the
    whole ``OpinionChange`` (moves between groups, distances, consensus gained and lost).

    >>> first = pd.DataFrame([(p, 0, 1 if p < 6 else -1, 0) for p in range(12)],
    ...                      columns=["participant", "statement", "vote", "timestamp"])
    >>> second = first.assign(vote=1, timestamp=1)
    >>> polyphony.opinion_change(first, second)[["statement", "toward_agree", "stayed"]]
       statement  toward_agree  stayed
    0          0             6       6
    """
    raw = json.loads(
        _native.opinion_change(_export(before), _export(after), preset, seed)
    )
    rows = []
    for item in raw["panel"]["items"]:
        e = item["everyone"]
        rows.append(
            {
                "statement": item["item"],
                "answered_both": e["answered_both"],
                "toward_agree": e["toward_agree"],
                "toward_disagree": e["toward_disagree"],
                "stayed": e["stayed"],
                "mean_before": e["mean_before"],
                "mean_after": e["mean_after"],
            }
        )
    out = pd.DataFrame(
        rows,
        columns=["statement", "answered_both", "toward_agree", "toward_disagree", "stayed",
                 "mean_before", "mean_after"],
    )
    out.attrs["change"] = raw
    return out


def analyze_with_polis_state(
    votes: VotesLike, blob: Union[str, dict, "os.PathLike[str]"], seed: int = 0
) -> tuple:
    """Restores the state a Polis math blob (``math-pca2.json``) implies and runs one ``polis``
    update on the votes: Polis's own numbers, as ``polyphony analyze --polis-state``. ``blob``
    is the blob's JSON text, its parsed dict or the file's path. Returns the result and the
    update as a Polis math blob (a dict).
    """
    if isinstance(blob, dict):
        text = json.dumps(blob)
    elif isinstance(blob, os.PathLike) or (
        isinstance(blob, str) and not blob.lstrip().startswith("{")
    ):
        with open(blob, encoding="utf-8") as f:
            text = f.read()
    else:
        text = blob
    native, out = _native.analyze_with_polis_state(_export(votes), text, seed)
    return Result(native), json.loads(out)
