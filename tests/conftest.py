"""Shared fixtures: example cases copied to a temporary folder so tests can break them.

Also the ``system`` marker: a test needing an optional system package (``system_packages.py``)
is skipped with the ``apt-get install`` line when it is missing.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# Before anything imports weasyprint: it may hide libraries (RESOURCEMODEL_HIDE_LIBRARIES).
import system_packages

import resourcemodel as rm

BACKENDS = rm.available_backends()


def _missing(item: pytest.Item) -> str | None:
    needs = tuple(name for mark in item.iter_markers("system") for name in mark.args)
    return system_packages.missing(needs) if needs else None


def _required() -> bool:
    return os.environ.get(system_packages.REQUIRE_ENV) == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip a test whose ``system`` needs are not all met; the reason names the apt-get line."""
    if _required():
        return  # pytest_runtest_setup fails such a test instead
    for item in items:
        reason = _missing(item)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """With RESOURCEMODEL_REQUIRE_SYSTEM_PACKAGES=1 (CI) a missing system package fails."""
    reason = _missing(item) if _required() else None
    if reason is not None:
        pytest.fail(f"{reason} ({system_packages.REQUIRE_ENV}=1)", pytrace=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how weasyprint embedded fonts, if it was loaded (it has two ways)."""
    ffi = sys.modules.get("weasyprint.text.ffi")
    if ffi is not None:
        how = "found" if ffi.harfbuzz_subset else "missing, fonts subset with fontTools"
        terminalreporter.write_line(f"weasyprint: libharfbuzz-subset0 {how}")


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
