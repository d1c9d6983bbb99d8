"""Choosing *when*: the portfolio over a pathway (``resourcemodel.portfolio.timing``).

Hand-derived two-year example on ``permit_choice``: mill A makes steel with 2 m3/t of river
water at a margin of 25 USD/t (demand 400 t), so while A keeps some water a m3 is worth
12.5 USD to it. The river gives 700 m3 in 1404 and half, 350 m3, from 1405 (a trajectory).
Two representative years of one year each, discount rate 0, lifetime 10 years (annuity =
investment / 10). Projects (``tests/data/portfolio/timing_projects.csv``), all sold at
30 USD/t into markets of their own, all drawing the river:

====  =========  ====  =====  ======  =====  =======  =======  ========================
id    capacity   m3/t  USD/t  value   water  charge   annuity  net a year (A marginal)
====  =========  ====  =====  ======  =====  =======  =======  ========================
p1    320 t      1     12     5,760   320    4,000    300      1,460
p2    100 t      3     20     1,000   300    3,750    100      -2,850
p3    100 t      0.5   5      2,500   50     625      100      1,775
====  =========  ====  =====  ======  =====  =======  =======  ========================

Without projects A makes 350 t (8,750 USD) in 1404 and 175 t (4,375) in 1405: 13,125. As
long as the projects running in a year leave A some water (>= 0 m3), a year's value added
is A's 12.5 USD/m3 on the whole river plus the nets of the projects running: the total is
13,125 + the sum of the nets of every (project, year) running. A project completed in 1404
runs in 1404 and 1405; in 1405 only in 1405.

- The cap tightening: p1 and p3 together draw 370 m3 > 350 in 1405, so at most one of them
  runs in 1405, hence at most one is ever completed (completing one in 1405 and the other
  in 1404 also puts both in 1405). p3 in 1404: 13,125 + 2 x 1,775 = 16,675; p1 in 1404:
  13,125 + 2 x 1,460 = 16,045; anything in 1405 only earns one year. So p3 is completed in
  1404 and p1 never (p2, negative every year, never): 16,675. Value added (province plus
  projects' sales net of costs, before the annuity): 1404: A on 650 m3 = 325 t = 8,125 +
  2,500 = 10,625; 1405: A on 300 m3 = 150 t = 3,750 + 2,500 = 6,250; freshwater drawn 700
  and 350 m3 (A takes what is left). LP relaxation: p3 whole in 1404 (3,550), p1 at
  ``a`` in 1404 with ``320 a + 50 <= 350`` in 1405: a = 0.9375, 0.9375 x 2,920 = 2,737.5:
  19,412.5.
- Without the tightening (river 700 m3 both years): p1 and p3 both in 1404: 2 x 8,750 +
  2 x (1,460 + 1,775) = 23,970.
- With the tightening and p3 not ready before 1405 (its ``completion_year``): p1 in 1404
  (16,045) beats p3 in 1405 (13,125 + 1,775 = 14,900); both do not fit in 1405.
- Without the tightening and a budget of 0.002 MUSD in 1404 and 0.003 in 1405: p1
  (0.003 MUSD) cannot be completed in 1404, so p3 in 1404 and p1 in 1405:
  17,500 + 2 x 1,775 + 1,460 = 22,510.

Objectives ``jobs`` and ``mix`` (weights 1, discount rate 0: job-years). Mill A has no
``jobs``, so the jobs objective counts the projects' jobs (p1 50, p2 30, p3 10) in every
year they run, and A may stop to cede its water (its output is worth nothing there).

- Jobs, river halved in 1405: a project completed runs on, so the set running in 1405
  contains 1404's and must fit 350 m3: {p1} (320 m3, 50 jobs), {p2, p3} (350 m3, 40),
  less. p1 in 1404, running both years: 100 job-years (p2 and p3 in 1404: 80). LP
  relaxation: jobs per m3 are p3 0.2, p1 0.156, p2 0.1, so in 1405 p3 whole (10 jobs on
  50 m3) and p1 at 300/320 = 0.9375 (46.875), the same already in 1404 (700 m3 is no
  limit): 2 x 56.875 = 113.75.
- Jobs, river 700 m3 both years, 0.002 MUSD in 1404: all three fit the water (670 m3);
  p1 (0.003 MUSD) cannot be completed in 1404, so p2 and p3 in 1404 and p1 in 1405:
  2 x 40 + 50 = 130.
- Mix at 10 USD per job-year, river halved: p1 in 1404 16,045 + 10 x 100 = 17,045 beats p3
  in 1404 16,675 + 10 x 20 = 16,875 (value added alone prefers p3: the job value flips
  the choice above 630 / 80 = 7.875 USD per job); p2 still loses (-2,850 + 300 a year).

"Why not" (value added, river halved, p3 in 1404): with p3 fixed, A is marginal in both
years, so the river is worth 12.5 USD/m3 in each (weights 1). p2 completed in 1405 gains
1,000 - 100 = 900 and is charged 300 m3 x 12.5 = 3,750: net -2,850 (in 1404: twice that),
so its best year is 1405 and the river in 1405 keeps it out (admitted with 300 m3 more). p1
in 1404 gains 2 x 5,460 = 10,920, charged 2 x 320 x 12.5 = 8,000: net 2,920 >= 0, yet it
is out: whole it takes 320 of the 350 m3 of 1405 (91 %), which the price holds for only
at the margin (A and p3 cannot cede it) -- reported as ``not_marginal``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import resourcemodel as rm
from resourcemodel.exceptions import InputError
from resourcemodel.portfolio import Rules, register_from_frame, select_portfolio, synthetic_register
from resourcemodel.portfolio.timing import schedule

DATA = Path(__file__).parent / "data" / "portfolio"
REGISTER = DATA / "timing_projects.csv"
HAND = {"lifetime": 10.0, "of": "water"}


def _pathway(tmp_path: Path, factor: float = 0.5, years: str = "[1404, 1405]") -> Path:
    path = tmp_path / "timing.toml"
    path.write_text(
        f'name = "timing"\ndata = "permit_choice"\n[pathway]\nyears = {years}\n'
        'discount_rate = 0.0\n[[trajectory]]\nparameter = "source_cap"\n'
        f'where = {{ source = "river" }}\nstep = {{ 1405 = {factor} }}\n'
    )
    return path


def _register(tmp_path: Path, **completion: int) -> Path:
    frame = pd.read_csv(REGISTER, dtype=str, keep_default_na=False)
    for pid, year in completion.items():
        frame.loc[frame["id"] == pid, "completion_year"] = str(year)
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False)
    return path


def _completion(ds: object) -> dict[str, float]:
    return {
        str(p): float(y)
        for p, y in zip(ds["project"].values, ds["completion"].values, strict=True)  # type: ignore[index]
    }


@pytest.mark.parametrize("backend", ["highs", "pulp"])
def test_tightening_cap_completes_one_now_and_one_never(tmp_path: Path, backend: str) -> None:
    ds = schedule(_pathway(tmp_path), REGISTER, backend=backend, **HAND)
    assert ds.attrs["objective"] == pytest.approx(16675)
    comp = _completion(ds)
    assert comp["p3"] == 1404
    assert np.isnan(comp["p1"]) and np.isnan(comp["p2"])
    assert ds["complete"].sel(project="p3").values.tolist() == [1, 0]
    assert ds["producing"].sel(project="p3").values.tolist() == [1, 1]
    np.testing.assert_allclose(ds["value_added"], [10625, 6250])
    np.testing.assert_allclose(ds["province_value_added"], [8125, 3750])
    np.testing.assert_allclose(ds["capital_charge"], [100, 100])
    np.testing.assert_allclose(ds["freshwater"], [700, 350])
    np.testing.assert_allclose(ds["projects_freshwater"], [50, 50])
    np.testing.assert_allclose(ds["invested"], [0.001, 0])
    # The objective is the weighted sum of the years' (weights 1 at r = 0).
    assert float((ds["objective_year"] * ds["objective_weight"]).sum()) == pytest.approx(16675)
    assert ds.attrs["relaxation_bound"] == pytest.approx(19412.5)


@pytest.mark.parametrize("backend", ["highs", "pulp"])
def test_jobs_and_mix_objectives(tmp_path: Path, backend: str) -> None:
    path = _pathway(tmp_path)
    jobs = schedule(path, REGISTER, objective="jobs", backend=backend, **HAND)
    assert jobs.attrs["objective"] == pytest.approx(100)
    assert jobs.attrs["objective_unit"] == "job"
    comp = _completion(jobs)
    assert comp["p1"] == 1404 and np.isnan(comp["p2"]) and np.isnan(comp["p3"])
    np.testing.assert_allclose(jobs["projects_jobs"], [50, 50])
    assert jobs.attrs["relaxation_bound"] == pytest.approx(113.75)
    mix = schedule(path, REGISTER, objective="mix", job_value=10.0, backend=backend, **HAND)
    assert mix.attrs["objective"] == pytest.approx(17045)
    comp = _completion(mix)
    assert comp["p1"] == 1404 and np.isnan(comp["p3"])
    # Below 7.875 USD per job value added still prefers p3.
    low = schedule(path, REGISTER, objective="mix", job_value=7.0, backend=backend, **HAND)
    assert low.attrs["objective"] == pytest.approx(16675 + 7 * 20)
    assert _completion(low)["p3"] == 1404
    with pytest.raises(InputError, match="objective must be one of"):
        schedule(path, REGISTER, objective="water", **HAND)


@pytest.mark.parametrize("backend", ["highs", "pulp"])
def test_why_not(tmp_path: Path, backend: str) -> None:
    ds = schedule(_pathway(tmp_path), REGISTER, backend=backend, **HAND)
    reason = dict(zip(ds["project"].values, ds["reason"].values, strict=True))
    assert reason == {"p1": "not_marginal", "p2": "caps", "p3": "completed"}
    np.testing.assert_allclose(ds["net_value_by_year"].sel(project="p2"), [-5700, -2850], rtol=1e-6)
    p2 = ds.sel(project="p2")
    assert int(p2["best_year"]) == 1405
    assert float(p2["gain"]) == pytest.approx(900)
    assert float(p2["scarcity_charge"]) == pytest.approx(3750)
    assert str(p2["cap"].values) == "source-cap[river, year] in 1405"
    assert "+300 m3" in str(p2["caps_to_admit"].values)
    p1 = ds.sel(project="p1")
    assert int(p1["best_year"]) == 1404
    assert float(p1["net_value"]) == pytest.approx(2920)
    assert "91% of source-cap[river, year] in 1405 (320 m3)" in str(p1["why_not"].values)
    # The completed project's net at its year: 2 x (2,500 - 100) - 2 x 50 x 12.5 = 3,550.
    assert float(ds["net_value"].sel(project="p3")) == pytest.approx(3550)


@pytest.mark.parametrize("backend", ["highs", "pulp"])
def test_producing_form_is_the_same_program(tmp_path: Path, backend: str) -> None:
    # x = T v: the same optimum (16,675: p3 in 1404), relaxation (19,412.5) and why not;
    # with the relaxation MIP start (HiGHS; CBC ignores it).
    ds = schedule(
        _pathway(tmp_path), REGISTER, backend=backend, form="producing", start=True, **HAND
    )
    assert ds.attrs["objective"] == pytest.approx(16675)
    assert ds.attrs["relaxation_bound"] == pytest.approx(19412.5)
    assert ds["complete"].sel(project="p3").values.tolist() == [1, 0]
    assert str(ds["reason"].sel(project="p2").values) == "caps"


def test_without_tightening_both_in_the_first_year(tmp_path: Path) -> None:
    ds = schedule(_pathway(tmp_path, factor=1.0), REGISTER, **HAND)
    assert ds.attrs["objective"] == pytest.approx(23970)
    comp = _completion(ds)
    assert comp["p1"] == comp["p3"] == 1404
    assert np.isnan(comp["p2"])


def test_expected_completion_year_flips_the_choice(tmp_path: Path) -> None:
    ds = schedule(_pathway(tmp_path), _register(tmp_path, p3=1405), **HAND)
    assert ds.attrs["objective"] == pytest.approx(16045)
    comp = _completion(ds)
    assert comp["p1"] == 1404
    assert np.isnan(comp["p3"])
    # Not before its expected year: no completion column for p3 in 1404 at all.
    assert ds["complete"].sel(project="p3", year=1404).item() == 0


def test_year_budget_delays_a_project(tmp_path: Path) -> None:
    path = _pathway(tmp_path, factor=1.0)
    ds = schedule(path, REGISTER, year_budget={1404: 0.002, 1405: 0.003}, **HAND)
    assert ds.attrs["objective"] == pytest.approx(22510)
    comp = _completion(ds)
    assert comp["p3"] == 1404 and comp["p1"] == 1405
    np.testing.assert_allclose(ds["invested"], [0.001, 0.003])
    # A total budget of 0.003 MUSD: p3 alone (3,550) beats p1 alone (2,920).
    total = schedule(path, REGISTER, budget=0.003, **HAND)
    assert total.attrs["objective"] == pytest.approx(17500 + 3550)
    with pytest.raises(InputError, match="not a representative year"):
        schedule(path, REGISTER, year_budget={1406: 1.0}, **HAND)


def test_precedence_not_before(tmp_path: Path) -> None:
    # p3 requires p1, which cannot be ready before 1405: p3 waits for it (river 700 m3).
    frame = pd.read_csv(REGISTER, dtype=str, keep_default_na=False)
    frame["requires"] = ["", "", "p1"]
    frame.loc[frame["id"] == "p1", "completion_year"] = "1405"
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False)
    ds = schedule(_pathway(tmp_path, factor=1.0), path, **HAND)
    comp = _completion(ds)
    assert comp["p1"] == comp["p3"] == 1405
    assert ds.attrs["objective"] == pytest.approx(17500 + 1460 + 1775)


@pytest.mark.parametrize("backend", ["highs", "pulp"])
def test_one_year_equals_the_single_year_selection(tmp_path: Path, backend: str) -> None:
    three = DATA / "three_projects.csv"
    path = _pathway(tmp_path, years="[1404]")
    ds = schedule(path, three, budget=0.0025, backend=backend, **HAND)
    single = select_portfolio(
        rm.examples.path("permit_choice"),
        three,
        budget=0.0025,
        discount_rate=0.0,
        backend=backend,
        **HAND,
    )
    assert ds.attrs["objective"] == pytest.approx(single.objective)
    assert ds.attrs["relaxation_bound"] == pytest.approx(single.relaxation_bound)
    chosen = [str(p) for p in ds["project"].values[np.isfinite(ds["completion"].values)]]
    assert chosen == single.selected == ["p3"]


def _isfahan(tmp_path: Path, years: str, n: int, seed: int) -> tuple[Path, object]:
    path = tmp_path / "isfahan-pw.toml"
    path.write_text(
        f'name = "pw"\ndata = "isfahan"\n[pathway]\nyears = {years}\ndiscount_rate = 0.08\n'
        '[[trajectory]]\nparameter = "source_cap"\nwhere = { source = "river_zayandeh" }\n'
        "path = { 1404 = 1.0, 1414 = 0.75 }\n"
    )
    inputs, _, _ = rm.pipeline.load(path)
    frame = synthetic_register(n, seed=seed)
    return path, register_from_frame(frame, inputs, file="synthetic")


@pytest.mark.slow
def test_one_year_equals_selection_on_isfahan(tmp_path: Path) -> None:
    path, reg = _isfahan(tmp_path, "[1404]", 150, 5)
    gap = 1e-6
    ds = schedule(path, reg, budget=40.0, discount_rate=0.08, mip_rel_gap=gap)
    # The single year knows no "when": only projects expected by 1404 may be completed.
    rules = Rules(budget=40.0, complete_by=1404)
    single = select_portfolio(path, reg, rules=rules, discount_rate=0.08, mip_rel_gap=gap)
    assert ds.attrs["objective"] == pytest.approx(single.objective, rel=2 * gap)
    assert ds.attrs["relaxation_bound"] == pytest.approx(single.relaxation_bound, rel=1e-9)


@pytest.mark.slow
def test_highs_and_cbc_agree_on_a_small_isfahan_schedule(tmp_path: Path) -> None:
    path, reg = _isfahan(tmp_path, "[1404, 1409, 1414]", 40, 11)
    gap = 1e-5
    rules = Rules(budget=30.0, county_quota={"kashan": 2})
    h = schedule(path, reg, rules=rules, year_budget=15.0, mip_rel_gap=gap)
    c = schedule(path, reg, rules=rules, year_budget=15.0, mip_rel_gap=gap, backend="pulp")
    assert h.attrs["objective"] == pytest.approx(c.attrs["objective"], rel=2 * gap)
    assert h.attrs["relaxation_bound"] >= h.attrs["objective"] * (1 - 1e-9)
    for ds in (h, c):
        assert float(ds["invested"].sum()) <= 30.0 + 1e-9
        assert (ds["invested"].values <= 15.0 + 1e-9).all()
        assert int(ds["complete"].sum()) == int(np.isfinite(ds["completion"].values).sum())
        assert (ds["complete"].sum("year") <= 1).all()
        # No build candidates: the discounted objective is the weighted sum of the years'.
        weighted = float((ds["objective_year"] * ds["objective_weight"]).sum())
        assert weighted == pytest.approx(ds.attrs["objective"], rel=1e-9)
    assert len(set(h["completion"].values[np.isfinite(h["completion"].values)])) > 1


def test_freshwater_cap_every_year(tmp_path: Path) -> None:
    # River 700 m3 both years, at most 600 m3 drawn a year (A and the projects): A's water
    # is still worth 12.5 USD/m3, on 600 m3 a year: 2 x 7,500 + 2 x (1,460 + 1,775).
    ds = schedule(_pathway(tmp_path, factor=1.0), REGISTER, rules=Rules(freshwater_cap=600), **HAND)
    assert ds.attrs["objective"] == pytest.approx(21470)
    np.testing.assert_allclose(ds["freshwater"], [600, 600])
    with pytest.raises(InputError, match="partial"):
        schedule(_pathway(tmp_path), REGISTER, rules=Rules(partial=True), **HAND)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from resourcemodel.cli import main

    out = tmp_path / "when.csv"
    path = _pathway(tmp_path, factor=1.0)
    argv = ["portfolio", str(path), str(REGISTER), "--pathway", "--of", "water"]
    argv += ["--lifetime", "10", "--year-budget", "1404=0.002", "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "2 of 3 projects completed" in text
    assert "objective 22,510 USD" in text
    assert "p1 Dry mill: 1405" in text
    table = pd.read_csv(out).set_index("project")
    assert table.loc["p3", "completion"] == 1404 and np.isnan(table.loc["p2", "completion"])
    assert table.loc["p2", "reason"] == "caps" and "Never completed" in text
    # Jobs (see the module doc): p2 and p3 in 1404 (0.002 MUSD), p1 in 1405: 130 job-years.
    assert main([*argv[:-2], "--objective", "jobs"]) == 0
    text = capsys.readouterr().out
    assert "3 of 3 projects completed" in text and "objective 130 job (jobs" in text
    assert main([*argv[:-2], "--partial"]) == 2
    assert "drop --partial" in capsys.readouterr().err
    assert main(["portfolio", str(path), str(REGISTER), "--of", "water"]) == 0
    assert "add --pathway" in capsys.readouterr().err
