"""The facade: scenario -> inputs -> program -> solve -> results.

:func:`run` is just the stages called in order; each is public on its own
(:func:`load`, :func:`~resourcemodel.formulation.build`, :func:`solve`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xarray as xr

from resourcemodel import excel, validate
from resourcemodel.backends import SolveResult, get_backend
from resourcemodel.exceptions import InfeasibleError, InputError
from resourcemodel.formulation import Options, build
from resourcemodel.formulation.water import has_basin
from resourcemodel.program import LinearProgram
from resourcemodel.results import assemble, unit_of

if TYPE_CHECKING:
    from resourcemodel.scenario import Scenario


def load(
    scenario: str | Path | Scenario,
) -> tuple[xr.Dataset, Scenario | None, list[dict[str, Any]]]:
    """Return the inputs Dataset of a scenario file, scenario object, case folder or workbook.

    Returns
    -------
    inputs : xarray.Dataset
        Validated inputs with the scenario's changes applied.
    scenario : Scenario or None
        The resolved scenario (``None`` when a bare case folder was given).
    diff : list of dict
        Every effective value that differs from the case data, with its origin.
    """
    if isinstance(scenario, str | Path) and not Path(scenario).exists():
        msg = f"{str(scenario)!r}: no such scenario file or case folder."
        raise InputError(msg)
    if isinstance(scenario, str | Path) and (
        Path(scenario).is_dir() or excel.is_workbook(scenario)
    ):
        return validate.load_inputs(scenario), None, []
    from resourcemodel.scenario import Scenario, apply_changes, load_scenario

    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    inputs = validate.load_inputs(spec.data, overlays=spec.overlays)
    added = _overlay_records(validate.load_inputs(spec.data), inputs, spec) if spec.overlays else []
    inputs, diff = apply_changes(inputs, spec)
    return inputs, spec, added + diff


def _overlay_records(base: xr.Dataset, ds: xr.Dataset, spec: Scenario) -> list[dict[str, Any]]:
    """Diff records of every value an overlay adds or replaces (before ``None`` if new)."""
    import numpy as np

    from resourcemodel.schema import PARAMETERS

    origin = "overlay " + ", ".join(str(p.name) for p in spec.overlays)
    records: list[dict[str, Any]] = []
    for name, pspec in PARAMETERS.items():
        new = ds[name]
        old = base[name].reindex({d: new[d].values for d in pspec.dims})
        a, b = old.values, new.values
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        # A new label at the parameter's default is not news.
        same |= np.isnan(a) & ((b == pspec.default) | (np.isnan(b) & np.isnan(pspec.default)))
        for idx in np.argwhere(~same):
            labels = {d: str(new[d].values[i]) for d, i in zip(pspec.dims, idx, strict=True)}
            before, after = a[tuple(idx)], b[tuple(idx)]
            records.append(
                {
                    "parameter": name,
                    "labels": labels,
                    "before": None if np.isnan(before) else float(before),
                    "after": None if np.isnan(after) else float(after),
                    "unit": unit_of(ds, name, **labels),
                    "origin": origin,
                }
            )
    return records


def solve(lp: LinearProgram, backend: str = "highs", **solver_options: Any) -> SolveResult:
    """Solve a program with a backend by name (``highs`` or ``pulp``)."""
    return get_backend(backend, **solver_options).solve(lp)


def run(
    scenario: str | Path | Scenario,
    backend: str = "highs",
    *,
    strict: bool = False,
    objective: str | None = None,
    integer_measures: bool | None = None,
    build_years: float | None = None,
    allocation: str | None = None,
    **solver_options: Any,
) -> xr.Dataset:
    """Run a scenario end to end and return the results Dataset.

    Parameters
    ----------
    scenario : str, Path or Scenario
        A scenario TOML file, a resolved :class:`Scenario`, or a case folder.
    backend : {"highs", "pulp"}
        Solver backend.
    strict : bool
        Raise :class:`InfeasibleError` instead of returning a results Dataset whose
        ``status`` attribute is not ``optimal``.
    objective : {"cost", "value_added"}, optional
        Overrides the scenario's ``[options] objective``.
    integer_measures : bool, optional
        Overrides the scenario's ``[options] integer_measures``.
    build_years : float, optional
        Overrides the scenario's ``[options] build_years`` (years to build measures
        before the modelled year; measures with a longer ``lead_time`` are not adopted).
    allocation : {"decree", "basin"}, optional
        Overrides the scenario's ``[options] allocation`` (see
        :mod:`resourcemodel.formulation.water`).
    **solver_options
        Passed to the backend (``time_limit``, ``method``, ``threads``...).

    Returns
    -------
    xarray.Dataset
        Results; the run card is in ``attrs``.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> res = rm.run(rm.examples.path("two_plants"))
    >>> res.attrs["status"], round(res.attrs["objective"])
    ('optimal', 2250)
    """
    start = time.perf_counter()
    inputs, spec, diff = load(scenario)
    opts = Options.resolve(
        spec.options if spec else None,
        objective=objective,
        integer_measures=integer_measures,
        build_years=build_years,
        allocation=allocation,
    )
    lp = build(inputs, opts)
    result = solve(lp, backend, **solver_options)
    name = spec.name if spec else Path(scenario).name  # type: ignore[arg-type]
    card = {
        "scenario": name,
        "description": spec.description if spec else "",
        **(spec.texts if spec else {}),
        "scenario_chain": list(spec.chain) if spec else [],
        "scenario_diff": diff,
        "backend": backend,
        "integer_measures": int(opts.integer_measures),
        "build_years": float(opts.build_years),
    }
    if opts.allocation != "decree" or has_basin(inputs):
        card["allocation"] = opts.allocation
    results = assemble(inputs, lp, result, card)
    results.attrs["wall_seconds"] = time.perf_counter() - start
    if strict and not result.status.is_ok:
        hint = (
            "The caps cannot cover must-run production, hard demand (min_delivery) or "
            "reserved use; relax one of them."
        )
        raise InfeasibleError(name, str(result.status), hint)
    return results
