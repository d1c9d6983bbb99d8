"""Evaluate sweep runs on a warm model: the worker side of a sweep.

:class:`Evaluator` loads the base scenario once, builds its program once, and keeps one
:class:`~resourcemodel.backends.highs.HighsModel`. A run changes only the parameter arrays
its factors touch; when every touched parameter maps straight onto bounds and costs
(:data:`~resourcemodel.formulation.FAST_PARAMETERS`) the program is updated in place and
re-solved warm; otherwise the changed inputs are rebuilt (``mode = "rebuilt"``), which is
slower but equally correct. Worker functions live here (not in notebooks) so process pools
and Dask can pickle them.
"""

from __future__ import annotations

import math
import traceback
from dataclasses import replace
from typing import Any

import numpy as np
import xarray as xr

from resourcemodel import pipeline
from resourcemodel.backends.base import SolveResult
from resourcemodel.backends.highs import HighsModel
from resourcemodel.exceptions import SweepError
from resourcemodel.formulation import Options, build, update_program
from resourcemodel.program import LinearProgram
from resourcemodel.results import CAP_FAMILIES, assemble
from resourcemodel.scenario import apply_located
from resourcemodel.schema import PARAMETERS
from resourcemodel.sweeps.spec import Factor, SweepSpec

_CAP_NAMES = {name: family for family, name in CAP_FAMILIES.items()}


class _Lever:
    """A factor compiled to the elements it touches and its unit factor there."""

    def __init__(self, inputs: xr.Dataset, factor: Factor) -> None:
        from resourcemodel.exceptions import ScenarioError
        from resourcemodel.scenario import Change, locate

        self.factor = factor
        self.parameter = factor.parameter
        if factor.parameter not in inputs:
            raise SweepError(f"factor {factor.name!r}: parameter {factor.parameter!r} missing.")
        change = Change(
            parameter=factor.parameter,
            where=factor.where,
            op=factor.op,
            value=1.0,
            unit=factor.unit,
            origin=f"factor {factor.name!r}",
        )
        self.change = change
        try:
            self.mask, self.unit_factor = locate(inputs, change)
        except ScenarioError as err:
            raise SweepError(err.problems) from None

    def apply(self, array: np.ndarray, value: float) -> None:
        apply_located(array, replace(self.change, value=value), self.mask, self.unit_factor)


def outcome_name(outcome: str | dict[str, Any]) -> str:
    """Return the name an outcome is stored under."""
    if isinstance(outcome, str):
        return outcome
    return str(outcome.get("name", outcome["variable"]))


class Evaluator:
    """Solve the runs of one sweep on a warm model.

    Parameters
    ----------
    spec : SweepSpec
        The sweep.
    """

    def __init__(self, spec: SweepSpec) -> None:
        self.spec = spec
        inputs, scenario, _ = pipeline.load(spec.base)
        self.inputs = inputs
        self.options = Options.resolve(scenario.options if scenario else None)
        self.lp = build(inputs, self.options)
        self.levers = [_Lever(inputs, f) for f in spec.factors]
        self.base = {
            name: np.asarray(inputs[name].values, dtype=float)
            for name in ("demand", "min_delivery", "unmet_penalty", "price", "measure_cost")
        }
        needs_ranging = any("range" in outcome_name(o) for o in spec.outcomes)
        self.model = HighsModel(self.lp, ranging=needs_ranging, **spec.solver)
        # Solve the base once so that every run (and every forked pool worker, which
        # inherits this model) starts from its optimal basis instead of from scratch.
        self.model.solve()
        self.outcomes = list(spec.outcomes)

    # -- one run ---------------------------------------------------------------
    def run(self, values: np.ndarray) -> dict[str, Any]:
        """Solve one run; never raises (failures are returned as data)."""
        try:
            changed: dict[str, np.ndarray] = {}
            for lever, value in zip(self.levers, values, strict=True):
                array = changed.get(lever.parameter)
                if array is None:
                    source = self.base.get(lever.parameter)
                    if source is None:
                        source = self.base[lever.parameter] = np.asarray(
                            self.inputs[lever.parameter].values, dtype=float
                        )
                    array = source.copy()
                    changed[lever.parameter] = array
                lever.apply(array, float(value))
            problem = _check(changed)
            if problem:
                return {"status": "error", "message": problem, "mode": "", "outcomes": {}}
            inputs = self.inputs
            lp = update_program(self.lp, inputs, changed, self.base)
            mode = "warm"
            if lp is None:
                inputs = self.inputs.copy()
                for name, array in changed.items():
                    inputs[name] = (self.inputs[name].dims, array, self.inputs[name].attrs)
                lp = build(inputs, self.options)
                mode = "rebuilt"
            if not self.model.update(lp):
                mode = "cold"
            result = self.model.solve()
            outcomes = self._outcomes(inputs, lp, result) if result.status.is_ok else {}
            return {
                "status": str(result.status),
                "message": result.message,
                "mode": mode,
                "outcomes": outcomes,
            }
        except Exception as err:  # a failed run is recorded as data; the sweep goes on
            last = traceback.format_exception_only(type(err), err)[-1].strip()
            return {"status": "error", "message": last, "mode": "", "outcomes": {}}

    def _outcomes(
        self, inputs: xr.Dataset, lp: LinearProgram, result: SolveResult
    ) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        full: xr.Dataset | None = None
        for outcome in self.outcomes:
            spec = {"variable": outcome} if isinstance(outcome, str) else outcome
            name = outcome_name(outcome)
            variable = str(spec["variable"])
            if variable == "objective":
                out[name] = np.asarray(result.objective)
                continue
            lean = _lean(variable, inputs, lp, result)
            if lean is None:
                if full is None:
                    full = assemble(inputs, lp, result)
                if variable not in full:
                    raise SweepError(f"outcome {name!r}: no results variable {variable!r}.")
                dims, values = tuple(str(d) for d in full[variable].dims), full[variable].values
            else:
                dims, values = lean
            summed = tuple(spec.get("sum", ()))
            axes = tuple(dims.index(d) for d in summed if d in dims)
            if axes:
                values = np.nansum(values, axis=axes)
            out[name] = np.asarray(values, dtype=float)
        return out

    def units_of(self) -> dict[str, str]:
        """Return the unit of each outcome; needs no solve.

        ``USD`` for the objective, else the results variable's unit, a template such as
        ``{product}`` where it depends on the label.
        """
        from resourcemodel.backends.base import Backend, TerminationCondition

        result = Backend.empty_result(self.lp, TerminationCondition.ERROR)
        full = assemble(self.inputs, self.lp, result)
        out: dict[str, str] = {}
        for outcome in self.outcomes:
            spec = {"variable": outcome} if isinstance(outcome, str) else outcome
            variable = str(spec["variable"])
            if variable == "objective":
                out[outcome_name(outcome)] = "USD"
            elif variable in full:
                out[outcome_name(outcome)] = str(full[variable].attrs.get("units", ""))
        return out

    def dims_of(self) -> dict[str, tuple[str, ...]]:
        """Dims each outcome keeps (after sums); needs no solve."""
        from resourcemodel.backends.base import Backend, TerminationCondition

        result = Backend.empty_result(self.lp, TerminationCondition.ERROR)
        dims: dict[str, tuple[str, ...]] = {}
        for outcome in self.outcomes:
            spec = {"variable": outcome} if isinstance(outcome, str) else outcome
            variable = str(spec["variable"])
            if variable == "objective":
                dims[outcome_name(outcome)] = ()
                continue
            lean = _lean(variable, self.inputs, self.lp, result)
            if lean is not None:
                all_dims = lean[0]
            else:
                full = assemble(self.inputs, self.lp, result)
                if variable not in full:
                    raise SweepError(
                        f"outcome {outcome_name(outcome)!r}: no results variable {variable!r}."
                    )
                all_dims = tuple(str(d) for d in full[variable].dims)
            summed = set(spec.get("sum", ()))
            dims[outcome_name(outcome)] = tuple(d for d in all_dims if d not in summed)
        return dims


def _check(changed: dict[str, np.ndarray]) -> str:
    """Return a message if a changed parameter left its valid range, else ''."""
    for name, array in changed.items():
        spec = PARAMETERS[name]
        finite = ~np.isnan(array)
        if np.any(array[finite] < spec.lower) or np.any(array[finite] > spec.upper):
            bad = array[finite & ((array < spec.lower) | (array > spec.upper))]
            return (
                f"{name!r} left its valid range [{spec.lower:g}, {spec.upper:g}] "
                f"(e.g. {bad.ravel()[0]:g}); the run was not solved."
            )
    return ""


def _lean(
    variable: str, inputs: xr.Dataset, lp: LinearProgram, result: SolveResult
) -> tuple[tuple[str, ...], np.ndarray] | None:
    """Compute a results variable straight from the solver vectors (no Dataset)."""
    v, c, x = lp.variables, lp.constraints, result.x
    if variable in ("production", "supply", "adoption", "delivery", "saving_amount"):
        block = v[{"saving_amount": "saving_amount"}.get(variable, variable)]
        fill = 0.0 if variable in ("production", "saving_amount") else math.nan
        return block.dims, block.gather(x, fill)
    if variable == "unmet":
        d = v["delivery"]
        demand = inputs["demand"].values
        return d.dims, np.where(
            np.isnan(demand), np.nan, np.clip(demand - np.nan_to_num(d.gather(x)), 0, None)
        )
    if variable == "resource_supplied":
        y = v["supply"]
        lookup = {r: i for i, r in enumerate(inputs["resource"].values)}
        src_res = np.array([lookup[r] for r in inputs["source_resource"].values], dtype=int)
        out = np.zeros((inputs.sizes["plant"], inputs.sizes["resource"], inputs.sizes["period"]))
        np.add.at(
            out,
            (slice(None), src_res, slice(None)),  # type: ignore[arg-type]
            np.nan_to_num(y.gather(x)),
        )
        return ("plant", "resource", "period"), out
    if variable in ("resource_value", "product_value"):
        block = c["resource-balance" if variable == "resource_value" else "product-balance"]
        return block.dims, block.gather(result.row_dual)
    for name, family in _CAP_NAMES.items():
        if variable == f"{name}_shadow_price":
            block = c[family]
            return block.dims, block.gather(-result.row_dual) + 0.0
        if variable == f"{name}_use":
            block = c[family]
            return block.dims, block.gather(lp.A @ x)
    return None


# -- worker entry points (module level so that pools and Dask can pickle them) ----------
_WORKER: dict[str, Evaluator] = {}


def init_worker(spec: SweepSpec) -> None:
    """Process-pool initializer: build this worker's warm model once.

    Under the ``fork`` start method the worker inherits the parent's evaluator (registered
    by :func:`register`) and skips loading the case again.
    """
    if spec.digest not in _WORKER:
        _WORKER[spec.digest] = Evaluator(spec)


def register(evaluator: Evaluator) -> None:
    """Make ``evaluator`` the one forked workers of this process inherit."""
    _WORKER[evaluator.spec.digest] = evaluator


def run_chunk(spec: SweepSpec, runs: np.ndarray, values: np.ndarray) -> dict[str, Any]:
    """Solve a chunk of runs on this process's warm model (created on first use)."""
    evaluator = _WORKER.get(spec.digest)
    if evaluator is None:
        evaluator = _WORKER[spec.digest] = Evaluator(spec)
    results = [evaluator.run(row) for row in values]
    return {"runs": runs, "results": results}
