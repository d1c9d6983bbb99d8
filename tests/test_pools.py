"""What the product balance does (docs/formulation.md): province-wide pools and surplus.

Two plants; plant ``a`` makes DRI with 10 GJ of gas per tonne, plant ``b`` with 20 GJ and
runs an EAF that needs 1 t of DRI per tonne of steel (100 t, hard demand); gas costs
2 USD/GJ. Products are pooled province-wide: b's EAF uses a's DRI (2,000 USD). A product
per plant (``dri_at_a``, ``dri_at_b``) keeps each plant's DRI at home: b makes its own
(4,000 USD). Production above what is used or delivered is allowed and simply not used
(the balance is ``>=``): with a's DRI plant made to run full (must_run 1) 900 t go unused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xarray as xr

import resourcemodel as rm

PROV = "example,assumption"


def _case(path: Path, *, per_plant: bool = False, must_run: bool = False) -> Path:
    path.mkdir()
    dri_a, dri_b = ("dri_at_a", "dri_at_b") if per_plant else ("dri", "dri")
    tables = {
        "periods.csv": ["period,duration,unit", "year,365,d"],
        "plants.csv": ["plant", "a", "b"],
        "products.csv": ["product,unit", *sorted({f"{dri_a},t", f"{dri_b},t"}), "steel,t"],
        "resources.csv": ["resource,group,unit", "gas,energy,GJ"],
        "sources.csv": ["source,resource", "pipeline,gas"],
        "connections.csv": ["plant,source", "a,pipeline", "b,pipeline"],
        "processes.csv": [
            "process,plant,product",
            f"dri_a,a,{dri_a}",
            f"dri_b,b,{dri_b}",
            "eaf_b,b,steel",
        ],
        "capacity.csv": ["process,value,unit,reference,confidence", f"*,1000,t/yr,{PROV}"],
        "intensity.csv": [
            "process,resource,value,unit,reference,confidence",
            f"dri_a,gas,10,GJ/t,{PROV}",
            f"dri_b,gas,20,GJ/t,{PROV}",
        ],
        "product_input.csv": [
            "process,product,value,unit,reference,confidence",
            f"eaf_b,{dri_b},1,t/t,{PROV}",
        ],
        "source_cost.csv": ["source,value,unit,reference,confidence", f"pipeline,2,USD/GJ,{PROV}"],
        "demand.csv": [
            "product,period,value,unit,reference,confidence",
            f"steel,year,100,t,{PROV}",
        ],
        "min_delivery.csv": [
            "product,period,value,unit,reference,confidence",
            f"steel,*,1,fraction,{PROV}",
        ],
    }
    if must_run:
        tables["must_run.csv"] = [
            "process,period,value,unit,reference,confidence",
            f"dri_a,*,1,fraction,{PROV}",
        ]
    for name, lines in tables.items():
        (path / name).write_text("\n".join(lines) + "\n")
    return path


def _made(res: xr.Dataset, process: str) -> float:
    return float(res["production"].sel(process=process).sum())


def test_intermediate_products_are_pooled_province_wide(tmp_path: Path) -> None:
    res = rm.run(_case(tmp_path / "pooled"))
    assert res.attrs["objective"] == pytest.approx(2000.0, rel=1e-9)
    assert (_made(res, "dri_a"), _made(res, "dri_b")) == (pytest.approx(100.0), 0.0)
    assert _made(res, "eaf_b") == pytest.approx(100.0)


def test_a_product_per_plant_keeps_it_at_the_plant(tmp_path: Path) -> None:
    res = rm.run(_case(tmp_path / "per_plant", per_plant=True))
    assert res.attrs["objective"] == pytest.approx(4000.0, rel=1e-9)
    assert (_made(res, "dri_a"), _made(res, "dri_b")) == (0.0, pytest.approx(100.0))


def test_surplus_production_is_allowed_and_unused(tmp_path: Path) -> None:
    res = rm.run(_case(tmp_path / "surplus", must_run=True))
    assert res.attrs["status"] == "optimal"
    assert _made(res, "dri_a") == pytest.approx(1000.0)
    assert _made(res, "eaf_b") == pytest.approx(100.0)
    assert float(res["delivery"].sum()) == pytest.approx(100.0)
    # All 1,000 t of DRI are paid for (gas), 900 t are not used by anyone.
    assert res.attrs["objective"] == pytest.approx(20000.0, rel=1e-9)
    # A unit more of DRI is worth nothing: the pool is in surplus.
    assert float(res["product_value"].sel(product="dri").max()) == pytest.approx(0.0, abs=1e-9)
