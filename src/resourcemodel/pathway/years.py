"""Each year's inputs: the case with the year's changes and the pathway's trajectories.

A ``[[change]]`` with a ``years`` selector (``years = "1409.."``; a ``[[retirement]]`` is
one) applies only in the representative years it selects: a year whose changes differ from
the first year's is loaded with its own (:func:`resourcemodel.scenario.load_scenario` with
``year``), in the order the file gives them. The trajectories then go through the one
change mechanism of scenario files (:func:`resourcemodel.scenario.locate` and
:func:`resourcemodel.scenario.apply_located`), so a selector that matches nothing or a
value that becomes invalid is reported as a scenario file's would be.
"""

from __future__ import annotations

from dataclasses import replace

import xarray as xr

from resourcemodel import validate
from resourcemodel.exceptions import ScenarioError
from resourcemodel.pathway.spec import Pathway
from resourcemodel.scenario import apply_located, load_scenario, locate


def year_inputs(base: xr.Dataset, pathway: Pathway) -> list[xr.Dataset]:
    """Return the inputs of every representative year, in order.

    Parameters
    ----------
    base : xarray.Dataset
        The scenario's validated inputs (the first year's before its trajectories: the
        changes of ``pathway.scenario``, which a pathway file loads for its first year).
    pathway : Pathway
        Years and trajectories.

    Returns
    -------
    list of xarray.Dataset
        One per year of ``pathway.years``, each with ``attrs["year"]``.

    Raises
    ------
    ScenarioError
        If a trajectory's selectors match nothing or a value becomes invalid.
    """
    located = [(t, *locate(base, t.change)) for t in pathway.trajectories]
    first = pathway.years[0]
    out = []
    for year, own in zip(pathway.years, _bases(base, pathway), strict=True):
        ds = own.copy(deep=True)
        for trajectory, mask, per_unit in located:
            name = trajectory.change.parameter
            values = ds[name].values.copy()
            change = replace(trajectory.change, value=trajectory.factor(year, first))
            apply_located(values, change, mask, per_unit)
            ds[name] = ds[name].copy(data=values)
        problems: list[str] = []
        validate.check_values(ds, problems, where=f"pathway year {year}")
        if problems:
            raise ScenarioError(problems, during=f"Errors in pathway year {year}")
        ds.attrs["year"] = int(year)
        out.append(ds)
    return out


def _bases(base: xr.Dataset, pathway: Pathway) -> list[xr.Dataset]:
    """Return each year's inputs with its own changes (``base`` where they are the first's)."""
    scenario = pathway.scenario
    if not scenario.dated or scenario.path is None:
        return [base] * len(pathway.years)
    from resourcemodel.pipeline import load

    loaded = {tuple(c.origin for c in scenario.changes): base}
    out = []
    for year in pathway.years:
        spec = load_scenario(scenario.path, year=int(year))
        key = tuple(c.origin for c in spec.changes)
        if key not in loaded:
            loaded[key] = load(spec)[0]
        out.append(loaded[key])
    return out


def dated_diff(pathway: Pathway) -> str:
    """Return the values the pathway's dated changes set, with the years they apply in.

    For every representative year, the diff records (:func:`resourcemodel.pipeline.load`
    of the year's scenario) whose origin is a change with a ``years`` selector; a record
    the same in several years is one row, its origin followed by those years. Then the
    trajectories, each with its factor in every representative year. Used by
    ``resourcemodel diff`` on a pathway file, whose main table is the first year's.
    """
    from resourcemodel.pipeline import load
    from resourcemodel.scenario import format_diff

    scenario = pathway.scenario
    lines: list[str] = []
    if scenario.dated and scenario.path is not None:
        origins = {c.origin for c in scenario.dated}
        rows: dict[tuple[object, ...], tuple[dict[str, object], list[int]]] = {}
        for year in pathway.years:
            _, _, diff = load(load_scenario(scenario.path, year=int(year)))
            for record in diff:
                if record["origin"] not in origins:
                    continue
                key = (
                    record["parameter"],
                    tuple(record["labels"].items()),
                    record["before"],
                    record["after"],
                    record["unit"],
                    record["origin"],
                )
                rows.setdefault(key, (record, []))[1].append(int(year))
        dated = [
            {**record, "origin": f"{record['origin']}, in {_years_text(years)}"}
            for record, years in rows.values()
        ]
        lines += [
            f"Dated changes ({len(scenario.dated)}), with the representative years they "
            f"apply in ({_years_text(list(pathway.years))}):",
            format_diff(dated) if dated else "No dated change alters a value.",
        ]
    if pathway.trajectories:
        first = pathway.years[0]
        lines.append("Trajectories (a factor on the year's values):")
        for t in pathway.trajectories:
            where = ", ".join(f"{d}={'|'.join(v)}" for d, v in t.change.where.items())
            factors = ", ".join(f"{y}: {t.factor(y, first):.4g}" for y in pathway.years)
            lines.append(f"  {t.change.parameter}[{where}]  {factors}")
    return "\n".join(lines)


def _years_text(years: list[int]) -> str:
    """Return ``[1409, 1414, 1419]`` as ``"1409, 1414, 1419"``."""
    return ", ".join(str(y) for y in years)
