"""Results of production and resources: the primal variables and each plant's accounting."""

from __future__ import annotations

import numpy as np
import xarray as xr

from resourcemodel.backends.base import SolveResult
from resourcemodel.program import LinearProgram
from resourcemodel.results.common import _da, _positions, _Var
from resourcemodel.seasons import seasonal_intensity
from resourcemodel.units import DAYS_PER_YEAR


def production_results(
    inputs: xr.Dataset, lp: LinearProgram, result: SolveResult
) -> dict[str, _Var]:
    """Return production, supply, adoption, savings, deliveries, unmet demand and use.

    ``resource_use``, ``resource_saved``, ``resource_generated`` and
    ``resource_supplied`` are ``[plant, resource, period]``: gross use (processes,
    reserved use, measures' extra use), use avoided by measures, own generation and draws
    from all sources.
    """
    x = result.x
    v = lp.variables
    out: dict[str, _Var] = {}
    out["production"] = _da(
        v["production"],
        v["production"].gather(x, 0.0),
        "{process.product}",
        "Production of each process in each period.",
    )
    out["supply"] = _da(
        v["supply"],
        v["supply"].gather(x),
        "{source.resource}",
        "Amount drawn by each plant from each source (NaN: not connected).",
    )
    out["adoption"] = _da(
        v["adoption"],
        v["adoption"].gather(x),
        "fraction",
        "Share of each measure adopted (NaN: not applicable).",
    )
    out["saving_amount"] = _da(
        v["saving_amount"],
        v["saving_amount"].gather(x, 0.0),
        "{resource}",
        "Resource saved by each adopted measure.",
    )
    delivery = v["delivery"].gather(x)
    out["delivery"] = _da(v["delivery"], delivery, "{product}", "Deliveries to final demand.")
    demand = inputs["demand"].values
    unmet = np.where(np.isnan(demand), np.nan, np.clip(demand - np.nan_to_num(delivery), 0, None))
    out["unmet"] = _da(v["delivery"], unmet, "{product}", "Final demand not met.")

    # Resource accounting per plant.
    prod = out["production"].values
    intensity = seasonal_intensity(inputs)  # process, resource, period
    proc_plant = _positions(inputs["process_plant"].values, inputs["plant"].values)
    npl, nr, nt = inputs.sizes["plant"], inputs.sizes["resource"], inputs.sizes["period"]
    use = np.zeros((npl, nr, nt))
    gen = np.zeros((npl, nr, nt))
    pos = np.clip(intensity, 0, None)
    neg = np.clip(-intensity, 0, None)
    np.add.at(use, proc_plant, pos * prod[:, None, :])
    np.add.at(gen, proc_plant, neg * prod[:, None, :])
    use += inputs["reserved_use"].values
    year_share = inputs["period_duration"].values / DAYS_PER_YEAR
    adopt = np.nan_to_num(out["adoption"].values)
    use += np.einsum("pmr,pm,t->prt", inputs["measure_use"].values, adopt, year_share)
    dims3 = ("plant", "resource", "period")
    out["resource_use"] = _Var(
        dims3,
        use,
        {
            "units": "{resource}",
            "description": "Gross use before savings: processes, reserved "
            "use and measures' extra use.",
        },
    )
    out["resource_saved"] = _Var(
        dims3,
        out["saving_amount"].values.sum(axis=1),
        {"units": "{resource}", "description": "Use avoided by measures."},
    )
    out["resource_generated"] = _Var(
        dims3,
        gen,
        {
            "units": "{resource}",
            "description": "Resource made at the plant (own generation).",
        },
    )
    src_res = _positions(inputs["source_resource"].values, inputs["resource"].values)
    supplied = np.zeros((npl, nr, nt))
    np.add.at(
        supplied,
        (slice(None), src_res, slice(None)),  # type: ignore[arg-type]
        np.nan_to_num(out["supply"].values),
    )
    out["resource_supplied"] = _Var(
        dims3,
        supplied,
        {"units": "{resource}", "description": "Drawn from all sources."},
    )
    return out
