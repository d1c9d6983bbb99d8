"""HiGHS does not call the shipped models badly scaled; scaling leaves answers unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

import resourcemodel as rm
from resourcemodel.backends.highs import HighsBackend, scaling_options

ROOT = Path(__file__).resolve().parents[1]


def _log(lp: rm.LinearProgram, tmp_path: Path, **options: object) -> str:
    log = tmp_path / "highs.log"
    backend = HighsBackend(output_flag=True, log_to_console=False, log_file=str(log), **options)
    assert backend.solve(lp).status == "optimal"
    return log.read_text()


def test_isfahan_baseline_is_well_scaled(tmp_path: Path) -> None:
    inputs, _, _ = rm.load(ROOT / "scenarios/baseline.toml")
    lp = rm.build(inputs)
    assert scaling_options(lp)  # the raw model has 1e8 bounds and 1e7 costs
    text = _log(lp, tmp_path)
    assert "badly scaled" not in text
    assert "excessively large" not in text
    unscaled = _log(lp, tmp_path, scale=False)
    assert "badly scaled" in unscaled  # the check above can fail


def test_scaling_keeps_the_answer() -> None:
    inputs, _, _ = rm.load(ROOT / "scenarios/baseline.toml")
    lp = rm.build(inputs)
    a = HighsBackend(scale=True).solve(lp)
    b = HighsBackend(scale=False).solve(lp)
    assert a.objective == pytest.approx(b.objective, rel=1e-9)
