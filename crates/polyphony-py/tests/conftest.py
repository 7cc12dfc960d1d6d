"""Where the tests find the repository, the shared Polis data and the `polyphony` binary.

The real Polis data sits beside the checkout in `../shared/data` (never copied into the
repository); like the Rust tests, these fail rather than skip when it is missing.
"""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = ROOT / ".." / "shared" / "data"


def shared(*parts: str) -> pathlib.Path:
    path = SHARED.joinpath(*parts)
    assert path.exists(), (
        f"the shared Polis data is missing at {path} (it must sit beside the project root)"
    )
    return path


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def vtaiwan() -> pathlib.Path:
    return shared("polis-open-data", "vtaiwan.uberx")


@pytest.fixture(scope="session")
def two_camps() -> pathlib.Path:
    return ROOT / "fixtures" / "two-camps"


@pytest.fixture(scope="session")
def cli():
    """Runs the release `polyphony` binary (`POLYPHONY_BIN`, else target/release/polyphony)
    and returns its standard output."""
    binary = pathlib.Path(os.environ.get("POLYPHONY_BIN", ROOT / "target" / "release" / "polyphony"))
    assert binary.is_file(), f"build the CLI first (cargo build --release -p polyphony): {binary}"

    def run(*args: str) -> str:
        out = subprocess.run(
            [str(binary), *map(str, args)], check=True, capture_output=True, text=True
        )
        return out.stdout

    return run
