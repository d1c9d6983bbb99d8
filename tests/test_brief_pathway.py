"""The brief's pathway section on the two-year hand example (and the Isfahan pathway).

Hand example (``examples_data/pathways/two_years.toml`` and its README): the mill draws
all the river gives, 900 m3 in 1404 and 810 m3 in 1405 (-10%); recycling is built in
1404 (0.95 of the measure), in service from 1405 and charged 95 USD/yr; the objective is
500 + 95 / 1.1 = 586.36 USD discounted, 500 + 95 = 595 USD undiscounted; value added is
0 in 1404 (no sales, no costs but the unmet penalty, which is not a cost of value added)
and -95 USD in 1405 (the capital charge).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.brief import BriefError, i18n
from resourcemodel.brief import pathway as section
from resourcemodel.brief.document import build
from resourcemodel.cli import main
from resourcemodel.pathway import run_pathway
from resourcemodel.pathway.plots import BUILD_TOL, build_plan, capacity_plan

ROOT = Path(__file__).resolve().parents[1]
TWO_YEARS = ROOT / "src/resourcemodel/examples_data/pathways/two_years.toml"
ISFAHAN = ROOT / "scenarios/pathway-1404-1424.toml"
PERSIAN = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def res() -> xr.Dataset:
    return run_pathway(TWO_YEARS)


def _plain(cell: str) -> float:
    """A table cell as a number (ASCII digits, no separators or %)."""
    return float(cell.replace(",", "").rstrip("%"))


def test_headline_is_the_hand_derivation(res: xr.Dataset) -> None:
    lines = section.headline(res, "en")
    assert lines[0] == "Water drawn in 1405: 810 m3, against 900 m3 in 1404 (−10%)."
    # 586.3636 USD discounted, 595 USD undiscounted, at 10% a year.
    assert "discounted to 1404 at 10% a year: 586 USD (595 USD undiscounted)" in lines[1]
    assert "Value added in 1405: −95 USD a year against 0 USD in 1404" in lines[2]
    assert "Builds decided: 1 (plants: 1), the first in 1404" in lines[3]
    assert "peak at 95 USD in 1405" in lines[3]


def test_plan_table_is_the_results(res: xr.Dataset) -> None:
    """One row: recycling at the mill, decided 1404, in service 1405 (lead time 1 year),
    95% built, whole capital cost 0.95 x 614.46 = 583.73 USD (no capital_cost in the file:
    the present value of 100 USD/yr over 10 years at 10%, 100 x (1 - 1.1^-10) / 0.1),
    charged 95 USD/yr = 9.5e-5 MUSD/yr; the numbers are the results'."""
    table, more = section.plan_table(res, "en")
    assert more == 0
    assert table.rows == [
        ["Cooling-water recycling", "Mill", "1404", "1405", "95%", "0.000584", "0.000095"]
    ]
    built = float(res["build"].sel(plant="mill", measure="recycling", year=1404))
    charge = float(res["capital_charge"].sel(plant="mill", measure="recycling").max())
    assert _plain(table.rows[0][4]) / 100 == pytest.approx(built, rel=1e-3)
    assert _plain(table.rows[0][5]) == pytest.approx(0.95 * 614.4567 * 1e-6, rel=1e-3)
    assert _plain(table.rows[0][6]) == pytest.approx(charge * 1e-6, rel=1e-3)
    assert float(res["capital_charge"].sel(plant="mill", measure="recycling", year=1404)) == 0.0


def test_persian_section_and_charts_are_persian(res: xr.Dataset) -> None:
    doc = build([], "fa", "png", pathway=res)
    heads = [b.heading for b in doc.blocks]
    assert i18n.text("pw_heading", "fa", start="۱۴۰۴", end="۱۴۰۵") in heads
    block = next(b for b in doc.blocks if b.table is not None and b.heading.startswith("مسیر"))
    row = block.table.rows[0]
    assert row[2:5] == ["۱۴۰۴", "۱۴۰۵", "۹۵٪"]
    assert all(PERSIAN.search(c) for c in block.table.columns)
    charts = doc.charts()
    assert [c.name for c in charts] == ["pathway-water", "pathway-builds", "pathway-output"]
    for chart, title in zip(
        charts, ["pw_water_title", "pw_timeline_title", "pw_output_title"], strict=True
    ):
        assert i18n.text(title, "fa") in chart.texts
        # Axis labels Persian too, ticks in Persian digits; no English label left but the
        # ids of the example's plant, measure and source (the example has no Persian names).
        latin = [re.sub(r"\b(mill|recycling|river)\b", "", t) for t in chart.texts]
        assert not any(re.search("[A-Za-z]{3,}", t) for t in latin), chart.texts
    assert "۱۴۰۵" in charts[0].texts
    # The timeline's label: the plant's measure and its charge, 95 USD = 0.000095 MUSD a year.
    assert "mill · recycling (۰٫۰۰۰۰۹۵ میلیون دلار بر سال)" in charts[1].texts
    assert all(PERSIAN.search(line) for line in section.headline(res, "fa"))


def test_brief_with_results_adds_the_section(res: xr.Dataset) -> None:
    single = rm.run(rm.examples.path("measure_payoff"))
    html = rm.brief(single, pathway=res)
    assert isinstance(html, str)
    assert "Policy brief" in html
    assert "The pathway 1404-1405: what to build, where and when" in html
    assert "Cooling-water recycling" in html
    alone = rm.brief(pathway=res)
    assert isinstance(alone, str)
    # The title is the file's, from run_pathway's own run card (not the CLI's).
    assert "Pathway brief: Two years, one build with a lead time" in alone
    persian = rm.brief(pathway=res, lang="fa")
    assert isinstance(persian, str)
    assert "دو سال، یک سرمایه‌گذاری با زمان ساخت" in persian


def test_brief_files_in_every_format(res: xr.Dataset, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    pdf = rm.brief(pathway=res, lang="fa", format="pdf", out=tmp_path / "pw.pdf")
    assert Path(pdf).read_bytes()[:4] == b"%PDF"
    md = Path(rm.brief(pathway=res, format="md", out=tmp_path / "pw.md"))
    row = "| Cooling-water recycling | Mill | 1404 | 1405 | 95% | 0.000584 | 0.000095 |"
    assert row in md.read_text()
    assert len(list((tmp_path / "pw_charts").glob("*pathway*.png"))) == 3


def test_pathway_must_be_pathway_results(res: xr.Dataset) -> None:
    single = rm.run(rm.examples.path("measure_payoff"))
    with pytest.raises(BriefError, match="pathway= takes the results of"):
        rm.brief(pathway=single)
    with pytest.raises(BriefError, match="no such pathway results file"):
        rm.brief(pathway="nowhere.nc")


def test_cli_writes_the_brief(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pw.html"
    assert main(["pathway", str(TWO_YEARS), "--brief", str(out)]) == 0
    html = out.read_text()
    # The scenario's title comes from the file.
    assert "Pathway brief: Two years, one build with a lead time" in html
    assert f"wrote {out}" in capsys.readouterr().out


def test_isfahan_plan_is_the_results() -> None:
    """Every row of the Isfahan plan is a build of the results, with its share and charge."""
    ds = run_pathway(ISFAHAN)
    table, more = section.plan_table(ds, "en", most=10**6)
    plan = build_plan(ds, lang="en")
    capacity = capacity_plan(ds, lang="en")  # source capacity first, then measures
    assert more == 0 and len(table.rows) == len(capacity) + len(plan) and len(plan) > 0
    for row, cap in zip(table.rows, capacity.itertuples(), strict=False):
        assert row[0] == f"More capacity at {cap.source}"
        assert row[2:4] == [str(cap.decided), str(cap.in_service)]
        assert _plain(row[5]) == pytest.approx(cap.capital_musd, rel=5e-3)
        assert _plain(row[6]) == pytest.approx(cap.charge_musd_per_year, rel=5e-3)
    for row, ref in zip(table.rows[len(capacity) :], plan.itertuples(), strict=True):
        assert row[:4] == [ref.measure, ref.plant, str(ref.decided), str(ref.in_service)]
        assert _plain(row[4]) / 100 == pytest.approx(ref.built_share, rel=5e-3)
        assert _plain(row[5]) == pytest.approx(ref.capital_musd, rel=5e-3)
        assert _plain(row[6]) == pytest.approx(ref.charge_musd_per_year, rel=5e-3)
    # In service from the data: decided + the candidate's lead time (not a representative
    # year when the lead time is shorter than the gap: 1404 + 3 = 1407).
    built = ds["build"].to_series().dropna()
    lead = ds["candidate_lead_time"]
    expected = sorted(
        (int(y), int(y + lead.sel(candidate=f"{p}/{m}")), round(v, 6))
        for (p, m, y), v in built[built > BUILD_TOL].items()
    )
    got = sorted(
        zip(plan["decided"], plan["in_service"], plan["built_share"].round(6), strict=True)
    )
    assert got == expected
    assert any(y not in ds["year"].values for _, y, _ in got)
    kept, left = section.plan_table(ds, "en")
    assert len(kept.rows) == min(section.MAX_BUILDS, len(capacity) + len(plan))
    assert left == len(capacity) + len(plan) - len(kept.rows)
    # The headline's freshwater is the freshwater group's draw (river + groundwater).
    kind, drawn, unit = section.freshwater(ds)
    members = ds["group_member"].isel(year=0).sel(group="freshwater").values.astype(bool)
    expected = (
        ds["supply"]
        .fillna(0)
        .isel(source=np.flatnonzero(members))
        .sum(["plant", "source", "period"])
    )
    assert kind == "freshwater" and unit == "m3"
    np.testing.assert_allclose(drawn, expected.values, rtol=1e-12)


def test_source_capacity_is_a_row_of_the_plan(tmp_path: Path) -> None:
    """The river enlarged by 200 m3/yr (capital 400 USD, 10 years, r = 10%, one year to
    build; tests/test_pathway.py): 0.95 of it, 190 m3/yr, is decided in 1404 and in service
    in 1405, costs 0.95 x 400 = 380 USD of capital, charged 0.95 x 65.10 = 61.85 USD/yr."""
    from resourcemodel.pathway import annuity

    text = TWO_YEARS.read_text(encoding="utf-8")
    text = text[: text.index("[[candidate]]")] + (
        '[[candidate]]\nsource = "river"\ncapacity = 200\nunit = "m3"\nlifetime = 10\n'
        "lead_time = 1\ncapital_cost = 400\n"
    )
    path = tmp_path / "two_years_capacity.toml"
    path.write_text(text, encoding="utf-8")
    res = run_pathway(path)
    table, more = section.plan_table(res, "en")
    assert more == 0
    charge = 0.95 * annuity(400, 0.1, 10)
    assert table.rows == [
        [
            "More capacity at River",
            "–",
            "1404",
            "1405",
            "190 m3/yr",
            i18n.number(380 * 1e-6, "en"),
            i18n.number(charge * 1e-6, "en"),
        ]
    ]
    assert "Builds decided: 1 (plants: 0)" in section.headline(res, "en")[3]


def test_section_follows_the_years_numbers(res: xr.Dataset) -> None:
    """Beside a scenario's results the section starts a page after its measures and
    before the caveats."""
    single = rm.run(rm.examples.path("measure_payoff"))
    doc = build([single], "en", "png", pathway=res)
    heads = [b.heading for b in doc.blocks]
    at = heads.index("The pathway 1404-1405: what to build, where and when")
    assert doc.blocks[at].kind == "newpage"
    assert (
        heads.index(i18n.text("measures", "en"))
        < at
        < heads.index(i18n.text("caveats_title", "en"))
    )
