"""Shared fixtures: example cases copied to a temporary folder so tests can break them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import resourcemodel as rm

BACKENDS = rm.available_backends()


@pytest.fixture
def case_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Return a function copying a bundled example case into ``tmp_path``."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(rm.examples.path(name), target)
        return target

    return copy


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every installed backend."""
    return str(request.param)
