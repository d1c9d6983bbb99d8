"""What a new project does under the caps: the with-and-without delta report.

:func:`permit_impact` solves a scenario twice, without and with a project (a new plant,
a capacity expansion, a half-finished project completed), and reports in one Dataset:

- the project's own footprint: the gross resource use of its processes (new processes,
  and the change of processes whose inputs the project changes) and its plants' draw
  from each source;
- what it displaces: the output change of every other process and the change of unmet
  demand;
- the change of every cap's shadow price, of the draw from each source, and of cost
  and value added.

A project is an overlay folder (CSV rows added to the case, as a scenario's ``overlay``),
a scenario file that includes it (for example one that ``extends`` the base and adds the
overlay), or an inputs Dataset. :func:`rank_projects` compares several candidates by the
value they add to the province per unit of freshwater they use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from resourcemodel import validate
from resourcemodel.analyses.common import (
    Case,
    amount,
    cost_of,
    label_name,
    prepare,
    results_of,
    run,
    select,
    value_added,
)
from resourcemodel.exceptions import InfeasibleError, InputError
from resourcemodel.formulation import build
from resourcemodel.results import CAP_FAMILIES, unit_of
from resourcemodel.seasons import seasonal_intensity

if TYPE_CHECKING:
    from resourcemodel.scenario import Scenario

#: Inputs of a process; a project that changes any of them changes that process.
PROCESS_PARAMETERS = (
    "capacity",
    "availability",
    "must_run",
    "production_cost",
    "intensity",
    "product_input",
)

#: Inputs of a plant; a project that changes any of them involves that plant.
PLANT_PARAMETERS = (
    "reserved_use",
    "contract",
    "connection_cap",
    "permit",
    "max_adoption",
    "measure_cost",
    "saving",
    "measure_use",
    "connected",
)


@dataclass
class PermitImpact:
    """The delta report of one project; see :func:`permit_impact`.

    Attributes
    ----------
    delta : xarray.Dataset
        Changes (with minus without) on the union of both scenarios' labels.
    without, with_project : xarray.Dataset
        The two results Datasets.
    """

    delta: xr.Dataset
    without: xr.Dataset
    with_project: xr.Dataset

    def text(self, top: int = 8) -> str:
        """Return the delta report in planner units."""
        return _text(self, top)

    def __str__(self) -> str:
        return self.text()


def permit_impact(
    scenario: str | Path | Scenario | xr.Dataset,
    project: str | Path | Scenario | xr.Dataset,
    *,
    of: str = "freshwater",
    name: str | None = None,
    objective: str | None = None,
    backend: str = "highs",
) -> PermitImpact:
    """Compare a scenario without and with a project.

    Parameters
    ----------
    scenario : str, Path, Scenario or xarray.Dataset
        The scenario without the project (a scenario file, case folder, resolved scenario
        or inputs Dataset).
    project : str, Path, Scenario or xarray.Dataset
        An overlay folder (applied on top of ``scenario``), a scenario file or resolved
        scenario that includes the project, or the inputs with the project.
    of : str
        The resource whose use by the project is reported as ``project_use`` (default
        ``freshwater``; falls back to ``water`` if the case has no such source group).
    name : str, optional
        Name of the project (default: the folder or file name).
    objective : {"cost", "value_added"}, optional
        Overrides the scenario's objective (both runs use the same).
    backend : str
        Solver backend.

    Returns
    -------
    PermitImpact
        ``delta`` (Dataset), ``without``/``with_project`` (results), ``text()``.

    Raises
    ------
    InfeasibleError
        If either scenario is infeasible.
    InputError
        If an overlay is given with an inputs Dataset as the scenario.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> case = rm.examples.path("permit_choice")
    >>> impact = rm.analyses.permit_impact(case, case / "projects" / "pipe_plant", of="water")
    >>> round(float(impact.delta["value_added_change"]))
    8750
    """
    base = prepare(scenario, objective=objective)
    other = _with_project(scenario, project, base)
    label = name or (
        str(other.inputs.attrs.get("scenario", "project"))
        if isinstance(project, xr.Dataset)
        else Path(str(getattr(project, "path", project))).stem
    )
    res0 = _solve(base, backend)
    res1 = _solve(other, backend)
    delta = _delta(base.inputs, other.inputs, res0, res1, of)
    delta.attrs.update(
        project=label,
        scenario=base.name,
        scenario_with=other.name,
        objective_name=str(res0.attrs["objective_name"]),
    )
    return PermitImpact(delta, res0, res1)


def rank_projects(
    scenario: str | Path | Scenario | xr.Dataset,
    projects: Mapping[str, str | Path | Scenario | xr.Dataset]
    | Sequence[str | Path | Scenario | xr.Dataset],
    *,
    of: str = "freshwater",
    objective: str | None = None,
    backend: str = "highs",
) -> pd.DataFrame:
    """Rank candidate projects by value added per unit of freshwater they use.

    Each project is compared with the scenario by :func:`permit_impact`. Its value is the
    change of the province's value added (revenue minus production, supply and measure
    costs) under the caps, so output it pushes out elsewhere counts against it; its
    freshwater is ``project_use``, the use of its own processes drawn from the selected
    sources.

    Returns
    -------
    pandas.DataFrame
        One row per project, best first: ``project``, ``value_added_change`` (USD),
        ``project_use`` (in ``unit``), ``value_per_unit`` (USD per unit; ``inf`` for a
        project that adds value without using the resource), ``unmet_change_total`` and
        ``unit``.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> case = rm.examples.path("permit_choice")
    >>> table = rm.analyses.rank_projects(
    ...     case, [case / "projects" / "pipe_plant", case / "projects" / "dry_line"], of="water"
    ... )
    >>> table[["project", "value_per_unit"]].round(2).values.tolist()
    [['pipe_plant', 17.5], ['dry_line', 9.5]]
    """
    items = projects.items() if isinstance(projects, Mapping) else [(None, p) for p in projects]
    rows = []
    for label, project in items:
        impact = permit_impact(
            scenario, project, of=of, name=label, objective=objective, backend=backend
        )
        d = impact.delta
        gain = float(d["value_added_change"])
        use = float(d["project_use"])
        if use > 1e-9 * max(abs(gain), 1.0):
            per = gain / use
        else:
            per = math.inf if gain > 0 else math.nan
        rows.append(
            {
                "project": d.attrs["project"],
                "value_added_change": gain,
                "project_use": use,
                "value_per_unit": per,
                "unmet_change_total": float(d["unmet_change"].sum()),
                "unit": d["project_use"].attrs["units"],
            }
        )
    table = pd.DataFrame(rows)
    order = table["value_per_unit"].fillna(-math.inf).rank(ascending=False, method="first")
    return table.iloc[np.argsort(order.to_numpy())].reset_index(drop=True)


# -- loading ---------------------------------------------------------------------------


def _with_project(
    scenario: str | Path | Scenario | xr.Dataset,
    project: str | Path | Scenario | xr.Dataset,
    base: Case,
) -> Case:
    if isinstance(project, str | Path) and Path(project).is_file():
        from resourcemodel.scenario import not_a_scenario

        if Path(project).suffix.lower() != ".toml":
            wanted = "an overlay folder holding the project's tables, or a scenario .toml file"
            raise InputError(not_a_scenario(Path(project), "a project", wanted))
    if isinstance(project, xr.Dataset):
        case = prepare(project)
    elif isinstance(project, str | Path) and Path(project).is_dir() and not _is_case(project):
        case = _overlay(scenario, Path(project), base)
    else:
        case = prepare(project)
    case.options = base.options
    return case


def _is_case(path: str | Path) -> bool:
    return (Path(path) / "plants.csv").exists() and (Path(path) / "periods.csv").exists()


def _overlay(scenario: str | Path | Scenario | xr.Dataset, folder: Path, base: Case) -> Case:
    from resourcemodel.scenario import Scenario, apply_changes, load_scenario

    if isinstance(scenario, xr.Dataset):
        msg = (
            f"The project {str(folder)!r} is an overlay folder; give the scenario as a file "
            "or case folder (not an inputs Dataset) so that the overlay can be applied."
        )
        raise InputError(msg)
    if isinstance(scenario, Scenario) or Path(scenario).suffix == ".toml":
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        inputs = validate.load_inputs(spec.data, overlays=[*spec.overlays, folder])
        inputs, _ = apply_changes(inputs, spec)
    else:
        inputs = validate.load_inputs(scenario, overlays=[folder])
    return Case(inputs, base.options, f"{base.name}+{folder.name}")


def _solve(case: Case, backend: str) -> xr.Dataset:
    lp = build(case.inputs, case.options)
    result = run(lp, backend)
    if not result.status.is_ok:
        hint = f"Run `resourcemodel explain` on {case.name!r} to see which limits to relax."
        raise InfeasibleError(case.name, str(result.status), hint)
    return results_of(case, lp, result)


# -- the delta ---------------------------------------------------------------------------


def _changed(before: xr.Dataset, after: xr.Dataset, names: tuple[str, ...], dim: str) -> np.ndarray:
    """Boolean over ``after[dim]``: labels whose value of any parameter in ``names`` differs.

    Labels the case without the project lacks count as 0 there (new labels differ).
    """
    flags = np.zeros(after.sizes[dim], dtype=bool)
    for name in names:
        a = after[name].reset_coords(drop=True).astype(float)
        b = before[name].reset_coords(drop=True).astype(float)
        b = b.reindex({d: after[d].values for d in b.dims}, fill_value=0.0)
        differs = ~np.isclose(a.values, b.transpose(*a.dims).values, equal_nan=True)
        axes = tuple(i for i, d in enumerate(a.dims) if d != dim)
        flags |= differs.any(axis=axes) if axes else differs
    return flags


def _project_processes(before: xr.Dataset, after: xr.Dataset) -> np.ndarray:
    """Boolean over ``after.process``: new processes and processes the project changes."""
    new = ~np.isin(after["process"].values, before["process"].values)
    return new | _changed(before, after, PROCESS_PARAMETERS, "process")


def _project_plants(before: xr.Dataset, after: xr.Dataset, processes: np.ndarray) -> np.ndarray:
    """Boolean over ``after.plant``: new plants, plants of project processes, changed plants."""
    new = ~np.isin(after["plant"].values, before["plant"].values)
    touched = np.isin(after["plant"].values, after["process_plant"].values[processes])
    return new | touched | _changed(before, after, PLANT_PARAMETERS, "plant")


def _delta(
    before: xr.Dataset, after: xr.Dataset, res0: xr.Dataset, res1: xr.Dataset, of: str
) -> xr.Dataset:
    processes = _project_processes(before, after)
    plants = _project_plants(before, after, processes)
    try:
        selection = select(after, of)
    except InputError:
        if of != "freshwater":
            raise
        selection = select(after, "water")

    def total(res: xr.Dataset, name: str, dims: tuple[str, ...], like: xr.Dataset) -> xr.DataArray:
        da = res[name].reset_coords(drop=True).fillna(0.0).sum(dims)
        index = {dim: like[dim].values for dim in da.dims}
        return da.reindex(index, fill_value=0.0)

    out: dict[str, xr.DataArray] = {}
    for name, source, dims in (
        ("output_change", "production", ("period",)),
        ("unmet_change", "unmet", ("period",)),
        ("delivery_change", "delivery", ("period",)),
        ("supply_change", "supply", ("period",)),
        ("use_change", "resource_use", ("period",)),
        ("draw_change", "supply", ("plant", "period")),
    ):
        out[name] = total(res1, source, dims, after) - total(res0, source, dims, after)
    # Footprint: gross use of the project's processes (change), plus the other use of new
    # plants (reserved use, measures).
    # Use per unit in each period (seasonal factors), times production in each period.
    intensity = np.clip(seasonal_intensity(after), 0.0, None)  # process, resource, period
    x1 = res1["production"].transpose("process", "period").values
    x0 = (
        res0["production"]
        .reset_coords(drop=True)
        .reindex(process=after["process"].values, fill_value=0.0)
        .transpose("process", "period")
    )
    dx = np.where(processes[:, None], x1 - x0.values, 0.0)
    dx_use = (intensity * dx[:, None, :]).sum(axis=2)  # process, resource
    footprint = dx_use.sum(axis=0)
    new_plants = ~np.isin(after["plant"].values, before["plant"].values)
    process_use = np.zeros((after.sizes["plant"], after.sizes["resource"]))
    plant_of = pd.Index(after["plant"].values).get_indexer(after["process_plant"].values)
    np.add.at(process_use, plant_of, (intensity * x1[:, None, :]).sum(axis=2))
    other_use = res1["resource_use"].sum("period").values - process_use
    footprint = footprint + (other_use * new_plants[:, None]).sum(axis=0)
    out["footprint"] = xr.DataArray(
        footprint, dims=("resource",), coords={"resource": after["resource"].values}
    )
    out["project_draw"] = (
        out["supply_change"]
        .where(xr.DataArray(plants, dims="plant", coords={"plant": after["plant"].values}), 0.0)
        .sum("plant")
    )
    # The project's use of the selected resource, drawn from the selected sources in
    # proportion to its plants' draw.
    drawn = res1["supply"].fillna(0.0).sum("period").values  # plant, source
    src_res = pd.Index(after["resource"].values).get_indexer(after["source_resource"].values)
    per_resource = np.zeros((after.sizes["plant"], after.sizes["resource"]))
    picked = np.zeros_like(per_resource)
    np.add.at(per_resource.T, src_res, drawn.T)
    np.add.at(picked.T, src_res, (drawn * (selection.weights > 0)[None, :]).T)
    share = np.divide(picked, per_resource, out=np.zeros_like(picked), where=per_resource > 0)
    own = np.zeros_like(per_resource)
    np.add.at(own, plant_of, dx_use)
    project_use = float((own * share * selection.resource_weights[None, :]).sum())
    if not processes.any():
        project_use = float((out["project_draw"].values * selection.weights).sum())
    out["project_use"] = xr.DataArray(project_use)
    for family, cap in CAP_FAMILIES.items():
        del family
        p1 = res1[f"{cap}_shadow_price"].reset_coords(drop=True)
        p0 = res0[f"{cap}_shadow_price"].reset_coords(drop=True)
        p0 = p0.reindex({dim: p1[dim].values for dim in p1.dims})
        out[f"{cap}_shadow_price_without"] = p0
        out[f"{cap}_shadow_price_with"] = p1
        out[f"{cap}_shadow_price_change"] = p1 - p0
    scalars = {
        "objective": lambda r: float(r.attrs["objective"]),
        "value_added": value_added,
        "cost": cost_of,
        "unmet_penalty": lambda r: float(r["cost_unmet"].sum()),
    }
    for key, fn in scalars.items():
        a, b = fn(res0), fn(res1)
        out[f"{key}_without"] = xr.DataArray(a)
        out[f"{key}_with"] = xr.DataArray(b)
        out[f"{key}_change"] = xr.DataArray(b - a)
    delta = xr.Dataset(out)
    delta = delta.assign_coords(
        project_process=("process", processes), project_plant=("plant", plants)
    )
    for cname, coord in after.coords.items():
        if cname not in delta.coords and set(coord.dims) <= set(delta.dims):
            delta = delta.assign_coords({cname: coord})
    units = {
        "output_change": "{process.product}",
        "unmet_change": "{product}",
        "delivery_change": "{product}",
        "supply_change": "{source.resource}",
        "use_change": "{resource}",
        "draw_change": "{source.resource}",
        "footprint": "{resource}",
        "project_draw": "{source.resource}",
        "project_use": selection.unit,
    }
    for key, unit in units.items():
        delta[key].attrs["units"] = unit
    delta["project_use"].attrs["description"] = (
        f"Use of {selection.describe(after)} by the project's own processes."
    )
    for key in scalars:
        for suffix in ("without", "with", "change"):
            delta[f"{key}_{suffix}"].attrs["units"] = "USD"
    delta.attrs["of"] = selection.name
    delta.attrs["unit"] = selection.unit
    return delta


# -- the printed report ------------------------------------------------------------------


def _text(impact: PermitImpact, top: int) -> str:
    d = impact.delta
    inputs = d
    lines = [
        f"Permit impact of {d.attrs['project']!r} on scenario {d.attrs['scenario']!r} "
        f"({d.attrs['objective_name']} objective), per year:"
    ]
    for key, label in (
        ("value_added", "value added"),
        ("cost", "cost (production, supply, measures)"),
        ("unmet_penalty", "sales lost to unmet demand (or its explicit penalty)"),
    ):
        a, b = float(d[f"{key}_without"]), float(d[f"{key}_with"])
        lines.append(
            f"  {label}: {amount(a, 'USD')} -> {amount(b, 'USD')} ({_signed(b - a, 'USD')})"
        )
    plants = [
        label_name(inputs, "plant", str(p)) for p in d["plant"].values[d["project_plant"].values]
    ]
    procs = [
        label_name(inputs, "process", str(p))
        for p in d["process"].values[d["project_process"].values]
    ]
    lines.append(
        f"Project plants: {', '.join(plants) or '-'}; processes: {', '.join(procs) or '-'}"
    )
    lines.append("  Own footprint (gross use of its processes):")
    for resource in d["resource"].values:
        value = float(d["footprint"].sel(resource=resource))
        if abs(value) > 0:
            unit = str(d["resource_unit"].sel(resource=resource).item())
            lines.append(
                f"    {label_name(inputs, 'resource', str(resource))}: {_signed(value, unit)}"
            )
    lines.append(
        f"  Use of {d.attrs['of']} by its processes: "
        f"{amount(float(d['project_use']), str(d.attrs['unit']))}"
    )
    lines.append("  Draw of its plants by source:")
    draws = _largest(impact.without, impact.with_project, "supply", "source", d)
    lines += _changes(d, "project_draw", "source", top, size=draws)
    lines.append("Output change of other processes (displaced):")
    others = d["output_change"].where(~d["project_process"], 0.0)
    output = _largest(impact.without, impact.with_project, "production", "process", d)
    lines += _changes(d, None, "process", top, values=others, size=output)
    lines.append("Unmet demand change:")
    demand = _largest(impact.without, impact.with_project, "delivery", "product", d)
    lines += _changes(d, "unmet_change", "product", top, size=demand)
    lines.append("Draw change by source (whole province):")
    lines += _changes(d, "draw_change", "source", top, size=draws)
    lines.append("Shadow prices that change (value of one more unit of the cap):")
    rows = []
    for cap in CAP_FAMILIES.values():
        change = d[f"{cap}_shadow_price_change"]
        for where in np.argwhere(np.abs(np.nan_to_num(change.values)) > 1e-9):
            labels = {
                str(dim): str(change[dim].values[i])
                for dim, i in zip(change.dims, where, strict=True)
            }
            sel = tuple(where)
            try:
                unit = unit_of(impact.with_project, f"{cap}_limit", **labels)
            except KeyError:  # pragma: no cover - every cap has a unit
                unit = ""
            rows.append(
                (
                    abs(float(change.values[sel])),
                    f"    {cap}[{', '.join(labels.values())}]: "
                    f"{_num(float(d[f'{cap}_shadow_price_without'].values[sel]))} -> "
                    f"{_num(float(d[f'{cap}_shadow_price_with'].values[sel]))} USD/{unit}",
                )
            )
    rows.sort(key=lambda r: -r[0])
    lines += [r[1] for r in rows[:top]] or ["    (none)"]
    if len(rows) > top:
        lines.append(f"    ... and {len(rows) - top} more")
    return "\n".join(lines)


def _num(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:.4g}"


def _signed(value: float, unit: str) -> str:
    text = amount(value, unit)
    return text if value < 0 or text.startswith("0 ") else f"+{text}"


def _changes(
    d: xr.Dataset,
    name: str | None,
    dim: str,
    top: int,
    values: xr.DataArray | None = None,
    size: xr.DataArray | None = None,
) -> list[str]:
    """Lines for the largest changes; ranked by share of ``size`` (units differ by label)."""
    da = (d[name] if values is None else values).fillna(0.0)
    biggest = float(np.abs(da.values).max()) if da.size else 0.0
    rows = []
    for label in da[dim].values:
        value = float(da.sel({dim: label}))
        if abs(value) <= 1e-9 * max(biggest, 1.0):
            continue
        ref = float(size.sel({dim: label})) if size is not None else 0.0
        rank = abs(value) / ref if ref > 0 else abs(value)
        unit = _unit(d, dim, str(label))
        rows.append((rank, f"    {label_name(d, dim, str(label))}: {_signed(value, unit)}"))
    rows.sort(key=lambda r: -r[0])
    lines = [r[1] for r in rows[:top]] or ["    (none)"]
    if len(rows) > top:
        lines.append(f"    ... and {len(rows) - top} more")
    return lines


def _largest(a: xr.Dataset, b: xr.Dataset, name: str, keep: str, like: xr.Dataset) -> xr.DataArray:
    """Larger of two results' totals of ``name`` over all dims but ``keep``."""

    def total(res: xr.Dataset) -> xr.DataArray:
        da = res[name].reset_coords(drop=True).fillna(0.0)
        da = da.sum([dim for dim in da.dims if dim != keep])
        return da.reindex({keep: like[keep].values}, fill_value=0.0)

    return xr.DataArray(np.fmax(np.abs(total(a)), np.abs(total(b))))


def _unit(d: xr.Dataset, dim: str, label: str) -> str:
    if dim == "source":
        resource = str(d["source_resource"].sel(source=label).item())
        return str(d["resource_unit"].sel(resource=resource).item())
    if dim == "process":
        product = str(d["process_product"].sel(process=label).item())
        return str(d["product_unit"].sel(product=product).item())
    if dim == "product":
        return str(d["product_unit"].sel(product=label).item())
    return str(d["resource_unit"].sel(resource=label).item())
