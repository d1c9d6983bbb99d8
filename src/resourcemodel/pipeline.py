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
    if any(c.rule == "pro_rata" for c in spec.changes):
        inputs, limits = _pro_rata(inputs, spec)
        diff += limits
    return inputs, spec, added + diff


def _pro_rata(inputs: xr.Dataset, spec: Scenario) -> tuple[xr.Dataset, list[dict[str, Any]]]:
    """Apply a scenario's ``pro_rata`` curtailments: solve its reference, limit each plant.

    The reference is ``spec.reference`` if the file names one, else the scenario without
    its ``pro_rata`` curtailments; its optimal draws are the plants' normal use
    (:mod:`resourcemodel.decree`). Where a ``[[change]]`` of ``connection_cap`` sets a
    plant's cap itself, that cap stands instead of the pro-rata limit.
    """
    import dataclasses
    import warnings

    import numpy as np

    from resourcemodel import decree
    from resourcemodel.scenario import apply_changes, locate

    cuts = [c for c in spec.changes if c.rule == "pro_rata"]
    if spec.reference is not None:
        ref_inputs, ref_spec, _ = load(spec.reference)
        ref_name = ref_spec.name if ref_spec else spec.reference.stem
        options = Options.resolve(ref_spec.options if ref_spec else None)
    else:
        ref_spec = dataclasses.replace(
            spec, changes=tuple(c for c in spec.changes if c.rule != "pro_rata")
        )
        base = validate.load_inputs(spec.data, overlays=spec.overlays)
        with warnings.catch_warnings():  # the scenario's own load has already said them
            warnings.simplefilter("ignore")
            ref_inputs, _ = apply_changes(base, ref_spec)
        ref_name = f"{spec.name} without its pro_rata curtailments"
        options = Options.resolve(spec.options)
    lp = build(ref_inputs, options)
    result = solve(lp)
    if not result.status.is_ok:
        hint = (
            f"The pro_rata curtailments of {spec.name!r} take each plant's normal draw from "
            "this reference; make it feasible or name another with reference = '...'."
        )
        raise InfeasibleError(ref_name, str(result.status), hint)
    ref_results = assemble(ref_inputs, lp, result)
    normal = decree.normal_draw(ref_results, inputs)
    share = decree.curtailment_shares(inputs, cuts)
    inputs, caps = decree.cut_named_caps(inputs, cuts, normal)
    origins = "; ".join(c.origin for c in cuts)
    # A connection cap the scenario sets itself replaces the decree's limit there.
    exempt = np.zeros(inputs["connection_cap"].shape, dtype=bool)
    for change in spec.changes:
        if change.parameter == "connection_cap":
            exempt |= locate(inputs, change)[0]
    origin = f"{origins} (pro rata of the draws in {ref_name})"
    inputs, limits = decree.apply_pro_rata(inputs, share, normal, origin, exempt)
    return inputs, caps + limits


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
