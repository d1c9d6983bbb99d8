"""One definition of each lever (sweeps/levers.toml) and planner units on sweep charts."""

from __future__ import annotations

import tomllib
from pathlib import Path

import matplotlib
import pytest

import resourcemodel as rm
from resourcemodel.exceptions import SweepError
from resourcemodel.sweeps import load_sweep, plots
from resourcemodel.sweeps.spec import load_levers

matplotlib.use("Agg")
ROOT = Path(__file__).parents[1]
LEVERS = ROOT / "sweeps" / "levers.toml"
SHIPPED = sorted(p for p in (ROOT / "sweeps").glob("*.toml") if p != LEVERS)
#: Code that builds sweeps of the shipped levers.
SWEEP_CODE = [ROOT / "notebooks" / "05_sensitivity.py", ROOT / "benchmarks" / "sweep_throughput.py"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_sweeps_use_the_lever_file(path: Path) -> None:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    blocks = [*raw.get("lever", []), *raw.get("uncertainty", [])]
    assert blocks
    for block in blocks:
        assert "use" in block and not {"parameter", "where", "name"} & set(block), block
    spec = load_sweep(path)
    defined = load_levers(LEVERS)
    for factor in spec.factors:
        where = {
            d: tuple([v] if isinstance(v, str) else v)
            for d, v in defined[factor.name]["where"].items()
        }
        assert factor.where == where and factor.parameter == defined[factor.name]["parameter"]


@pytest.mark.parametrize("path", SWEEP_CODE, ids=lambda p: p.name)
def test_sweep_code_defines_no_lever_of_its_own(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert '"use": "summer_grid"' in text
    assert '"parameter": "source_cap"' not in text and '"where": {' not in text


def test_summer_grid_is_the_scenarios_curtailment() -> None:
    """summer_grid is the cap the summer-grid scenarios curtail: the same source and months.

    In the baseline the Tir-Mordad allocation is exactly the plants' normal use (calibrated,
    sources.csv), so curtailing to ``available = 0.40`` of normal use is the lever at 0.40:
    the same optimum.
    """
    lever = load_levers(LEVERS)["summer_grid"]
    for name, share in (("summer-grid-40", 0.40), ("summer-grid-10", 0.10)):
        scenario = tomllib.loads((ROOT / "scenarios" / f"{name}.toml").read_text(encoding="utf-8"))
        (cut,) = scenario["curtailment"]
        assert cut["source"] == lever["where"]["source"]
        assert cut["periods"] == lever["where"]["period"]
        assert cut["available"] == share
    ds = rm.sweep(
        {
            "name": "check",
            "base": str(ROOT / "scenarios" / "baseline.toml"),
            "levers": str(LEVERS),
            "outcomes": ["objective"],
            "lever": [{"use": "summer_grid", "scale": [0.4, 0.1]}],
        },
        workers=1,
        progress=False,
    )
    for i, name in enumerate(("summer-grid-40", "summer-grid-10")):
        expected = rm.run(ROOT / "scenarios" / f"{name}.toml").attrs["objective"]
        assert float(ds["objective"][i]) == pytest.approx(expected, rel=1e-7)


def _spec(**lever: object) -> dict[str, object]:
    return {
        "base": str(ROOT / "scenarios" / "baseline.toml"),
        "levers": str(LEVERS),
        "lever": [lever],
    }


def test_use_mistakes_are_named() -> None:
    with pytest.raises(SweepError, match="defines them, once for every sweep"):
        load_sweep(_spec(use="summer_grid", parameter="source_cap", scale=[1.0]))
    with pytest.raises(SweepError, match=r"no lever 'summer_gird'.*did you mean 'summer_grid'"):
        load_sweep(_spec(use="summer_gird", scale=[1.0]))
    bare = _spec(use="summer_grid", scale=[1.0])
    del bare["levers"]
    with pytest.raises(SweepError, match="needs a lever file"):
        load_sweep(bare)


def test_sweep_charts_say_their_units(tmp_path: Path) -> None:
    ds = rm.sweep(
        {
            "base": str(ROOT / "scenarios" / "baseline.toml"),
            "levers": str(LEVERS),
            "sampler": "grid",
            "outcomes": ["objective", {"variable": "unmet", "sum": ["period"]}],
            "lever": [
                {"use": "river_cap", "scale": [0.5, 1.0]},
                {"use": "summer_grid", "scale": [0.25, 1.0]},
            ],
        },
        workers=1,
        progress=False,
    )
    assert ds["objective"].attrs["units"] == "USD"
    assert ds["summer_grid"].attrs["units"] == "x scenario value"
    assert ds["summer_grid"].attrs["long_name"] == "summer grid cap"
    assert plots.outcome_units(ds, ds["unmet"].sel(product="steel_flat")) == "t"
    ax = plots.heatmap_plot(ds, "river_cap", "summer_grid", "objective")
    assert ax.get_xlabel() == "river cap [x scenario value]"
    assert ax.get_ylabel() == "summer grid cap [x scenario value]"
    colorbar = ax.figure.axes[-1].get_ylabel()
    assert colorbar == "objective [billion USD]"  # 18 billion USD: shown as 18, not 1.8e10
    image = ax.get_images()[0].get_array()
    assert 10 < float(image.max()) < 100
    steel = ds["unmet"].sel(product="steel_flat")
    ax = plots.response_plot(ds, "summer_grid", steel)
    assert ax.get_xlabel() == "summer grid cap [x scenario value]"
    assert ax.get_ylabel().startswith("unmet [") and ax.get_ylabel().endswith("t]")


def _blocks(text: str, language: str) -> list[str]:
    parts = text.split(f"```{language}\n")[1:]
    return [p.split("```", 1)[0] for p in parts]


def test_docs_sweeps_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/sweeps.md shows the shipped sweep file as it is, and its Python example runs."""
    text = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")
    shipped = (ROOT / "sweeps" / "river-and-grid.toml").read_text(encoding="utf-8")
    assert _blocks(text, "toml")[0] == shipped
    for key in ("name", "description", "base", "levers", "sampler", "samples", "seed"):
        assert f"| `{key}` |" in text, key
    for key in ("use", "name", "label", "parameter", "where", "unit", "base", "note"):
        assert f"| `{key}` |" in text, key
    (example,) = _blocks(text, "python")
    monkeypatch.chdir(ROOT)
    scope: dict[str, object] = {}
    exec(compile(example, "docs/sweeps.md", "exec"), scope)
    ds = scope["ds"]
    assert ds.sizes["run"] == 4 and (ds["status"] == "optimal").all()
