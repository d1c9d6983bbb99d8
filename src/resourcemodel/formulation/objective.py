"""The objective's terms that are not one family's costs: lost output and the constant."""

from __future__ import annotations

import numpy as np

from resourcemodel.formulation.context import _Context, _v


def lost_output_value(unmet_penalty: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Return what one unit of unmet demand costs in the objective, per product.

    By default a unit not delivered costs its sale ``price``. The costs the plants no
    longer pay for it (inputs, energy, water, variable production cost) are already in
    the objective, so the net effect of giving up a unit is its value added: the cost
    objective then equals sales at full demand minus value added, and a cap's shadow
    price reads as value added lost per unit of the resource. An ``unmet_penalty`` given
    for a product replaces the price (an explicit social penalty, e.g. contract
    penalties or jobs); products with neither count zero.

    >>> lost_output_value(np.array([np.nan, 900.0, np.nan]), np.array([500.0, 500.0, np.nan]))
    array([500., 900.,   0.])
    """
    return np.nan_to_num(np.where(np.isnan(unmet_penalty), price, unmet_penalty), nan=0.0)


def _objective_constant(ctx: _Context, objective: str) -> float:
    if objective != "cost":
        return 0.0
    ds = ctx.ds
    dem = np.nan_to_num(_v(ds, "demand"), nan=0.0)
    pen = lost_output_value(_v(ds, "unmet_penalty"), _v(ds, "price"))
    return float((dem * pen[:, None]).sum())
