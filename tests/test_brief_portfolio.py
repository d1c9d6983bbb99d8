"""The brief's portfolio section on the hand-derived 3-project example.

See ``tests/test_portfolio.py`` for the derivation: with no rules p1 and p3 are completed
(contributions 1,300 and 1,775 USD a year, 200 and 50 m3 of river water, 50 and 10 jobs,
0.002 and 0.001 MUSD to invest), p2 is left out because the river's 12.5 USD/m3 x 300 m3 =
3,750 USD exceeds its gain (net -2,850 USD). Under a budget of 0.0025 MUSD only p3 is
completed and p1 (net 1,300) is left out by the budget. The front with 5 caps on the river
water drawn: 0, 175, 350, 525, 700 m3 give 0, 3,962.5, 7,450, ..., 11,825 USD.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.brief import BriefError, i18n
from resourcemodel.brief import portfolio as section
from resourcemodel.brief.document import Block, Document, build
from resourcemodel.portfolio import Portfolio, front, select_portfolio

CASE = rm.examples.path("permit_choice")
REGISTER = Path(__file__).parent / "data" / "portfolio" / "three_projects.csv"
HAND = {"discount_rate": 0.0, "lifetime": 10.0, "of": "water"}


@pytest.fixture(scope="module")
def chosen() -> Portfolio:
    return select_portfolio(CASE, REGISTER, **HAND)


@pytest.fixture(scope="module")
def tradeoff() -> xr.Dataset:
    return front(CASE, REGISTER, points=5, **HAND)


def _section(doc: Document, lang: str) -> list[Block]:
    """The section's blocks: its heading block and the chart/note blocks after it."""
    heads = [i for i, b in enumerate(doc.blocks) if b.heading == i18n.text("pf_heading", lang)]
    assert len(heads) == 1
    start = heads[0]
    end = next(
        (i for i in range(start + 1, len(doc.blocks)) if doc.blocks[i].heading),
        len(doc.blocks),
    )
    return doc.blocks[start:end]


def test_selected_list_by_contribution_in_planner_units(chosen: Portfolio) -> None:
    table, more = section.table(chosen.projects, "en")
    assert more == 0
    # p3 (1,775 USD) before p1 (1,300 USD); contributions in MUSD a year.
    assert [r[0] for r in table.rows] == ["p3 Small frugal mill", "p1 Dry mill"]
    # Three significant digits: 1,775 USD (from the duals, 1,774.99...) reads 0.00177/8.
    assert [float(r[3]) for r in table.rows] == pytest.approx([1775e-6, 1300e-6], rel=3e-3)
    assert [r[4] for r in table.rows] == ["50", "200"]  # m3 (the total 250 m3 is small)
    assert [r[5] for r in table.rows] == ["10", "50"]
    assert [r[6] for r in table.rows] == ["0.001", "0.002"]
    assert table.columns[4] == "Freshwater, m3/yr"
    short, more = section.table(chosen.projects, "en", most=1)
    assert [r[0] for r in short.rows] == ["p3 Small frugal mill"] and more == 1


def test_summary_and_the_project_left_out(chosen: Portfolio) -> None:
    assert section.summary(chosen.projects, "en") == (
        "2 of 3 projects completed: 0.003 MUSD of remaining investment, 250 m3 of "
        "freshwater a year, 60 jobs."
    )
    assert section.marginal(chosen.projects, "en") == (
        "The project left out closest to admission is p2 (net −0.00285 MUSD): the caps "
        "it draws on are worth more than it adds."
    )
    budget = select_portfolio(CASE, REGISTER, budget=0.0025, **HAND)
    assert section.marginal(budget.projects, "en") == (
        "The project left out closest to admission is p1 (net 0.0013 MUSD): the budget is spent."
    )


def test_section_front_and_no_map_without_coordinates(
    chosen: Portfolio, tradeoff: xr.Dataset
) -> None:
    doc = build([chosen.results], "en", "png", None, (chosen.projects, tradeoff))
    blocks = _section(doc, "en")
    head = blocks[0]
    assert head.table is not None and len(head.table.rows) == 2
    assert "SYNTHETIC" not in head.heading
    chart = blocks[1].chart
    assert chart is not None and chart.name == "portfolio-front"
    assert "(5 caps)" in blocks[1].note
    # No coordinates in the register: a stated note instead of a map.
    assert blocks[2].chart is None
    assert blocks[2].paragraphs == [i18n.text("pf_no_map", "en")]


def test_front_figure_draws_the_hand_front(tradeoff: xr.Dataset) -> None:
    import matplotlib.pyplot as plt

    fig = section.front_figure(tradeoff, "en")
    line = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), [0, 175, 350, 525, 700])
    y = np.asarray(line.get_ydata())
    np.testing.assert_allclose(y[[0, 1, 2, 4]], [0, 3962.5e-6, 7450e-6, 11825e-6], atol=1e-9)
    plt.close(fig)


def test_map_of_the_completed_projects_with_coordinates(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    frame = pd.read_csv(REGISTER, dtype=str, keep_default_na=False)
    frame["lat"] = ["32.65", "32.7", ""]  # p1 and p2 located; p3 (completed) not
    frame["lon"] = ["51.67", "51.7", ""]
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False)
    p = select_portfolio(CASE, path, **HAND)
    assert list(section.located(p.projects)) == [True, False, False]  # p2 is not completed
    assert section.map_note(p.projects, "en") == (
        "1 completed projects are on the map. 1 have no coordinates in the register and are "
        "not shown."
    )
    fig = section.map_figure(p.projects, "en")
    dots = [c for c in fig.axes[0].collections if c.get_offsets().shape == (1, 2)]
    assert dots
    plt.close(fig)
    doc = build([p.results], "en", "png", None, (p.projects, None))
    blocks = _section(doc, "en")
    assert [b.chart.name for b in blocks if b.chart is not None] == ["portfolio-map"]


def test_synthetic_register_is_labelled_in_the_title(chosen: Portfolio) -> None:
    assert chosen.projects.attrs["synthetic"] == 0
    fake = chosen.projects.copy()
    fake.attrs["synthetic"] = 1
    assert "SYNTHETIC register" in section.heading(fake, "en")
    assert section.heading(chosen.projects, "en") == i18n.text("pf_heading", "en")
    fa = section.heading(fake, "fa")
    assert "ساختگی" in fa and not re.search("[A-Za-z]", fa)


def test_persian_section_has_no_latin_word_but_data(
    chosen: Portfolio, tradeoff: xr.Dataset
) -> None:
    doc = build([chosen.results], "fa", "png", None, (chosen.projects, tradeoff))
    parts: list[str] = []
    for b in _section(doc, "fa"):
        parts += [b.heading, b.note, *b.paragraphs]
        if b.table is not None:
            parts += [*b.table.columns, *[c for r in b.table.rows for c in r]]
        if b.chart is not None:
            parts += b.chart.texts
    d = chosen.projects
    data = {
        str(v) for name in ("project", "project_name", "sector", "county") for v in d[name].values
    }
    words = set()
    for v in data:
        words |= set(re.findall(r"[A-Za-z]\w*", v))
    latin = {w for p in parts for w in re.findall(r"[A-Za-z0-9]\w*", p)}
    assert latin <= words, latin - words


def test_brief_keyword_and_errors(chosen: Portfolio, tradeoff: xr.Dataset) -> None:
    html = rm.brief(chosen.results, portfolio=chosen, portfolio_front=tradeoff)
    assert isinstance(html, str)
    assert "Half-finished projects: which to complete under the caps" in html
    assert "p3 Small frugal mill" in html
    # The projects Dataset alone does as well.
    assert "p1 Dry mill" in str(rm.brief(chosen.results, portfolio=chosen.projects))
    with pytest.raises(BriefError, match="select_portfolio"):
        rm.brief(chosen.results, portfolio=chosen.results)
    with pytest.raises(BriefError, match="needs portfolio="):
        rm.brief(chosen.results, portfolio_front=tradeoff)
    with pytest.raises(BriefError, match=r"portfolio\.front"):
        rm.brief(chosen.results, portfolio=chosen, portfolio_front=chosen.projects)


def test_cli_writes_a_brief_with_the_section_and_the_front(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from resourcemodel.cli import main

    out = tmp_path / "brief.html"
    argv = ["portfolio", str(CASE), str(REGISTER), "--of", "water", "--discount-rate", "0"]
    argv += ["--lifetime", "10", "--brief", str(out), "--front", "5"]
    assert main(argv) == 0
    assert f"wrote {out}" in capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    assert "Half-finished projects: which to complete under the caps" in html
    # p2 is not completed: not listed (the left-out sentence names it by id).
    assert "p3 Small frugal mill" in html and "Thirsty mill" not in html
    assert "left out closest to admission is p2" in html
    assert "(5 caps)" in html


def test_county_names_from_the_shipped_layer() -> None:
    assert section.county_name("aran_and_bidgol", "en") == "Aran and Bidgol"
    assert section.county_name("aran_bidgol", "fa") == "آران و بیدگل"  # short form
    assert section.county_name("shahin_shahr", "en").startswith("Shahin Shahr")
    assert section.county_name("north", "en") == "north"  # not a county of the layer: its id


def test_every_reason_a_selection_gives_is_worded() -> None:
    import inspect

    from resourcemodel.portfolio import select

    reasons = set(re.findall(r'reason\[i\] = "(\w+)"', inspect.getsource(select)))
    assert {"caps", "budget", "no_margin"} <= reasons
    missing = {r for r in reasons - {"selected"} if f"pf_reason_{r}" not in i18n.STRINGS}
    assert not missing


def test_sector_names_and_persian_project_names(tmp_path: Path) -> None:
    frame = pd.read_csv(REGISTER, dtype=str, keep_default_na=False)
    frame["name_fa"] = ["آسیاب خشک", "", "آسیاب کوچک کم‌آب"]
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False)
    p = select_portfolio(CASE, path, **HAND)
    en, _ = section.table(p.projects, "en")
    fa, _ = section.table(p.projects, "fa")
    assert [r[0] for r in en.rows] == ["p3 Small frugal mill", "p1 Dry mill"]
    assert [r[0] for r in fa.rows] == ["p3 آسیاب کوچک کم‌آب", "p1 آسیاب خشک"]
    assert [r[1] for r in en.rows] == ["Steel", "Steel"]
    assert [r[1] for r in fa.rows] == ["فولاد", "فولاد"]
    assert section.sector_name("not_a_sector", "fa") == "not_a_sector"  # no name: its id
    # Without a Persian name the Persian table falls back to the register's name.
    frame["name_fa"] = ""
    frame.to_csv(path, index=False)
    plain = select_portfolio(CASE, path, **HAND)
    assert section.table(plain.projects, "fa")[0].rows[0][0] == "p3 Small frugal mill"
    # name_fa must be in Persian script.
    frame["name_fa"] = ["Dry mill", "", ""]
    frame.to_csv(path, index=False)
    with pytest.raises(rm.exceptions.ValidationError, match=r"line 2, column 'name_fa'"):
        select_portfolio(CASE, path, **HAND)
