"""The shipped Isfahan case: baseline sanity, every scenario, provenance of every number."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.schema import CONFIDENCE_LABELS, PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "src/resourcemodel/data/isfahan"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
LARGE = ["msc", "saba", "esco", "iorc", "ipc", "polyacryl", "sepahan", "montazeri", "isfahan_pp"]


@pytest.fixture(scope="module")
def baseline() -> xr.Dataset:
    return rm.run(ROOT / "scenarios/baseline.toml")


def _output(res: xr.Dataset, plant: str, product: str) -> float:
    prod = res["production"].sum("period")
    mask = (res["process_plant"] == plant) & (res["process_product"] == product)
    return float(prod.where(mask, 0).sum())


def test_baseline_solves_without_unmet_demand(baseline: xr.Dataset) -> None:
    assert baseline.attrs["status"] == "optimal"
    assert float(baseline["unmet"].fillna(0).sum()) == pytest.approx(0, abs=1e-3)


def test_baseline_steel_output_matches_dossier(baseline: xr.Dataset) -> None:
    """Mobarakeh about 7.3 Mt of slab (S2: 7.335 Mt in 2023); ESCO about 2.6 Mt (S1)."""
    assert _output(baseline, "msc", "steel_flat") / 1e6 == pytest.approx(7.335, rel=0.05)
    assert _output(baseline, "esco", "steel_long") / 1e6 == pytest.approx(2.6, rel=0.10)


def test_baseline_water_matches_dossier(baseline: xr.Dataset) -> None:
    """Dossier 1.9: the large plants use 70-90 Mm3/yr; industry in the province ~200 Mm3/yr."""
    water = baseline["resource_use"].sel(resource="water").sum("period")
    large = float(water.sel(plant=LARGE).sum()) / 1e6
    assert 70 <= large <= 90
    drawn = float(baseline["resource_supplied"].sel(resource="water").sum()) / 1e6
    assert 150 <= drawn <= 250


def test_baseline_has_binding_caps_with_prices(baseline: xr.Dataset) -> None:
    from resourcemodel.report import binding_caps

    caps = binding_caps(baseline)
    assert len(caps) > 0
    assert (caps["shadow_price"] >= 0).all()
    assert (caps["shadow_price"] > 0).any()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_scenario_solves(path: Path) -> None:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    description = str(raw.get("description", ""))
    assert len(description) > 40, "each scenario says what real event or policy it stands for"
    res = rm.run(path)
    expected = "infeasible" if "infeasible" in description.lower() else "optimal"
    assert res.attrs["status"] == expected
    if path.stem != "baseline":
        changes_values = res.attrs["scenario_diff"] != "[]"
        assert changes_values or "options" in raw, "a scenario must change something"


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_every_shipped_number_has_provenance(name: str) -> None:
    folders = [CASE, *sorted((ROOT / "scenarios/overlays").glob("*"))]
    for folder in folders:
        path = folder / f"{name}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                where = f"{path.relative_to(ROOT)}:{line}"
                assert (row.get("reference") or "").strip(), f"{where}: no reference"
                assert row.get("confidence") in CONFIDENCE_LABELS, f"{where}: no confidence"


def test_provenance_reaches_results(baseline: xr.Dataset) -> None:
    import json

    records = json.loads(baseline.attrs["provenance"])
    confidences = {r[3] for r in records}
    assert confidences <= set(CONFIDENCE_LABELS)
    assert {"sourced", "assumption"} <= confidences
