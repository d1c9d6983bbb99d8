"""Turn a validated inputs Dataset into a :class:`~resourcemodel.program.LinearProgram`.

Each ``add_*`` function adds one family of variables or constraints (design.md section
4) with vectorised numpy; no Python loop runs per plant, process or period. Row and column
families carry the names used for duals in the results (``resource-balance``,
``source-cap``, ``group-cap``, ``permit``...).

The families live in one module per family group; :func:`build` calls them in order:

- :mod:`~resourcemodel.formulation.context`: :class:`Options`, the build context, helpers;
- :mod:`~resourcemodel.formulation.production`: production, supply, deliveries, the
  resource and product balances;
- :mod:`~resourcemodel.formulation.measures`: adoption, savings and their bounds;
- :mod:`~resourcemodel.formulation.caps`: regional, plant and emission caps;
- :mod:`~resourcemodel.formulation.water`: the basin (reservoirs, users, the decree);
- :mod:`~resourcemodel.formulation.objective`: lost output and the objective constant;
- :mod:`~resourcemodel.formulation.update`: :func:`update_program` (no rebuild).

Units inside the LP are the canonical units of the inputs: production in the product's
unit per period, supply and savings in the resource's unit per period, cost in USD.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from resourcemodel.formulation import water
from resourcemodel.formulation.caps import (
    add_emission_caps,
    add_plant_caps,
    add_source_caps,
    emission_terms,
)
from resourcemodel.formulation.context import (
    ALLOCATIONS,
    DAYS_PER_YEAR,
    OBJECTIVES,
    Options,
    _Context,
    _positive_use,
    _positive_use_t,
    _ranges,
    _v,
)
from resourcemodel.formulation.measures import (
    _add_adoption_choice,
    _measure_draws,
    add_combined_saving,
    add_measure_saving,
    add_measures,
    adoption_upper,
)
from resourcemodel.formulation.objective import _objective_constant, lost_output_value
from resourcemodel.formulation.production import (
    add_delivery,
    add_product_balance,
    add_production,
    add_resource_balance,
    add_supply,
)
from resourcemodel.formulation.update import FAST_PARAMETERS, _cap_relevant, update_program
from resourcemodel.program import LinearProgram, ProgramBuilder

__all__ = [
    "ALLOCATIONS",
    "DAYS_PER_YEAR",
    "FAST_PARAMETERS",
    "OBJECTIVES",
    "Options",
    "_Context",
    "_add_adoption_choice",
    "_cap_relevant",
    "_measure_draws",
    "_objective_constant",
    "_positive_use",
    "_positive_use_t",
    "_ranges",
    "_v",
    "add_combined_saving",
    "add_delivery",
    "add_emission_caps",
    "add_measure_saving",
    "add_measures",
    "add_plant_caps",
    "add_product_balance",
    "add_production",
    "add_resource_balance",
    "add_source_caps",
    "add_supply",
    "adoption_upper",
    "build",
    "emission_terms",
    "lost_output_value",
    "update_program",
    "water",
]


def build(ds: xr.Dataset, options: Options | None = None, **kwargs: object) -> LinearProgram:
    """Build the linear program of an inputs Dataset.

    Parameters
    ----------
    ds : xarray.Dataset
        Validated inputs (see :func:`resourcemodel.load_inputs`).
    options : Options, optional
        Formulation options; keywords override its fields.

    Returns
    -------
    LinearProgram
        The sparse program with labelled blocks.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> lp = rm.build(rm.load_inputs(rm.examples.path("two_plants")))
    >>> sorted(lp.variables)
    ['adoption', 'delivery', 'production', 'saving_amount', 'supply']
    """
    options = options or Options()
    for key, value in kwargs.items():
        setattr(options, key, value)
    if options.objective not in OBJECTIVES:
        msg = f"objective must be one of {list(OBJECTIVES)}, got {options.objective!r}."
        raise ValueError(msg)
    if options.allocation not in ALLOCATIONS:
        msg = f"allocation must be one of {list(ALLOCATIONS)}, got {options.allocation!r}."
        raise ValueError(msg)
    coords = {
        d: ds[d].values
        for d in (
            "period",
            "plant",
            "process",
            "product",
            "resource",
            "source",
            "group",
            "measure",
            "pollutant",
            "reservoir",
            "user",
        )
    }
    ctx = _Context(ds, ProgramBuilder(), coords)
    plant_index = {p: i for i, p in enumerate(coords["plant"])}
    product_index = {p: i for i, p in enumerate(coords["product"])}
    resource_index = {r: i for i, r in enumerate(coords["resource"])}
    ctx.proc_plant = np.array([plant_index[p] for p in ds["process_plant"].values], dtype=int)
    ctx.proc_product = np.array([product_index[p] for p in ds["process_product"].values], dtype=int)
    ctx.src_resource = np.array(
        [resource_index[r] for r in ds["source_resource"].values], dtype=int
    )
    ctx.year_share = ds["period_duration"].values / DAYS_PER_YEAR

    add_production(ctx)
    add_supply(ctx)
    add_measures(ctx, integer=options.integer_measures, build_years=options.build_years)
    add_delivery(ctx, options.objective)
    add_resource_balance(ctx)
    add_measure_saving(ctx)
    add_combined_saving(ctx)
    add_source_caps(ctx, lifted=water.lifted_sources(ds, options.allocation))
    add_plant_caps(ctx)
    add_product_balance(ctx)
    add_emission_caps(ctx)
    c0 = _objective_constant(ctx, options.objective)
    c0 += water.add_water(ctx, options.objective, options.allocation)
    lp = ctx.b.finish(c0=c0, objective_sign=1 if options.objective == "cost" else -1)
    lp.objective_name = options.objective
    lp.build_years = options.build_years
    return lp
