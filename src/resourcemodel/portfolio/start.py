"""A MIP start for the portfolio program from its LP relaxation (HiGHS).

HiGHS proves a 1e-4 gap on the 5,430-project register at its root node within about a
second once it holds a solution that close to the relaxation bound; finding one itself takes
it 20-40 s (root cut rounds and sub-MIP heuristics). The hard part is a near tie: projects
of one sector and reference process have the same value, use and investment per unit of
capacity, so at the relaxation's prices hundreds of them have a zero reduced cost and the
choice among them is a subset sum (e.g. filling a sector's minimum share of investment).

:func:`relaxation_start` builds a solution the cheap way, without the province LP in a
branch-and-bound:

1. from the relaxation's row duals ``y``, the reduced cost ``d = c - A'y`` of every
   project column;
2. a *neighbourhood*: the project columns with ``|d|`` at most a threshold (and the
   fractional ones) are free, the others fixed at the relaxation's (integral) value;
3. a small MIP over the project columns only: the rule rows (budget, sites, precedence,
   quotas, shares) and an *envelope*: the projects' amounts in the rows that carry them
   into the province (``portfolio-amount``, the freshwater row) at most the relaxation's.
   Inside the envelope the relaxation's province solution stays feasible, so the
   objective is the projects' own costs;
4. the province LP with the chosen binaries fixed gives the solution and its objective.

The threshold starts at an eighth of the gap allowed (``mip_rel_gap`` times the
relaxation's objective) and doubles, up to the whole gap allowed, until the solution is
within that gap of the relaxation bound. A column with ``|d|`` above the allowed gap
cannot move in a solution within the gap of the bound, so the neighbourhood loses nothing
there. The start is only a start: HiGHS checks it, keeps searching if it is not within
the gap, and its own bound proves the gap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from resourcemodel.analyses.common import replace
from resourcemodel.program import LinearProgram

#: Row families kept as rows in the projects-only MIP (the rules).
RULE_FAMILIES = (
    "portfolio-share",
    "portfolio-once",
    "portfolio-producing",
    "portfolio-year-budget",
    "portfolio-budget",
    "portfolio-exclusive",
    "portfolio-requires",
    "portfolio-county",
    "portfolio-sector-share",
)
#: Row families whose project part is bounded by the relaxation's (the envelope).
ENVELOPE_FAMILIES = ("portfolio-amount", "portfolio-freshwater")


@dataclass
class Start:
    """A feasible solution of the portfolio MILP.

    Attributes
    ----------
    x : numpy.ndarray
        All columns (binaries integral), from the LP with the binaries fixed.
    objective : float
        Its minimised objective ``c @ x + c0``.
    gap : float
        ``(objective - relaxation) / |objective|``: its distance from the relaxation bound.
    threshold : float
        Largest ``|d|`` of a free column in the neighbourhood that gave it.
    free : int
        Free project columns in that neighbourhood.
    seconds : float
        Time taken.
    """

    x: np.ndarray
    objective: float
    gap: float
    threshold: float
    free: int
    seconds: float


def _rows(lp: LinearProgram, families: tuple[str, ...]) -> np.ndarray:
    blocks = [lp.constraints[f].index.ravel() for f in families if f in lp.constraints]
    rows = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)
    return np.sort(rows[rows >= 0])


def _highs_lp(
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    matrix: sp.csc_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    integer: np.ndarray,
) -> highspy.HighsLp:
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = matrix.shape[1], matrix.shape[0]
    model.col_cost_, model.col_lower_, model.col_upper_ = cost, lower, upper
    model.row_lower_, model.row_upper_ = row_lower, row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    model.a_matrix_.index_ = matrix.indices.astype(np.int32)
    model.a_matrix_.value_ = matrix.data
    model.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer
    ]
    return model


def relaxation_start(
    lp: LinearProgram,
    columns: np.ndarray,
    x: np.ndarray,
    row_dual: np.ndarray,
    relaxation: float,
    *,
    mip_rel_gap: float = 1e-4,
    seconds: float = 6.0,
) -> Start | None:
    """Return a solution of ``lp`` within ``mip_rel_gap`` of its relaxation, or the best found.

    Parameters
    ----------
    lp : LinearProgram
        The portfolio program (minimised; its integer columns are the projects' binaries).
    columns : numpy.ndarray
        The project columns (binaries and, with partial capacity, shares).
    x, row_dual : numpy.ndarray
        Primal values and row duals of the LP relaxation.
    relaxation : float
        The relaxation's minimised objective ``c @ x + c0``.
    mip_rel_gap : float
        The gap the MILP is solved to.
    seconds : float
        Time after which no wider neighbourhood is tried.

    Returns
    -------
    Start or None
        None when no neighbourhood gave a feasible solution.
    """
    t0 = time.perf_counter()
    a = lp.A.tocsc()
    d = (lp.c - a.T @ row_dual)[columns]
    xc = x[columns]
    integer = lp.integrality[columns].astype(bool)
    rules, envelope = _rows(lp, RULE_FAMILIES), _rows(lp, ENVELOPE_FAMILIES)
    sub = a[:, columns].tocsr()
    # Envelope: amounts are -B u in portfolio-amount (w - B u = 0) and +use in the
    # freshwater row; both bounded by the relaxation's.
    env = sub[envelope]
    sign = np.where(np.asarray(env.sum(axis=1)).ravel() < 0, -1.0, 1.0)
    env = sp.diags(sign) @ env
    matrix = sp.vstack([sub[rules], env]).tocsc()
    limit = env @ xc
    row_lower = np.r_[lp.row_lower[rules], np.full(len(envelope), -np.inf)]
    row_upper = np.r_[lp.row_upper[rules], limit + 1e-9 * (1.0 + np.abs(limit))]
    rounded = np.round(xc)
    fractional = integer & (np.abs(xc - rounded) > 1e-6)
    allowed = mip_rel_gap * abs(relaxation)
    best: Start | None = None
    threshold = allowed / 8.0
    while True:
        free = fractional | ~integer | (np.abs(d) <= threshold)
        lower = np.where(free, lp.col_lower[columns], rounded)
        upper = np.where(free, lp.col_upper[columns], rounded)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_abs_gap", allowed / 10.0)
        h.setOptionValue("time_limit", max(0.5, seconds - (time.perf_counter() - t0)))
        h.passModel(_highs_lp(lp.c[columns], lower, upper, matrix, row_lower, row_upper, integer))
        h.run()
        if h.getInfo().primal_solution_status == 2:  # feasible
            u = np.asarray(h.getSolution().col_value, float)
            found = _fixed(lp, columns[integer], np.round(u[integer]))
            if found is not None and (best is None or found[1] < best.objective):
                gap = (found[1] - relaxation) / max(abs(found[1]), 1.0)
                best = Start(found[0], found[1], gap, threshold, int(free.sum()), 0.0)
        done = best is not None and best.gap <= mip_rel_gap
        if done or threshold >= allowed or time.perf_counter() - t0 > seconds:
            break
        threshold *= 2.0
    if best is not None:
        best.seconds = time.perf_counter() - t0
    return best


def _fixed(
    lp: LinearProgram, cols: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, float] | None:
    """Solve ``lp``'s LP with ``cols`` fixed at ``values``; return (x, objective) or None."""
    from resourcemodel.backends.highs import HighsModel

    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[cols] = upper[cols] = values
    fixed = replace(lp, col_lower=lower, col_upper=upper, integrality=np.zeros_like(lp.integrality))
    model = HighsModel(fixed)
    model.h.run()
    if model.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    x = np.asarray(model.h.getSolution().col_value, float)
    return x, float(lp.c @ x + lp.c0)


def set_start(h: highspy.Highs, lp: LinearProgram, x: np.ndarray) -> bool:
    """Give HiGHS ``x`` as a MIP start; return whether it took it.

    With ``user_bound_scale`` set HiGHS reads a start's continuous values in its scaled
    units (checked: unscaled values are reported infeasible and repaired by an LP), so they
    are scaled here.
    """
    _, scale = h.getOptionValue("user_bound_scale")
    values = np.array(x, dtype=float)
    continuous = ~lp.integrality.astype(bool)
    values[continuous] *= 2.0 ** int(scale)
    solution = highspy.HighsSolution()
    solution.col_value = values.tolist()
    solution.value_valid = True
    return h.setSolution(solution) == highspy.HighsStatus.kOk
