"""Changing numbers in place: update_program equals a rebuild; warm HiGHS equals cold."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.backends.highs import HighsModel
from resourcemodel.formulation import FAST_PARAMETERS, update_program

ROOT = Path(__file__).resolve().parents[1]


def _synthetic(tmp_path: Path, plants: int = 6) -> Path:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks/synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = module
    spec.loader.exec_module(module)
    return module.generate(plants, tmp_path / "syn", seed=3)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def synthetic_inputs(tmp_path_factory: pytest.TempPathFactory) -> xr.Dataset:
    return rm.load_inputs(_synthetic(tmp_path_factory.mktemp("syn")))


def _perturbed(ds: xr.Dataset, name: str, rng: np.random.Generator) -> np.ndarray:
    new = np.array(ds[name].values, dtype=float, copy=True)
    finite = np.isfinite(new)
    new[finite] = new[finite] * rng.uniform(0.5, 1.0, finite.sum())
    return new


@pytest.mark.parametrize("name", FAST_PARAMETERS)
def test_update_equals_rebuild(synthetic_inputs: xr.Dataset, name: str) -> None:
    ds = synthetic_inputs
    rng = np.random.default_rng(1)
    for objective in ("cost", "value_added"):
        lp = rm.build(ds, objective=objective)
        new = _perturbed(ds, name, rng)
        updated = update_program(lp, ds, {name: new})
        changed = ds.copy()
        changed[name] = (ds[name].dims, new)
        rebuilt = rm.build(changed, objective=objective)
        if updated is None:  # structure changed: the caller must rebuild
            assert rebuilt.shape != lp.shape or name == "reserved_use"
            continue
        for field in ("c", "col_lower", "col_upper", "row_lower", "row_upper"):
            np.testing.assert_allclose(getattr(updated, field), getattr(rebuilt, field), rtol=1e-14)
        assert updated.c0 == pytest.approx(rebuilt.c0)
        assert (updated.A != rebuilt.A).nnz == 0


def test_new_cap_needs_rebuild(synthetic_inputs: xr.Dataset) -> None:
    ds = synthetic_inputs
    lp = rm.build(ds)
    new = np.array(ds["source_cap"].values, copy=True)
    new[np.isinf(new)] = 1e9  # a cap where there was none adds rows
    if np.array_equal(new, ds["source_cap"].values):
        new = np.full_like(new, 1e9)
        new[0, 0] = np.inf  # a cap removed drops a row
    assert update_program(lp, ds, {"source_cap": new}) is None
    assert update_program(lp, ds, {"intensity": ds["intensity"].values}) is None


def test_warm_model_matches_cold(synthetic_inputs: xr.Dataset) -> None:
    ds = synthetic_inputs
    lp = rm.build(ds)
    model = HighsModel(lp)
    first = model.solve()
    assert first.status == "optimal"
    rng = np.random.default_rng(7)
    for _ in range(5):
        changed = {
            "source_cap": _perturbed(ds, "source_cap", rng),
            "demand": _perturbed(ds, "demand", rng),
        }
        new_lp = update_program(lp, ds, changed)
        assert new_lp is not None
        assert model.update(new_lp)
        warm = model.solve()
        cold = rm.solve(new_lp)
        assert warm.objective == pytest.approx(cold.objective, rel=1e-7)
        # Duals of a degenerate LP are not unique; the primal must be feasible.
        assert new_lp.residuals(warm.x)["rows"] <= 1e-6 * (
            1 + np.abs(new_lp.row_upper[np.isfinite(new_lp.row_upper)]).max()
        )
    assert model.warm_updates == 5 and model.cold_loads == 1


def test_warm_model_matrix_change_and_restructure() -> None:
    ds = rm.load_inputs(rm.examples.path("two_plants"))
    model = HighsModel(rm.build(ds))
    assert model.solve().objective == pytest.approx(2250)
    # A matrix value changes (B needs 1.5 m3/t): pushed in place.
    changed = ds.copy(deep=True)
    changed["intensity"].loc[{"process": "b_mill", "resource": "water"}] = 1.5
    lp2 = rm.build(changed)
    assert model.update(lp2)
    assert model.solve().objective == pytest.approx(rm.solve(lp2).objective)
    # A new cap row: the structure differs, loaded cold.
    changed["permit"].loc[{"plant": "a", "resource": "water"}] = 200.0
    lp3 = rm.build(changed)
    assert not model.update(lp3)
    assert model.solve().objective == pytest.approx(rm.solve(lp3).objective)
