"""The trade-off front: the portfolio's objective against freshwater drawn (epsilon constraint).

One program (:func:`~resourcemodel.portfolio.select.build_program`) is solved for a
sequence of caps on the ``portfolio-freshwater`` row, the province's and the projects'
draw of the ``of`` resource together: from the draw of the unconstrained optimum down to
the least draw the province can manage with no project completed.

Both axes are the province's, not the portfolio's alone: ``freshwater`` is the draw of
the existing plants and the completed projects together, ``objective`` the value added of
plants and projects (net of the projects' annualised investment). The left end is
therefore the province's value added when its plants are cut back to their least draw
(on the Isfahan baseline about 0 Mm3 of freshwater and 2,600 MUSD a year: the plants
that need no freshwater), not a portfolio. ``attrs["base_freshwater"]`` and
``attrs["base_objective"]`` are the scenario without projects (its own optimum): what
the projects add at a cap is ``objective`` minus the objective without projects at that
cap, and at the scenario's own draw they add only by displacing existing output.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from resourcemodel.analyses.common import replace
from resourcemodel.portfolio.screen import DISCOUNT_RATE, LIFETIME, Setting, setting
from resourcemodel.portfolio.select import Rules, _solve, build_program, solve_milp

if TYPE_CHECKING:
    from resourcemodel.backends import SolveResult
    from resourcemodel.program import LinearProgram
    from resourcemodel.scenario import Scenario


def front(
    scenario: str | Path | Scenario | xr.Dataset,
    register: str | Path | xr.Dataset,
    *,
    points: int = 20,
    objective: str = "value_added",
    job_value: float = 0.0,
    rules: Rules | None = None,
    discount_rate: float = DISCOUNT_RATE,
    lifetime: float = LIFETIME,
    backend: str = "highs",
    mip_rel_gap: float = 1e-3,
    time_limit: float | None = None,
    of: str = "freshwater",
    prepared: Setting | None = None,
    start: bool = True,
) -> xr.Dataset:
    """Return the portfolio's objective for ``points`` caps on the freshwater drawn.

    Parameters
    ----------
    points : int
        Number of caps, evenly spaced from the least draw possible without projects to
        the draw of the unconstrained portfolio.
    mip_rel_gap : float
        Relative gap of each MILP (default 1e-3: the front is a picture).
    scenario, register, objective, job_value, rules, discount_rate, lifetime, backend
        As :func:`~resourcemodel.portfolio.select.select_portfolio`.
    time_limit, of, prepared, start
        As :func:`~resourcemodel.portfolio.select.select_portfolio`.

    Returns
    -------
    xarray.Dataset
        Over ``point``: ``freshwater_cap`` and ``freshwater`` (the unit of ``of``),
        ``objective`` (USD or jobs; NaN where infeasible or not solved in time),
        ``completed`` (number of projects), ``status``; ``selected[point, project]``.
        ``attrs``: ``objective``, ``unit``, ``runtime`` (s), ``synthetic``,
        ``base_objective`` and ``base_freshwater`` (the scenario without projects).
    """
    began = time.perf_counter()
    rules = rules or Rules()
    s = prepared or setting(
        scenario, register, backend=backend, discount_rate=discount_rate, lifetime=lifetime, of=of
    )
    prog = build_program(s, rules, objective=objective, job_value=job_value)
    lp, row = prog.lp, prog.freshwater_row
    columns = np.unique(np.r_[prog.f, prog.u])

    def milp(program: LinearProgram) -> SolveResult:
        return solve_milp(
            program,
            columns,
            backend=backend,
            mip_rel_gap=mip_rel_gap,
            time_limit=time_limit,
            relaxation=False,
            start=start,
        )[0]

    first = milp(lp)
    most = float((lp.A[row] @ np.nan_to_num(first.x))[0])
    # Least draw: no project, the province minimising the draw (an LP).
    c = np.zeros(lp.shape[1])
    c[lp.A[row].indices] = lp.A[row].data
    upper = lp.col_upper.copy()
    upper[prog.u] = 0.0
    least_lp = replace(lp, c=c, c0=0.0, col_upper=upper, integrality=np.zeros_like(lp.integrality))
    least_lp.objective_sign = 1
    low = _solve(least_lp, backend)
    least = float(low.objective) if low.status.is_ok else 0.0
    caps = np.linspace(least, most, points)
    npj = s.register.sizes["project"]
    objective_v = np.full(points, np.nan)
    drawn = np.full(points, np.nan)
    status = np.full(points, "", dtype=object)
    chosen = np.zeros((points, npj), dtype=bool)
    for k, cap in enumerate(caps):
        rup = lp.row_upper.copy()
        rup[row] = cap * (1 + 1e-9) + 1e-6
        result = first if k == points - 1 else milp(replace(lp, row_upper=rup))
        status[k] = str(result.status)
        if result.status.is_ok:
            objective_v[k] = result.objective
            drawn[k] = float((lp.A[row] @ np.nan_to_num(result.x))[0])
            chosen[k] = np.nan_to_num(result.x[prog.u]) > 0.5
    unit = "job" if objective == "jobs" else "USD"
    base_x = np.nan_to_num(s.result.x)
    base_objective = -float(lp.c[: prog.n0] @ base_x + lp.c0)
    base_draw = float((lp.A[row, : prog.n0] @ base_x)[0])
    ds = xr.Dataset(
        {
            "freshwater_cap": ("point", caps, {"units": s.selection.unit}),
            "freshwater": (
                "point",
                drawn,
                {
                    "units": s.selection.unit,
                    "long_name": f"{s.selection.name} drawn by the existing plants and the "
                    "completed projects",
                },
            ),
            "objective": (
                "point",
                objective_v,
                {
                    "units": unit,
                    "long_name": "jobs of plants and projects"
                    if objective == "jobs"
                    else "value added of plants and projects, net of the projects' "
                    "annualised investment",
                },
            ),
            "completed": ("point", chosen.sum(axis=1)),
            "status": ("point", status.astype(str)),
            "selected": (("point", "project"), chosen),
        },
        coords={"point": np.arange(points), "project": s.register["project"].values},
    )
    ds.attrs.update(
        objective=objective,
        unit=unit,
        of=s.selection.name,
        scenario=s.case.name,
        runtime=time.perf_counter() - began,
        synthetic=int(s.register.attrs.get("synthetic", 0)),
        mip_rel_gap=mip_rel_gap,
        base_objective=base_objective,
        base_freshwater=base_draw,
    )
    return ds
