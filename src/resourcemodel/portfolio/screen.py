"""Screening: every project's footprint and its value at the scenario's shadow prices.

One solve of the scenario (value-added objective) gives the dual of every cap and balance;
each project's column (:mod:`resourcemodel.portfolio.columns`) priced at those duals gives,
for the whole register at once (one sparse product):

- ``value``: sales minus production cost minus the source costs of its inputs, USD/yr;
- ``scarcity_charge``: the value added existing plants would lose to free the capped
  resources the project draws (shadow price x use in every cap row it enters) plus the
  value of the pooled products it takes; by family in ``charge_by_family``;
- ``annuity``: its remaining investment annualised;
- ``net_value = value - scarcity_charge - annuity``: the first-order gain of completing it
  alone; exact as long as its use stays within the ranges over which the shadow prices
  hold (:func:`resourcemodel.portfolio.select` accounts for everything else).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from resourcemodel.analyses.common import Case, Selection, prepare, results_of, run, select
from resourcemodel.exceptions import InfeasibleError, InputError
from resourcemodel.formulation import build
from resourcemodel.portfolio.columns import (
    FAMILIES,
    ProjectColumns,
    annuity,
    assign_sources,
    family_rows,
    project_columns,
)
from resourcemodel.portfolio.register import read_register
from resourcemodel.program import LinearProgram
from resourcemodel.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from resourcemodel.backends import SolveResult
    from resourcemodel.scenario import Scenario

#: Default discount rate for annualising remaining investment (assumption: a real rate
#: typical of industrial appraisal in Iran's high-inflation economy is not known; 8% real is
#: the World Bank's usual appraisal rate for middle-income countries).
DISCOUNT_RATE = 0.08
#: Default economic lifetime of a completed project, years (assumption).
LIFETIME = 20.0


@dataclass
class Setting:
    """The scenario without projects, solved, and the register as LP columns."""

    case: Case
    lp: LinearProgram
    result: SolveResult
    results: xr.Dataset
    register: xr.Dataset
    columns: ProjectColumns
    annuity: np.ndarray
    freshwater: np.ndarray
    selection: Selection

    @property
    def years(self) -> float:
        """Length of the horizon in years."""
        return float(self.case.inputs["period_duration"].values.sum() / DAYS_PER_YEAR)


def setting(
    scenario: str | Path | Scenario | xr.Dataset,
    register: str | Path | xr.Dataset,
    *,
    backend: str = "highs",
    discount_rate: float = DISCOUNT_RATE,
    lifetime: float = LIFETIME,
    of: str = "freshwater",
) -> Setting:
    """Solve the scenario (value added) and turn the register into columns of its LP."""
    case = prepare(scenario, objective="value_added")
    lp = build(case.inputs, case.options)
    result = run(lp, backend)
    if not result.status.is_ok:
        raise InfeasibleError(case.name, str(result.status), "The scenario without projects.")
    results = results_of(case, lp, result)
    reg = register if isinstance(register, xr.Dataset) else read_register(register, case.inputs)
    source = assign_sources(reg, case.inputs, results)
    cols = project_columns(lp, case.inputs, reg, source)
    years = float(case.inputs["period_duration"].values.sum() / DAYS_PER_YEAR)
    ann = annuity(reg["remaining_investment"].values, discount_rate, lifetime, years)
    try:
        sel = select(case.inputs, of)
    except InputError:
        if of != "freshwater":
            raise
        sel = select(case.inputs, "water")
    weights = np.where(source >= 0, sel.weights[np.maximum(source, 0)], 0.0)
    fresh = (cols.use.sum(-1) * weights).sum(-1)
    return Setting(case, lp, result, results, reg, cols, ann, fresh, sel)


def charges(s: Setting, row_dual: np.ndarray) -> dict[str, np.ndarray]:
    """Return, per row family, each project's charge at the duals ``row_dual``, USD.

    The charge of a project in a family is minus the duals (HiGHS convention, minimised
    objective) times its coefficients: the value added lost elsewhere per unit of share.
    """
    y = np.nan_to_num(row_dual[: s.lp.shape[0]])
    rows = family_rows(s.lp)
    out = {}
    csc = s.columns.matrix.tocsr()
    for name in FAMILIES:
        r = rows[name]
        out[name] = -(y[r] @ csc[r]) if len(r) else np.zeros(csc.shape[1])
        out[name] = np.asarray(out[name]).ravel()
    return out


def screen(
    scenario: str | Path | Scenario | xr.Dataset,
    register: str | Path | xr.Dataset,
    *,
    backend: str = "highs",
    discount_rate: float = DISCOUNT_RATE,
    lifetime: float = LIFETIME,
    of: str = "freshwater",
) -> xr.Dataset:
    """Return every project's footprint and value at the scenario's shadow prices.

    Parameters
    ----------
    scenario : str, Path, Scenario or xarray.Dataset
        The scenario the projects would join (solved with the value-added objective).
    register : str, Path or xarray.Dataset
        A register CSV or a register Dataset (:func:`read_register`).
    backend : str
        Solver backend.
    discount_rate, lifetime : float
        Annualisation of the remaining investment (fraction per year; years).
    of : str
        The resource reported as ``freshwater`` (a source group, resource...).

    Returns
    -------
    xarray.Dataset
        Over ``project``: ``output`` (product unit/yr), ``footprint[resource, period]`` and
        ``footprint_annual[resource]`` (resource units), ``freshwater`` (the unit of ``of``),
        ``emission[pollutant]`` (t), ``jobs``, ``value``, ``scarcity_charge``,
        ``charge_by_family[family]``, ``annuity``, ``net_value`` (USD/yr),
        ``net_value_per_freshwater`` (USD/m3), ``source[resource]`` (label drawn).
    """
    s = setting(
        scenario, register, backend=backend, discount_rate=discount_rate, lifetime=lifetime, of=of
    )
    return screening(s)


def screening(s: Setting, row_dual: np.ndarray | None = None) -> xr.Dataset:
    """Return the screening Dataset of a :class:`Setting` at duals ``row_dual``."""
    reg, cols, inputs = s.register, s.columns, s.case.inputs
    by_family = charges(s, s.result.row_dual if row_dual is None else row_dual)
    charge = np.sum(list(by_family.values()), axis=0)
    net = cols.value - charge - s.annuity
    sources = inputs["source"].values.astype(str)
    label = np.where(cols.source >= 0, sources[np.maximum(cols.source, 0)], "")
    per = np.divide(net, s.freshwater, out=np.full_like(net, np.nan), where=s.freshwater > 0)
    project = reg["project"].values
    ds = xr.Dataset(
        {
            "output": (("project",), cols.output.sum(-1), {"units": "{project.product}"}),
            "footprint": (("project", "resource", "period"), cols.use, {"units": "{resource}"}),
            "footprint_annual": (
                ("project", "resource"),
                cols.use.sum(-1),
                {"units": "{resource}"},
            ),
            "freshwater": (("project",), s.freshwater, {"units": s.selection.unit}),
            "emission": (("project", "pollutant"), cols.emission.sum(-1), {"units": "t"}),
            "jobs": (("project",), reg["jobs"].values, {"units": "job"}),
            "value": (("project",), cols.value, {"units": "USD"}),
            "scarcity_charge": (("project",), charge, {"units": "USD"}),
            "charge_by_family": (
                ("project", "family"),
                np.stack([by_family[f] for f in FAMILIES], axis=1),
                {"units": "USD"},
            ),
            "annuity": (("project",), s.annuity, {"units": "USD"}),
            "net_value": (("project",), net, {"units": "USD"}),
            "net_value_per_freshwater": (("project",), per, {"units": "USD/m3"}),
            "source": (("project", "resource"), label),
        },
        coords={
            "project": project,
            "resource": inputs["resource"].values,
            "period": inputs["period"].values,
            "pollutant": inputs["pollutant"].values,
            "family": list(FAMILIES),
        },
    )
    for name in (
        "project_name",
        "sector",
        "county",
        "plain",
        "project_product",
        "reference_process",
        "lat",
        "lon",
    ):
        ds = ds.assign_coords({name: ("project", reg[name].values)})
    ds["value"].attrs["description"] = "Sales minus production and source costs, at full capacity."
    ds["scarcity_charge"].attrs["description"] = (
        "Value added lost elsewhere at the scenario's shadow prices to supply its capped "
        "resources and pooled products."
    )
    ds["net_value"].attrs["description"] = "value - scarcity_charge - annuity."
    ds.attrs.update(
        scenario=s.case.name,
        register=str(reg.attrs.get("register", "")),
        synthetic=int(bool(reg.attrs.get("synthetic", 0))),
    )
    return ds
