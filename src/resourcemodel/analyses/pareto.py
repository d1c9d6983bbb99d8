"""The trade-off between cost (or value added) and the use of one resource: a Pareto front.

:func:`pareto` applies the epsilon-constraint method to the scenario's own program: one
row caps the total draw of the chosen resource (``freshwater``, ``electricity``,
``natural_gas``...) at a level ``epsilon``, and the scenario's objective is optimised for
``points`` levels between the least possible draw and the draw at the unconstrained
optimum. Each point is made Pareto-efficient by a second, tie-breaking solve (the least
draw at that objective value), so both ends equal the single-objective optima:

- the first point is the least possible draw, at the best objective with that draw;
- the last point is the best objective, with the least draw that achieves it.

Along the front, ``marginal_value`` is the shadow price of the epsilon row: what one more
unit of the resource is worth at that point (USD per unit, >= 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from resourcemodel.analyses.common import (
    Case,
    Warm,
    add_rows,
    cost_of,
    draw_matrix,
    objective_row,
    prepare,
    replace,
    results_of,
    select,
    tolerance,
    value_added,
)
from resourcemodel.backends import SolveResult
from resourcemodel.exceptions import InfeasibleError, InputError
from resourcemodel.formulation import build
from resourcemodel.program import LinearProgram

if TYPE_CHECKING:
    from resourcemodel.scenario import Scenario


def pareto(
    scenario: str | Path | Scenario | xr.Dataset,
    of: str = "freshwater",
    *,
    points: int = 11,
    objective: str | None = None,
    unit: str | None = None,
    backend: str = "highs",
) -> xr.Dataset:
    """Return the front between the scenario's objective and the draw of a resource.

    Parameters
    ----------
    scenario : str, Path, Scenario or xarray.Dataset
        A scenario file, a case folder, a resolved scenario or an inputs Dataset.
    of : str
        The resource: a source group (``freshwater``), a resource (``electricity``), a
        resource group (``water``) or a source (see
        :func:`resourcemodel.analyses.common.select`).
    points : int
        Number of points, at least 2, evenly spaced in the draw from its least possible
        value to its value at the optimum.
    objective : {"cost", "value_added"}, optional
        Overrides the scenario's objective.
    unit : str, optional
        Unit in which to add up the draws (default: the resource's canonical unit).
    backend : str
        Solver backend.

    Returns
    -------
    xarray.Dataset
        Along ``point`` (least draw first): ``epsilon`` (the cap on the draw), ``use``
        (the draw), ``objective`` (cost or value added, USD), ``marginal_value`` (USD
        per unit of the resource), ``cost`` (production, supply and measures, USD),
        ``unmet_penalty``, ``value_added``; ``output``/``unmet`` by product, ``draw``
        by source and ``adoption`` by plant and measure.

    Raises
    ------
    InfeasibleError
        If the scenario itself is infeasible (see :func:`resourcemodel.analyses.explain`).

    Examples
    --------
    >>> import resourcemodel as rm
    >>> front = rm.analyses.pareto(rm.examples.path("two_plants"), "water", points=4)
    >>> front["use"].values.round(1).tolist(), front["objective"].values.round(1).tolist()
    ([0.0, 150.0, 300.0, 450.0], [30000.0, 16500.0, 7250.0, 2250.0])
    """
    if points < 2:
        msg = f"points must be at least 2 (the two ends of the front), got {points}."
        raise InputError(msg)
    case = prepare(scenario, objective=objective)
    lp = build(case.inputs, case.options)
    selection = select(case.inputs, of, unit)
    draw = draw_matrix(lp, selection)
    # Two extra rows, the objective and the draw; every solve changes only costs and the
    # bounds of these rows, so HiGHS starts each solve from the previous basis.
    front = _Front(
        add_rows(add_rows(lp, "objective", ["objective"], objective_row(lp)), "draw", [of], draw),
        lp,
        backend,
    )
    best = front.solve(lp.c)
    if best is None:
        hint = f"Run `resourcemodel explain` on {case.name!r} to see which limits to relax."
        raise InfeasibleError(case.name, "infeasible", hint)
    high = float(front.g @ front.tie_break(best).x)
    least = front.solve(front.g)
    assert least is not None  # the program is feasible
    low = float(front.g @ least.x)
    levels = np.linspace(low, high, points)
    levels[0] += tolerance(low, 1e-9, 1e-9)
    records = []
    for level in levels:
        result = front.solve(lp.c, draw=max(level, low))
        if result is None:  # pragma: no cover - every level is at least the least draw
            raise InfeasibleError(case.name, "infeasible", f"at {of} <= {level:g}")
        marginal = max(-float(result.row_dual[-1]), 0.0)
        # Where the draw cap binds, the draw is the cap; where it does not, take the least
        # draw among the solutions as good (the point must be Pareto-efficient).
        tied = result if marginal > 0 else front.tie_break(result, draw=max(level, low))
        records.append((float(level), marginal, _point(case, lp, tied, front.g)))
    return _dataset(case, lp, selection.describe(case.inputs), of, selection.unit, records)


class _Front:
    """Solves of the scenario's program with its objective and draw rows (warm)."""

    def __init__(self, program: LinearProgram, lp: LinearProgram, backend: str) -> None:
        self.program, self.lp = program, lp
        n = program.shape[1]
        self.c = np.append(lp.c, np.zeros(n - lp.shape[1]))
        self.g = np.asarray(program.A[-1].toarray()).ravel()
        self.warm = Warm(backend)

    def solve(
        self, c: np.ndarray, *, draw: float = np.inf, objective: float = np.inf
    ) -> SolveResult | None:
        """Minimise ``c`` with the draw and the objective (without ``c0``) capped."""
        upper = self.program.row_upper.copy()
        upper[-1], upper[-2] = draw, objective
        c = np.append(c, np.zeros(self.program.shape[1] - len(c)))
        result = self.warm.solve(replace(self.program, c=c, c0=0.0, row_upper=upper))
        return result if result.status.is_ok else None

    def tie_break(self, result: SolveResult, *, draw: float = np.inf) -> SolveResult:
        """Return the least draw among solutions as good as ``result`` (tight tolerance)."""
        best = float(self.c @ result.x)
        # As tight as the solver allows, so that the draw cannot buy a worse objective.
        for rel in (1e-9, 1e-7):
            tied = self.solve(self.g, draw=draw, objective=best + tolerance(best, rel, rel))
            if tied is not None:
                return tied
        return result  # pragma: no cover - ``result`` itself is feasible


def _point(case: Case, lp: LinearProgram, result: SolveResult, g: np.ndarray) -> xr.Dataset:
    res = results_of(case, lp, result)
    objective = float(res.attrs["objective"])
    point = xr.Dataset(
        {
            "use": float(g @ result.x[: len(g)]),
            "objective": objective,
            "cost": cost_of(res),
            "unmet_penalty": float(res["cost_unmet"].sum()),
            "value_added": value_added(res),
            "output": res["delivery"].sum("period", min_count=1),
            "unmet": res["unmet"].sum("period", min_count=1),
            "draw": res["supply"].sum(("plant", "period")),
            "adoption": res["adoption"],
        }
    )
    return point


def _dataset(
    case: Case,
    lp: LinearProgram,
    described: str,
    of: str,
    unit: str,
    records: list[tuple[float, float, xr.Dataset]],
) -> xr.Dataset:
    front = xr.concat([r[2] for r in records], dim="point", coords="minimal", compat="override")
    front = front.assign(
        epsilon=("point", [r[0] for r in records]),
        marginal_value=("point", [r[1] for r in records]),
    ).assign_coords(point=np.arange(len(records)))
    units = {
        "use": unit,
        "epsilon": unit,
        "objective": "USD",
        "cost": "USD",
        "unmet_penalty": "USD",
        "value_added": "USD",
        "marginal_value": f"USD/{unit}",
        "adoption": "fraction",
    }
    descriptions = {
        "use": f"Draw of {described} over the horizon.",
        "epsilon": "Cap on the draw at this point.",
        "objective": f"Objective ({lp.objective_name}).",
        "cost": "Production, supply and measure costs.",
        "unmet_penalty": "Penalty of unmet demand.",
        "value_added": "Revenue minus production, supply and measure costs.",
        "marginal_value": f"Value of one more {unit} of {of} at this point (>= 0).",
        "output": "Deliveries by product over the horizon.",
        "unmet": "Unmet demand by product over the horizon.",
        "draw": "Draw from each source over the horizon.",
        "adoption": "Share of each measure adopted.",
    }
    for name, text in descriptions.items():
        front[name].attrs = {
            "units": units.get(name, front[name].attrs.get("units", "")),
            "description": text,
        }
    front.attrs.update(
        scenario=case.name,
        of=of,
        selection=described,
        unit=unit,
        objective_name=lp.objective_name,
        method="epsilon-constraint with a tie-breaking solve at each point",
    )
    return front


def front_table(front: xr.Dataset) -> str:
    """Return the front as a printable table in planner units."""
    from resourcemodel.report import planner_unit

    unit = str(front.attrs["unit"])
    disp, f = planner_unit(unit, float(front["use"].max()))
    money, fm = planner_unit("USD", float(np.nanmax(np.abs(front["objective"].values))))
    lines = [
        f"Pareto front of {front.attrs['objective_name']} against {front.attrs['selection']} "
        f"(scenario {front.attrs['scenario']!r}):",
        f"  {'point':>5}  {'use [' + disp + ']':>14}  "
        f"{front.attrs['objective_name'] + ' [' + money + ']':>18}  "
        f"{'value of one more ' + unit:>24}",
    ]
    tiny = 1e-9 * float(np.nanmax(np.abs(front["use"].values)))
    for i in range(front.sizes["point"]):
        use = float(front["use"][i])
        lines.append(
            f"  {i:>5}  {(use if abs(use) > tiny else 0.0) * f:>14.4g}  "
            f"{float(front['objective'][i]) * fm:>18.6g}  "
            f"{float(front['marginal_value'][i]):>18.4g} USD/{unit}"
        )
    return "\n".join(lines)
