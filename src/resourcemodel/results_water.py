"""Results of the basin families: storage, releases, users' deliveries, values of water.

Called by :func:`resourcemodel.results.assemble`; returns nothing for a case without
reservoirs, users or source water (its results are then exactly as before). Values of
water follow the sign convention of shadow prices: USD per unit of the resource gained by
one more unit (a lower cost or a higher value added), ``>= 0`` where water is short.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from resourcemodel.backends.base import SolveResult
from resourcemodel.formulation.water import has_basin, user_unit_value
from resourcemodel.program import LinearProgram

#: A results variable: dims, values, attrs.
Entry = tuple[tuple[str, ...], np.ndarray, dict[str, str]]


def _entry(dims: tuple[str, ...], values: np.ndarray, units: str, description: str) -> Entry:
    return dims, values, {"units": units, "description": description}


def _clean(values: np.ndarray) -> np.ndarray:
    return np.where(np.abs(values) < 1e-12, 0.0, values) + 0.0


def water_results(
    inputs: xr.Dataset, lp: LinearProgram, result: SolveResult, supply: np.ndarray
) -> dict[str, Entry]:
    """Return the basin's results variables (empty for a case without a basin).

    Parameters
    ----------
    inputs : xarray.Dataset
        The inputs the program was built from.
    lp : LinearProgram
        The program.
    result : SolveResult
        The backend's result.
    supply : numpy.ndarray
        Industry's draws ``[plant, source, period]`` (NaN where not connected).

    Returns
    -------
    dict
        ``storage``, ``release``, ``spill``, ``storage_loss``, ``stored_water_value``,
        ``storage_end_cost`` by reservoir; ``user_delivery``, ``user_shortfall``,
        ``user_below_min``, ``user_value_earned``, ``user_value``, ``user_priority``,
        ``user_unit_value``, ``user_min_cost``
        by user; ``source_water_value``, ``source_takes`` by source; ``depletion`` and
        ``source_draw_total`` where a ``safe_yield`` is given.
    """
    out: dict[str, Entry] = {}
    out.update(_depletion(inputs, lp, result, supply))
    if not has_basin(inputs):
        return out
    x, dual = np.nan_to_num(result.x), result.row_dual
    ok = result.status.is_ok
    v, r = lp.variables, lp.constraints
    rt = ("reservoir", "period")
    ut = ("user", "period")
    ru, uu = "{reservoir.resource}", "{user.resource}"
    storage = v["storage"].gather(x, 0.0)
    out["storage"] = _entry(rt, storage, ru, "Storage at the end of each period.")
    out["release"] = _entry(
        rt, v["release"].gather(x, 0.0), ru, "Released to the reservoir's source."
    )
    out["spill"] = _entry(rt, v["spill"].gather(x, 0.0), ru, "Spilled, used by no one.")
    start = np.asarray(inputs["storage_start"].values, float)
    before = np.concatenate([start[:, None], storage[:, :-1]], axis=1)
    loss = np.asarray(inputs["loss_rate"].values, float) * before + np.asarray(
        inputs["loss_fixed"].values, float
    )
    out["storage_loss"] = _entry(rt, loss, ru, "Lost to evaporation and seepage.")
    sign = -1.0 if ok else 1.0
    out["stored_water_value"] = _entry(
        rt,
        _clean(sign * r["storage-balance"].gather(dual)),
        f"USD/{ru}",
        "Value of one more unit of water in the reservoir in the period (dual of the "
        "storage balance): what the stored water is worth at the margin; >= 0.",
    )
    end_cost = r["storage-end"].gather(dual)
    out["storage_end_cost"] = _entry(
        ("reservoir",),
        _clean(end_cost if ok else -end_cost),
        f"USD/{ru}",
        "Cost of one more unit of required storage at the end of the year (NaN: none required).",
    )
    delivery = v["user_delivery"].gather(x, 0.0)
    demand = np.asarray(inputs["user_demand"].values, float)
    out["user_delivery"] = _entry(ut, delivery, uu, "Delivered to each user of a source.")
    out["user_shortfall"] = _entry(
        ut, np.clip(demand - delivery, 0.0, None), uu, "User demand not delivered."
    )
    out["user_below_min"] = _entry(
        ut,
        v["user_below_min"].gather(x, 0.0),
        uu,
        "Delivery below a soft minimum (charged its user_min_penalty).",
    )
    value = np.asarray(inputs["user_value"].values, float)
    out["user_value_earned"] = _entry(
        ut, value[:, None] * delivery, "USD", "Deliveries at the user's value per unit."
    )
    out["user_value"] = _entry(
        ("user",), value, f"USD/{uu}", "Value of a unit delivered to the user (input)."
    )
    out["user_priority"] = _entry(
        ("user",),
        np.asarray(inputs["user_priority"].values, float),
        "dimensionless",
        "Priority tier of the user (input; 0: none, shares by value).",
    )
    out["user_unit_value"] = _entry(
        ("user",),
        user_unit_value(inputs),
        f"USD/{uu}",
        "What the LP counts a unit delivered to the user as worth: its value plus "
        "1,000 USD/m3 per priority tier.",
    )
    min_cost = r["user-minimum"].gather(dual)
    out["user_min_cost"] = _entry(
        ut,
        _clean(min_cost if ok else -min_cost),
        f"USD/{uu}",
        "Cost of one more unit of the user's minimum (dual of the user-minimum row; NaN: "
        "no minimum).",
    )
    src = ("source", "period")
    su = "{source.resource}"
    out["source_water_value"] = _entry(
        src,
        _clean(sign * r["source-water"].gather(dual)),
        f"USD/{su}",
        "Value of one more unit of water at the source in the period, for any of its "
        "users (dual of the source-water row; NaN: no row).",
    )
    activity = lp.A @ x if ok else np.full(lp.shape[0], np.nan)
    block = r["source-water"]
    takes = block.gather(activity) + block.gather(lp.A @ _only(lp, "release", x))
    out["source_takes"] = _entry(
        src, takes, su, "Taken from the source by industry and the other users."
    )
    return out


def _only(lp: LinearProgram, name: str, x: np.ndarray) -> np.ndarray:
    """Return ``x`` with every column but those of variable ``name`` set to 0."""
    keep = np.zeros_like(x)
    index = lp.variables[name].index
    keep[index[index >= 0]] = x[index[index >= 0]]
    return keep


def _depletion(
    inputs: xr.Dataset, lp: LinearProgram, result: SolveResult, supply: np.ndarray
) -> dict[str, Entry]:
    """``source_draw_total`` and ``depletion`` (draw minus safe yield) where a yield is set."""
    if "safe_yield" not in inputs:
        return {}
    yield_ = np.asarray(inputs["safe_yield"].values, float)
    if not np.isfinite(yield_).any():
        return {}
    drawn = np.nansum(supply, axis=(0, 2))
    if "user_delivery" in lp.variables and inputs.sizes.get("user", 0):
        delivered = lp.variables["user_delivery"].gather(np.nan_to_num(result.x), 0.0)
        where = {str(s): i for i, s in enumerate(inputs["source"].values)}
        of = np.array([where[str(s)] for s in inputs["user_source"].values], dtype=int)
        np.add.at(drawn, of, delivered.sum(axis=1))
    su = "{source.resource}"
    return {
        "source_draw_total": _entry(
            ("source",), drawn, su, "Drawn from the source over all periods by all users."
        ),
        "depletion": _entry(
            ("source",),
            np.where(np.isfinite(yield_), drawn - yield_, np.nan),
            su,
            "Depletion account: all draws over the periods minus the safe yield (> 0: the "
            "plain is mined; NaN: no safe yield given).",
        ),
    }
