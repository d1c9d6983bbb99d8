"""HTML briefs as a director's browser shows them: headless Chromium, English and Persian.

Each brief is opened from a file (``headless.py`` drives Chromium over its DevTools pipe); the
test fails on any console error, uncaught exception or failed resource load, and checks the
laid-out page: title, language and direction, headings, charts, fonts, no sideways scrolling,
and a screenshot that is not blank. Skipped without Chromium (``apt-get install chromium``);
CI installs it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import xarray as xr
from headless import open_page
from PIL import Image

import resourcemodel as rm
from resourcemodel.brief import i18n

SCENARIOS = Path(__file__).parent / "data" / "scenarios"
WIDTH, HEIGHT = 1200, 1400

needs_chromium = pytest.mark.system("chromium")


@pytest.fixture(scope="module")
def compared() -> list[xr.Dataset]:
    """A baseline and a power cut: a comparison brief with every section."""
    return [rm.run(SCENARIOS / "tiny_case"), rm.run(SCENARIOS / "curtail.toml")]


def _ink(png: bytes) -> float:
    """Return the share of pixels that are not (nearly) white."""
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size == (WIDTH, HEIGHT)
    histogram = image.histogram()
    return 1 - sum(histogram[245:]) / (image.size[0] * image.size[1])


@needs_chromium
@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("fa", "rtl")])
def test_html_brief_opens_cleanly_in_chromium(
    compared: list[xr.Dataset], lang: str, direction: str, tmp_path: Path
) -> None:
    target = rm.brief(compared, lang=lang, format="html", out=tmp_path / f"brief.{lang}.html")
    assert isinstance(target, Path)
    page = open_page(target, WIDTH, HEIGHT)
    assert page.problems == []
    facts = page.facts
    base, cut = (str(res.attrs["scenario"]) for res in compared)
    title = i18n.text("title_comparison", lang, scenarios=cut, baseline=base)
    assert facts["title"] == title, facts["title"]
    assert (facts["lang"], facts["dir"]) == (lang, direction)
    assert facts["headings"][0] == facts["title"]
    assert i18n.text("key_messages", lang) in facts["headings"]
    assert facts["charts"] >= 2 and facts["tables"] >= 2
    assert facts["overflow"] <= 0, "the page scrolls sideways"
    assert all(font.endswith(":loaded") for font in facts["fonts"]), facts["fonts"]
    if lang == "fa":  # the embedded Vazirmatn, not a fallback
        assert "Vazirmatn:loaded" in facts["fonts"]
    assert facts["height"] > HEIGHT  # several screens of content
    # On a wide screen the text is a column with margins, not 1200 px lines.
    left, width = facts["body"]
    assert width <= 190 / 25.4 * 96 + 1 and left >= 200
    assert 0.02 < _ink(page.screenshot) < 0.6


@needs_chromium
def test_chromium_reports_broken_pages(tmp_path: Path) -> None:
    """The check above can fail: a missing image, a console error and a script error."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><h1>t</h1>'
        '<img src="missing.png"><script>console.error("boom"); notDefined();</script>'
        "</body></html>",
        encoding="utf-8",
    )
    problems = open_page(page).problems
    assert any("ERR_FILE_NOT_FOUND" in p and p.startswith("failed load") for p in problems)
    assert "console.error: boom" in problems
    assert any(p.startswith("uncaught: ReferenceError: notDefined") for p in problems)
