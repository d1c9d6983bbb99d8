"""PuLP 3.3 with its bundled CBC: the second backend, and .lp/.mps export.

PuLP builds one Python object per variable and matrix entry, so this backend is much
slower than HiGHS on large models; it is here to cross-check answers and to reach the
solvers PuLP can drive (CBC, GLPK, Gurobi, CPLEX). PuLP 4 (Python >= 3.12) changed the
API; this module targets 3.3.x.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pulp

from resourcemodel.backends.base import Backend, SolveResult, TerminationCondition
from resourcemodel.program import LinearProgram

_STATUS = {
    pulp.LpStatusOptimal: TerminationCondition.OPTIMAL,
    pulp.LpStatusInfeasible: TerminationCondition.INFEASIBLE,
    pulp.LpStatusUnbounded: TerminationCondition.UNBOUNDED,
    pulp.LpStatusNotSolved: TerminationCondition.ERROR,
    pulp.LpStatusUndefined: TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
}


def to_pulp(lp: LinearProgram) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[list[str]]]:
    """Return the program as a ``pulp.LpProblem``, its variables and each row's constraint names."""
    prob = pulp.LpProblem("resourcemodel", pulp.LpMinimize)
    n = lp.shape[1]
    variables = []
    for j in range(n):
        lo = lp.col_lower[j]
        up = lp.col_upper[j]
        variables.append(
            pulp.LpVariable(
                f"x{j}",
                lowBound=None if np.isneginf(lo) else float(lo),
                upBound=None if np.isposinf(up) else float(up),
                cat=pulp.LpInteger if lp.integrality[j] else pulp.LpContinuous,
            )
        )
    nz = np.flatnonzero(lp.c)
    prob += pulp.LpAffineExpression(
        [(variables[j], float(lp.c[j])) for j in nz], constant=float(lp.c0)
    )
    a = lp.A.tocsr()
    names: list[list[str]] = []
    for i in range(lp.shape[0]):
        cols = a.indices[a.indptr[i] : a.indptr[i + 1]]
        vals = a.data[a.indptr[i] : a.indptr[i + 1]]
        expr = pulp.LpAffineExpression(
            [(variables[j], float(v)) for j, v in zip(cols, vals, strict=True)]
        )
        lo, up = lp.row_lower[i], lp.row_upper[i]
        row_names = []
        if np.isfinite(lo) and np.isfinite(up) and lo == up:
            prob += pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{i}", float(lo))
            row_names.append(f"r{i}")
        else:
            if np.isfinite(lo):
                prob += pulp.LpConstraint(expr, pulp.LpConstraintGE, f"r{i}_lo", float(lo))
                row_names.append(f"r{i}_lo")
            if np.isfinite(up):
                prob += pulp.LpConstraint(expr, pulp.LpConstraintLE, f"r{i}_up", float(up))
                row_names.append(f"r{i}_up")
        names.append(row_names)
    return prob, variables, names


def write(lp: LinearProgram, path: str | Path) -> Path:
    """Write the program as an ``.lp`` or ``.mps`` file (chosen by the suffix), atomically."""
    from resourcemodel.io import atomic_path

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".lp", ".mps"):
        msg = f"Unknown model file type {path.suffix!r}; use '.lp' or '.mps'."
        raise ValueError(msg)
    prob, _, _ = to_pulp(lp)
    # PuLP picks nothing by suffix itself, but keep it on the temporary name for clarity.
    with atomic_path(path, suffix=f".part{suffix}") as tmp:
        if suffix == ".mps":
            prob.writeMPS(str(tmp))
        else:
            prob.writeLP(str(tmp))
    return path


class PulpBackend(Backend):
    """Solve through PuLP (CBC by default).

    Parameters
    ----------
    solver : str, default "PULP_CBC_CMD"
        A PuLP solver name (``pulp.listSolvers(onlyAvailable=True)``).
    **options
        ``time_limit`` (s) and ``threads``; others are passed to the PuLP solver.
    """

    name = "pulp"

    def __init__(self, solver: str = "PULP_CBC_CMD", **options: object) -> None:
        super().__init__(**options)
        self.solver_name = solver

    def solve(self, lp: LinearProgram) -> SolveResult:
        """Solve ``lp``; see :class:`~resourcemodel.backends.base.SolveResult`."""
        start = time.perf_counter()
        prob, variables, names = to_pulp(lp)
        opts = dict(self.options)
        kwargs: dict[str, object] = {"msg": False}
        if "time_limit" in opts:
            kwargs["timeLimit"] = opts.pop("time_limit")
        if "threads" in opts:
            kwargs["threads"] = opts.pop("threads")
        kwargs.update(opts)
        solver = pulp.getSolver(self.solver_name, **kwargs)
        prob.solve(solver)
        status = _STATUS.get(prob.status, TerminationCondition.ERROR)
        meta = {
            "solver": f"pulp/{self.solver_name}",
            "solver_version": pulp.__version__,
            "message": pulp.LpStatus[prob.status],
            "options": dict(self.options),
        }
        if status is TerminationCondition.OPTIMAL and lp.is_mip:
            # Duals: re-solve the LP with the integer variables fixed.
            x_mip = np.array([v.varValue or 0.0 for v in variables])
            fixed = _fix_integers(lp, x_mip)
            result = self.solve(fixed)
            result.x = x_mip
            result.message += "; duals from the LP with integer adoption fixed"
            return result
        if status is not TerminationCondition.OPTIMAL:
            return self.empty_result(lp, status, runtime=time.perf_counter() - start, **meta)
        x = np.array([v.varValue if v.varValue is not None else 0.0 for v in variables])
        cons = prob.constraints
        row_dual = np.array([sum((cons[nm].pi or 0.0) for nm in row) for row in names], dtype=float)
        col_dual = np.array([v.dj if v.dj is not None else np.nan for v in variables])
        objective = float(lp.c @ x + lp.c0)
        return SolveResult(
            status=status,
            objective=lp.objective_sign * objective,
            x=x,
            row_dual=row_dual,
            col_dual=col_dual,
            runtime=time.perf_counter() - start,
            **meta,  # type: ignore[arg-type]
        )


def _fix_integers(lp: LinearProgram, x: np.ndarray) -> LinearProgram:
    from dataclasses import replace

    lower = lp.col_lower.copy()
    upper = lp.col_upper.copy()
    lower[lp.integrality] = np.round(x[lp.integrality])
    upper[lp.integrality] = np.round(x[lp.integrality])
    return replace(lp, col_lower=lower, col_upper=upper, integrality=np.zeros_like(lp.integrality))
