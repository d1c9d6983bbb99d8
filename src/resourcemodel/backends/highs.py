"""HiGHS in process through highspy: the default backend.

Gives primal values, row duals, reduced costs and the ranging of row bounds. For a MILP
(``integer_measures``), the duals come from the LP with the integer variables fixed at
their optimal values, and the result says so in ``message``.
"""

from __future__ import annotations

import functools
import os
import sys
import time

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
    scale : bool, default True
        Let HiGHS scale bounds and objective by powers of two (see :func:`scaling_options`);
        an explicit ``user_bound_scale``/``user_objective_scale`` option wins.
    **options
        ``method`` (``simplex``/``ipm``/``pdlp``/``choose``), ``presolve``, ``threads``,
        ``time_limit`` (s), ``primal_feasibility_tolerance``, ``dual_feasibility_tolerance``,
        ``mip_rel_gap``, ``simplex_strategy``; or any other HiGHS option by its own name.
    """

    name = "highs"

    def __init__(self, ranging: bool = True, scale: bool = True, **options: object) -> None:
        super().__init__(**options)
        self.ranging = ranging
        self.scale = scale

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
        status = _STATUS.get(h.getModelStatus(), TerminationCondition.ERROR)
        meta = {
            "solver": "highs",
            "solver_version": version(),
            "message": h.modelStatusToString(h.getModelStatus()),
            "options": dict(self.options),
        }
        if status is not TerminationCondition.OPTIMAL:
            return self.empty_result(lp, status, runtime=time.perf_counter() - start, **meta)
        info = h.getInfo()
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        objective = float(info.objective_function_value)
        iterations = int(info.simplex_iteration_count)
        if lp.is_mip:
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
        return SolveResult(
            status=status,
            objective=lp.objective_sign * objective,
            x=x,
            row_dual=row_dual,
            col_dual=col_dual,
            ranging=ranging,
            runtime=time.perf_counter() - start,
            iterations=iterations,
            **meta,  # type: ignore[arg-type]
        )


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
    **options
        As for :class:`HighsBackend`.
    """

    def __init__(self, lp: LinearProgram, ranging: bool = False, **options: object) -> None:
        self.backend = HighsBackend(ranging, **options)  # type: ignore[arg-type]
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
