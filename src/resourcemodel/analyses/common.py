"""Shared plumbing of the planner analyses: load a case, pick resources, edit programs.

The analyses never change how the model is formulated. They take the
:class:`~resourcemodel.program.LinearProgram` that :func:`resourcemodel.build` returns and
append columns and rows to it with ``scipy.sparse`` (:func:`add_columns`,
:func:`add_rows`), or change its bounds and costs on a copy (:func:`replace`).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pint
import scipy.sparse as sp
import xarray as xr

from resourcemodel import units, validate
from resourcemodel.backends import SolveResult
from resourcemodel.exceptions import InputError
from resourcemodel.formulation import Options
from resourcemodel.pipeline import load, solve
from resourcemodel.program import Block, LinearProgram
from resourcemodel.report import planner_unit
from resourcemodel.results import assemble

if TYPE_CHECKING:
    from resourcemodel.scenario import Scenario


@dataclass
class Case:
    """A scenario ready to be built: validated inputs, formulation options and a name."""

    inputs: xr.Dataset
    options: Options
    name: str


def prepare(
    scenario: str | Path | Scenario | xr.Dataset,
    *,
    objective: str | None = None,
    integer_measures: bool | None = None,
) -> Case:
    """Return the inputs, options and name of a scenario.

    Parameters
    ----------
    scenario : str, Path, Scenario or xarray.Dataset
        A scenario TOML file, a case folder, a resolved scenario, or an inputs Dataset
        (from :func:`resourcemodel.load_inputs`, possibly edited).
    objective : {"cost", "value_added"}, optional
        Overrides the scenario's ``[options] objective``.
    integer_measures : bool, optional
        Overrides the scenario's ``[options] integer_measures``.
    """
    if isinstance(scenario, xr.Dataset):
        inputs, spec_options, name = scenario, {}, str(scenario.attrs.get("scenario", "inputs"))
    else:
        inputs, spec, _ = load(scenario)
        spec_options = dict(spec.options) if spec else {}
        name = spec.name if spec is not None else Path(scenario).name  # type: ignore[arg-type]
    options = Options.resolve(spec_options, objective=objective, integer_measures=integer_measures)
    return Case(inputs, options, name)


# -- editing programs -------------------------------------------------------------------


def replace(lp: LinearProgram, **changes: object) -> LinearProgram:
    """Return a copy of ``lp`` with some fields replaced (arrays are copied, A is shared)."""
    fields = {
        "c": lp.c.copy(),
        "row_lower": lp.row_lower.copy(),
        "row_upper": lp.row_upper.copy(),
        "col_lower": lp.col_lower.copy(),
        "col_upper": lp.col_upper.copy(),
        "integrality": lp.integrality.copy(),
        "variables": dict(lp.variables),
        "constraints": dict(lp.constraints),
    }
    fields.update(changes)
    return dataclasses.replace(lp, **fields)  # type: ignore[arg-type]


def _block(name: str, labels: Sequence[str], start: int, unit: str) -> Block:
    labels_arr = np.asarray(list(labels), dtype=str)
    index = np.arange(start, start + len(labels_arr), dtype=np.int64)
    return Block(name, ("item",), {"item": labels_arr}, index, unit)


def _sized(matrix: Any, shape: tuple[int, int]) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix)
    if out.shape != shape:
        msg = f"expected a {shape[0]} x {shape[1]} matrix, got {out.shape[0]} x {out.shape[1]}"
        raise ValueError(msg)
    return out


def add_columns(
    lp: LinearProgram,
    name: str,
    labels: Sequence[str],
    matrix: sp.spmatrix | sp.sparray,
    *,
    lower: np.ndarray | float = 0.0,
    upper: np.ndarray | float = np.inf,
    cost: np.ndarray | float = 0.0,
    integer: bool = False,
    unit: str = "",
) -> LinearProgram:
    """Return ``lp`` with ``k`` new columns appended.

    Parameters
    ----------
    lp : LinearProgram
        The program (not modified).
    name : str
        Name of the new block of columns (dimension ``item`` with ``labels``).
    labels : sequence of str
        One label per new column.
    matrix : scipy.sparse matrix
        ``m x k``: the coefficients of the new columns in the existing rows.
    lower, upper, cost : array or float
        Bounds and objective coefficients of the new columns.
    integer : bool
        Whether the new columns are integer.
    unit : str
        Unit of the new columns.
    """
    k = len(labels)
    m, n = lp.shape
    cols = _sized(matrix, (m, k))
    new = replace(
        lp,
        A=sp.hstack([lp.A, cols], format="csr"),
        c=np.concatenate([lp.c, np.broadcast_to(cost, (k,)).astype(float)]),
        col_lower=np.concatenate([lp.col_lower, np.broadcast_to(lower, (k,)).astype(float)]),
        col_upper=np.concatenate([lp.col_upper, np.broadcast_to(upper, (k,)).astype(float)]),
        integrality=np.concatenate([lp.integrality, np.full(k, integer)]),
    )
    new.variables[name] = _block(name, labels, n, unit)
    return new


def add_rows(
    lp: LinearProgram,
    name: str,
    labels: Sequence[str],
    matrix: sp.spmatrix | sp.sparray,
    *,
    lower: np.ndarray | float = -np.inf,
    upper: np.ndarray | float = np.inf,
    unit: str = "",
) -> LinearProgram:
    """Return ``lp`` with ``k`` new range rows ``lower <= matrix @ x <= upper`` appended."""
    k = len(labels)
    m, n = lp.shape
    rows = _sized(matrix, (k, n))
    new = replace(
        lp,
        A=sp.vstack([lp.A, rows], format="csr"),
        row_lower=np.concatenate([lp.row_lower, np.broadcast_to(lower, (k,)).astype(float)]),
        row_upper=np.concatenate([lp.row_upper, np.broadcast_to(upper, (k,)).astype(float)]),
    )
    new.constraints[name] = _block(name, labels, m, unit)
    return new


def objective_row(lp: LinearProgram) -> sp.csr_matrix:
    """Return the minimised objective ``c`` as a ``1 x n`` row (add ``lp.c0`` for its value)."""
    return sp.csr_matrix(lp.c.reshape(1, -1))


def run(lp: LinearProgram, backend: str = "highs", **options: object) -> SolveResult:
    """Solve a program; with HiGHS, skip the ranging unless asked and close MIP gaps."""
    if backend == "highs":
        options.setdefault("ranging", False)
        if lp.is_mip:
            options.setdefault("mip_rel_gap", 1e-9)
    return solve(lp, backend, **options)


def minimised(lp: LinearProgram, result: SolveResult) -> float:
    """Return the minimised objective ``c @ x + c0`` of a solution."""
    return float(lp.c @ np.nan_to_num(result.x) + lp.c0)


def tolerance(value: float, rel: float = 1e-7, absolute: float = 1e-6) -> float:
    """Return a slack for fixing an objective at ``value`` in a lexicographic solve."""
    return rel * abs(value) + absolute


# -- picking resources -------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which sources' draws make up "the resource" of an analysis, and in what unit.

    Attributes
    ----------
    name : str
        What was asked for (``freshwater``, ``electricity``, ``energy``...).
    kind : str
        ``source group``, ``resource``, ``resource group`` or ``source``.
    weights : numpy.ndarray
        Per source: factor converting its draw into ``unit`` (0 if not selected).
    resource_weights : numpy.ndarray
        Per resource: factor converting it into ``unit`` (0 if not selected).
    unit : str
        Canonical unit of the total.
    """

    name: str
    kind: str
    weights: np.ndarray
    resource_weights: np.ndarray
    unit: str

    def sources(self, inputs: xr.Dataset) -> list[str]:
        """Return the selected source labels."""
        return [str(s) for s, w in zip(inputs["source"].values, self.weights, strict=True) if w]

    def describe(self, inputs: xr.Dataset) -> str:
        """Return e.g. ``freshwater (river_zayandeh + groundwater, m3)``."""
        return f"{self.name} ({' + '.join(self.sources(inputs))}, {self.unit})"


def select(inputs: xr.Dataset, of: str, unit: str | None = None) -> Selection:
    """Resolve ``of`` to a set of sources and a unit.

    ``of`` is looked up, in this order, as a source group (``freshwater``), a resource
    (``electricity``), a resource group (``water``, ``energy``) or a single source. The
    draws of several resources are added after converting them to ``unit`` (default:
    the unit of the first one); resources whose units cannot be converted into each other
    (tonnes and barrels) cannot be added and raise an error.

    Raises
    ------
    InputError
        If ``of`` names nothing, or names resources that cannot be added.
    """
    if unit is not None:
        try:
            validate.parse_unit(unit)
        except validate.UNIT_ERRORS as err:
            raise InputError(f"unit {unit!r}: unknown unit{validate.why(err)}.") from None
    sources = [str(s) for s in inputs["source"].values]
    resources = [str(r) for r in inputs["resource"].values]
    src_res = [str(r) for r in inputs["source_resource"].values]
    res_unit = {r: str(u) for r, u in zip(resources, inputs["resource_unit"].values, strict=True)}
    groups = [str(g) for g in inputs["group"].values]
    res_group = {r: str(g) for r, g in zip(resources, inputs["resource_group"].values, strict=True)}
    if of in groups:
        member = np.asarray(inputs["group_member"].sel(group=of).values, dtype=bool)
        chosen = {r for r, m in zip(src_res, member, strict=True) if m}
        kind, picked = "source group", member
    elif of in resources:
        chosen, kind = {of}, "resource"
        picked = np.array([r == of for r in src_res])
    elif of in set(res_group.values()):
        chosen = {r for r in resources if res_group[r] == of}
        kind = "resource group"
        picked = np.array([r in chosen for r in src_res])
    elif of in sources:
        chosen, kind = {src_res[sources.index(of)]}, "source"
        picked = np.array([s == of for s in sources])
    else:
        options = sorted(set(groups) | set(resources) | set(res_group.values()))
        msg = (
            f"{of!r} names no source group, resource, resource group or source of this case; "
            f"choose one of {options} (or a source: {sources})."
        )
        raise InputError(msg)
    ordered = [r for r in resources if r in chosen]
    target = unit or (res_unit[ordered[0]] if ordered else "")
    factors = {}
    for r in ordered:
        try:
            factors[r] = units.factor(res_unit[r], target)
        except (pint.errors.DimensionalityError, pint.errors.UndefinedUnitError, ValueError):
            listing = ", ".join(f"{x} [{res_unit[x]}]" for x in ordered)
            msg = (
                f"{of!r} covers resources whose units cannot be added ({listing}) into "
                f"{target!r}; pick one resource or a unit they all convert to."
            )
            raise InputError(msg) from None
    res_w = np.array([factors.get(r, 0.0) for r in resources])
    weights = np.where(picked, [factors.get(r, 0.0) for r in src_res], 0.0)
    return Selection(of, kind, weights, res_w, target)


def draw_matrix(lp: LinearProgram, selection: Selection) -> sp.csr_matrix:
    """Return the ``1 x n`` row summing the selected draws (all plants and periods)."""
    y = lp.variables["supply"].index
    w = np.broadcast_to(selection.weights[None, :, None], y.shape)
    keep = (y >= 0) & (w != 0)
    n = lp.shape[1]
    return sp.csr_matrix(
        (w[keep], (np.zeros(int(keep.sum()), dtype=np.int64), y[keep])), shape=(1, n)
    )


# -- planner words and units --------------------------------------------------------------


def label_name(inputs: xr.Dataset, dim: str, label: str) -> str:
    """Return the planner name of a label (its ``<dim>_name`` coordinate) or the label."""
    coord = f"{dim}_name"
    if coord in inputs.coords and label in inputs[dim].values:
        name = str(inputs[coord].sel({dim: label}).item())
        if name and name != "nan":
            return name
    return label


def element_unit(inputs: xr.Dataset, template: str, labels: dict[str, str]) -> str:
    """Resolve a block unit template (``{source.resource}``...) for one element."""

    def product_of_process() -> str:
        product = str(inputs["process_product"].sel(process=labels["process"]).item())
        return str(inputs["product_unit"].sel(product=product).item())

    def resource_unit(resource: str) -> str:
        return str(inputs["resource_unit"].sel(resource=resource).item())

    subs = {
        "{process.product}": product_of_process,
        "{source.resource}": lambda: resource_unit(
            str(inputs["source_resource"].sel(source=labels["source"]).item())
        ),
        "{group.resource}": lambda: resource_unit(
            str(inputs["group_resource"].sel(group=labels["group"]).item())
        ),
        "{reservoir.resource}": lambda: resource_unit(
            str(inputs["reservoir_resource"].sel(reservoir=labels["reservoir"]).item())
        ),
        "{user.resource}": lambda: resource_unit(
            str(inputs["user_resource"].sel(user=labels["user"]).item())
        ),
        "{resource}": lambda: resource_unit(labels["resource"]),
        "{product}": lambda: str(inputs["product_unit"].sel(product=labels["product"]).item()),
    }
    for token, fn in subs.items():
        if token in template:
            template = template.replace(token, fn())
    return template


def round_safe(value: float, digits: int = 3, up: bool = True, noise: float = 1e-9) -> float:
    """Round ``value`` to ``digits`` significant digits, away from zero if ``up``.

    A value within ``noise`` (relative) of a round number is taken as that number.
    """
    if value == 0 or not math.isfinite(value):
        return value
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    scale = 10.0**exponent
    scaled = value / scale
    # Ignore floating noise just past a round number.
    near = round(scaled)
    if abs(scaled - near) < noise * max(1.0, abs(scaled)):
        scaled = near
    out = (math.ceil(scaled) if up else math.floor(scaled)) * scale
    return float(f"{out:.{digits}g}") if abs(exponent) < 15 else out


def amount(value: float, unit: str, *, up: bool | None = None, digits: int = 3) -> str:
    """Format ``value`` (in ``unit``) in a planner unit, e.g. ``3.1 Mm3``.

    ``up`` rounds to ``digits`` significant digits away from zero (``True``), towards
    zero (``False``) or to the nearest (``None``).

    Examples
    --------
    >>> amount(3.1e6, "m3")
    '3.1 Mm3'
    >>> amount(149.01, "m3", up=True)
    '150 m3'
    """
    disp, f = planner_unit(unit, value)
    v = value * f
    v = round_safe(v, digits, up, noise=1e-6) if up is not None else float(f"{v:.{digits}g}")
    text = f"{v:,.0f}" if abs(v) >= 1000 or float(v).is_integer() else f"{v:g}"
    return f"{text} {disp}".strip()


def results_of(case: Case, lp: LinearProgram, result: SolveResult) -> xr.Dataset:
    """Return the results Dataset of a solution of ``lp`` or of a program extending it.

    Columns and rows appended after ``lp``'s are dropped; the objective is recomputed
    with ``lp``'s own costs, and no ranging is reported.
    """
    m, n = lp.shape
    x = result.x[:n]
    trimmed = dataclasses.replace(
        result,
        x=x,
        row_dual=result.row_dual[:m],
        col_dual=result.col_dual[:n],
        ranging=None,
        objective=lp.objective_sign * (float(lp.c @ np.nan_to_num(x)) + lp.c0),
    )
    return assemble(case.inputs, lp, trimmed, {"scenario": case.name})


def value_added(res: xr.Dataset) -> float:
    """Revenue minus production, supply and measure costs of a results Dataset, USD."""
    totals = json.loads(res.attrs["cost_totals_usd"])
    return float(totals["revenue"] - totals["production"] - totals["supply"] - totals["measures"])


def cost_of(res: xr.Dataset) -> float:
    """Production, supply and measure costs of a results Dataset (no penalties), USD."""
    totals = json.loads(res.attrs["cost_totals_usd"])
    return float(totals["production"] + totals["supply"] + totals["measures"])


class Warm:
    """Solve a sequence of programs of one structure, warm-starting HiGHS from the last basis.

    With the ``highs`` backend the model stays loaded (:class:`HighsModel`) and only the
    numbers that differ are pushed before each solve; other backends solve afresh.
    """

    def __init__(self, backend: str = "highs") -> None:
        self.backend = backend
        self._model: Any = None
        self.solves = 0

    def solve(self, lp: LinearProgram) -> SolveResult:
        """Solve ``lp``."""
        self.solves += 1
        if self.backend != "highs":
            return run(lp, self.backend)
        if self._model is None:
            from resourcemodel.backends.highs import HighsModel

            self._model = HighsModel(lp)
        else:
            self._model.update(lp)
        return self._model.solve()  # type: ignore[no-any-return]
