"""Briefs a director can decide from (issue 15): the Isfahan comparison of four scenarios.

Baseline, water-crisis-50, hard-year and summer-grid-40, as the director receives them: the
page-1 headline chart, water against the cap it limits, measures by cost with "N more",
changes folded to one line per change, four pages, Persian without a Latin word outside
codes and the run card, a DOCX with Vazirmatn embedded and repeating table headers, and
``report.comparison`` that ranks caps within a resource only.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel import report
from resourcemodel.brief import brief, content, drawings, i18n
from resourcemodel.brief.charts import make_charts
from resourcemodel.brief.document import build

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["baseline", "water-crisis-50", "hard-year", "summer-grid-40"]
HAVE = all((ROOT / "scenarios" / f"{n}.toml").is_file() for n in NAMES)

pytestmark = pytest.mark.skipif(not HAVE, reason="Isfahan scenarios not present")
needs_pdf = pytest.mark.system("pango", "pdftotext", "pdfinfo")
#: Codes a Persian brief may show in Latin script: scenario file names (where a change is set).
CODE = re.compile(r"^[\w.-]+\.toml$")
# source_groups.csv: the freshwater group, the river and the three groundwater plains.
FRESH = [
    "river_zayandeh",
    "groundwater_lenjanat",
    "groundwater_isfahan_borkhar",
    "groundwater_other_plains",
]


@pytest.fixture(scope="module")
def four() -> list[xr.Dataset]:
    return [rm.run(ROOT / "scenarios" / f"{n}.toml") for n in NAMES]


def _drawn(res: xr.Dataset, sources: list[str]) -> np.ndarray:
    return res["supply"].fillna(0).sum("plant").sel(source=sources).sum("source").values


# --- page 1 ------------------------------------------------------------------------------


def test_headline_chart_gives_value_added_sales_lost_water_and_energy(
    four: list[xr.Dataset],
) -> None:
    panels = {p.title: p for p in drawings.headline_panels(four, "en")}
    totals = [content.attr_json(r, "cost_totals_usd", {}) for r in four]
    assert panels["Value added"].values == [t["value_added"] for t in totals]
    assert panels["Sales lost to unmet demand"].values == [t["unmet_penalty"] for t in totals]
    water = [
        s for s in four[0].source.values if four[0]["source_resource"].sel(source=s) == "water"
    ]
    assert panels["Water drawn"].values == pytest.approx(
        [float(r["supply"].sel(source=water).sum()) for r in four]
    )
    grid = ["grid_electricity", "grid_parks"]
    assert panels["Electricity drawn"].values == pytest.approx(
        [float(r["supply"].sel(source=grid).sum()) for r in four]
    )
    # The drought loses value added and sells less: the chart says so without a table.
    added = panels["Value added"].values
    lost = panels["Sales lost to unmet demand"].values
    assert added[1] < added[0] and lost[1] > lost[0] == 0
    doc = build(four, "en", "png")
    assert doc.blocks[0].kind == "messages"
    assert doc.blocks[1].chart is not None and doc.blocks[1].chart.name == "headline"
    assert len(doc.blocks[0].bullets) == len(four)  # 3-5 key messages: one per scenario


# --- charts compare like with like -------------------------------------------------------


def test_water_chart_puts_the_cap_against_what_it_limits(four: list[xr.Dataset]) -> None:
    # source_groups.csv: freshwater = river_zayandeh + the three groundwater plains; read
    # back from results.
    assert drawings.group_members(four, "freshwater") == FRESH
    fig = drawings.water(four, "water", "en")
    left, right = fig.axes[:2]
    lines = left.get_lines()
    unit, factor = report.planner_unit("m3", 2e7)
    assert unit == "Mm3"
    for i, res in enumerate(four):
        capped = _drawn(res, FRESH)
        drawn, cap = lines[2 * i].get_ydata(), lines[2 * i + 1].get_ydata()
        assert drawn == pytest.approx(capped * factor)
        assert cap == pytest.approx(res["group_cap_limit"].sel(group="freshwater").values * factor)
        # Within its cap in every month: the chart no longer shows a breach.
        assert np.all(drawn <= cap * (1 + 1e-9))
        other = _drawn(res, ["reclaimed_wastewater", "desal_transfer"])
        assert right.get_lines()[i].get_ydata() == pytest.approx(other * factor)
    # All water against that cap (the old chart) would cross it: the drought "77% over".
    drought = four[1]
    water = drought.source.values[drought["source_resource"].values == "water"]
    everything = _drawn(drought, [str(s) for s in water])
    assert np.any(everything > drought["group_cap_limit"].sel(group="freshwater").values)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_charts_name_things_for_people_in_both_languages(four: list[xr.Dataset]) -> None:
    for lang in ("en", "fa"):
        charts = make_charts(four, lang, "png")
        texts = [t for chart in charts for t in chart.texts]
        assert not {"freshwater", "baseline", "water-crisis-50"} & set(texts)
        names = {content.scenario_name(r, lang) for r in four}
        assert names <= set(texts)  # legends give the scenario titles
        if lang == "fa":
            latin = [t for t in texts if re.search("[A-Za-z0-9]", t)]
            assert latin == [], latin  # Persian digits on the axes too
            assert "تیر" in texts and "ژوئیه" not in texts  # Jalali months, Persian names


def test_measures_ranked_by_annual_cost_and_the_rest_counted(four: list[xr.Dataset]) -> None:
    keys, costs = drawings.measure_costs(four)
    largest = [max(row[k] for row in costs) for k in range(len(keys))]
    assert largest == sorted(largest, reverse=True)
    adopted = [float(r["cost_measures"].where(r["adoption"] > 1e-6).max()) for r in four]
    top = max(v for v in adopted if not np.isnan(v))
    assert largest[0] == pytest.approx(top)
    fig, more = drawings.measures(four, "en")
    shown = len(fig.axes[0].get_yticks())
    assert shown + more == len(keys) and more > 0
    assert f"(largest {shown} of {len(keys)})" in fig.axes[0].get_title()
    # Each bar says what its cost buys: the water the measure saves in that scenario.
    plant, measure = keys[0]
    holder = next(r for r, row in zip(four, costs, strict=True) if row[0] == largest[0])
    saved = float(holder["saving_amount"].sel(plant=plant, measure=measure).sum())
    notes = [t.get_text() for t in fig.axes[0].texts]
    assert f"saves {i18n.quantity(saved / 1e6, 'Mm3', 'en')}" in notes
    charts = {c.name: c for c in make_charts(four, "en", "png")}
    assert charts["measures"].caption.startswith(f"{more} more measures adopted")
    # The legend sits below the axes, never over the bars.
    legend = fig.legends[0]
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert box.y1 <= fig.axes[0].get_window_extent().y0
    import matplotlib.pyplot as plt

    plt.close(fig)


# --- short -------------------------------------------------------------------------------


def test_changes_fold_to_one_line_per_change(four: list[xr.Dataset]) -> None:
    base, drought, _, grid = four
    assert content.period_span(base, ["tir", "mordad"], "en") == "Tir–Mordad"
    assert content.period_span(base, ["tir", "mordad"], "fa") == "تیر تا مرداد"
    assert content.period_span(base, list(base.period.values), "en") == "every month"
    assert content.period_span(base, ["azar", "dey", "esfand"], "en") == "Azar–Dey, Esfand"
    table, _ = content.diff_table(drought, "en")
    rows = {(r[0], r[1]): r for r in table.rows}
    river = rows[("source cap", "Zayandeh Rud surface water allocated to industry, every month")]
    assert river[3].startswith("−50%") and river[5] == "water-crisis-50.toml, change 1"
    assert river[2] == "5.42 to 8.06"  # the twelve months' caps, million m3
    table, _ = content.diff_table(grid, "en")
    assert [r[:4] for r in table.rows] == [
        ["source cap", "Grid electricity to energy-intensive industry, Tir–Mordad", "905",
         "−60%\n362"]
    ]  # fmt: skip


@needs_pdf
def test_a_comparison_of_four_fits_in_four_pages(four: list[xr.Dataset], tmp_path: Path) -> None:
    for lang in ("en", "fa"):
        target = brief(four, lang=lang, format="pdf", out=tmp_path / f"b.{lang}.pdf")
        info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True)
        pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])  # type: ignore[index]
        assert 2 <= pages <= 4, (lang, pages)


# --- Persian complete --------------------------------------------------------------------


def _latin(parts: list[str]) -> set[str]:
    words = {w for p in parts for w in re.findall(r"[A-Za-z][\w.\-/]*", p)}
    return {w for w in words if not CODE.match(w)}


@needs_pdf
def test_persian_brief_has_no_latin_word_outside_codes_and_run_card(
    four: list[xr.Dataset], tmp_path: Path
) -> None:
    doc = build(four, "fa", "png")
    parts = [doc.title, doc.subtitle, doc.meta]
    for block in doc.blocks:
        if block.kind == "appendix":
            continue
        parts += [block.heading, block.note, *block.paragraphs, *block.bullets]
        if block.table is not None:
            table = block.table
            parts += [*table.columns, *table.sections.values(), table.footnote]
            parts += [cell for row in table.rows for cell in row]
        if block.chart is not None:
            parts += block.chart.texts
    assert _latin(parts) == set()
    # The same on the printed page, up to the run card.
    pdf = brief(four, lang="fa", format="pdf", out=tmp_path / "fa.pdf")
    printed = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    appendix = i18n.text("appendix_title", "fa").split(":")[0]
    assert appendix in printed
    assert _latin([printed.split(appendix)[0]]) == set()
    # The check can fail: an English description slipped in would be caught.
    assert _latin(["خشکسالی", "River water halved"]) == {"River", "water", "halved"}


def test_run_card_chain_reads_right_to_left_in_persian() -> None:
    chain = ["baseline", "year-1404", "hard-year"]
    assert content.chain(chain, "en") == "baseline → year-1404 → hard-year"
    fa = content.chain(chain, "fa")
    assert "→" not in fa and fa.count("←") == 2
    assert fa.startswith(i18n.LRI + "baseline" + i18n.PDI)  # parent first, at the right


def test_persian_docx_embeds_vazirmatn_and_repeats_table_headers(
    four: list[xr.Dataset], tmp_path: Path
) -> None:
    pytest.importorskip("docx", reason="python-docx (the docx extra) not installed")
    from resourcemodel.brief import docx_fonts
    from resourcemodel.brief.to_html import _package_file

    target = brief(four[:2], lang="fa", format="docx", out=tmp_path / "fa.docx")
    package = zipfile.ZipFile(target)
    table = package.read("word/fontTable.xml").decode()
    keys = re.findall(r'<w:embed(Regular|Bold) r:id="(\w+)" w:fontKey="(\{[0-9A-F-]+\})"', table)
    assert [k[0] for k in keys] == ["Regular", "Bold"]
    rels = package.read("word/_rels/fontTable.xml.rels").decode()
    for face, rid, key in keys:
        part = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels)[1]  # type: ignore[index]
        font = docx_fonts.obfuscate(package.read(f"word/{part}"), key)  # XOR is its own inverse
        name = "Vazirmatn-Bold.ttf" if face == "Bold" else "Vazirmatn-Regular.ttf"
        assert font == _package_file("fonts", name).read_bytes()
    assert "<w:embedTrueTypeFonts/>" in package.read("word/settings.xml").decode()
    assert "odttf" in package.read("[Content_Types].xml").decode()
    body = package.read("word/document.xml").decode()
    assert body.count("<w:tblHeader/>") == body.count("<w:tbl>") > 0
    runs = re.findall(r"<w:r>(.*?)</w:r>", body, flags=re.S)
    texts = [r for r in runs if "<w:t" in r]
    assert texts and all('w:cs="Vazirmatn"' in r and "<w:rtl/>" in r for r in texts)


# --- report.comparison ------------------------------------------------------------------


def test_comparison_ranks_caps_within_a_resource_and_sums_no_tonnes(
    four: list[xr.Dataset],
) -> None:
    table = report.comparison(four).set_index("scenario")
    assert not [c for c in table.columns if str(c).startswith("output (")]
    caps = table.loc["water-crisis-50", "most valuable cap per resource"]
    parts = caps.split("; ")
    # Water first, even though one more MWh of grid power is worth far more USD.
    assert parts[0].startswith("water: ") and parts[0].endswith("USD/m3")
    assert any(p.startswith("electricity: ") and p.endswith("USD/MWh") for p in parts)
    top = report.top_caps(four[1])
    assert list(top["resource"]) == list(dict.fromkeys(top["resource"]))  # one per resource
    water = report.binding_caps(four[1])
    water = water[water["price_unit"] == "USD/m3"]
    water = water[water["limit"] > 0]
    assert float(top.iloc[0]["shadow_price"]) == pytest.approx(float(water["shadow_price"].max()))
