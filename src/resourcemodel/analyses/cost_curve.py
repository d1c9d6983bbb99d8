"""Marginal cost curves of water and energy saving, computed from the allocation LP.

A measure's cost per m3 (or MWh) saved depends on everything else the province does: the
extra power a dry cooler draws, the water another measure already saves, which plant
produces. :func:`cost_curve` therefore asks the LP itself. It charges a price ``p`` on
every unit drawn from the chosen sources and raises ``p`` from 0 to infinity: each time
the optimum changes, some measures are adopted (or production moves) and the draw falls.
The optimal cost ``C(p) = min cost(x) + p draw(x)`` is concave and piecewise linear in
``p``; its breakpoints are found exactly by the Eisner-Severance bisection (solve at the
price where the lines of two known solutions cross; if nothing cheaper appears there, that
price is a breakpoint).

Each step of the curve goes from one optimal allocation to the next:

- ``saving``: how much less of the resource is drawn;
- ``unit_cost``: the increase of the program's cost (production, supply, measures and,
  when output may fall, unmet-demand penalties or lost revenue) per unit saved; at an
  exact breakpoint this equals the price there;
- ``measure_saving``: the change in what each measure saves of the resource.

The curve starts from a reference in which the measures that save the resource are not
allowed (all other measures are), so measures that pay for themselves appear as steps
with a negative cost. By default output is held at the reference's deliveries
(``keep_output=True``): the curve then shows the cost of saving the resource while
delivering the same goods. Its cumulative saving at the end equals the saving of the
scenario solved with all measures allowed, under the same output, at any price above the
last breakpoint.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from resourcemodel.analyses.common import (
    Case,
    Selection,
    Warm,
    add_rows,
    draw_matrix,
    label_name,
    prepare,
    replace,
    run,
    select,
    tolerance,
)
from resourcemodel.exceptions import InfeasibleError
from resourcemodel.formulation import build
from resourcemodel.program import LinearProgram

if TYPE_CHECKING:
    from resourcemodel.scenario import Scenario

#: At most this many solves while searching for breakpoints.
MAX_SOLVES = 400

#: Steps saving less than this share of the reference draw are solver noise and merged.
RESOLUTION = 1e-6


@dataclass
class _Point:
    """One optimal allocation on the curve."""

    cost: float  # minimised objective without the price, USD
    draw: float  # draw of the chosen resource, in the selection's unit
    x: np.ndarray


def cost_curve(
    scenario: str | Path | Scenario | xr.Dataset,
    of: str = "water",
    *,
    keep_output: bool = True,
    resolution: float = 1e-3,
    unit: str | None = None,
    objective: str | None = None,
    backend: str = "highs",
) -> xr.Dataset:
    """Return the marginal cost curve of saving a resource.

    Parameters
    ----------
    scenario : str, Path, Scenario or xarray.Dataset
        A scenario file, a case folder, a resolved scenario or an inputs Dataset.
    of : str
        The resource whose draw is saved: ``water``, ``freshwater``, ``electricity``,
        ``energy``... (see :func:`resourcemodel.analyses.common.select`).
    keep_output : bool
        Hold deliveries at the reference allocation's (default). If False, output may
        fall and the curve includes the cost of cutting it.
    resolution : float
        Steps smaller than this share of the total saving are not split further (the
        cost of such a step is then the average over it); 0 finds every breakpoint.
    unit : str, optional
        Unit of the saving (default: the resource's canonical unit).
    objective : {"cost", "value_added"}, optional
        Overrides the scenario's objective.
    backend : str
        Solver backend.

    Returns
    -------
    xarray.Dataset
        Along ``step`` (cheapest first): ``unit_cost`` (USD per unit saved), ``saving``,
        ``cumulative_saving``, ``cost_change`` (USD), ``measures`` (labels of the
        measures whose saving grows); and
        ``measure_saving[step, plant, measure]`` and ``adoption[step, plant, measure]``.
        ``attrs`` hold the reference draw and cost (without the measures),
        ``start_cost`` (the cost at the reference draw with the measures allowed: lower
        when measures pay off without changing the draw) and the draw and cost at the end.

    Raises
    ------
    InfeasibleError
        If the scenario has no solution without the measures that save the resource.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> curve = rm.analyses.cost_curve(rm.examples.path("water_measures"), "water")
    >>> curve["unit_cost"].values.round(2).tolist(), curve["saving"].values.round(3).tolist()
    ([0.8, 3.8], [200.0, 240.0])
    """
    case = prepare(scenario, objective=objective)
    lp = build(case.inputs, case.options)
    selection = select(case.inputs, of, unit)
    draw = draw_matrix(lp, selection)
    adoption = lp.variables["adoption"]
    saving = np.asarray(case.inputs["saving"].values, float)
    saves = (saving * selection.resource_weights[None, None, :] > 0).any(axis=2)
    curve_measures = adoption.index[(adoption.index >= 0) & saves]
    # Reference: the measures that save the resource are not allowed.
    without = lp.col_upper.copy()
    without[curve_measures] = 0.0
    first = run(replace(lp, col_upper=without), backend)
    if not first.status.is_ok:
        hint = (
            f"The scenario needs the measures that save {of} to be feasible; run "
            "`resourcemodel explain` on it with those measures left out."
        )
        raise InfeasibleError(case.name, str(first.status), hint)
    program = lp
    if keep_output:
        cols = lp.variables["delivery"].index
        cols = cols[cols >= 0]
        lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
        lower[cols] = np.clip(first.x[cols], lp.col_lower[cols], lp.col_upper[cols])
        upper[cols] = lower[cols]
        program = replace(lp, col_lower=lower, col_upper=upper)
    # One extra row holds the draw; every solve below changes only the costs and the
    # bounds of this row, so HiGHS starts from the previous basis.
    program = add_rows(program, "draw", [of], draw)
    search = _Search(program, lp.c, draw.toarray().ravel(), backend)
    without = program.col_upper.copy()
    without[curve_measures] = 0.0
    reference = search.plain(col_upper=without)
    # Measures may only lower the draw: the curve starts at the reference draw.
    search.row_upper = reference.draw + tolerance(reference.draw, 1e-9, 1e-9)
    start, end = search.extreme(-1), search.extreme(1)
    search.resolution = resolution * max(abs(reference.draw - end.draw), 1e-12)
    points = [start, *search.after(start, end)]
    return _dataset(case, lp, selection, of, reference, points, search.resolution)


class _Search:
    """Breakpoints of ``C(p) = min cost(x) + p draw(x)`` by Eisner-Severance bisection.

    ``program`` is the scenario's program with one last row holding the draw; ``c`` is
    the scenario's cost vector and ``g`` the draw (both over the original columns).
    """

    def __init__(self, program: LinearProgram, c: np.ndarray, g: np.ndarray, backend: str):
        self.program = program
        self.c = np.append(c, np.zeros(program.shape[1] - len(c)))
        self.g = np.append(g, np.zeros(program.shape[1] - len(g)))
        self.warm = Warm(backend)
        self.row_upper = np.inf
        self.resolution = 0.0

    def _solve(
        self,
        c: np.ndarray,
        lower: float = -np.inf,
        upper: float | None = None,
        col_upper: np.ndarray | None = None,
    ) -> np.ndarray:
        row_lower = self.program.row_lower.copy()
        row_upper = self.program.row_upper.copy()
        row_lower[-1] = lower
        row_upper[-1] = self.row_upper if upper is None else min(upper, self.row_upper)
        lp = replace(
            self.program,
            c=c,
            row_lower=row_lower,
            row_upper=row_upper,
            col_upper=self.program.col_upper if col_upper is None else col_upper,
        )
        result = self.warm.solve(lp)
        if not result.status.is_ok:
            msg = f"a cost-curve solve ended {result.status}"
            raise InfeasibleError("cost curve", str(result.status), msg)
        return result.x

    def _point(self, x: np.ndarray) -> _Point:
        return _Point(float(self.c @ x + self.program.c0), float(self.g @ x), x)

    def extreme(self, sense: int) -> _Point:
        """Return the cheapest allocation with the most (``sense=-1``) or least (1) draw."""
        x = self._solve(sense * self.g)
        level = float(self.g @ x)
        slack = tolerance(level, 1e-9, 1e-9)
        if sense > 0:
            return self._point(self._solve(self.c, upper=level + slack))
        return self._point(self._solve(self.c, lower=level - slack))

    def plain(self, col_upper: np.ndarray | None = None) -> _Point:
        """Return the cheapest allocation, as an ordinary run finds it."""
        return self._point(self._solve(self.c, col_upper=col_upper))

    def at(self, price: float) -> _Point:
        """Return an optimal allocation when each unit drawn costs ``price`` more."""
        return self._point(self._solve(self.c + price * self.g))

    def after(self, a: _Point, b: _Point) -> list[_Point]:
        """Optimal points after ``a`` (more draw) up to ``b`` (less draw), in order."""
        if a.draw - b.draw <= self.resolution or self.warm.solves >= MAX_SOLVES:
            return [b]
        price = (b.cost - a.cost) / (a.draw - b.draw)
        middle = self.at(price)
        line = a.cost + price * a.draw
        value = middle.cost + price * middle.draw
        inside = b.draw + self.resolution < middle.draw < a.draw - self.resolution
        if value >= line - tolerance(line, 1e-9, 1e-6) or not inside:
            return [b]
        return self.after(a, middle) + self.after(middle, b)


def _dataset(
    case: Case,
    lp: LinearProgram,
    selection: Selection,
    of: str,
    reference: _Point,
    points: list[_Point],
    resolution: float,
) -> xr.Dataset:
    inputs = case.inputs
    unit = selection.unit
    z = lp.variables["saving_amount"]
    a = lp.variables["adoption"]
    weights = selection.resource_weights[None, None, :, None]

    def saved(x: np.ndarray) -> np.ndarray:
        return (z.gather(x, 0.0) * weights).sum(axis=(2, 3))

    steps = []
    kept = [points[0]]
    for p in points[1:]:
        if kept[-1].draw - p.draw > resolution:
            kept.append(p)
    if len(points) > 1 and kept[-1] is not points[-1]:
        if len(kept) > 1:
            kept[-1] = points[-1]
        else:
            kept.append(points[-1])
    for before, after in itertools.pairwise(kept):
        saving = before.draw - after.draw
        change = saved(after.x) - saved(before.x)
        steps.append((saving, after.cost - before.cost, change, a.gather(after.x)))
    plants, measures = inputs["plant"].values, inputs["measure"].values
    delivery = lp.variables["delivery"]
    labels = []
    for (saving, _, change, _), before, after in zip(steps, kept[:-1], kept[1:], strict=True):
        big = np.argwhere(change > 1e-6 * max(abs(saving), 1.0))
        names = [f"{label_name(inputs, 'measure', str(measures[j]))} ({plants[i]})" for i, j in big]
        old = np.nan_to_num(delivery.gather(before.x))
        less = old - np.nan_to_num(delivery.gather(after.x))
        if (less > 1e-6 * np.maximum(old, 1.0)).any():
            names.insert(0, "output cut")
        labels.append("; ".join(names) if names else "reallocation")
    n = len(steps)
    shape = (n, len(plants), len(measures))
    curve = xr.Dataset(
        {
            "unit_cost": ("step", [c / s for s, c, _, _ in steps]),
            "saving": ("step", [s for s, _, _, _ in steps]),
            "cumulative_saving": ("step", np.cumsum([s for s, _, _, _ in steps])),
            "cost_change": ("step", [c for _, c, _, _ in steps]),
            "measures": ("step", np.array(labels, dtype=object)),
            "measure_saving": (
                ("step", "plant", "measure"),
                np.array([ch for _, _, ch, _ in steps]).reshape(shape),
            ),
            "adoption": (
                ("step", "plant", "measure"),
                np.array([ad for _, _, _, ad in steps]).reshape(shape),
            ),
        },
        coords={
            "step": np.arange(n),
            "plant": plants,
            "measure": measures,
            **{c: inputs[c] for c in ("plant_name", "measure_name") if c in inputs.coords},
        },
    )
    attrs = {
        "unit_cost": (f"USD/{unit}", f"Cost of the step per {unit} of {of} saved."),
        "saving": (unit, f"Less {of} drawn after the step."),
        "cumulative_saving": (unit, "Saving against the reference, at the end of the step."),
        "cost_change": ("USD", "Change of the program's cost (objective) over the step."),
        "measures": ("", "Measures whose saving grows in the step."),
        "measure_saving": (unit, "Change in what each measure saves in the step."),
        "adoption": ("fraction", "Adoption at the end of the step."),
    }
    for name, (u, text) in attrs.items():
        curve[name].attrs = {"units": u, "description": text}
    curve.attrs.update(
        scenario=case.name,
        of=of,
        selection=selection.describe(inputs),
        unit=unit,
        objective_name=lp.objective_name,
        reference_draw=reference.draw,
        reference_cost=reference.cost,
        start_cost=kept[0].cost,
        end_draw=kept[-1].draw,
        end_cost=kept[-1].cost,
    )
    return curve


def curve_table(curve: xr.Dataset) -> str:
    """Return a cost curve as a printable table in planner units."""
    from resourcemodel.report import planner_unit

    unit = str(curve.attrs["unit"])
    total = float(curve["cumulative_saving"][-1]) if curve.sizes["step"] else 0.0
    disp, f = planner_unit(unit, total)
    lines = [
        f"Marginal cost curve of saving {curve.attrs['selection']} "
        f"(scenario {curve.attrs['scenario']!r}):",
        f"  {'step':>4}  {'USD/' + unit:>12}  {'saving [' + disp + ']':>16}  "
        f"{'cumulative':>12}  measures",
    ]
    for i in range(curve.sizes["step"]):
        lines.append(
            f"  {i:>4}  {float(curve['unit_cost'][i]):>12.4g}  "
            f"{float(curve['saving'][i]) * f:>16.4g}  "
            f"{float(curve['cumulative_saving'][i]) * f:>12.4g}  {curve['measures'].values[i]}"
        )
    if not curve.sizes["step"]:
        lines.append("  (no saving possible: no measure or reallocation reduces the draw)")
    return "\n".join(lines)
