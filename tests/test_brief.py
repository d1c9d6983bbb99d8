"""Policy briefs: every format, single and comparison, English and Persian.

Numbers are checked against values computed here from the results; the PDF's text is read
back with pdftotext (poppler-utils), the DOCX with python-docx. The PDF tests are skipped, with
the apt-get line, on a machine without Pango or poppler-utils (``system_packages.py``).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel import report, schema
from resourcemodel.backends import TerminationCondition
from resourcemodel.brief import BriefError, brief, i18n
from resourcemodel.brief.i18n import MissingTranslationError, number, text
from resourcemodel.cli import main
from resourcemodel.results import CAP_FAMILIES

ROOT = Path(__file__).parent.parent
SCENARIOS = Path(__file__).parent / "data" / "scenarios"
ISFAHAN = ROOT / "scenarios"
ISFAHAN_CHOICE = ["baseline.toml", "water-crisis-30-summer.toml", "summer-grid-10.toml"]
HAVE_ISFAHAN = all((ISFAHAN / name).is_file() for name in ISFAHAN_CHOICE)
BIDI = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\u0654\\s]")

#: Writing a PDF needs weasyprint's Pango; reading it back needs poppler-utils.
needs_pdf = pytest.mark.system("pango", "pdftotext", "pdfinfo")
needs_isfahan = pytest.mark.skipif(not HAVE_ISFAHAN, reason="Isfahan scenarios not present")


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_plants() -> xr.Dataset:
    return rm.run(rm.examples.path("two_plants"))


@pytest.fixture(scope="module")
def tiny() -> list[xr.Dataset]:
    """Baseline case, a power cut and a scenario with many changes (tests/data)."""
    return [
        rm.run(SCENARIOS / "tiny_case"),
        rm.run(SCENARIOS / "curtail.toml"),
        rm.run(SCENARIOS / "operations.toml"),
    ]


@pytest.fixture(scope="module")
def isfahan() -> list[xr.Dataset]:
    if not HAVE_ISFAHAN:
        pytest.skip("Isfahan scenarios not present")
    return [rm.run(ISFAHAN / name) for name in ISFAHAN_CHOICE]


@pytest.fixture(scope="module")
def tiny_files(tiny: list[xr.Dataset], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("results")
    return [rm.save(res, folder / f"{res.attrs['scenario']}.nc") for res in tiny]


# --- helpers -----------------------------------------------------------------------------


class _Text(HTMLParser):
    """Visible text of a page: everything outside <svg>, <style> and <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("svg", "style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("svg", "style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])  # type: ignore[index]


def persian_key(value: str) -> str:
    """Compare Persian text as pdftotext returns it: no spaces, ZWNJ, bidi marks, and the
    lam-alef ligature (extracted as alef-lam) folded together."""
    return BIDI.sub("", value).replace("لا", "#").replace("ال", "#")


def data_words(items: list[xr.Dataset]) -> set[str]:
    """Latin words a Persian brief may show: labels without a Persian name, scenario and
    file names, solver name, versions and hashes (data, not labels), the map's credit."""
    # The map's licence credit names OpenStreetMap and the ODbL as they are written.
    from resourcemodel.plots_maps import ATTRIBUTION

    words: set[str] = set(re.findall(r"[A-Za-z]\w*", ATTRIBUTION["fa"]))
    for res in items:
        for dim in res.dims:
            words |= {str(v) for v in res[dim].values}
        for key in ("scenario", "solver", "input_hash", "backend"):
            words.add(str(res.attrs.get(key, "")))
        words |= set(re.findall(r"[\w.-]+", str(res.attrs.get("scenario_chain", ""))))
        words |= set(re.findall(r"[\w./-]+\.toml", str(res.attrs.get("scenario_diff", ""))))
    return {w for w in words if w}


def latin_words(parts: list[str]) -> set[str]:
    tokens = {w for part in parts for w in re.findall(r"[\w.\-/]+", part)}
    return {w.strip(".") for w in tokens if re.search(r"[A-Za-z]", w)}


# --- the translation table ---------------------------------------------------------------


def test_every_label_has_english_and_persian() -> None:
    for key, entry in i18n.STRINGS.items():
        assert set(entry) == {"en", "fa"}, key
        assert entry["en"].strip() and entry["fa"].strip(), key
        names = set(re.findall(r"{(\w+)}", entry["en"]))
        assert names == set(re.findall(r"{(\w+)}", entry["fa"])), key
        persian = re.sub(r"{\w+}", "", entry["fa"])
        assert not re.search(r"[A-Za-z]", persian), f"{key}: Latin letters in {persian!r}"


def test_labels_cover_templates_parameters_statuses_and_caps() -> None:
    from resourcemodel.brief.to_html import _package_file

    template = _package_file("templates", "brief.html.j2").read_text(encoding="utf-8")
    used = i18n.keys_used_by_templates(template)
    assert used == {"page", "of"}
    missing = {k for k in used if k not in i18n.STRINGS}
    missing |= {f"param_{p}" for p in schema.PARAMETERS} - set(i18n.STRINGS)
    missing |= {f"status_{s.value}" for s in TerminationCondition} - set(i18n.STRINGS)
    missing |= {f"cap_{c}" for c in CAP_FAMILIES.values()} - set(i18n.STRINGS)
    missing |= {f"conf_{c}" for c in schema.CONFIDENCE_LABELS} - set(i18n.STRINGS)
    assert not missing


def test_missing_translation_raises() -> None:
    with pytest.raises(MissingTranslationError, match="No 'fa' text for label 'nope'"):
        text("nope", "fa")
    i18n.STRINGS["only_english"] = {"en": "x", "fa": ""}
    try:
        with pytest.raises(MissingTranslationError):
            text("only_english", "fa")
    finally:
        del i18n.STRINGS["only_english"]


def test_numbers_in_persian() -> None:
    assert number(18266.3, "fa") == "۱۸٬۲۶۶"
    assert number(0.0483, "fa") == "۰٫۰۴۸۳"
    assert number(-12.5, "fa", signed=True) == "\u2066−۱۲٫۵\u2069"
    assert number(1234.6, "en") == "1,235"
    assert number(7.0, "en", signed=True) == "+7"
    assert i18n.percent(0.962, "fa") == "۹۶٫۲٪"
    assert i18n.percent(0.000142, "en", signed=True) == "+0.014%"
    assert i18n.quantity(5, "USD/m3", "fa") == "۵ دلار بر متر مکعب"
    assert i18n.unit_name("Mm3", "fa") == "میلیون متر مکعب"
    assert i18n.unit_name("Mm3", "en") == "million m3"


def test_jalali_dates() -> None:
    assert i18n.date(dt.date(2026, 11, 26), "fa") == "۵ آذر ۱۴۰۵"
    assert i18n.date("2025-03-21T08:00:00+00:00", "fa") == "۱ فروردین ۱۴۰۴"
    assert i18n.date(dt.date(2026, 11, 26), "en") == "26 November 2026"


# --- HTML --------------------------------------------------------------------------------


def _no_external_references(html: str) -> None:
    assert not re.search(r"https?://", html)
    assert "<link" not in html and "<script" not in html
    assert all(src.startswith("data:") for src in re.findall(r'src="([^"]*)"', html))
    urls = re.findall(r"url\(([^)]*)", html)
    assert all(url.startswith(("data:", '"data:', "#")) for url in urls)  # '#': inside SVG


def test_html_single_english(two_plants: xr.Dataset, tmp_path: Path) -> None:
    target = brief(two_plants, format="html", out=tmp_path / "b.html")
    html = Path(target).read_text(encoding="utf-8")
    _no_external_references(html)
    assert html.count("<svg") == 4  # caps, water, output, shadow prices (no measures)
    assert '<html lang="en" dir="ltr">' in html
    lines = visible(html)
    # Hand-derived optimum: 300 t delivered, 450 m3 from the river (its whole cap),
    # 2,250 USD, 5 USD/m3 valid for a cap between 400 and 500 m3.
    delivered = float(two_plants["delivery"].sum())
    drawn = float(two_plants["supply"].sum())
    cost = sum(float(two_plants[v].sum()) for v in ("cost_production", "cost_supply"))
    assert (delivered, drawn, cost) == (300.0, 450.0, 2250.0)
    row = lines.index("Steel")
    assert lines[row : row + 3] == ["Steel", "300", "t"]
    row = lines.index("River")
    assert lines[row : row + 4] == ["River", "450", "m3", "100%"]
    row = lines.index("Total cost")
    assert lines[row : row + 3] == ["Total cost", "2.25", "kUSD"]
    assert any("one more unit is worth 5 USD/m3" in part for part in lines)
    assert any("between 400 m3 and 500 m3" in part for part in lines)
    assert "400 to 500 m3" in lines
    assert "All final demand is met." in lines
    # Run card appendix.
    assert two_plants.attrs["input_hash"] in lines
    assert f"{two_plants.attrs['solver']} {two_plants.attrs['solver_version']} (defaults)" in lines


def test_html_returned_without_out(two_plants: xr.Dataset) -> None:
    html = brief(two_plants)
    assert isinstance(html, str) and html.startswith("<!DOCTYPE html>")


def test_html_persian_is_rtl_with_embedded_font(tiny: list[xr.Dataset], tmp_path: Path) -> None:
    html = Path(brief(tiny, lang="fa", format="html", out=tmp_path / "b.html")).read_text(
        encoding="utf-8"
    )
    _no_external_references(html)
    assert '<html lang="fa" dir="rtl">' in html
    assert html.count("@font-face { font-family: Vazirmatn;") == 2  # regular and bold
    assert 'src: url("data:font/ttf;base64,' in html
    assert 'counter(page, persian) " از " counter(pages, persian)' in html
    parts = visible(html)
    assert "پیام‌های اصلی" in parts and "پیوست: کارت اجرا" in parts
    # No untranslated label: every Latin word left is a data label or identifier.
    assert latin_words(parts) <= data_words(tiny)
    # Persian digits in the text: the power cut drops July grid power from 100 to 40 MWh.
    assert any("۱۰۰" in p for p in parts) and any("۴۰" in p for p in parts)


@needs_isfahan
def test_html_persian_isfahan_has_no_untranslated_label(
    isfahan: list[xr.Dataset], tmp_path: Path
) -> None:
    for items in (isfahan[:1], isfahan):
        html = Path(brief(items, lang="fa", out=tmp_path / "fa.html")).read_text(encoding="utf-8")
        parts = visible(html)
        assert latin_words(parts) <= data_words(items)
        # Names come from the data's Persian columns.
        assert "فولاد مبارکه" in " ".join(parts)


def test_comparison_changes_against_the_baseline(tiny: list[xr.Dataset]) -> None:
    html = brief(tiny, baseline="power-cut")
    assert isinstance(html, str)
    parts = visible(html)
    assert "Policy brief: tiny_case, operations compared with power-cut" in parts
    base, other = tiny[1], tiny[0]
    cost = [
        sum(float(r[v].sum()) for v in ("cost_production", "cost_supply", "cost_measures"))
        for r in (base, other)
    ]
    change = (cost[1] - cost[0]) / abs(cost[0])
    added = [float(r["revenue"].sum()) - c for r, c in zip((base, other), cost, strict=True)]
    line = next(p for p in parts if p.startswith("tiny_case against power-cut: value added "))
    assert f"costs paid {i18n.percent(change, 'en', signed=True)}" in line
    delta = added[1] - added[0]
    unit, factor = report.planner_unit("USD", abs(delta))
    assert f"value added {i18n.quantity(delta * factor, unit, 'en', signed=True)}" in line
    # The diff of each scenario: the power cut's curtailments with before/after values.
    assert "curtail.toml, curtailment 1" in parts
    row = parts.index("curtail.toml, curtailment 1")
    assert parts[row - 5 : row] == ["source cap", "Grid power, Jul", "100", "40", "MWh"]


# --- PDF ---------------------------------------------------------------------------------


@needs_pdf
def test_pdf_single_english_numbers(two_plants: xr.Dataset, tmp_path: Path) -> None:
    target = brief(two_plants, format="pdf", out=tmp_path / "b.pdf")
    assert Path(target).read_bytes().startswith(b"%PDF")
    lines = pdf_text(Path(target)).splitlines()
    assert any(re.search(r"Total cost\s+2\.25\s+kUSD", line) for line in lines)
    assert any(re.search(r"Steel\s+300\s+t", line) for line in lines)
    assert any(re.search(r"River\s+450\s+m3\s+100%", line) for line in lines)
    assert 2 <= pdf_pages(Path(target)) <= 4


@needs_pdf
def test_pdf_comparison_persian(tiny: list[xr.Dataset], tmp_path: Path) -> None:
    target = brief(tiny, lang="fa", format="pdf", out=tmp_path / "b.pdf")
    got = persian_key(pdf_text(Path(target)))
    for phrase in ("ارقام کلیدی سال برنامه", "پیام‌های اصلی", "آنچه سناریو تغییر می‌دهد"):
        assert persian_key(phrase) in got, phrase
    # Total cost of each scenario, in Persian digits.
    for res in tiny:
        cost = sum(float(res[v].sum()) for v in ("cost_production", "cost_supply"))
        cost += float(res["cost_measures"].sum())
        shown = i18n.quantity(*_money(cost), "fa")
        assert persian_key(shown.split(" ")[0]) in got, shown


def _money(usd: float) -> tuple[float, str]:
    from resourcemodel.report import planner_unit

    unit, factor = planner_unit("USD", usd)
    return usd * factor, unit


@needs_pdf
@needs_isfahan
def test_pdf_isfahan_headline_numbers(isfahan: list[xr.Dataset], tmp_path: Path) -> None:
    base = isfahan[0]
    en = brief(base, format="pdf", out=tmp_path / "en.pdf")
    fa = brief(base, lang="fa", format="pdf", out=tmp_path / "fa.pdf")
    cost = sum(float(base[v].sum()) for v in ("cost_production", "cost_supply", "cost_measures"))
    steel = float(base["delivery"].sel(product="steel_flat").sum()) / 1e6
    river = float(base["supply"].sel(source="river_zayandeh").sum()) / 1e6
    text_en = pdf_text(Path(en))
    assert re.search(rf"Total cost\s+{number(cost / 1e6, 'en')}\s+MUSD", text_en)
    assert re.search(rf"Crude steel for flat products\s+{number(steel, 'en')}\s+Mt", text_en)
    assert re.search(rf"Zayandeh Rud surface water.*\s{number(river, 'en')}\s+million m3", text_en)
    text_fa = persian_key(pdf_text(Path(fa)))
    for shown in (number(cost / 1e6, "fa"), number(steel, "fa"), "فولاد خام تخت", "میلیون دلار"):
        assert persian_key(shown) in text_fa, shown
    assert pdf_pages(Path(en)) <= 4 and pdf_pages(Path(fa)) <= 4


# --- Markdown and DOCX -------------------------------------------------------------------


def test_markdown_with_png_charts(two_plants: xr.Dataset, tiny: list, tmp_path: Path) -> None:
    for items, lang in ((two_plants, "en"), (tiny, "fa")):
        target = Path(brief(items, lang=lang, format="md", out=tmp_path / f"b-{lang}.md"))
        md = target.read_text(encoding="utf-8")
        links = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", md)
        assert links
        for link in links:
            assert (target.parent / link).read_bytes().startswith(b"\x89PNG")
        assert "| --- |" in md or "|---|" in md
        assert not re.search(r"https?://", md)
    assert md.startswith('<div dir="rtl">')
    assert "| **هزینه** |" in md
    assert not list(tmp_path.rglob("*.part"))


def test_docx_single_and_comparison(two_plants: xr.Dataset, tiny: list, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx", reason="python-docx (the docx extra) not installed")
    en = Path(brief(two_plants, format="docx", out=tmp_path / "en.docx"))
    doc = docx.Document(str(en))
    assert doc.paragraphs[0].text == "Policy brief: two_plants"
    assert len(doc.inline_shapes) == 4
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "2.25" in cells and "kUSD" in cells and "300" in cells
    fa = Path(brief(tiny, lang="fa", format="docx", out=tmp_path / "fa.docx"))
    xml = zipfile.ZipFile(fa).read("word/document.xml").decode("utf-8")
    assert "<w:bidi/>" in xml and "<w:rtl/>" in xml and "<w:bidiVisual/>" in xml
    assert 'w:cs="Vazirmatn"' in zipfile.ZipFile(fa).read("word/styles.xml").decode("utf-8")
    doc = docx.Document(str(fa))
    assert doc.paragraphs[0].text.startswith("گزارش سیاستی: مقایسهٔ")
    assert len(doc.inline_shapes) == 3  # water, output, measures


def test_docx_without_python_docx_says_how_to_install(
    two_plants: xr.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)  # as if python-docx were not installed
    with pytest.raises(BriefError, match=r"pip install 'resourcemodel\[docx\]'"):
        brief(two_plants, format="docx", out=tmp_path / "b.docx")
    assert not (tmp_path / "b.docx").exists()


# --- errors, infeasible runs, files ------------------------------------------------------


def test_bad_arguments(two_plants: xr.Dataset, tmp_path: Path) -> None:
    with pytest.raises(BriefError, match="Unknown brief format 'odt'"):
        brief(two_plants, format="odt", out=tmp_path / "x")
    with pytest.raises(BriefError, match="Unknown brief language 'de'"):
        brief(two_plants, lang="de")
    with pytest.raises(BriefError, match="give out=PATH"):
        brief(two_plants, format="md")
    with pytest.raises(BriefError, match="no such results file"):
        brief(tmp_path / "missing.nc")
    with pytest.raises(BriefError, match="not a results Dataset"):
        brief(xr.Dataset())
    with pytest.raises(BriefError, match="out of range"):
        brief([two_plants, two_plants], baseline=5)


def test_infeasible_results_give_a_short_brief(tmp_path: Path) -> None:
    res = rm.run(rm.examples.path("infeasible"))
    html = brief(res)
    assert isinstance(html, str)
    parts = visible(html)
    assert any("has no optimal solution (solver status: infeasible)" in p for p in parts)
    assert "<svg" not in html
    assert "Appendix: run card" in parts


def test_baseline_file_moves_first(tiny_files: list[Path]) -> None:
    html = brief(tiny_files, baseline=tiny_files[2])
    assert isinstance(html, str)
    assert "Policy brief: tiny_case, power-cut compared with operations" in visible(html)


def test_cli_brief_and_suffix_picks_format(tiny_files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "cmp.md"
    code = main(["brief", *map(str, tiny_files[:2]), "--lang", "fa", "--out", str(out)])
    assert code == 0
    assert out.read_text(encoding="utf-8").startswith('<div dir="rtl">')
    assert (tmp_path / "cmp_charts").is_dir()
    assert main(["brief", str(tmp_path / "nope.nc"), "--out", str(tmp_path / "x.html")]) == 2
    assert not (tmp_path / "x.html").exists()


def test_scenario_titles_and_summaries_by_language() -> None:
    from resourcemodel.brief.content import scenario_name, scenario_summary

    res = xr.Dataset(
        attrs={
            "scenario": "water-crisis-50",
            "title": "Severe drought",
            "title_fa": "خشکسالی شدید",
            "description": "River water halved. More text follows here.",
        }
    )
    assert scenario_name(res) == "water-crisis-50"  # tables and files keep the name
    assert scenario_name(res, "en") == "Severe drought"
    assert scenario_name(res, "fa") == "خشکسالی شدید"
    # No summary: the first sentence of the description, whole; none in Persian.
    assert scenario_summary(res, "en") == "River water halved."
    assert scenario_summary(res, "fa") == ""
    res.attrs |= {"summary_fa": "نصف شدن آب رودخانه."}
    assert scenario_summary(res, "fa") == "نصف شدن آب رودخانه."
    # A first sentence too long for a subtitle is left out, never cut mid-sentence.
    res.attrs["description"] = "word " * 80 + "end. Next."
    assert scenario_summary(res, "en") == ""
    bare = xr.Dataset(attrs={"scenario": "custom"})
    assert scenario_name(bare, "fa") == "custom"


def test_shipped_scenarios_carry_titles_in_both_languages() -> None:
    from resourcemodel.scenario import load_scenario

    for path in sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.toml")):
        texts = load_scenario(path).texts
        for key in ("title", "title_fa", "summary", "summary_fa"):
            assert texts.get(key), f"{path.name}: no {key}"
        assert not any("a" <= ch.lower() <= "z" for ch in texts["title_fa"]), path.name


def test_key_messages_give_the_most_valuable_cap_per_resource() -> None:
    """USD/MWh and USD/m3 are not compared: each resource gets its own cap message, water
    first, and closed sources (caps of zero) are not 'the most valuable cap'."""
    from resourcemodel.brief.content import _cap_message

    root = Path(__file__).resolve().parents[1]
    res = rm.run(root / "scenarios/water-crisis-50.toml")
    lines = _cap_message(res, "en", most=3)
    assert lines[0].startswith("Fresh make-up water: the most valuable cap is")
    assert "USD/m3" in lines[0]
    assert any(line.startswith("Electricity:") and "USD/MWh" in line for line in lines[1:])
    assert not any("Desalinated" in line for line in lines[:-1])  # its cap of 0 is skipped
    assert "caps bind" in lines[-1]


def test_changes_read_as_a_planner_expects() -> None:
    from resourcemodel.brief.content import FigureRow, _change

    rows = {
        "water": FigureRow("sec_water", "Desalinated water", "m3", []),
        "share": FigureRow("sec_unmet", "Largest unmet share", "%", []),
    }
    # A normal change carries its percentage.
    assert _change(90.0, 100.0, 1.0, rows["water"], "en") == "−10 (−10%)"
    # No percentage of a near-zero base, none of a negligible change.
    assert _change(28.5, 0.48, 1.0, rows["water"], "en") == "+28"
    assert _change(5880.0, 5880.0882, 1.0, rows["water"], "en") == "−0.0882"
    # A share changes in percentage points, not in percent.
    assert _change(0.255, 0.17, 1.0, rows["share"], "en") == "+8.5 percentage points"
    assert _change(0.255, 0.17, 1.0, rows["share"], "fa").endswith("واحد درصد")
