"""Type stubs of the `polyphony` package (editors complete from these)."""

import os
from typing import Any, Dict, List, Literal, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from ._native import Analysis as _Analysis
from ._native import Export as Export

PALETTE: List[str]
MARKERS: List[str]

Preset = Literal["workshop", "polis"]
VoteSign = Literal["auto", "agree_positive", "agree_negative"]
VotesLike = Union[pd.DataFrame, Export, str, os.PathLike[str]]

class PCA(NamedTuple):
    statements: np.ndarray
    center: np.ndarray
    components: np.ndarray
    projections: np.ndarray
    extremity: np.ndarray

class Result:
    tick: int
    participant_count: int
    vote_count: int
    k: Optional[int]
    def __init__(self, native: _Analysis) -> None: ...
    def to_json(self) -> str: ...
    @property
    def report(self) -> Dict[str, Any]: ...
    @property
    def participants(self) -> pd.DataFrame: ...
    @property
    def groups(self) -> pd.DataFrame: ...
    @property
    def statements(self) -> pd.DataFrame: ...
    @property
    def pca(self) -> PCA: ...
    @property
    def silhouettes(self) -> Dict[int, float]: ...
    def plot(self, ax: Any = None, title: Optional[str] = None) -> Any: ...

class Replay:
    result: Result
    updates: int
    votes: int
    first_time: int
    last_time: int
    timelapse: Optional[Dict[str, Any]]

class Comparison:
    summary: pd.DataFrame
    groups: pd.DataFrame
    raw: Dict[str, Any]
    bridging: Optional[pd.DataFrame]
    consensus: Optional[pd.DataFrame]
    repness_fdr: Optional[pd.DataFrame]

def read_export(path: Union[str, os.PathLike[str]], vote_sign: VoteSign = "auto") -> Export: ...
def votes_from_frame(
    votes: pd.DataFrame, statements: Optional[pd.DataFrame] = None
) -> Export: ...
def analyze(
    votes: VotesLike,
    preset: Preset = "workshop",
    seed: int = 0,
    statements: Optional[pd.DataFrame] = None,
) -> Result: ...
def replay(
    votes: VotesLike,
    preset: Preset = "polis",
    seed: int = 0,
    every: Optional[str] = None,
    every_votes: Optional[int] = None,
    frames: Optional[int] = None,
) -> Replay: ...
def timelapse(
    votes: VotesLike,
    frames: int = 12,
    preset: Preset = "polis",
    seed: int = 0,
    every: Optional[str] = None,
    every_votes: Optional[int] = None,
) -> pd.DataFrame: ...
def replay_change(
    votes: VotesLike,
    start: str,
    end: str,
    preset: Preset = "polis",
    seed: int = 0,
    every: Optional[str] = None,
    every_votes: Optional[int] = None,
) -> Dict[str, Any]: ...
def compare(
    votes: VotesLike,
    bootstrap: int = 50,
    seed: int = 0,
    pipelines: Optional[Sequence[Literal["polis", "kmeans", "gmm", "dbscan", "hdbscan"]]] = None,
    consensus: Literal["legacy", "geometric"] = "legacy",
    fdr: Optional[float] = None,
) -> Comparison: ...
def tables(
    votes: VotesLike,
    mode: Literal["same_group", "mixed"] = "same_group",
    size: int = 8,
    preset: Preset = "workshop",
    seed: int = 0,
) -> pd.DataFrame: ...
def opinion_change(
    before: VotesLike, after: VotesLike, preset: Preset = "workshop", seed: int = 0
) -> pd.DataFrame: ...
def analyze_with_polis_state(
    votes: VotesLike, blob: Union[str, Dict[str, Any], os.PathLike[str]], seed: int = 0
) -> Tuple[Result, Dict[str, Any]]: ...
