"""Sweeps over a pathway lever: one pathway per value, outcomes on ``scenario`` and ``year``.

:func:`sweep_pathway` re-solves a pathway (:mod:`resourcemodel.pathway`) for each value of
one pathway lever and returns the outcomes a planner compares, over ``scenario`` (one per
value) and ``year``:

- ``"discount_rate"``: the pathway's discount rate (the years' inputs and programs are
  built once and only re-stacked: the rate changes the objective weights and annuities);
- ``"target"``: the factor reached from ``year`` on by the pathway's ``path``
  trajectories (those of ``parameter`` when given): every point at or after ``year`` is
  set to the value, and a point is added at ``year`` if there is none. On
  ``scenarios/pathway-1404-1424.toml`` ``target`` with ``year = 1414`` is the share of
  industry's freshwater allocation left by 1414 (0.75: a quarter less);
- ``"foresight"``: ``"perfect"`` or ``"myopic"``.

Outcomes: ``objective`` and ``objective_undiscounted`` (per scenario), ``objective_year``,
``capital_charge_year``, ``freshwater`` (:func:`resourcemodel.pathway.plots.freshwater_drawn`),
``value_added`` and ``jobs`` (:func:`resourcemodel.pathway.plots.output_and_jobs`) per
scenario and year, ``build`` (plant x measure x decision year) and ``build_capacity``
(source x decision year) when the pathway has candidates, ``status`` per scenario. A run
that does not solve to optimality keeps its status and NaN outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from resourcemodel.exceptions import SweepError

#: Pathway levers :func:`sweep_pathway` knows.
LEVERS = ("discount_rate", "target", "foresight")

#: Outcomes by scenario and year (and the build plans) kept from each pathway's results.
_BY_YEAR = ("objective_year", "capital_charge_year")


def _with_target(pathway: Any, value: float, year: int, parameter: str | None) -> Any:
    """Return ``pathway`` with its path trajectories at ``value`` from ``year`` on."""
    changed = []
    hits = 0
    for t in pathway.trajectories:
        if t.kind != "path" or (parameter is not None and t.change.parameter != parameter):
            changed.append(t)
            continue
        points = {y: (float(value) if y >= year else f) for y, f in t.points.items()}
        points.setdefault(int(year), float(value))
        changed.append(replace(t, points=points))
        hits += 1
    if not hits:
        which = f"on {parameter!r} " if parameter else ""
        msg = (
            f"lever 'target': the pathway has no path trajectory {which}to set (its "
            f"trajectories: {[t.change.parameter for t in pathway.trajectories]})."
        )
        raise SweepError(msg)
    return replace(pathway, trajectories=tuple(changed))


def _variant(pathway: Any, lever: str, value: Any, year: int | None, parameter: str | None) -> Any:
    if lever == "discount_rate":
        rate = float(value)
        if not 0.0 <= rate < 1.0:
            msg = f"lever 'discount_rate': expected a rate in [0, 1), got {value!r}."
            raise SweepError(msg)
        return replace(pathway, discount_rate=rate)
    if lever == "foresight":
        from resourcemodel.pathway.spec import FORESIGHTS

        if value not in FORESIGHTS:
            msg = f"lever 'foresight': expected one of {list(FORESIGHTS)}, got {value!r}."
            raise SweepError(msg)
        return replace(pathway, foresight=str(value))
    if year is None:
        msg = "lever 'target' needs year= (the first year the target holds, e.g. 1414)."
        raise SweepError(msg)
    return _with_target(pathway, float(value), int(year), parameter)


def sweep_pathway(
    pathway: str | Path | Any,
    lever: str,
    values: Sequence[Any],
    *,
    year: int | None = None,
    parameter: str | None = None,
    backend: str = "highs",
    **solver_options: Any,
) -> xr.Dataset:
    """Solve the pathway once per value of ``lever``; return outcomes by scenario and year.

    Parameters
    ----------
    pathway : str, Path or Pathway
        A scenario file with a ``[pathway]`` table, or a loaded pathway.
    lever : {"discount_rate", "target", "foresight"}
        What varies (see the module's docstring).
    values : sequence
        One scenario per value.
    year : int, optional
        ``target``: the first year the target factor holds.
    parameter : str, optional
        ``target``: only the trajectories of this parameter (default: every path).
    backend : str
        Solver backend; ``solver_options`` go to it.

    Returns
    -------
    xarray.Dataset
        Dims ``scenario`` (labels ``"<lever>=<value>"``, the value as a coordinate named
        by the lever) and ``year``; see the module's docstring for the outcomes.

    Raises
    ------
    SweepError
        An unknown lever, a value it cannot take, or no values.
    """
    from resourcemodel.pathway import assemble_pathway, load_pathway, prepare, solve_pathway
    from resourcemodel.pathway.plots import freshwater_drawn, output_and_jobs
    from resourcemodel.pathway.run import run_card

    if lever not in LEVERS:
        msg = f"Unknown pathway lever {lever!r}; use one of {', '.join(LEVERS)}."
        raise SweepError(msg)
    if not len(values):
        raise SweepError("sweep_pathway: no values given.")
    base = pathway if not isinstance(pathway, str | Path) else load_pathway(pathway)
    variants = [_variant(base, lever, v, year, parameter) for v in values]
    built: tuple[list[xr.Dataset], list[Any]] | None = None
    if lever != "target":  # the years' inputs and programs do not change
        built = prepare(base)
    runs: list[xr.Dataset | None] = []
    statuses = []
    for variant in variants:
        inputs, lps = built if built is not None else prepare(variant)
        pp, result, _ = solve_pathway(variant, inputs, lps, backend=backend, **solver_options)
        statuses.append(str(result.status))
        if not result.status.is_ok:
            runs.append(None)
            continue
        runs.append(assemble_pathway(pp, result, inputs, variant, run_card(base, backend)))
    years = np.array(base.years, dtype=int)
    labels = [f"{lever}={v}" for v in values]
    n, k = len(values), len(years)
    out = xr.Dataset(
        coords={
            "scenario": labels,
            lever: ("scenario", np.asarray(list(values))),
            "year": years,
        }
    )
    out["status"] = ("scenario", np.array(statuses, dtype=object).astype(str))
    by_year = {name: np.full((n, k), np.nan) for name in (*_BY_YEAR, "freshwater")}
    by_year |= {"value_added": np.full((n, k), np.nan), "jobs": np.full((n, k), np.nan)}
    totals = {name: np.full(n, np.nan) for name in ("objective", "objective_undiscounted")}
    plans: dict[str, list[xr.DataArray | None]] = {"build": [], "build_capacity": []}
    water_unit = ""
    for i, res in enumerate(runs):
        if res is None:
            for plan in plans.values():
                plan.append(None)
            continue
        for name in totals:
            totals[name][i] = float(res.attrs[name])
        for name in _BY_YEAR:
            by_year[name][i] = res[name].values
        kind, drawn, water_unit = freshwater_drawn(res)
        by_year["freshwater"][i] = drawn
        table = output_and_jobs(res)
        by_year["value_added"][i] = table["value_added_musd_per_year"].to_numpy() * 1e6
        by_year["jobs"][i] = table["jobs"].to_numpy()
        for name, plan in plans.items():
            plan.append(res.get(name))
        out.attrs["freshwater_of"] = kind
    units = {
        "objective_year": "USD",
        "capital_charge_year": "USD",
        "freshwater": water_unit or "m3",
        "value_added": "USD",
        "jobs": "job",
    }
    for name, data in by_year.items():
        out[name] = (("scenario", "year"), data, {"units": units[name]})
    for name, total in totals.items():
        out[name] = ("scenario", total, {"units": "USD"})
    for name, plan in plans.items():
        shaped = next((p for p in plan if p is not None), None)
        if shaped is None:
            continue
        filled = [p if p is not None else xr.full_like(shaped, np.nan) for p in plan]
        out[name] = xr.concat(filled, dim=out["scenario"], coords="minimal", compat="override")
        out[name].attrs = dict(shaped.attrs)
    out.attrs.update(
        {
            "pathway": base.scenario.name,
            "lever": lever,
            "target_year": -1 if year is None else int(year),
            "target_parameter": parameter or "",
        }
    )
    return out
