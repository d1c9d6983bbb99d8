"""Map a :class:`SolveResult` back onto labelled arrays: the results Dataset.

Everything is reshaped from solver vectors through the program's block index arrays; no
loop runs per variable. Sign convention for shadow prices: the value, in USD per unit of
the capped resource, of one more unit of the cap (the decrease of cost, or increase of
value added); ``>= 0`` for a binding cap, ``0`` for a slack one.

At a degenerate optimum the objective has a kink at the cap: one more unit is worth less
than one unit fewer costs, and the solver's dual is one of the two. Both are reported,
``<cap>_worth_more`` (the value of one more unit) and ``<cap>_cost_less``
(the cost of one unit fewer, ``inf`` if fewer is infeasible), where the backend gives them
(HiGHS with ranging); elsewhere they are ``nan`` and their ``attrs["note"]`` says why.

The results of each family group come from one module, called in order by
:func:`assemble`: :mod:`~resourcemodel.results.production` (production and resources),
:mod:`~resourcemodel.results.objective` (costs, revenue, totals),
:mod:`~resourcemodel.results.caps` (balances and caps), :mod:`~resourcemodel.results.impacts`
(emissions and jobs), :mod:`resourcemodel.results_water` (the basin) and
:mod:`~resourcemodel.results.card` (the run card).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from resourcemodel.backends.base import SolveResult
from resourcemodel.formulation import lost_output_value
from resourcemodel.program import LinearProgram
from resourcemodel.results.caps import (
    BINDING_RTOL,
    BOUND_CAPS,
    BOUND_RANGE_MISSING,
    CAP_FAMILIES,
    ONE_SIDED_MISSING,
    ONE_SIDED_PARTIAL,
    REPORTED_CAPS,
    _bound_caps,
    _one_sided,
    _ranges,
    balance_values,
    cap_results,
)
from resourcemodel.results.card import _package_version, card_attrs
from resourcemodel.results.common import _da, _positions, _unit_of_product, _Var, unit_of
from resourcemodel.results.impacts import _measure_draw_emission, impact_card, impacts
from resourcemodel.results.objective import cost_results, water_totals
from resourcemodel.results.production import production_results
from resourcemodel.results_water import water_results

__all__ = [
    "BINDING_RTOL",
    "BOUND_CAPS",
    "BOUND_RANGE_MISSING",
    "CAP_FAMILIES",
    "ONE_SIDED_MISSING",
    "ONE_SIDED_PARTIAL",
    "REPORTED_CAPS",
    "_Var",
    "_bound_caps",
    "_da",
    "_measure_draw_emission",
    "_one_sided",
    "_package_version",
    "_positions",
    "_ranges",
    "_unit_of_product",
    "assemble",
    "impact_card",
    "impacts",
    "lost_output_value",
    "unit_of",
    "water_results",
]


def assemble(
    inputs: xr.Dataset,
    lp: LinearProgram,
    result: SolveResult,
    run_card: dict[str, Any] | None = None,
) -> xr.Dataset:
    """Return the results Dataset of one solve.

    Parameters
    ----------
    inputs : xarray.Dataset
        The inputs the program was built from (for coordinates and demand).
    lp : LinearProgram
        The program.
    result : SolveResult
        The backend's result.
    run_card : dict, optional
        Extra run-card entries (scenario name, resolved diff...) stored in ``attrs``.

    Returns
    -------
    xarray.Dataset
        Variables: ``production``, ``supply``, ``adoption``, ``saving_amount``,
        ``delivery``, ``unmet``, ``resource_use``, ``resource_saved``,
        ``resource_supplied``, ``resource_generated``, cost components, and for each cap
        family ``<cap>_shadow_price`` (with ``<cap>_worth_more`` and
        ``<cap>_cost_less``, see the module doc), ``<cap>_range_lower``/``_range_upper``,
        ``<cap>_binding``, ``<cap>_slack``, ``<cap>_use`` and ``<cap>_limit``; plus
        ``resource_value`` and ``product_value`` (duals of the balances). ``attrs`` hold
        the run card.
    """
    out = production_results(inputs, lp, result)
    costs, total = cost_results(inputs, lp, result, out)
    out.update(costs)
    out.update(balance_values(lp, result))
    out.update(cap_results(lp, result))
    out.update(_bound_caps(lp, result))
    out.update(
        impacts(
            inputs,
            lp,
            out["production"].values,
            out["supply"].values,
            out["unmet"].values,
            out["saving_amount"].values,
        )
    )
    for name, (dims, values, attrs) in water_results(
        inputs, lp, result, out["supply"].values
    ).items():
        out[name] = _Var(dims, values, attrs)
    if inputs.sizes.get("group", 0) and "group_member" in inputs:
        # Which sources make up each group: the brief charts a group's cap against them.
        out["group_member"] = _Var(
            ("group", "source"),
            np.asarray(inputs["group_member"].values, dtype=bool),
            {"units": "dimensionless", "description": "Whether the source is in the group."},
        )
    used_dims = {d for var in out.values() for d in var.dims}
    # Keep the descriptive coordinates of the inputs (names, units, plant of process...).
    coords = {
        str(cname): (coord.dims, coord.values)
        for cname, coord in inputs.coords.items()
        if set(coord.dims) <= used_dims
    }
    ds = xr.Dataset({k: (var.dims, var.values, var.attrs) for k, var in out.items()}, coords)
    total.update(water_totals(ds, lp, result))
    ds.attrs.update(card_attrs(inputs, lp, result, total, run_card))
    ds.attrs.update(impact_card(ds))
    return ds
