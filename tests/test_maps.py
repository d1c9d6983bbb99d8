"""Plants on a map: location columns, the shipped county layer, and the map charts.

The charts are checked against the two-plants example, whose optimum is derived by hand
(examples_data/two_plants/README.md): mills A (2 m3/t) and B (1 m3/t) each make 150 t, so A
draws 300 m3 and B 150 m3 of the river, whose 450 m3 cap binds at 5 USD/m3.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import shapely
import xarray as xr
from matplotlib.patches import Circle, Wedge

import resourcemodel as rm
from resourcemodel import plots_maps
from resourcemodel.locations import LOCATION_COLUMNS

CaseCopy = Callable[[str], Path]
ROOT = Path(__file__).resolve().parents[1]
ISFAHAN = ROOT / "src" / "resourcemodel" / "data" / "isfahan"

# Two sites in the Lenjan/Mobarakeh steel belt (GEM's ESCO site and Mobarakeh town).
A_SITE = (32.418304, 51.331314)
B_SITE = (32.3424, 51.5047)


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    yield
    plt.close("all")


def _write_plants(case: Path, rows: list[str]) -> None:
    header = "plant,name,sector,lat,lon,county,estate,location_reference,location_confidence"
    (case / "plants.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def _located_two_plants(case_copy: CaseCopy, *, b_located: bool = True) -> Path:
    case = case_copy("two_plants")
    b = f"{B_SITE[0]},{B_SITE[1]},mobarakeh" if b_located else ",,"
    _write_plants(
        case,
        [
            f"a,Plant A,steel,{A_SITE[0]},{A_SITE[1]},lenjan,,test site,assumption",
            f"b,Plant B,steel,{b},,test site,assumption",
        ],
    )
    return case


def _error(case: Path) -> str:
    with pytest.raises(rm.ValidationError) as info:
        rm.load_inputs(case)
    return str(info.value)


# -- location columns ---------------------------------------------------------------------------
def test_locations_become_labelled_coordinates(case_copy: CaseCopy) -> None:
    ds = rm.load_inputs(_located_two_plants(case_copy, b_located=False))
    assert ds["plant_lat"].sel(plant="a").item() == pytest.approx(A_SITE[0])
    assert ds["plant_lon"].sel(plant="a").item() == pytest.approx(A_SITE[1])
    assert math.isnan(ds["plant_lat"].sel(plant="b").item())
    assert ds["plant_lat"].attrs["units"] == "degrees_north"
    assert ds["plant_lon"].attrs["units"] == "degrees_east"
    assert list(ds["plant_county"].values) == ["lenjan", ""]


def test_a_case_without_location_columns_has_no_location_coords() -> None:
    ds = rm.load_inputs(rm.examples.path("two_plants"))
    assert "plant_lat" not in ds.coords
    assert not plots_maps.has_sites(ds)


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("95", "51.3", "'plants.csv', line 2, column 'lat': latitude 95 is outside -90..90"),
        ("32.4", "-181", "'plants.csv', line 2, column 'lon': longitude -181 is outside -180..180"),
        ('"32,4"', "51.3", "'plants.csv', line 2, column 'lat': '32,4' is not a number"),
        ("32.4", "inf", "'plants.csv', line 2, column 'lon': 'inf' is not a number"),
        ("32.4", "", "'plants.csv', line 2: 'lat' is given but 'lon' is empty"),
        ("", "51.3", "'plants.csv', line 2: 'lon' is given but 'lat' is empty"),
    ],
)
def test_bad_coordinates_are_named(case_copy: CaseCopy, lat: str, lon: str, expected: str) -> None:
    case = case_copy("two_plants")
    _write_plants(case, [f"a,A,steel,{lat},{lon},,,,", "b,B,steel,,,,,,"])
    assert expected in _error(case)


def test_lat_without_a_lon_column(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    (case / "plants.csv").write_text("plant,lat\na,32.4\nb,\n", encoding="utf-8")
    assert "'plants.csv', line 2: 'lat' is given but 'lon' is empty" in _error(case)


def test_location_confidence_must_be_a_label(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _write_plants(case, ["a,A,steel,32.4,51.3,,,x,guess", "b,B,steel,,,,,,"])
    err = _error(case)
    assert "'plants.csv', line 2, column 'location_confidence': 'guess' is not one of" in err


def test_an_overlay_without_location_columns_leaves_its_plants_unlocated() -> None:
    inputs = rm.load_inputs(ISFAHAN, overlays=[ROOT / "scenarios" / "overlays" / "new_steel_plant"])
    assert math.isnan(inputs["plant_lat"].sel(plant="new_steel").item())
    assert inputs["plant_county"].sel(plant="new_steel").item() == ""
    assert inputs["plant_county"].sel(plant="esco").item() == "lenjan"


# -- the shipped data -----------------------------------------------------------------------------
def test_isfahan_plants_lie_in_the_county_they_name() -> None:
    inputs = rm.load_inputs(ISFAHAN)
    layer = plots_maps.counties().set_index("county")
    located = np.isfinite(inputs["plant_lat"].values)
    assert located.sum() >= 6, "MSC, Saba, ESCO, the refinery and both power plants"
    for plant in inputs.plant.values[located]:
        lat = float(inputs["plant_lat"].sel(plant=plant))
        lon = float(inputs["plant_lon"].sel(plant=plant))
        county = str(inputs["plant_county"].sel(plant=plant).item())
        assert layer.loc[county, "geometry"].contains(shapely.Point(lon, lat)), plant


def test_every_isfahan_location_says_where_it_comes_from() -> None:
    import csv

    with (ISFAHAN / "plants.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert set(LOCATION_COLUMNS) <= set(rows[0])
    for row in rows:
        assert row["location_reference"], row["plant"]
        if row["lat"]:
            assert row["location_confidence"] in ("sourced", "estimate"), row["plant"]
            if row["location_confidence"] == "estimate":
                assert row["location_reference"].startswith("Approximate"), row["plant"]
        else:
            assert "Not drawn on maps" in row["location_reference"], row["plant"]


def test_county_layer_is_small_valid_and_covers_the_province() -> None:
    path = plots_maps.layer_path()
    assert path.stat().st_size < 300_000
    layer = plots_maps.counties()
    assert len(layer) == 28
    assert layer.is_valid.all()
    assert layer["county"].is_unique
    assert (layer["name_fa"].str.len() > 0).all()
    utm = layer.to_crs(plots_maps.MAP_CRS)
    total = utm.area.sum()
    # No overlaps: the union is as large as the sum of the parts.
    assert utm.union_all().area == pytest.approx(total, rel=1e-6)
    # Isfahan province is about 107,000 km2.
    assert total / 1e6 == pytest.approx(107_000, rel=0.02)


def test_county_layer_carries_its_licence_and_is_packaged() -> None:
    folder = plots_maps.layer_path().parent
    licence = (folder / "LICENSE.md").read_text(encoding="utf-8")
    assert "OpenStreetMap contributors" in licence and "ODbL" in licence
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "hosseinhabibi2004/iran-geojson" in readme
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = data["tool"]["setuptools"]["package-data"]["resourcemodel"]
    assert "geodata/*" in globs
    json.loads(plots_maps.layer_path().read_text(encoding="utf-8"))  # valid JSON


# -- the maps -------------------------------------------------------------------------------------
@pytest.fixture
def located(case_copy: CaseCopy) -> xr.Dataset:
    return rm.run(_located_two_plants(case_copy))


def _wedges(ax: plt.Axes) -> list[Wedge]:
    return [p for p in ax.patches if isinstance(p, Wedge)]


def _footer(ax: plt.Axes) -> str:
    return "\n".join(t.get_text() for t in ax.texts if "OpenStreetMap" in t.get_text())


def test_water_map_bubble_areas_follow_the_volumes(located: xr.Dataset) -> None:
    ax = plots_maps.water_map(located)
    wedges = _wedges(ax)
    assert len(wedges) == 2  # one source (the river), one full wedge per plant
    radius = {round(w.center[0]): w.r for w in wedges}  # keyed by x: A is west of B
    ra, rb = (radius[k] for k in sorted(radius))
    # Areas in proportion to 300 m3 : 150 m3, so radii in proportion sqrt(2).
    assert ra / rb == pytest.approx(math.sqrt(2), rel=1e-9)
    assert all(w.theta2 - w.theta1 == pytest.approx(360) for w in wedges)
    assert ax.get_title() == "Water drawn by plant, whole year"
    footer = _footer(ax)
    assert "Not on the map" not in footer
    assert "© OpenStreetMap contributors (ODbL)" in footer


def test_water_map_says_what_it_leaves_out(case_copy: CaseCopy) -> None:
    res = rm.run(_located_two_plants(case_copy, b_located=False))
    ax = plots_maps.water_map(res)
    assert len(_wedges(ax)) == 1
    assert "Not on the map: Plant B (150 m3)." in _footer(ax)


def test_water_map_in_persian(located: xr.Dataset) -> None:
    ax = plots_maps.water_map(located, lang="fa")
    # The example names no resource in Persian, so its label stands for it.
    assert ax.get_title() == "water برداشتی هر کارخانه، کل سال"
    texts = " ".join(t.get_text() for t in ax.texts)
    # Size legend: reference circles at 200 m3 (300 rounded down to 1-2-5) and 50 m3.
    assert "۲۰۰ متر مکعب" in texts and "۵۰ متر مکعب" in texts
    assert "کیلومتر" in texts  # the scale bar
    assert "مرزها: © مشارکت‌کنندگان OpenStreetMap (ODbL)" in _footer(ax)


def test_water_map_without_sites_says_so() -> None:
    res = rm.run(rm.examples.path("two_plants"))
    ax = plots_maps.water_map(res)
    assert "No plant of these results has a location" in ax.texts[0].get_text()


def test_cap_map_colours_each_plant_by_its_share_of_the_cap(located: xr.Dataset) -> None:
    ax = plots_maps.cap_map(located)
    circles = sorted(
        (p for p in ax.patches if isinstance(p, Circle) and p.get_fill()),
        key=lambda c: c.center[0],
    )
    assert len(circles) == 2
    assert circles[0].radius / circles[1].radius == pytest.approx(math.sqrt(2))
    # A draws 300 of 450 m3 (66.7%), B 150 (33.3%): the colour scale runs 0..66.7%.
    cmap = matplotlib.colormaps["YlOrRd"]
    assert circles[0].get_facecolor()[:3] == pytest.approx(cmap(1.0)[:3])
    assert circles[1].get_facecolor()[:3] == pytest.approx(cmap(0.5)[:3])
    title = ax.get_title().replace("\n", " ")
    assert "cap on River, year: 100% of it used" in title
    assert "one more m3 would be worth 5 USD" in title


def test_cap_map_refuses_an_uncapped_choice(located: xr.Dataset) -> None:
    with pytest.raises(ValueError, match="No period 'nonexistent'; periods: year"):
        plots_maps.cap_map(located, source="river", period="nonexistent")


@pytest.fixture(scope="module")
def permit() -> tuple[xr.Dataset, xr.Dataset]:
    # The permit case extends the current-policy year 1404 (as notebook 06 compares them).
    base = rm.run(ROOT / "scenarios" / "year-1404.toml")
    return base, rm.run(ROOT / "scenarios" / "new-steel-permit.toml")


def test_project_map_marks_the_site_and_who_draws_less(
    permit: tuple[xr.Dataset, xr.Dataset],
) -> None:
    base, with_project = permit
    site = (32.50, 51.45)
    ax = plots_maps.project_map(with_project, "new_steel", baseline=base, site=site)
    star = [c for c in ax.collections if c.get_offsets().shape == (1, 2)]
    x, y = plots_maps._to_map().transform(site[1], site[0])
    assert any(np.allclose(c.get_offsets()[0], (x, y)) for c in star)
    change = (
        plots_maps.drawn_by_plant(with_project).sum(axis=1)
        - plots_maps.drawn_by_plant(base).sum(axis=1).reindex(with_project.plant.values)
    ).drop("new_steel")
    sites = plots_maps.plant_sites(with_project)
    moved = change[sites["located"].reindex(change.index) & (change.abs() > 1.0)]
    bubbles = [p for p in ax.patches if isinstance(p, Circle) and p.get_fill()]
    reds = sum(1 for b in bubbles if matplotlib.colors.to_hex(b.get_facecolor()) == "#c0392b")
    blues = sum(1 for b in bubbles if matplotlib.colors.to_hex(b.get_facecolor()) == "#2471a3")
    assert (reds, blues) == (int((moved < 0).sum()), int((moved > 0).sum()))
    own = plots_maps.drawn_by_plant(with_project).sum(axis=1)["new_steel"] / 1e6
    assert f"the project draws {own:.3g} million m3" in ax.get_title().replace("\n", " ")


def test_project_map_needs_a_site(permit: tuple[xr.Dataset, xr.Dataset]) -> None:
    base, with_project = permit
    with pytest.raises(ValueError, match=re.escape("has no lat/lon in plants.csv; pass site")):
        plots_maps.project_map(with_project, "new_steel", baseline=base)
    with pytest.raises(ValueError, match="No plant 'nowhere'"):
        plots_maps.project_map(with_project, "nowhere", site=(32.5, 51.4))


def test_brief_maps_for_located_results(permit: tuple[xr.Dataset, xr.Dataset]) -> None:
    base, with_project = permit
    # One map: the water drawn by plant for a scenario alone, the project's site for a
    # comparison whose scenario adds a located plant; each job draws a figure + caption.
    assert [name for name, _job in plots_maps.brief_maps([base], "fa")] == ["water_map"]
    (name, job), *rest = plots_maps.brief_maps([base, with_project], "en")
    # The permit's overlay gives new_steel no site: the water map of the permit scenario.
    assert (name, rest) == ("water_map", [])
    fig, caption = job()
    assert "drawn by plant" in fig.axes[0].get_title()
    assert caption.endswith(plots_maps.ATTRIBUTION["en"] + ".")
    assert with_project.attrs["title"] in caption
    # Given a site, the project map against the baseline.
    sited = with_project.copy()
    sited["plant_lat"] = sited["plant_lat"].where(sited.plant != "new_steel", 32.50)
    sited["plant_lon"] = sited["plant_lon"].where(sited.plant != "new_steel", 51.45)
    (name, job), *rest = plots_maps.brief_maps([base, sited], "en")
    assert (name, rest) == ("new_steel_site_map", [])
    fig, caption = job()
    assert "site and" in fig.axes[0].get_title()
    fig, caption = plots_maps.brief_maps([base], "fa")[0][1]()
    assert plots_maps.ATTRIBUTION["fa"] in caption
    import matplotlib.pyplot as plt

    plt.close("all")
    assert plots_maps.brief_maps([rm.run(rm.examples.path("two_plants"))], "en") == []


@pytest.mark.system("pango", "pdftotext", "pdfinfo")
def test_permit_brief_shows_the_map_with_its_credit_in_four_pages(
    permit: tuple[xr.Dataset, xr.Dataset], tmp_path: Path
) -> None:
    import subprocess

    from resourcemodel.brief.document import build

    for lang in ("en", "fa"):
        doc = build(list(permit), lang, "png")
        maps = [b for b in doc.blocks if b.chart is not None and b.chart.name.endswith("_map")]
        assert len(maps) == 1
        # On page 1, below the headline chart: the key figures start page 2 anyway.
        assert doc.blocks[1].chart is not None and doc.blocks[1].chart.name == "headline"
        assert doc.blocks[2] is maps[0]
        assert plots_maps.ATTRIBUTION[lang] in maps[0].note
        credit = "OpenStreetMap"
        assert any(credit in t for t in maps[0].chart.texts)  # printed on the map too
        if lang == "fa":
            # The credit's names are the only Latin words the Persian map shows.
            words = {w for t in maps[0].chart.texts for w in re.findall(r"[A-Za-z]\w*", t)}
            assert words == {"OpenStreetMap", "ODbL"}
            assert not any(re.search("[0-9]", t) for t in maps[0].chart.texts)
        pdf = rm.brief(list(permit), lang=lang, format="pdf", out=tmp_path / f"p.{lang}.pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])  # type: ignore[index]
        assert 2 <= pages <= 4, (lang, pages)
        printed = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "OpenStreetMap" in printed and "ODbL" in printed
