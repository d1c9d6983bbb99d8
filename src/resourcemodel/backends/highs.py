"""HiGHS in process through highspy: the default backend.

Gives primal values, row duals, reduced costs and the ranging of row bounds, with the
one-sided duals of binding caps where the optimum is degenerate (see :func:`one_sided_duals`).
For a MILP (``integer_measures``), the duals come from the LP with the integer variables
fixed at their optimal values, and the result says so in ``message``. A MILP stopped at its
time (or iteration) limit with a feasible incumbent returns that incumbent with status
``time_limit``, its objective, the MIP bound and gap, and a :class:`SolverLimitWarning`;
an LP stopped at a limit, or a MILP without an incumbent, returns no solution.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import warnings

import highspy
import numpy as np

from resourcemodel.backends.base import Backend, Ranging, SolveResult, TerminationCondition
from resourcemodel.exceptions import BackendError
from resourcemodel.program import LinearProgram

_STATUS = {
    highspy.HighsModelStatus.kOptimal: TerminationCondition.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: TerminationCondition.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: TerminationCondition.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: TerminationCondition.TIME_LIMIT,
    highspy.HighsModelStatus.kIterationLimit: TerminationCondition.ITERATION_LIMIT,
}

#: Options of this backend and the HiGHS option each one sets.
OPTION_NAMES = {
    "method": "solver",  # "simplex", "ipm", "pdlp", "choose"
    "presolve": "presolve",  # "on", "off", "choose"
    "threads": "threads",
    "time_limit": "time_limit",
    "primal_feasibility_tolerance": "primal_feasibility_tolerance",
    "dual_feasibility_tolerance": "dual_feasibility_tolerance",
    "mip_rel_gap": "mip_rel_gap",
    "simplex_strategy": "simplex_strategy",
}


_quiet = {"done": False}


def new_highs() -> highspy.Highs:
    """Return a ``highspy.Highs`` with output off.

    HiGHS prints a banner from C++ when the first instance of a process is created; it is
    sent to the null device so that command-line summaries and notebooks stay clean.
    """
    if not _quiet["done"]:
        _quiet["done"] = True
        try:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            try:
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
        except OSError:
            h = highspy.Highs()
    else:
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


@functools.cache
def version() -> str:
    """Return the HiGHS version string."""
    h = new_highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


def to_highs_lp(lp: LinearProgram) -> highspy.HighsLp:
    """Return the program as a ``highspy.HighsLp`` (column-wise matrix)."""
    model = highspy.HighsLp()
    m, n = lp.shape
    model.num_col_ = n
    model.num_row_ = m
    model.col_cost_ = lp.c
    model.col_lower_ = lp.col_lower
    model.col_upper_ = lp.col_upper
    model.row_lower_ = lp.row_lower
    model.row_upper_ = lp.row_upper
    model.offset_ = lp.c0
    csc = lp.A.tocsc()
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = csc.indptr.astype(np.int32)
    model.a_matrix_.index_ = csc.indices.astype(np.int32)
    model.a_matrix_.value_ = csc.data
    if lp.is_mip:
        model.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in lp.integrality
        ]
    return model


def scaling_options(lp: LinearProgram, target: float = 1e6) -> dict[str, int]:
    """Return HiGHS ``user_bound_scale``/``user_objective_scale`` for ``lp``.

    Province models carry bounds of 1e8 m3 and costs of 1e7 USD; measured against HiGHS's
    1e-7 tolerances HiGHS calls such a model badly scaled. HiGHS scales bounds and
    objective by powers of two internally (and unscales the solution) when told to: this
    picks the powers that bring the largest finite bound and cost below ``target``.
    """

    def largest(*arrays: np.ndarray) -> float:
        values = [np.abs(a[np.isfinite(a)]) for a in arrays]
        return float(max((v.max() for v in values if v.size), default=0.0))

    bound = largest(lp.row_lower, lp.row_upper, lp.col_lower, lp.col_upper)
    cost = largest(lp.c)
    options = {}
    if bound > target:
        options["user_bound_scale"] = -int(np.ceil(np.log2(bound / target)))
    if cost > target:
        options["user_objective_scale"] = -int(np.ceil(np.log2(cost / target)))
    return options


class HighsBackend(Backend):
    """Solve with HiGHS (``highspy``).

    Parameters
    ----------
    ranging : bool, default True
        Compute the ranging of row bounds (the cap interval over which a shadow price holds).
    one_sided : bool, default True
        With ``ranging``, also compute both one-sided duals of every binding cap (rows of
        the families in :data:`resourcemodel.results.CAP_FAMILIES`): where the basis holds
        on one side of the cap only, one warm re-solve per such side (see
        :func:`one_sided_duals`).
    one_sided_budget : float or None, default 0.5
        Time the one-sided re-solves may take, as a share of the solve's own time (at
        least :data:`ONE_SIDED_MIN_SECONDS`); the most valuable caps go first and sides
        not reached stay ``nan``. ``None``: no limit. A re-solve costs ~1 ms on the
        Isfahan model and ~0.1 s at 1,000 synthetic plants (docs/performance.md).
    scale : bool, default True
        Let HiGHS scale bounds and objective by powers of two (see :func:`scaling_options`);
        an explicit ``user_bound_scale``/``user_objective_scale`` option wins.
    **options
        ``method`` (``simplex``/``ipm``/``pdlp``/``choose``), ``presolve``, ``threads``,
        ``time_limit`` (s), ``primal_feasibility_tolerance``, ``dual_feasibility_tolerance``,
        ``mip_rel_gap``, ``simplex_strategy``; or any other HiGHS option by its own name.
    """

    name = "highs"

    def __init__(
        self,
        ranging: bool = True,
        scale: bool = True,
        *,
        one_sided: bool = True,
        one_sided_budget: float | None = 0.5,
        **options: object,
    ) -> None:
        super().__init__(**options)
        self.ranging = ranging
        self.scale = scale
        self.one_sided = one_sided
        self.one_sided_budget = one_sided_budget

    def _new(self, lp: LinearProgram | None = None) -> highspy.Highs:
        h = new_highs()
        if self.scale and lp is not None:
            for key, scale in scaling_options(lp).items():
                if key not in self.options:
                    h.setOptionValue(key, scale)
        for key, value in self.options.items():
            status = h.setOptionValue(OPTION_NAMES.get(key, key), value)  # type: ignore[arg-type]
            if status != highspy.HighsStatus.kOk:
                msg = (
                    f"HiGHS refuses the option {key}={value!r}: unknown, of the wrong type or "
                    "out of range (e.g. a time limit or tolerance must be > 0, threads >= 1)."
                )
                raise BackendError(msg)
        return h

    def solve(self, lp: LinearProgram) -> SolveResult:
        """Solve ``lp``; see :class:`~resourcemodel.backends.base.SolveResult`."""
        start = time.perf_counter()
        h = self._new(lp)
        h.passModel(to_highs_lp(lp))
        return self.solve_loaded(h, lp, start)

    def solve_loaded(self, h: highspy.Highs, lp: LinearProgram, start: float) -> SolveResult:
        """Run a ``Highs`` object that already holds ``lp`` and collect the result."""
        h.run()
        solved = time.perf_counter() - start
        status = _STATUS.get(h.getModelStatus(), TerminationCondition.ERROR)
        meta = {
            "solver": "highs",
            "solver_version": version(),
            "message": h.modelStatusToString(h.getModelStatus()),
            "options": dict(self.options),
        }
        incumbent = status in _LIMITS and lp.is_mip and _has_incumbent(h)
        if status is not TerminationCondition.OPTIMAL and not incumbent:
            return self.empty_result(lp, status, runtime=time.perf_counter() - start, **meta)
        info = h.getInfo()
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        objective = float(info.objective_function_value)
        iterations = int(info.simplex_iteration_count)
        mip_bound = mip_gap = float("nan")
        if lp.is_mip:
            mip_bound = lp.objective_sign * float(info.mip_dual_bound)
            mip_gap = float(info.mip_gap)
            if incumbent:
                meta["message"] = (
                    f"{meta['message']}: the best integer solution found (not proven optimal), "
                    f"objective {lp.objective_sign * objective:.6g}, bound {mip_bound:.6g}, "
                    f"relative gap {mip_gap:.3g}"
                )
                warnings.warn(
                    f"HiGHS stopped at its {status.value.replace('_', ' ')} with a feasible "
                    f"integer solution that is not proven optimal: objective "
                    f"{lp.objective_sign * objective:.6g}, best bound {mip_bound:.6g}, relative "
                    f"gap {mip_gap:.3g}. The result is that solution (status "
                    f"{status.value!r}); raise time_limit for a proven optimum.",
                    SolverLimitWarning,
                    stacklevel=2,
                )
            h2 = self._new(lp)
            fixed = to_highs_lp(lp)
            fixed.integrality_ = []
            integ = lp.integrality
            lower = np.array(lp.col_lower, copy=True)
            upper = np.array(lp.col_upper, copy=True)
            lower[integ] = np.round(x[integ])
            upper[integ] = np.round(x[integ])
            fixed.col_lower_ = lower
            fixed.col_upper_ = upper
            h2.passModel(fixed)
            h2.run()
            h = h2
            sol = h.getSolution()
            meta["message"] = f"{meta['message']}; duals from the LP with integer adoption fixed"
        row_dual = np.asarray(sol.row_dual, dtype=float)
        col_dual = np.asarray(sol.col_dual, dtype=float)
        ranging = None
        if self.ranging and lp.shape[0] > 0:
            ranging = _ranging(h)
            if ranging is not None and self.one_sided:
                budget = self.one_sided_budget
                seconds = None if budget is None else max(ONE_SIDED_MIN_SECONDS, budget * solved)
                ranging.dual_dn, ranging.dual_up = one_sided_duals(
                    h,
                    lp,
                    ranging,
                    row_dual,
                    np.asarray(sol.row_value, dtype=float),
                    cap_rows(lp),
                    seconds=seconds,
                )
        return SolveResult(
            status=status,
            objective=lp.objective_sign * objective,
            x=x,
            row_dual=row_dual,
            col_dual=col_dual,
            ranging=ranging,
            runtime=time.perf_counter() - start,
            iterations=iterations,
            mip_bound=mip_bound,
            mip_gap=mip_gap,
            **meta,  # type: ignore[arg-type]
        )


#: Statuses at which a MILP's feasible incumbent is returned rather than thrown away.
_LIMITS = (TerminationCondition.TIME_LIMIT, TerminationCondition.ITERATION_LIMIT)


class SolverLimitWarning(UserWarning):
    """A MILP stopped at a limit; its result is the best solution found, not proven optimal."""


def _has_incumbent(h: highspy.Highs) -> bool:
    """Whether HiGHS holds a feasible primal solution (a MILP's incumbent)."""
    info = h.getInfo()
    feasible = int(info.primal_solution_status) == int(
        highspy.SolutionStatus.kSolutionStatusFeasible
    )
    return feasible and bool(h.getSolution().value_valid)


def _ranging(h: highspy.Highs) -> Ranging | None:
    status, rng = h.getRanging()
    if status != highspy.HighsStatus.kOk or not rng.valid:
        return None
    # HiGHS reports the bound ranges of a user-scaled model in its scaled units (checked
    # against an unscaled solve); the objective values come back unscaled.
    _, bound_scale = h.getOptionValue("user_bound_scale")
    unscale = 2.0 ** (-int(bound_scale))

    def bound(values: object) -> np.ndarray:
        array = np.asarray(values, dtype=float)
        return np.where(np.abs(array) >= 1e29, array, array * unscale)

    return Ranging(
        bound_dn=bound(rng.row_bound_dn.value_),
        bound_up=bound(rng.row_bound_up.value_),
        objective_dn=np.asarray(rng.row_bound_dn.objective_, dtype=float),
        objective_up=np.asarray(rng.row_bound_up.objective_, dtype=float),
    )


def cap_rows(lp: LinearProgram) -> np.ndarray:
    """Return the rows of the cap families whose duals are reported as shadow prices."""
    from resourcemodel.results import CAP_FAMILIES

    blocks = [lp.constraints[f].index for f in CAP_FAMILIES if f in lp.constraints]
    rows = [b[b >= 0].ravel() for b in blocks]
    return np.sort(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)


#: Relative tolerance for a cap to be binding (as in :mod:`resourcemodel.results`).
_BINDING_RTOL = 1e-7
#: Relative step by which a cap is moved to find the dual on the side where the basis
#: does not hold.
ONE_SIDED_STEP = 1e-6
#: Least time the one-sided re-solves may take, whatever the solve's own time (s).
ONE_SIDED_MIN_SECONDS = 2.0


def one_sided_duals(
    h: highspy.Highs,
    lp: LinearProgram,
    ranging: Ranging,
    row_dual: np.ndarray,
    row_value: np.ndarray,
    rows: np.ndarray,
    *,
    seconds: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the duals of ``rows``' upper bounds for a lowered and a raised bound.

    A minimised optimal objective is convex in a cap ``b``: at a degenerate optimum it has
    a kink at ``b``, where one more unit is worth less than one unit fewer costs. The dual
    of the optimal basis is the slope on the side where that basis stays optimal, the side
    its ranging interval extends to. On a side where the interval has no length, the cap
    is moved by a small step (``ONE_SIDED_STEP`` of its value, and well above HiGHS's
    feasibility tolerance), the model re-solved warm from the basis, the row's new dual
    read, and the cap put back: the new basis is optimal just beyond the kink, so its dual
    is the slope on that side (unless another kink lies within the step).

    Parameters
    ----------
    h : highspy.Highs
        The solved model (its row bounds are restored; its basis is left where the last
        re-solve ended).
    lp : LinearProgram
        The program ``h`` holds.
    ranging : Ranging
        Row-bound ranging of the solved model.
    row_dual, row_value : numpy.ndarray
        Duals and activities of the solved model's rows.
    rows : numpy.ndarray
        Rows to examine (upper-bounded caps).
    seconds : float, optional
        Stop re-solving after this long; binding caps go in order of decreasing dual
        magnitude, so the most valuable come first.

    Returns
    -------
    (dual_dn, dual_up) : tuple of numpy.ndarray
        Length ``m``: the slopes of the minimised objective per unit increase of each row's
        upper bound, left and right of it; ``row_dual`` where the basis holds on that side
        or the row is not binding, ``-inf`` (left) where a lower bound is infeasible,
        ``nan`` for rows not examined and for sides not reached within ``seconds``.
    """
    start = time.perf_counter()
    m = lp.shape[0]
    dual_dn = np.full(m, np.nan)
    dual_up = np.full(m, np.nan)
    dual_dn[rows] = row_dual[rows]
    dual_up[rows] = row_dual[rows]
    upper, lower = lp.row_upper, lp.row_lower
    binding = np.isfinite(upper[rows]) & (
        np.abs(row_value[rows] - upper[rows]) <= _BINDING_RTOL * (1 + np.abs(upper[rows]))
    )
    _, tolerance = h.getOptionValue("primal_feasibility_tolerance")
    _, bound_scale = h.getOptionValue("user_bound_scale")
    # A step HiGHS tells apart from no change even in its scaled units.
    floor = 100.0 * float(tolerance) * 2.0 ** (-int(bound_scale))
    todo = rows[binding]
    todo = todo[np.argsort(-np.abs(row_dual[todo]), kind="stable")]
    late = False
    for i in todo:
        b = float(upper[i])
        size = max(abs(b), 1.0)
        step = max(ONE_SIDED_STEP * size, floor)
        still = 1e-9 * size
        for side, moved, out in (
            (ranging.bound_up[i] <= b + still, b + step, dual_up),
            (ranging.bound_dn[i] >= b - still, b - step, dual_dn),
        ):
            if not side:
                continue
            late = late or (seconds is not None and time.perf_counter() - start > seconds)
            out[i] = np.nan if late else _dual_at(h, int(i), float(lower[i]), b, moved)
    return dual_dn, dual_up


def _dual_at(h: highspy.Highs, row: int, lower: float, bound: float, moved: float) -> float:
    """Re-solve ``h`` warm with row ``row``'s upper bound at ``moved``; return its dual."""
    h.changeRowBounds(row, lower, moved)
    try:
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return float(h.getSolution().row_dual[row])
        if status == highspy.HighsModelStatus.kInfeasible and moved < bound:
            return -np.inf
        return np.nan
    finally:
        h.changeRowBounds(row, lower, bound)


class HighsModel:
    """A HiGHS model kept in memory for warm re-solves (sweeps, what-ifs).

    :meth:`update` pushes only the numbers that differ from what the model holds (column
    bounds and costs, row bounds, matrix values, objective constant) and keeps the basis,
    so the next solve starts warm. A program with a different structure (shape or sparsity
    pattern) is passed afresh (a cold solve).

    Parameters
    ----------
    lp : LinearProgram
        The program to load.
    ranging : bool, default False
        Compute row-bound ranging after each solve (costly on large models).
    one_sided : bool, default False
        With ``ranging``, also the one-sided duals of binding caps (extra warm re-solves
        that leave the basis moved; see :func:`one_sided_duals`).
    **options
        As for :class:`HighsBackend`.
    """

    def __init__(
        self,
        lp: LinearProgram,
        ranging: bool = False,
        *,
        one_sided: bool = False,
        **options: object,
    ) -> None:
        self.backend = HighsBackend(ranging, one_sided=one_sided, **options)  # type: ignore[arg-type]
        self.h = self.backend._new(lp)
        self.cold_loads = 0
        self.warm_updates = 0
        self._load(lp)

    def _load(self, lp: LinearProgram) -> None:
        self.h.passModel(to_highs_lp(lp))
        self.lp = lp
        self._csc = lp.A.tocsc()
        self.cold_loads += 1

    def update(self, lp: LinearProgram) -> bool:
        """Make the model hold ``lp``; return True if it was a warm (in-place) update."""
        old = self.lp
        same = (
            lp.shape == old.shape
            and lp.A.nnz == old.A.nnz
            and np.array_equal(lp.integrality, old.integrality)
        )
        csc = lp.A.tocsc() if lp.A is not old.A else self._csc
        if same and lp.A is not old.A:
            same = np.array_equal(csc.indptr, self._csc.indptr) and np.array_equal(
                csc.indices, self._csc.indices
            )
        if not same:
            self._load(lp)
            return False
        h = self.h
        cols = np.flatnonzero((lp.col_lower != old.col_lower) | (lp.col_upper != old.col_upper))
        if cols.size:
            h.changeColsBounds(
                cols.size, cols.astype(np.int32), lp.col_lower[cols], lp.col_upper[cols]
            )
        cost = np.flatnonzero(lp.c != old.c)
        if cost.size:
            h.changeColsCost(cost.size, cost.astype(np.int32), lp.c[cost])
        rows = np.flatnonzero((lp.row_lower != old.row_lower) | (lp.row_upper != old.row_upper))
        if rows.size:
            h.changeRowsBounds(  # type: ignore[attr-defined]
                rows.size, rows.astype(np.int32), lp.row_lower[rows], lp.row_upper[rows]
            )
        if lp.A is not old.A:
            diff = np.flatnonzero(csc.data != self._csc.data)
            if diff.size:
                col_of = np.repeat(np.arange(csc.shape[1]), np.diff(csc.indptr))
                for k in diff:
                    h.changeCoeff(int(csc.indices[k]), int(col_of[k]), float(csc.data[k]))
            self._csc = csc
        if lp.c0 != old.c0:
            h.changeObjectiveOffset(lp.c0)
        self.lp = lp
        self.warm_updates += 1
        return True

    def solve(self) -> SolveResult:
        """Solve what the model holds (warm when the basis from a previous solve fits)."""
        return self.backend.solve_loaded(self.h, self.lp, time.perf_counter())
