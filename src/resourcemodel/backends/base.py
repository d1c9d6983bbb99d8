"""The contract every solver backend fulfils: typed status and one result type.

A backend never raises on an infeasible or unbounded model; it returns a
:class:`SolveResult` whose ``status`` says so. Duals follow one convention whatever the
solver: ``row_dual[i]`` is the change of the minimised objective per unit increase of
row ``i``'s active bound (HiGHS's convention). For a binding ``<=`` cap in a minimisation
this is ``<= 0``; the results module reports ``-row_dual`` as the shadow price, the value
of one more unit of the cap.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from resourcemodel.program import LinearProgram


class TerminationCondition(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    ERROR = "error"

    @property
    def is_ok(self) -> bool:
        """Whether a usable optimal solution exists."""
        return self is TerminationCondition.OPTIMAL


@dataclass
class Ranging:
    """Sensitivity of the optimum to each row bound (from HiGHS ranging).

    For each row, the active bound can move between ``bound_dn`` and ``bound_up`` while the
    optimal basis (and so the dual value) stays the same; ``objective_dn``/``objective_up``
    are the objective values at those ends.

    At a degenerate optimum the basis may hold on one side of the bound only
    (``bound_up`` or ``bound_dn`` equals the bound): the objective then has a kink there
    and the dual is its slope on one side. ``dual_up`` and ``dual_dn`` are the slopes on
    each side, in the convention of ``row_dual`` (change of the minimised objective per
    unit increase of the bound): ``dual_up`` for a raised bound, ``dual_dn`` for a lowered
    one (``-inf`` if lowering it makes the model infeasible). They equal ``row_dual`` where
    the basis holds on that side, and are ``nan`` for rows not examined.
    """

    bound_dn: np.ndarray
    bound_up: np.ndarray
    objective_dn: np.ndarray
    objective_up: np.ndarray
    dual_dn: np.ndarray | None = None
    dual_up: np.ndarray | None = None


@dataclass
class SolveResult:
    """What a backend returns.

    Attributes
    ----------
    status : TerminationCondition
        How the solve ended.
    objective : float
        Reported objective (``objective_sign * (c @ x + c0)``), ``nan`` without a solution.
    x : numpy.ndarray
        Primal values (``nan`` without a solution). A MILP stopped at a time or iteration
        limit carries its best integer solution (status ``time_limit``, see
        :attr:`has_solution`); anything else not optimal has none.
    row_dual, col_dual : numpy.ndarray
        Duals of rows and reduced costs of columns, sign convention in the module doc.
    ranging : Ranging or None
        Row-bound ranging where the backend provides it (HiGHS, LP only).
    solver, solver_version : str
        Solver identity for the run card.
    runtime : float
        Wall time of the solver call in seconds.
    message : str
        Solver's own words on the outcome.
    mip_bound : float
        For a MILP, the solver's best bound on the reported objective (an upper bound when
        maximising); ``nan`` for an LP or where the backend does not give it.
    mip_gap : float
        For a MILP, the solver's relative gap between the solution and ``mip_bound``.
    options : dict
        Options passed to the solver.
    """

    status: TerminationCondition
    objective: float
    x: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    ranging: Ranging | None = None
    solver: str = ""
    solver_version: str = ""
    runtime: float = 0.0
    message: str = ""
    iterations: int = 0
    options: dict[str, object] = field(default_factory=dict)
    mip_bound: float = float("nan")
    mip_gap: float = float("nan")

    @property
    def has_solution(self) -> bool:
        """Whether ``x`` holds a solution: optimal, or a MILP's incumbent at a limit."""
        return bool(self.status.is_ok or (len(self.x) and np.isfinite(self.x).all()))


class Backend(abc.ABC):
    """A solver backend: ``solve(lp) -> SolveResult``."""

    name: str = ""

    def __init__(self, **options: object) -> None:
        self.options = dict(options)

    @abc.abstractmethod
    def solve(self, lp: LinearProgram) -> SolveResult:
        """Solve ``lp`` and return the result (never raise on infeasibility)."""

    @staticmethod
    def empty_result(lp: LinearProgram, status: TerminationCondition, **kw: object) -> SolveResult:
        """Return a result with no solution (for non-optimal outcomes)."""
        n, m = lp.shape[1], lp.shape[0]
        nan_n = np.full(n, np.nan)
        return SolveResult(status, float("nan"), nan_n, np.full(m, np.nan), nan_n.copy(), **kw)  # type: ignore[arg-type]
