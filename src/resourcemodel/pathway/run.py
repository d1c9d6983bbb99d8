"""Solve a pathway with perfect or myopic foresight and assemble its results by year.

- **perfect**: one stacked program over every year (:func:`stack`).
- **myopic**: steps of ``block`` representative years solved in turn; each step sees its
  own years and the next ``view - block`` (TEMOA's view depth), keeps every earlier decision
  fixed and keeps the builds decided in its own ``block`` years. The pathway's results are
  those of the full stacked program with all builds fixed at the steps' decisions (one
  more solve, which also gives duals and totals on the same footing as perfect foresight).
  Perfect foresight optimises over a set that contains this plan, so it never costs more
  (tested).

Results: each year's program and its slice of the solution go through
:func:`resourcemodel.results.assemble` (costs undiscounted, duals divided by the year's
objective weight, so shadow prices are in USD per unit in that year), concatenated on a
``year`` dim, plus ``build``, ``capital_charge``, ``objective_year``,
``capital_charge_year`` and ``objective_weight``.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pandas as pd
import xarray as xr

from resourcemodel.backends import SolveResult, get_backend
from resourcemodel.backends.base import Ranging
from resourcemodel.backends.highs import HighsBackend, to_highs_lp
from resourcemodel.formulation import Options, build
from resourcemodel.pathway.spec import FORESIGHTS, Pathway, load_pathway
from resourcemodel.pathway.stack import PathwayProgram, candidate_data, stack
from resourcemodel.pathway.years import year_inputs
from resourcemodel.program import Block, LinearProgram
from resourcemodel.results import assemble


def prepare(pathway: Pathway, options: Options | None = None) -> tuple[list[xr.Dataset], list[Any]]:
    """Return every year's inputs and program."""
    from resourcemodel.pipeline import load

    base, _, _ = load(pathway.scenario)
    options = options or Options.resolve(pathway.scenario.options)
    inputs = year_inputs(base, pathway)
    return inputs, [build(ds, replace(options)) for ds in inputs]


def solve_pathway(
    pathway: Pathway,
    inputs: list[xr.Dataset],
    year_lps: list[Any],
    *,
    foresight: str | None = None,
    backend: str = "highs",
    **solver_options: Any,
) -> tuple[PathwayProgram, SolveResult, dict[str, Any]]:
    """Solve the pathway; return the full stacked program, its result and solve facts."""
    foresight = foresight or pathway.foresight
    if foresight not in FORESIGHTS:
        msg = f"foresight must be one of {list(FORESIGHTS)}, got {foresight!r}."
        raise ValueError(msg)
    solver = get_backend(backend, **solver_options)
    info: dict[str, Any] = {"foresight": foresight, "steps": []}
    fixed: dict[str, np.ndarray] | None = None
    warm: _Warm | None = None
    if foresight == "myopic" and pathway.candidates:
        n = len(pathway.years)
        full = stack(year_lps, inputs, pathway)
        fixed = {
            name: np.full(full.lp.variables[name].index.shape, np.nan)
            for name in _BUILDS
            if name in full.lp.variables
        }
        # The steps need no ranging; with HiGHS their bases start the final solve.
        step_solver = solver
        if isinstance(solver, HighsBackend):
            step_solver = get_backend(backend, **{**solver_options, "ranging": False})
            warm = _Warm(step_solver, pathway)  # type: ignore[arg-type]
        for start in range(0, n, pathway.block):
            include = list(range(start, min(start + pathway.view, n)))
            for arr in fixed.values():
                arr[..., :start] = np.nan_to_num(arr[..., :start], nan=0.0)
            step = stack(year_lps, inputs, pathway, include=include, fixed=fixed)
            result = warm.solve(step) if warm is not None else step_solver.solve(step.lp)
            info["steps"].append(
                {
                    "years": [int(y) for y in step.years],
                    "status": str(result.status),
                    "seconds": result.runtime,
                }
            )
            if not result.has_solution:  # a MILP step at its time limit keeps its incumbent
                return step, result, info
            for name, arr in fixed.items():
                if name not in step.lp.variables:
                    continue
                values = step.lp.variables[name].gather(result.x)  # decision year last
                k = min(values.shape[-1], start + pathway.block)  # keep this block's only
                window = arr[..., start:k]
                decided = ~np.isnan(values[..., start:k])
                window[decided] = values[..., start:k][decided]
        fixed = {name: np.nan_to_num(arr, nan=0.0) for name, arr in fixed.items()}
    pp = stack(year_lps, inputs, pathway, fixed=fixed)
    free = pp.lp.integrality & (pp.lp.col_lower < pp.lp.col_upper)
    if free.any() and isinstance(solver, HighsBackend):
        result, start_info = _solve_mip(solver, pp)
        info["mip_start"] = start_info
        info["steps"].append(
            {
                "years": [int(y) for y in pp.years],
                "status": str(result.status),
                "seconds": result.runtime,
            }
        )
        return pp, result, info
    # With HiGHS, every year starts from the basis of the step that decided it.
    result = warm.solve(pp, solver) if warm is not None else solver.solve(pp.lp)  # type: ignore[arg-type]
    info["steps"].append(
        {
            "years": [int(y) for y in pp.years],
            "status": str(result.status),
            "seconds": result.runtime,
        }
    )
    return pp, result, info


#: Build families fixed from one myopic step to the next.
_BUILDS = ("build", "build_capacity")
#: The rows that tie them to the years.
_BUILD_ROWS = ("build-link", "build-window", "build-capacity-window")


_LOWER, _BASIC, _UPPER, _ZERO = 0, 1, 2, 3  # highspy.HighsBasisStatus values
_STATUSES = [highspy.HighsBasisStatus(v) for v in range(5)]


class _Warm:
    """Start the final myopic program (every build fixed) from the steps' bases.

    With the builds fixed, the final program is the years side by side, and each year's
    optimal basis is nearly the one of the step that decided it. The steps' bases are kept
    by label: each year's columns and rows (laid out as in the year's own program) from
    the step that decided it, and the build columns and rows by (candidate, year). HiGHS
    takes the assembled basis as an *alien* basis and repairs the count of basic variables
    and any singularity, so a poor guess costs iterations, never correctness. Fixed
    columns start nonbasic; nonbasic statuses are moved to a finite bound.

    The steps themselves start cold: measured on the Isfahan pathway (20 years, steps of
    two years), a step from the last step's basis took 0.18 s against 0.16 s cold,
    because a basis given to HiGHS skips its presolve, which removes the fixed builds.
    """

    def __init__(self, solver: HighsBackend, pathway: Pathway) -> None:
        self.solver = solver
        self.block = pathway.block
        self.years = np.array(pathway.years)
        self.decided: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        # Build families by label: family -> status array, year dim over pathway years.
        self.builds: dict[str, np.ndarray] = {}

    def solve(self, pp: PathwayProgram, solver: HighsBackend | None = None) -> SolveResult:
        """Solve a step ``pp`` cold and keep its basis or, given ``solver``, the final warm."""
        final = solver is not None
        solver = solver or self.solver
        lp = pp.lp
        start = time.perf_counter()
        h = solver._new(lp)
        h.passModel(to_highs_lp(lp))
        if final and self.decided:
            col, row = self._guess(pp)
            basis = highspy.HighsBasis()
            basis.col_status = [_STATUSES[v] for v in col]
            basis.row_status = [_STATUSES[v] for v in row]
            basis.alien = True
            basis.valid = True
            h.setBasis(basis)
        result = solver.solve_loaded(h, lp, start)
        if result.status.is_ok and not final:
            self._keep(pp, h.getBasis())
        return result

    def _extra(self, lp: LinearProgram) -> list[tuple[str, Block, bool]]:
        """Return the blocks outside the year programs: (name, block, is a column block)."""
        out = [(n, b, True) for n, b in lp.variables.items() if n in _BUILDS]
        return out + [(n, b, False) for n, b in lp.constraints.items() if n in _BUILD_ROWS]

    def _keep(self, pp: PathwayProgram, basis: highspy.HighsBasis) -> None:
        col = np.array([int(v) for v in basis.col_status], dtype=np.int8)
        row = np.array([int(v) for v in basis.row_status], dtype=np.int8)
        for i, j in enumerate(pp.include[: self.block]):
            cs, ce = pp.col_start[i], pp.col_start[i + 1]
            rs, re = pp.row_start[i], pp.row_start[i + 1]
            self.decided.setdefault(j, (col[cs:ce].copy(), row[rs:re].copy()))
        deciding = pp.years[: self.block]
        for name, blk, is_col in self._extra(pp.lp):
            status = col if is_col else row
            years = blk.coords["year"]
            pos = np.searchsorted(self.years, years)
            store = self.builds.setdefault(
                name, np.full((*blk.index.shape[:-1], len(self.years)), -1, dtype=np.int8)
            )
            # Statuses of the step deciding the year win; others fill what is not known.
            here = np.nonzero(blk.index >= 0)
            at = (*here[:-1], pos[here[-1]])
            take = np.isin(years[here[-1]], deciding) | (store[at] < 0)
            store[tuple(a[take] for a in at)] = status[blk.index[here][take]]

    def _guess(self, pp: PathwayProgram) -> tuple[np.ndarray, np.ndarray]:
        lp = pp.lp
        m, n = lp.shape
        col = np.full(n, _LOWER, dtype=np.int8)
        row = np.full(m, _BASIC, dtype=np.int8)
        for i, j in enumerate(pp.include):
            if j in self.decided:
                c, r = self.decided[j]
                col[pp.col_start[i] : pp.col_start[i + 1]] = c
                row[pp.row_start[i] : pp.row_start[i + 1]] = r
        for name, blk, is_col in self._extra(lp):
            store = self.builds.get(name)
            if store is None:
                continue
            pos = np.searchsorted(self.years, blk.coords["year"])
            guess = store[..., pos]
            here = (blk.index >= 0) & (guess >= 0)
            (col if is_col else row)[blk.index[here]] = guess[here]
        return _fit(col, lp.col_lower, lp.col_upper), _fit(row, lp.row_lower, lp.row_upper)


#: Thresholds tried when rounding the relaxation's builds for a MIP start.
MIP_START_THRESHOLDS = (0.2, 0.35, 0.5, 0.65)
#: Relative gap at which a pathway with integer builds stops (HiGHS's default, stated).
MIP_REL_GAP = 1e-4


def _solve_mip(solver: HighsBackend, pp: PathwayProgram) -> tuple[SolveResult, dict[str, Any]]:
    """Solve a pathway with integer builds, HiGHS started from a rounded relaxation.

    The relaxation (the LP with builds continuous) is solved first; its builds are rounded
    (:func:`_round_builds`) at each of :data:`MIP_START_THRESHOLDS`, the LP re-solved warm
    with the rounded builds fixed, and the cheapest feasible plan handed to HiGHS as its
    first incumbent (``setSolution``). The MIP itself runs with the backend's options,
    ``mip_rel_gap`` :data:`MIP_REL_GAP` unless given. Returns the result and the facts of
    the start: the relaxation's objective (a bound), the start's objective and seconds.
    """
    start = time.perf_counter()
    lp = pp.lp
    relax = to_highs_lp(lp)
    relax.integrality_ = []
    h = solver._new(lp)
    h.passModel(relax)
    h.run()
    facts: dict[str, Any] = {"relaxation": float("nan"), "start": float("nan")}
    best: np.ndarray | None = None
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        facts["relaxation"] = lp.objective_sign * float(h.getInfo().objective_function_value)
        x = np.asarray(h.getSolution().col_value, dtype=float)
        cols = np.flatnonzero(lp.integrality).astype(np.int32)
        lo, up = lp.col_lower[cols], lp.col_upper[cols]
        best_value = np.inf
        for threshold in MIP_START_THRESHOLDS:
            value = _round_builds(pp, x, threshold)[cols]
            h.changeColsBounds(len(cols), cols, value, value)
            h.run()
            if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                objective = float(h.getInfo().objective_function_value)
                if objective < best_value:
                    best_value = objective
                    best = np.asarray(h.getSolution().col_value, dtype=float)
            h.changeColsBounds(len(cols), cols, lo, up)
        facts["start"] = lp.objective_sign * best_value if best is not None else float("nan")
    facts["seconds"] = time.perf_counter() - start
    m = solver._new(lp)
    if "mip_rel_gap" not in solver.options:
        m.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    m.passModel(to_highs_lp(lp))
    if best is not None:
        incumbent = highspy.HighsSolution()
        incumbent.col_value = list(best)
        incumbent.value_valid = True
        m.setSolution(incumbent)
    result = solver.solve_loaded(m, lp, start)
    return result, facts


def _round_builds(pp: PathwayProgram, x: np.ndarray, threshold: float) -> np.ndarray:
    """Return ``x`` with every integer build rounded to 0 or 1, one build per lifetime window.

    In decision-year order, a candidate is built whole in the first year with some build
    whose lifetime window (the builds it would overlap) holds at least ``threshold`` of
    the measure, unless a build made earlier is still in its window; then the window is
    closed to further builds (the ``build-window`` rule).
    """
    out = x.copy()
    for name in _BUILDS:
        if name not in pp.lp.variables:
            continue
        blk = pp.lp.variables[name]
        years = blk.coords["year"]
        index = blk.index.reshape(-1, len(years))  # [candidate, decision year]
        life = pp.lifetime[name].reshape(-1)
        keep = np.asarray((index >= 0).any(axis=1), dtype=bool)
        keep[keep] = pp.lp.integrality[index[keep].max(axis=1)]
        index, life = index[keep], life[keep]
        if not len(index):
            continue
        value = np.where(index >= 0, x[index], 0.0)
        inside = (years[None, :, None] <= years[None, None, :]) & (
            years[None, None, :] < years[None, :, None] + life[:, None, None]
        )
        window = (inside * value[:, None, :]).sum(axis=2)  # [candidate, window start]
        built = np.zeros(value.shape)
        free_from = np.full(len(index), -np.inf)
        for k, year in enumerate(years):
            take = (index[:, k] >= 0) & (value[:, k] > 1e-6) & (window[:, k] >= threshold)
            take &= year >= free_from
            built[take, k] = 1.0
            free_from[take] = year + life[take]
        present = index >= 0
        out[index[present]] = built[present]
    return out


def _fit(status: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Return ``status`` with nonbasic statuses moved to a finite bound (fixed: nonbasic)."""
    out = status.copy()
    out[(lower == upper) & (out == _BASIC)] = _LOWER
    nonbasic = out != _BASIC
    lo, up = np.isfinite(lower), np.isfinite(upper)
    want_up = out == _UPPER
    out[nonbasic] = np.where(
        want_up[nonbasic] & up[nonbasic],
        _UPPER,
        np.where(lo[nonbasic], _LOWER, np.where(up[nonbasic], _UPPER, _ZERO)),
    )
    return out


def _year_result(pp: PathwayProgram, result: SolveResult, j: int) -> tuple[Any, SolveResult]:
    """Return year ``j``'s own program (pathway costs, unweighted) and its slice of ``result``."""
    w = pp.weights[j]
    cs, ce = int(pp.col_start[j]), int(pp.col_start[j + 1])
    rs, re = int(pp.row_start[j]), int(pp.row_start[j + 1])
    lp_j = pp.year_lps[pp.include[j]]
    c = pp.lp.c[cs:ce] / w if w != 1 else pp.lp.c[cs:ce]
    lp_y = replace(lp_j, c=c, col_upper=pp.lp.col_upper[cs:ce])
    x = result.x[cs:ce]
    if len(pp.years) == 1 and not any(b in pp.lp.variables for b in _BUILDS):
        objective = result.objective  # the stacked program is this year's program
    else:
        objective = lp_y.objective_sign * (float(c @ x) + lp_y.c0)
    rng = result.ranging
    ranging = None
    if rng is not None:
        ranging = Ranging(
            bound_dn=rng.bound_dn[rs:re],
            bound_up=rng.bound_up[rs:re],
            objective_dn=np.full(re - rs, np.nan),
            objective_up=np.full(re - rs, np.nan),
            dual_dn=None if rng.dual_dn is None else rng.dual_dn[rs:re] / w,
            dual_up=None if rng.dual_up is None else rng.dual_up[rs:re] / w,
        )
    sub = replace(
        result,
        objective=objective,
        x=x,
        row_dual=result.row_dual[rs:re] / w,
        col_dual=result.col_dual[cs:ce] / w,
        ranging=ranging,
    )
    return lp_y, sub


def assemble_pathway(
    pp: PathwayProgram,
    result: SolveResult,
    inputs: list[xr.Dataset],
    pathway: Pathway,
    run_card: dict[str, Any] | None = None,
) -> xr.Dataset:
    """Return the pathway's results: every year's results on a ``year`` dim, plus builds."""
    per_year = []
    objective_year = []
    for j in range(len(pp.years)):
        lp_y, sub = _year_result(pp, result, j)
        per_year.append(assemble(inputs[pp.include[j]], lp_y, sub, run_card))
        objective_year.append(sub.objective)
    years = pd.Index(pp.years.astype(int), name="year")
    ds = xr.concat(per_year, dim=years, combine_attrs="drop_conflicts")
    ds["objective_year"] = (
        "year",
        np.array(objective_year),
        {
            "units": "USD",
            "description": "The year's own objective (operations, undiscounted, per year).",
        },
    )
    ds["objective_weight"] = (
        "year",
        pp.weights,
        {
            "units": "years",
            "description": "Discounted years the year stands for (its weight in the objective).",
        },
    )
    capital_year = np.zeros(len(pp.years))
    if "build" in pp.lp.variables:
        blk = pp.lp.variables["build"]
        share = blk.gather(result.x)
        present = blk.index >= 0
        xb = result.x[blk.index[present]]
        max_a = np.nan_to_num(inputs[pp.include[0]]["max_adoption"].values, nan=0.0)
        built = share * max_a[:, :, None]
        ds["build"] = (
            ("plant", "measure", "year"),
            np.where(present, built, np.nan),
            {
                "units": "fraction",
                "description": "Share of the measure built in the year (decision year).",
            },
        )
        # Charge by (plant, measure, modelled year): sum over decision years.
        charge = np.zeros((*blk.index.shape[:2], len(pp.years)))
        pm = np.argwhere(present)
        np.add.at(charge, (pm[:, 0], pm[:, 1]), pp.charge * xb[:, None])
        ds["capital_charge"] = (
            ("plant", "measure", "year"),
            charge,
            {
                "units": "USD",
                "description": "Annuities charged in the modelled year for the builds alive.",
            },
        )
        capital_year = charge.sum(axis=(0, 1))
    if "build_capacity" in pp.lp.variables:
        blk = pp.lp.variables["build_capacity"]
        present = blk.index >= 0
        share = blk.gather(result.x)
        ds["build_capacity"] = (
            ("source", "year"),
            np.where(present, share * pp.capacity[:, None], np.nan),
            {
                "units": "{source.resource}/yr",
                "description": "Capacity per year built in the year (decision year).",
            },
        )
        charge = np.zeros((blk.index.shape[0], len(pp.years)))
        rows = np.argwhere(present)[:, 0]
        np.add.at(charge, rows, pp.charge_capacity * result.x[blk.index[present]][:, None])
        ds["capital_charge_capacity"] = (
            ("source", "year"),
            charge,
            {"units": "USD", "description": "Annuities of source capacity alive in the year."},
        )
        capital_year = capital_year + charge.sum(axis=0)
    if pathway.candidates:
        ds = xr.merge([ds, candidate_data(inputs[0], pathway)], combine_attrs="override")
    ds["capital_charge_year"] = (
        "year",
        capital_year,
        {
            "units": "USD",
            "description": "Annuities of all builds alive in the year (undiscounted).",
        },
    )
    years_each = np.array([pathway.weights[i] for i in pp.include], dtype=float)
    undiscounted = float((years_each * (np.array(objective_year) + capital_year)).sum())
    ds.attrs.update(
        {
            "status": str(result.status),
            "objective_undiscounted": undiscounted,
            "objective": float(result.objective),
            "objective_discounted": float(result.objective),
            "years": json.dumps([int(y) for y in pp.years]),
            "year_weights": json.dumps([int(pathway.weights[i]) for i in pp.include]),
            "year_weights_list": [int(pathway.weights[i]) for i in pp.include],
            "discount_rate": float(pathway.discount_rate),
            "lp_rows": int(pp.lp.shape[0]),
            "lp_columns": int(pp.lp.shape[1]),
            "lp_nonzeros": int(pp.lp.A.nnz),
            "solve_seconds": float(result.runtime),
        }
    )
    if pp.lp.is_mip:
        ds.attrs["mip_bound"] = float(result.mip_bound)
        ds.attrs["mip_gap"] = float(result.mip_gap)
    return ds


def run_card(pathway: Pathway, backend: str, name: str | None = None) -> dict[str, Any]:
    """Return the run card of a pathway's results, as :func:`resourcemodel.run` writes it.

    The scenario's name (or ``name``), description, planner texts (``title``, ``summary``
    and their ``_fa`` versions, ``description_fa``), the chain of files and the backend;
    briefs take the title from here.
    """
    spec = pathway.scenario
    return {
        "scenario": name or spec.name,
        "description": spec.description,
        **spec.texts,
        "scenario_chain": list(spec.chain),
        "backend": backend,
    }


def run_pathway(
    path: str | Path | Pathway,
    backend: str = "highs",
    *,
    foresight: str | None = None,
    **solver_options: Any,
) -> xr.Dataset:
    """Run the pathway of a scenario file end to end and return its results Dataset.

    Parameters
    ----------
    path : str, Path or Pathway
        A scenario file with a ``[pathway]`` table, or a loaded :class:`Pathway`.
    backend : {"highs", "pulp"}
    foresight : {"perfect", "myopic"}, optional
        Overrides the file's ``foresight``.
    **solver_options
        Passed to the backend.
    """
    start = time.perf_counter()
    pathway = path if isinstance(path, Pathway) else load_pathway(path)
    inputs, lps = prepare(pathway)
    pp, result, info = solve_pathway(
        pathway, inputs, lps, foresight=foresight, backend=backend, **solver_options
    )
    ds = assemble_pathway(pp, result, inputs, pathway, run_card(pathway, backend))
    ds.attrs["foresight"] = info["foresight"]
    ds.attrs["solve_steps"] = json.dumps(info["steps"])
    if "mip_start" in info:
        ds.attrs["mip_start"] = json.dumps(info["mip_start"])
    ds.attrs["wall_seconds"] = time.perf_counter() - start
    return ds
