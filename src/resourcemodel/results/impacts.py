"""Results of impacts: emissions and jobs, and their run-card totals."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from resourcemodel.program import LinearProgram
from resourcemodel.results.common import _positions, _Var
from resourcemodel.units import DAYS_PER_YEAR


def impacts(
    inputs: xr.Dataset,
    lp: LinearProgram,
    production: np.ndarray,
    supply: np.ndarray,
    unmet: np.ndarray,
    saving: np.ndarray,
) -> dict[str, _Var]:
    """Return emissions and jobs of a solution: ``emission``, ``jobs``, ``jobs_unmet``.

    ``emission[plant, pollutant, period]`` (t) is the emission factor of each resource
    times what the plant draws of it (from its sources, and through measures that draw on
    a source), plus each process's own emission per unit made (the terms of the emission
    caps, :func:`resourcemodel.formulation.add_emission_caps`).
    ``jobs[process]`` is the labour intensity times the output at its annual rate;
    ``jobs_unmet[product]`` values demand not met at the mean labour intensity of the
    processes making the product (weighted by what each can make): the jobs the lost
    output would have supported. Both are NaN where no labour intensity is given.
    """
    src_res = _positions(inputs["source_resource"].values, inputs["resource"].values)
    factor = np.asarray(inputs["emission_factor"].values, float)[src_res, :]  # source, pol
    own = np.asarray(inputs["process_emission"].values, float)  # process, pollutant
    proc_plant = _positions(inputs["process_plant"].values, inputs["plant"].values)
    emission = np.einsum("pst,sq->pqt", np.nan_to_num(supply), factor)
    emission += _measure_draw_emission(inputs, saving, factor)
    np.add.at(emission, proc_plant, own[:, :, None] * production[:, None, :])
    years = float(inputs["period_duration"].values.sum()) / DAYS_PER_YEAR
    intensity = np.asarray(inputs["jobs"].values, float)
    jobs = intensity * production.sum(axis=1) / years
    out = {
        "emission": _Var(
            ("plant", "pollutant", "period"),
            emission,
            {
                "units": "t",
                "description": "Emitted by each plant: fuel drawn times its emission "
                "factor, plus process emissions.",
            },
        ),
        "jobs": _Var(
            ("process",),
            jobs,
            {
                "units": "job",
                "description": "Jobs supported by each process's output (labour "
                "intensity x output per year; NaN: not counted).",
            },
        ),
    }
    makeable = lp.variables["production"].gather(lp.col_upper, 0.0).sum(axis=1)
    product = _positions(inputs["process_product"].values, inputs["product"].values)
    counted = np.isfinite(intensity)
    weight = np.zeros(inputs.sizes["product"])
    labour = np.zeros(inputs.sizes["product"])
    np.add.at(weight, product[counted], makeable[counted])
    np.add.at(labour, product[counted], (intensity * makeable)[counted])
    with np.errstate(invalid="ignore", divide="ignore"):
        per_unit = np.where(weight > 0, labour / weight, np.nan)
    out["jobs_unmet"] = _Var(
        ("product",),
        per_unit * np.nansum(unmet, axis=1) / years,
        {
            "units": "job",
            "description": "Jobs the output not delivered would have supported (demand "
            "not met at the mean labour intensity of the product's counted processes, "
            "weighted by what each can make). The change of 'jobs' between two scenarios "
            "is the change in jobs their output supports.",
        },
    )
    return out


def _measure_draw_emission(
    inputs: xr.Dataset, saving: np.ndarray, factor: np.ndarray
) -> np.ndarray | float:
    """Emissions ``[plant, pollutant, period]`` of savings that are draws from a source.

    A measure with a ``source`` (``measures.csv``) brings its savings of that source's
    resource from the source: they are burnt like any other draw.
    """
    if "measure_source" not in inputs.coords:
        return 0.0
    sources = {str(s): i for i, s in enumerate(inputs["source"].values)}
    of = np.array([sources.get(str(m), -1) for m in inputs["measure_source"].values], dtype=int)
    measures = np.flatnonzero(of >= 0)
    src_res = _positions(inputs["source_resource"].values, inputs["resource"].values)
    drawn = saving[:, measures, src_res[of[measures]], :]  # plant, measure, period
    return np.einsum("pkt,kq->pqt", np.nan_to_num(drawn), factor[of[measures], :])


def impact_card(ds: xr.Dataset) -> dict[str, str | float]:
    """Return run-card totals of emissions (t by pollutant) and jobs (only those counted).

    Nothing for a run without an optimal solution (its numbers mean nothing).

    Examples
    --------
    >>> import resourcemodel as rm
    >>> impact_card(rm.run(rm.examples.path("two_plants")))  # no pollutants, no jobs
    {}
    """
    card: dict[str, str | float] = {}
    if ds.attrs.get("status") != "optimal":
        return card
    if ds.sizes.get("pollutant", 0):
        totals = ds["emission"].sum(("plant", "period"))
        card["emission_totals_t"] = json.dumps(
            {str(p): float(v) for p, v in zip(ds.pollutant.values, totals.values, strict=True)}
        )
    if bool(ds["jobs"].notnull().any()):
        card["jobs_total"] = float(ds["jobs"].sum())
        card["jobs_unmet_total"] = float(ds["jobs_unmet"].sum())
    return card
