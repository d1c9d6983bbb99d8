"""Production and resources: production, supply, deliveries and the two balances.

Families: ``production[process, period]``, ``supply[plant, source, period]``,
``delivery[product, period]`` (variables); ``resource-balance[plant, resource, period]``
and ``product-balance[product, period]`` (rows).
"""

from __future__ import annotations

import numpy as np

from resourcemodel.formulation.context import _Context, _v
from resourcemodel.formulation.objective import lost_output_value
from resourcemodel.seasons import seasonal_intensity


def add_production(ctx: _Context) -> None:
    """Production ``x[process, period]`` within capacity x availability, above must-run."""
    ds = ctx.ds
    cap = np.nan_to_num(_v(ds, "capacity"), nan=0.0)
    ctx.xmax = cap[:, None] * ctx.year_share[None, :] * _v(ds, "availability")
    lower = _v(ds, "must_run") * ctx.xmax
    cost = _v(ds, "production_cost")[:, None] * np.ones_like(ctx.xmax)
    ctx.idx["x"] = ctx.b.add_variables(
        "production",
        {"process": ctx.coords["process"], "period": ctx.coords["period"]},
        lower=lower,
        upper=ctx.xmax,
        cost=cost,
        unit="{process.product}",
    )


def add_supply(ctx: _Context) -> None:
    """Supply ``y[plant, source, period]`` only where the plant is connected to the source."""
    ds = ctx.ds
    mask = np.asarray(ds["connected"].values, dtype=bool)[:, :, None]
    nt = len(ctx.coords["period"])
    mask = np.broadcast_to(mask, (*mask.shape[:2], nt))
    upper = _v(ds, "connection_cap")
    cost = np.broadcast_to(_v(ds, "source_cost")[None, :, :], mask.shape)
    ctx.idx["y"] = ctx.b.add_variables(
        "supply",
        {
            "plant": ctx.coords["plant"],
            "source": ctx.coords["source"],
            "period": ctx.coords["period"],
        },
        mask,
        upper=upper,
        cost=cost,
        unit="{source.resource}",
    )


def add_delivery(ctx: _Context, objective: str) -> None:
    """Deliveries ``d[product, period]`` up to demand; unmet demand is ``demand - d``.

    In the cost objective each delivered unit earns the value of lost output back (the
    constant ``value * demand`` is added to the objective), so the objective equals costs
    plus ``value * unmet`` (see :func:`lost_output_value`). In the value_added objective a
    delivered unit earns its price.
    """
    ds = ctx.ds
    demand = _v(ds, "demand")
    mask = ~np.isnan(demand)
    dem = np.nan_to_num(demand, nan=0.0)
    lower = _v(ds, "min_delivery") * dem
    if objective == "cost":
        cost = -lost_output_value(_v(ds, "unmet_penalty"), _v(ds, "price"))[:, None] * np.ones_like(
            dem
        )
    else:
        cost = -np.nan_to_num(_v(ds, "price"), nan=0.0)[:, None] * np.ones_like(dem)
    ctx.idx["d"] = ctx.b.add_variables(
        "delivery",
        {"product": ctx.coords["product"], "period": ctx.coords["period"]},
        mask,
        lower=lower,
        upper=dem,
        cost=cost,
        unit="{product}",
    )


def add_resource_balance(ctx: _Context) -> None:
    """``resource-balance[plant, resource, period]``: supply + savings + own output = use.

    Use is the intensity times production of the plant's processes, plus measures' extra
    use, plus reserved use (the row's right-hand side). The balance is an equality so that
    no plant draws more than it uses: a cap's reported use is real use, not a free draw.
    """
    ds = ctx.ds
    npl, nr, nt = (len(ctx.coords[d]) for d in ("plant", "resource", "period"))
    intensity = _v(ds, "intensity")
    reserved = _v(ds, "reserved_use")
    measure_use = _v(ds, "measure_use")
    adopt_mask = ctx.idx["a"] >= 0
    # Which (plant, resource) pairs need a row.
    need = np.zeros((npl, nr), dtype=bool)
    pi, ri = np.nonzero(intensity)
    need[ctx.proc_plant[pi], ri] = True
    conn = np.asarray(ds["connected"].values, dtype=bool)
    ci, si = np.nonzero(conn)
    need[ci, ctx.src_resource[si]] = True
    need |= (reserved > 0).any(axis=2)
    need |= ((measure_use > 0) & adopt_mask[:, :, None]).any(axis=1)
    rows = ctx.b.add_constraints(
        "resource-balance",
        {
            "plant": ctx.coords["plant"],
            "resource": ctx.coords["resource"],
            "period": ctx.coords["period"],
        },
        np.broadcast_to(need[:, :, None], (npl, nr, nt)),
        lower=reserved,
        upper=reserved,
        unit="{resource}",
    )
    ctx.idx["resource-balance"] = rows
    # + supply
    y = ctx.idx["y"]
    ctx.b.add_terms(rows[:, ctx.src_resource, :], y, 1.0)
    # + savings
    z = ctx.idx["z"]
    ctx.b.add_terms(rows[:, None, :, :], z, 1.0)
    # - intensity x production (negative intensity: the process yields the resource); the
    # intensity of each period carries its seasonal factor (intensity_season).
    x = ctx.idx["x"]
    per_period = seasonal_intensity(ds)
    ctx.b.add_terms(rows[ctx.proc_plant[pi], ri, :], x[pi, :], -per_period[pi, ri, :])
    # - extra use of adopted measures, spread over periods by duration
    pl, m, r = np.nonzero((measure_use > 0) & adopt_mask[:, :, None])
    ctx.b.add_terms(
        rows[pl, r, :],
        ctx.idx["a"][pl, m][:, None],
        -measure_use[pl, m, r][:, None] * ctx.year_share[None, :],
    )


def add_product_balance(ctx: _Context) -> None:
    """Add ``product-balance[product, period]``: output - inputs - deliveries >= 0.

    Inputs are the product's use by other processes (intermediate products).
    """
    ds = ctx.ds
    npd, nt = len(ctx.coords["product"]), len(ctx.coords["period"])
    pin = _v(ds, "product_input")
    pi, qi = np.nonzero(pin)
    need = np.zeros(npd, dtype=bool)
    need[ctx.proc_product] = True
    need[qi] = True
    need |= (ctx.idx["d"] >= 0).any(axis=1)
    rows = ctx.b.add_constraints(
        "product-balance",
        {"product": ctx.coords["product"], "period": ctx.coords["period"]},
        np.broadcast_to(need[:, None], (npd, nt)),
        lower=0.0,
        unit="{product}",
    )
    x = ctx.idx["x"]
    ctx.b.add_terms(rows[ctx.proc_product, :], x, 1.0)
    ctx.b.add_terms(rows[qi, :], x[pi, :], -pin[pi, qi][:, None])
    ctx.b.add_terms(rows, ctx.idx["d"], -1.0)
