"""Charts: hand-derived values on the examples, planner units, Persian labels and digits."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel import plots
from resourcemodel.brief import i18n


@pytest.fixture(scope="module")
def two_plants() -> xr.Dataset:
    return rm.run(rm.examples.path("two_plants"))


@pytest.fixture(scope="module")
def measure_payoff() -> xr.Dataset:
    return rm.run(rm.examples.path("measure_payoff"))


@pytest.fixture(scope="module")
def tiny() -> list[xr.Dataset]:
    from pathlib import Path

    folder = Path(__file__).parent / "data" / "scenarios"
    return [rm.run(folder / "tiny_case"), rm.run(folder / "curtail.toml")]


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    yield
    plt.close("all")


def test_cap_use_two_plants_river_is_full(two_plants: xr.Dataset) -> None:
    # 2*150 + 1*150 = 450 m3 drawn against the 450 m3 cap: 100% in the one period.
    ax = plots.cap_use(two_plants)
    lines = ax.get_lines()
    assert list(lines[0].get_ydata()) == pytest.approx([100.0])
    assert lines[0].get_label() == "River"
    assert ax.get_title() == "Use against caps by period"
    assert ax.get_ylabel() == "Share of cap used (%)"


def test_resource_use_is_in_planner_units(two_plants: xr.Dataset, tiny: list) -> None:
    ax = plots.resource_use(two_plants, resource="water")
    assert [p.get_height() for p in ax.patches] == pytest.approx([450.0])
    assert ax.get_ylabel() == "m3 per period"
    # Comparison: one line per scenario, same periods.
    ax = plots.resource_use(tiny, resource="electricity")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["tiny_case", "power-cut"]
    drawn = (
        tiny[1]["supply"]
        .sel(source=["grid_electricity", "own_generation"])
        .sum(("plant", "source"))
    )
    assert list(ax.get_lines()[1].get_ydata()) == pytest.approx(list(drawn.values))


def test_resource_use_unknown_resource_names_the_choices(two_plants: xr.Dataset) -> None:
    with pytest.raises(ValueError, match="no resource 'gas'; resources: water"):
        plots.resource_use(two_plants, resource="gas")


def test_output_by_plant_two_plants(two_plants: xr.Dataset) -> None:
    ax = plots.output_by_plant(two_plants)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Plant A – Steel", "Plant B – Steel"]
    assert [p.get_width() for p in ax.patches] == pytest.approx([150.0, 150.0])
    assert ax.get_xlabel() == "Output per year (t)"


def test_output_by_plant_comparison_groups_bars(tiny: list) -> None:
    ax = plots.output_by_plant(tiny)
    assert len(ax.containers) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["tiny_case", "power-cut"]


def test_measures_adopted_half_of_recycling(measure_payoff: xr.Dataset) -> None:
    # measure_payoff README: adopting a = 0.5 of recycling is enough.
    ax = plots.measures_adopted(measure_payoff)
    assert [p.get_width() for p in ax.patches] == pytest.approx([50.0])
    assert ax.get_xlim() == (0.0, 100.0)


def test_measures_adopted_none(two_plants: xr.Dataset) -> None:
    ax = plots.measures_adopted(two_plants)
    assert "No measure is adopted" in [t.get_text() for t in ax.texts]


def test_shadow_prices_value_and_range(two_plants: xr.Dataset) -> None:
    # 5 USD/m3, valid for a cap between 400 and 500 m3: 88.9% to 111.1% of 450 m3.
    ax = plots.shadow_prices(two_plants)
    span = ax.get_lines()[0].get_xdata()
    assert list(span) == pytest.approx([400 / 450 * 100, 500 / 450 * 100])
    prices = ax.figure.axes[1]
    assert [t.get_text() for t in prices.get_yticklabels()] == ["5 USD/m3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["River, year (period cap)"]


def test_single_scenario_charts_refuse_a_list(tiny: list) -> None:
    with pytest.raises(ValueError, match="shows one scenario"):
        plots.shadow_prices(tiny)
    with pytest.raises(ValueError, match="No results given"):
        plots.output_by_plant([])


def test_draws_on_a_given_axes(two_plants: xr.Dataset) -> None:
    _, ax = plt.subplots()
    assert plots.output_by_plant(two_plants, ax=ax) is ax


@pytest.mark.parametrize(
    "draw", [plots.cap_use, plots.output_by_plant, plots.shadow_prices, plots.resource_use]
)
def test_persian_charts_have_no_latin_labels(draw: object, two_plants: xr.Dataset) -> None:
    ax = draw(two_plants, lang="fa")  # type: ignore[operator]
    ax.figure.canvas.draw()
    # Data labels without a Persian name (this example has none) are shown as given.
    labels = {str(v) for d in two_plants.dims for v in two_plants[d].values}
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    for axes in ax.figure.axes:
        texts += [t.get_text() for t in axes.get_xticklabels() + axes.get_yticklabels()]
    for value in texts:
        words = set(re.findall(r"[A-Za-z][\w-]*", value))
        assert words <= labels, value
    assert ax.title.get_fontfamily()[0] == "Vazirmatn"


def test_persian_axes_use_persian_digits(two_plants: xr.Dataset) -> None:
    ax = plots.output_by_plant(two_plants, lang="fa")
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(r"[۰-۹٬٫]+", t) for t in ticks)
    assert ax.get_xlabel() == "تولید سالانه (تن)"
    assert ax.get_yticklabels()[0].get_text() == "a – steel"


def test_persian_font_is_registered() -> None:
    files = plots.register_fonts()
    assert {f.rsplit("/", 1)[-1] for f in files} == {
        "Vazirmatn-Regular.ttf",
        "Vazirmatn-Bold.ttf",
    }
    from matplotlib import font_manager

    assert "Vazirmatn" in {f.name for f in font_manager.fontManager.ttflist}
    assert (plots.font_dir() / "OFL.txt").is_file()


def test_language_context_sets_fonts_only_inside() -> None:
    before = list(matplotlib.rcParams["font.family"])
    with plots.language("fa"):
        assert matplotlib.rcParams["font.family"][0] == "Vazirmatn"
    assert list(matplotlib.rcParams["font.family"]) == before
    with pytest.raises(ValueError, match="Unknown brief language 'de'"):
        plots.rc_params("de")


def test_period_names_translate() -> None:
    ds = xr.Dataset(coords={"period": ["jan", "aug", "year"]})
    assert [i18n.display_name(ds, "period", p, "fa") for p in ds.period.values] == [
        "ژانویه",
        "اوت",
        "سال",
    ]
