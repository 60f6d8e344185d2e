"""Shared test fixtures.

The real corpus and gold answers live beside the project at ../shared; tests read
them in place and never copy them into the repository.
"""

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def require_shared() -> Path:
    """The resolved ../shared folder; skip the test when it is absent (fail when COMPARE_REQUIRE_SHARED=1)."""
    shared = SHARED.resolve()
    if not (shared / "corpus").is_dir():
        message = "../shared not found: the real corpus and gold answers live beside the project; see README"
        if os.environ.get("COMPARE_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return shared


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The resolved ../shared folder (see require_shared)."""
    return require_shared()
