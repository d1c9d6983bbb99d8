"""Each constraint family against an optimum derived by hand on the two_plants case.

Base case (see the example's README): mills A (5 USD/t, 2 m3/t) and B (10 USD/t, 1 m3/t),
each at most 200 t, 300 t of demand, river cap 450 m3 -> A 150 t, B 150 t, 2,250 USD.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm

CaseCopy = Callable[[str], Path]


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _solve(case: Path, backend: str = "highs"):  # type: ignore[no-untyped-def]
    return rm.run(case, backend=backend)


def test_permit_limits_one_plant(case_copy: CaseCopy, backend: str) -> None:
    """Permit of 200 m3 for A: A 100 t, B 200 t; 2,500 USD; one more m3 of A's permit
    moves 0.5 t from B to A, worth 2.5 USD."""
    case = case_copy("two_plants")
    _write(
        case / "permit.csv",
        "plant,resource,value,unit,reference,confidence\na,water,200,m3,example,assumption\n",
    )
    res = _solve(case, backend)
    assert res.attrs["objective"] == pytest.approx(2500, rel=1e-6)
    assert float(res["production"].sel(process="a_mill").sum()) == pytest.approx(100)
    assert float(res["permit_shadow_price"].sel(plant="a", resource="water")) == pytest.approx(2.5)
    assert not bool(res["source_cap_binding"].sel(source="river", period="year"))


def test_contract_limits_one_connection(case_copy: CaseCopy, backend: str) -> None:
    case = case_copy("two_plants")
    _write(
        case / "contract.csv",
        "plant,source,value,unit,reference,confidence\na,river,200,m3,example,assumption\n",
    )
    res = _solve(case, backend)
    assert res.attrs["objective"] == pytest.approx(2500, rel=1e-6)
    assert float(res["contract_shadow_price"].sel(plant="a", source="river")) == pytest.approx(2.5)


def test_group_cap(case_copy: CaseCopy, backend: str) -> None:
    """A freshwater group of the river capped at 420 m3: A 120 t, B 180 t, 2,400 USD."""
    case = case_copy("two_plants")
    _write(case / "source_groups.csv", "group,source\nfreshwater,river\n")
    _write(
        case / "group_cap.csv",
        "group,period,value,unit,reference,confidence\nfreshwater,year,420,m3,example,assumption\n",
    )
    res = _solve(case, backend)
    assert res.attrs["objective"] == pytest.approx(2400, rel=1e-6)
    assert float(res["group_cap_shadow_price"].sel(group="freshwater", period="year")) == (
        pytest.approx(5.0)
    )


def test_annual_source_cap(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _write(
        case / "source_cap_annual.csv",
        "source,value,unit,reference,confidence\nriver,420,m3,example,assumption\n",
    )
    res = _solve(case)
    assert res.attrs["objective"] == pytest.approx(2400, rel=1e-6)
    assert float(res["source_cap_annual_shadow_price"].sel(source="river")) == pytest.approx(5.0)


def test_reserved_use_comes_first(case_copy: CaseCopy, backend: str) -> None:
    """30 m3 reserved at A (green space) leaves 420 m3 for production: 2,400 USD."""
    case = case_copy("two_plants")
    _write(
        case / "reserved_use.csv",
        "plant,resource,period,value,unit,reference,confidence\n"
        "a,water,year,30,m3,example,assumption\n",
    )
    res = _solve(case, backend)
    assert res.attrs["objective"] == pytest.approx(2400, rel=1e-6)
    assert float(res["resource_use"].sel(plant="a", resource="water").sum()) == pytest.approx(
        2 * 120 + 30
    )


def test_connection_cap_per_period(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _write(
        case / "connection_cap.csv",
        "plant,source,period,value,unit,reference,confidence\n"
        "a,river,year,200,m3,example,assumption\n",
    )
    res = _solve(case)
    assert res.attrs["objective"] == pytest.approx(2500, rel=1e-6)


def test_availability_and_must_run(case_copy: CaseCopy) -> None:
    """A available 50% (100 t); B must run at 100% (200 t): A 100, B 200, 2,500 USD."""
    case = case_copy("two_plants")
    _write(
        case / "availability.csv",
        "process,value,unit,reference,confidence\na_mill,50,%,example,assumption\n",
    )
    _write(
        case / "must_run.csv",
        "process,value,unit,reference,confidence\nb_mill,1,fraction,example,assumption\n",
    )
    res = _solve(case)
    assert res.attrs["objective"] == pytest.approx(2500, rel=1e-6)
    assert float(res["production"].sel(process="b_mill").sum()) == pytest.approx(200)


def test_hard_demand_infeasible(case_copy: CaseCopy) -> None:
    """Demand must be fully met but the river gives 350 m3 (< the 400 m3 needed)."""
    case = case_copy("two_plants")
    _write(
        case / "min_delivery.csv",
        "product,value,unit,reference,confidence\nsteel,1,fraction,example,assumption\n",
    )
    _write(
        case / "source_cap.csv",
        "source,period,value,unit,reference,confidence\nriver,year,350,m3,example,assumption\n",
    )
    assert _solve(case).attrs["status"] == "infeasible"


def test_unmet_demand_penalised(case_copy: CaseCopy) -> None:
    """River at 350 m3: B 200 t, A 75 t, 25 t unmet at 100 USD/t."""
    case = case_copy("two_plants")
    _write(
        case / "source_cap.csv",
        "source,period,value,unit,reference,confidence\nriver,year,350,m3,example,assumption\n",
    )
    res = _solve(case)
    assert float(res["unmet"].sum()) == pytest.approx(25)
    assert res.attrs["objective"] == pytest.approx(75 * 5 + 200 * 10 + 25 * 100, rel=1e-6)
    # One more m3 makes 0.5 t more in A: 0.5 * (100 - 5) = 47.5 USD.
    price = res["source_cap_shadow_price"].sel(source="river", period="year")
    assert float(price) == pytest.approx(47.5)


def test_measure_extra_use(case_copy: CaseCopy) -> None:
    """A measure that saves 20% of water but uses 50 m3/yr of it at full adoption.

    Net saving at adoption a: 0.2 * 1000 * a - 50 a = 150 a >= 100 -> a = 2/3, 66.67 USD.
    """
    case = case_copy("measure_payoff")
    _write(
        case / "measure_use.csv",
        "plant,measure,resource,value,unit,reference,confidence\n"
        "mill,recycling,water,50,m3/yr,example,assumption\n",
    )
    res = _solve(case)
    assert float(res["adoption"].sel(plant="mill", measure="recycling")) == pytest.approx(2 / 3)
    assert res.attrs["objective"] == pytest.approx(200 / 3, rel=1e-6)


def test_monthly_periods_split_capacity(case_copy: CaseCopy) -> None:
    """Two periods of 73 and 292 days: capacity splits 20% / 80%."""
    case = case_copy("two_plants")
    _write(
        case / "periods.csv",
        "period,duration,unit,reference,confidence\n"
        "winter,73,d,example,assumption\nrest,292,d,example,assumption\n",
    )
    _write(
        case / "demand.csv",
        "product,period,value,unit,reference,confidence\n"
        "steel,winter,60,t,example,assumption\nsteel,rest,240,t,example,assumption\n",
    )
    _write(
        case / "source_cap.csv",
        "source,period,value,unit,reference,confidence\n"
        "river,winter,90,m3,example,assumption\nriver,rest,360,m3,example,assumption\n",
    )
    res = _solve(case)
    xmax = rm.build(rm.load_inputs(case)).col_upper[:4]
    np.testing.assert_allclose(sorted(xmax), [40, 40, 160, 160])
    assert res.attrs["objective"] == pytest.approx(2250, rel=1e-6)


def _second_measure(case: Path) -> None:
    """Add 'reuse' beside 'recycling' at the mill: 20% of water each, 100 USD/yr each."""
    _write(case / "measures.csv", "measure,name\nrecycling,Recycling\nreuse,Reuse\n")
    for name, line in {
        "max_adoption": "mill,reuse,1,fraction,example,assumption",
        "measure_cost": "mill,reuse,100,USD/yr,example,assumption",
    }.items():
        with open(case / f"{name}.csv", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    with open(case / "saving.csv", "a", encoding="utf-8") as fh:
        fh.write("mill,reuse,water,20,%,example,assumption\n")


def test_two_measures_save_no_more_than_together(case_copy: CaseCopy, backend: str) -> None:
    """Two 20% measures save at most 1 - 0.8 x 0.8 = 36% together, not 40%.

    River cap 620 m3 for 100 t at 10 m3/t: with 40% the mill could make all 100 t
    (380 m3 saved). With 36%: 10 x - 3.6 x <= 620 gives x = 96.875 t; the savings needed,
    10 x - 620 = 348.75 m3, at 200 m3 per unit of adoption cost 174.375 USD, and
    3.125 t unmet at 50 USD/t cost 156.25 USD: 330.625 USD.
    """
    case = case_copy("measure_payoff")
    _second_measure(case)
    _write(
        case / "source_cap.csv",
        "source,period,value,unit,reference,confidence\nriver,year,620,m3,example,assumption\n",
    )
    res = _solve(case, backend)
    assert res.attrs["objective"] == pytest.approx(330.625, rel=1e-6)
    assert float(res["production"].sum()) == pytest.approx(96.875, rel=1e-6)
    saved = float(res["saving_amount"].sum())
    assert saved == pytest.approx(0.36 * 968.75, rel=1e-6)


def test_measure_with_lead_time_waits_for_build_years(case_copy: CaseCopy) -> None:
    """Recycling takes 2 years to build: a one-year scenario (build_years 0) cannot adopt
    it and loses 10 t (500 USD); with build_years = 2 the example's 50 USD optimum returns."""
    case = case_copy("measure_payoff")
    _write(
        case / "lead_time.csv",
        "plant,measure,value,unit,reference,confidence\nmill,recycling,2,yr,example,assumption\n",
    )
    now = rm.run(case)
    assert now.attrs["objective"] == pytest.approx(500, rel=1e-6)
    assert float(now["adoption"].sum()) == pytest.approx(0, abs=1e-9)
    later = rm.run(case, build_years=2)
    assert later.attrs["objective"] == pytest.approx(50, rel=1e-6)
    assert float(later["adoption"].sum()) == pytest.approx(0.5, rel=1e-6)


def test_measure_drawing_on_a_source_counts_against_its_cap(
    case_copy: CaseCopy, backend: str
) -> None:
    """Recycling declared as a delivery from a municipal pool capped at 50 m3.

    River 900 m3 for 100 t at 10 m3/t: the mill needs 100 m3 more, the pool gives 50, so it
    makes 95 t (5 t unmet at 50 USD/t = 250 USD) with 50 m3 from the measure at adoption
    50 / 200 = 0.25 (25 USD): 275 USD, where the unlimited measure gives 50 USD.
    """
    case = case_copy("measure_payoff")
    with open(case / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("pool,water,Municipal reclaimed-water pool\n")
    _write(case / "measures.csv", "measure,name,source\nrecycling,Municipal wastewater,pool\n")
    with open(case / "source_cap.csv", "a", encoding="utf-8") as fh:
        fh.write("pool,year,50,m3,example,assumption\n")
    res = _solve(case, backend)
    assert res.attrs["objective"] == pytest.approx(275, rel=1e-6)
    assert float(res["adoption"].sum()) == pytest.approx(0.25, rel=1e-6)
    assert float(res["source_cap_use"].sel(source="pool", period="year")) == pytest.approx(50)
    assert float(res["source_cap_shadow_price"].sel(source="pool", period="year")) > 0
