"""Results of the objective: cost components, revenue and the run card's totals."""

from __future__ import annotations

import numpy as np
import xarray as xr

from resourcemodel.backends.base import SolveResult
from resourcemodel.formulation import lost_output_value
from resourcemodel.program import LinearProgram
from resourcemodel.results.common import _da, _Var


def cost_results(
    inputs: xr.Dataset, lp: LinearProgram, result: SolveResult, out: dict[str, _Var]
) -> tuple[dict[str, _Var], dict[str, float]]:
    """Return the cost components and revenue, and their totals (USD).

    ``out`` holds the primal results
    (:func:`~resourcemodel.results.production.production_results`).
    The totals' ``value_added`` is sales minus every cost the model charges.
    """
    x = result.x
    v = lp.variables
    delivery = out["delivery"].values
    unmet = out["unmet"].values
    costs: dict[str, _Var] = {}
    c = lp.c
    cost_x = v["production"].gather(c * np.nan_to_num(x), 0.0)
    cost_y = v["supply"].gather(c * np.nan_to_num(x), 0.0)
    cost_a = v["adoption"].gather(c * np.nan_to_num(x), 0.0)
    costs["cost_production"] = _da(v["production"], cost_x, "USD", "Variable production cost.")
    costs["cost_supply"] = _da(v["supply"], cost_y, "USD", "Cost of resources drawn.")
    costs["cost_measures"] = _da(v["adoption"], cost_a, "USD", "Annualised cost of measures.")
    unit_loss = lost_output_value(inputs["unmet_penalty"].values, inputs["price"].values)
    penalty = unit_loss[:, None] * np.nan_to_num(unmet)
    costs["cost_unmet"] = _da(
        v["delivery"],
        penalty,
        "USD",
        "Demand not met, valued at its price (sales lost) unless the scenario sets an "
        "explicit unmet_penalty.",
    )
    price = np.nan_to_num(inputs["price"].values)[:, None] * np.nan_to_num(delivery)
    costs["revenue"] = _da(v["delivery"], price, "USD", "Sales at the product price.")
    total = {
        "production": float(cost_x.sum()),
        "supply": float(cost_y.sum()),
        "measures": float(cost_a.sum()),
        "unmet_penalty": float(penalty.sum()),
        "revenue": float(price.sum()),
        # Sales minus every cost the model charges (inputs, energy, water, measures):
        # the value added of the modelled plants.
        "value_added": float(price.sum() - cost_x.sum() - cost_y.sum() - cost_a.sum()),
    }
    return costs, total


def water_totals(ds: xr.Dataset, lp: LinearProgram, result: SolveResult) -> dict[str, float]:
    """Return the totals of the basin's terms: users' value earned and the decree credit."""
    total: dict[str, float] = {}
    if "user_delivery" in ds:
        total["users_value"] = float(ds["user_value_earned"].sum())
    if "decree_draw" in lp.variables:
        earned = lp.variables["decree_draw"].gather(lp.c * np.nan_to_num(result.x), 0.0)
        total["decree_credit"] = float(-earned.sum())
    return total
