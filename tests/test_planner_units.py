"""Planner units in the ``run`` comparison table: one unit per column, no exponents."""

from __future__ import annotations

from pathlib import Path

import pytest

import resourcemodel as rm
from resourcemodel import report
from resourcemodel.cli import main

SCENARIOS = Path(__file__).parents[1] / "scenarios"
WATER = (
    "river_zayandeh",
    "groundwater_lenjanat",
    "groundwater_isfahan_borkhar",
    "groundwater_other_plains",
    "reclaimed_wastewater",
    "desal_transfer",
)


def test_water_columns_share_million_m3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [SCENARIOS / "baseline.toml", SCENARIOS / "desal-phase2.toml"]
    results = [rm.run(p) for p in paths]
    table = report.comparison(results).set_index("scenario")
    for source in WATER:
        assert f"{source} [Mm3]" in table.columns, list(table.columns)
    desal = results[1]["supply"].sel(source="desal_transfer").sum()
    assert table.loc["desal-phase2", "desal_transfer [Mm3]"] == pytest.approx(float(desal) / 1e6)
    assert table.loc["baseline", "desal_transfer [Mm3]"] == 0
    money = [c for c in table.columns if c.split(" [")[0] in ("cost", "value added", "sales lost")]
    assert len({c.split(" [")[1] for c in money}) == 1  # one money unit across the table
    assert main(["run", *map(str, paths), "--no-save"]) == 0
    out = capsys.readouterr().out
    assert "e+0" not in out and "e+1" not in out  # 35,540 jobs, not 3.55e+04
    assert "desal_transfer [Mm3]" in out


def test_number_never_writes_an_exponent() -> None:
    assert report.number(470_000.0) == "470,000"
    assert report.number(35_540.2) == "35,540"
    assert report.number(0.0471) == "0.0471"
    assert report.number(0.0000471) == "0.0000471"
