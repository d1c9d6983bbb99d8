"""The basin: reservoir storage, a source's other users, and water shared among them.

Three constraint families join the program when a case has ``reservoirs.csv`` or
``users.csv`` (or a finite ``source_available``); a case without them gets no new column
and no new row, so its results are exactly those of the program without this module.

- ``storage-balance[reservoir, t]`` (equality)::

      storage[t] - (1 - loss_rate[t]) * storage[t-1] + release[t] + spill[t]
          = inflow[t] - loss_fixed[t]

  with ``storage[-1] = storage_start`` moved to the right-hand side. Evaporation is a
  share of the storage at the start of the period plus a fixed volume (linear).
  ``storage_min <= storage[t] <= storage_max`` are bounds. Its dual, negated, is the
  value of one more unit of water in the reservoir in period ``t`` (``stored_water_value``).
- ``storage-end[reservoir]``: ``storage[last] >= storage_end`` (the carry-over), where
  ``storage_end > 0``.
- ``source-water[source, t]``: what every user of the source takes, industry's draws
  (``supply``, plus savings of measures drawing on the source) and the other users'
  deliveries, against what the source has::

      sum_plants supply + sum_users user_delivery - sum_reservoirs release <= available

  On a source fed by a reservoir with no ``source_available`` the row is an equality with
  a right-hand side of 0 (``release = takes``; water not taken stays in the reservoir or
  spills). ``source_available`` on a reservoir-fed source is flow that joins below the
  dam; on a source without a reservoir it is the water of the period. Its negated dual is
  the value of one more unit at the source (``source_water_value``), the same for every
  user of the source in the period.
- ``user-minimum[user, t]``: ``user_delivery + user_below_min >= user_min`` where
  ``user_min > 0``; ``user_below_min`` exists only where ``user_min_penalty`` is given
  (a soft minimum, charged that penalty per unit); otherwise the minimum is hard.

Users' deliveries are bounded by their ``user_demand``. The objective counts a unit
delivered at ``user_value + user_priority * PRIORITY_STEP`` (charged per unit short in
the ``cost`` objective, earned in ``value_added`` with the priority part charged per unit
short): a priority tier is a penalty of :data:`PRIORITY_STEP_USD_PER_M3` (1,000 USD per m3)
per unit short, above any economic value of water (industrial water in Isfahan is worth a
few USD per m3 at the margin, farm water 0.1-0.25 USD per m3), so a higher tier is served
before a lower one and before any economic use, and within a tier value decides.

``allocation = "decree"`` (default) keeps industry's ``source_cap``/``source_cap_annual``
(and the group caps over the source): industry draws within the decree's share, the users
get what is left, by priority and value. So that industry's share comes before the users
without priority (and not only where a m3 earns more in industry), every unit industry
draws from a source with such users earns a *decree credit* of the largest of their values
plus :data:`DECREE_MARGIN_USD_PER_M3`, through the column ``decree_draw[source, t]`` and the
row ``decree-draw[source, t]`` (``decree_draw = industry's draws``); users with a priority
still come first. The credit is in the objective (its ``decree_credit`` in the run card's
totals), not in costs or value added. ``allocation = "basin"`` lifts those caps on every
source that has a reservoir or users (:func:`lifted_sources`), and the LP shares the
source's water among industry and users by priority and value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pint
import xarray as xr

from resourcemodel import units

if TYPE_CHECKING:
    from resourcemodel.formulation.context import _Context

#: Penalty per m3 short added by each priority tier of a user (USD/m3).
PRIORITY_STEP_USD_PER_M3 = 1000.0

#: Decree credit above the most valuable user without priority (USD/m3): small, so that
#: industry's own choices between its sources barely move (see the module docstring).
DECREE_MARGIN_USD_PER_M3 = 0.001


def _v(ds: xr.Dataset, name: str) -> np.ndarray:
    return np.asarray(ds[name].values, dtype=float)


def _positions(labels: np.ndarray, universe: np.ndarray) -> np.ndarray:
    lookup = {str(label): i for i, label in enumerate(universe)}
    return np.array([lookup[str(label)] for label in labels], dtype=int)


def has_basin(ds: xr.Dataset) -> bool:
    """Whether a case has anything of the basin (reservoirs, users, source water).

    >>> import resourcemodel as rm
    >>> has_basin(rm.load_inputs(rm.examples.path("two_plants")))
    False
    """
    if ds.sizes.get("reservoir", 0) or ds.sizes.get("user", 0):
        return True
    return "source_available" in ds and bool(np.isfinite(_v(ds, "source_available")).any())


def basin_sources(ds: xr.Dataset) -> np.ndarray:
    """Return, per source, whether it has a reservoir or other users."""
    out = np.zeros(ds.sizes["source"], dtype=bool)
    for dim in ("reservoir", "user"):
        if ds.sizes.get(dim, 0):
            out[_positions(ds[f"{dim}_source"].values, ds["source"].values)] = True
    return out


def lifted_sources(ds: xr.Dataset, allocation: str) -> np.ndarray:
    """Return, per source, whether its industrial caps are lifted (``allocation = "basin"``).

    >>> import resourcemodel as rm
    >>> lifted_sources(rm.load_inputs(rm.examples.path("two_plants")), "basin")
    array([False])
    """
    if allocation != "basin":
        return np.zeros(ds.sizes["source"], dtype=bool)
    return basin_sources(ds)


def priority_step(unit: str) -> float:
    """Return the penalty of one priority tier in USD per ``unit`` of the user's resource.

    :data:`PRIORITY_STEP_USD_PER_M3` converted to the unit where it is a volume; per unit
    otherwise (a user of a resource that is not water).

    >>> priority_step("m3"), priority_step("Mm3")
    (1000.0, 1000000000.0)
    """
    try:
        return PRIORITY_STEP_USD_PER_M3 * units.factor(unit, "m3")
    except (pint.errors.PintError, ValueError, TypeError):
        return PRIORITY_STEP_USD_PER_M3


def user_unit_value(ds: xr.Dataset) -> np.ndarray:
    """Return what the objective counts a unit delivered to each user as worth (USD/unit).

    ``user_value + user_priority * priority_step``: see the module docstring.
    """
    if not ds.sizes.get("user", 0):
        return np.zeros(0)
    res_unit = dict(
        zip(ds["resource"].values.astype(str), ds["resource_unit"].values.astype(str), strict=True)
    )
    steps = np.array([priority_step(res_unit[str(r)]) for r in ds["user_resource"].values])
    return _v(ds, "user_value") + _v(ds, "user_priority") * steps


def decree_credit(ds: xr.Dataset) -> np.ndarray:
    """Return the decree credit per unit industry draws from each source (0: none).

    The largest value of the source's users without priority, plus the margin; 0 on
    sources without such users.
    """
    credit = np.zeros(ds.sizes["source"])
    if not ds.sizes.get("user", 0):
        return credit
    value = _v(ds, "user_value")
    plain = (_v(ds, "user_priority") == 0) & (value > 0)
    if not plain.any():
        return credit
    src = _positions(ds["user_source"].values[plain], ds["source"].values)
    res_unit = dict(
        zip(ds["resource"].values.astype(str), ds["resource_unit"].values.astype(str), strict=True)
    )
    margin = np.array(
        [
            DECREE_MARGIN_USD_PER_M3 / PRIORITY_STEP_USD_PER_M3 * priority_step(res_unit[str(r)])
            for r in ds["user_resource"].values[plain]
        ]
    )
    np.maximum.at(credit, src, value[plain] + margin)
    return credit


def storage_upper(ds: xr.Dataset) -> np.ndarray:
    """Return the storage bound: ``storage_max``, or ``inf`` where it can never bind.

    Storage at the end of period ``t`` is at most ``storage_start + inflow`` up to ``t``
    (losses, releases and spills are >= 0), so a capacity above that is left out of the
    program: the optimum is the same, and the program's largest bound is not a dam's
    capacity that the year's water never reaches (CBC scales its tolerances by it).

    >>> import resourcemodel as rm
    >>> storage_upper(rm.load_inputs(rm.examples.path("two_plants"))).shape
    (0, 1)
    """
    return upper_of(_v(ds, "storage_start"), _v(ds, "inflow"), _v(ds, "storage_max"))


def upper_of(start: np.ndarray, inflow: np.ndarray, storage_max: np.ndarray) -> np.ndarray:
    """:func:`storage_upper` from the arrays ``[reservoir]``, ``[reservoir, period]`` (x2)."""
    reach = start[:, None] + np.cumsum(inflow, axis=1)
    return np.where(storage_max >= reach, np.inf, storage_max)


def balance_rhs(
    inflow: np.ndarray, loss_fixed: np.ndarray, loss_rate: np.ndarray, start: np.ndarray
) -> np.ndarray:
    """Right-hand side of ``storage-balance``: inflow - fixed loss (+ kept start storage)."""
    rhs = inflow - loss_fixed
    if rhs.shape[1]:
        rhs[:, 0] += (1.0 - loss_rate[:, 0]) * start
    return rhs


def add_water(ctx: _Context, objective: str, allocation: str = "decree") -> float:
    """Add storage, users and the source-water rows; return the objective constant.

    The constant is ``sum (value + tier) * user_demand`` in the ``cost`` objective (so the
    objective charges each unit short) and ``sum tier * user_demand`` in ``value_added``
    (a unit delivered earns its value; a unit short costs its priority penalty).
    """
    ds = ctx.ds
    if not has_basin(ds):
        return 0.0
    b = ctx.b
    period = ctx.coords["period"]
    nt = len(period)
    res_coords = {"reservoir": ctx.coords["reservoir"], "period": period}
    user_coords = {"user": ctx.coords["user"], "period": period}
    # Reservoirs.
    s_min, s_max = _v(ds, "storage_min"), storage_upper(ds)
    storage = b.add_variables(
        "storage", res_coords, lower=s_min, upper=s_max, unit="{reservoir.resource}"
    )
    release = b.add_variables("release", res_coords, unit="{reservoir.resource}")
    spill = b.add_variables("spill", res_coords, unit="{reservoir.resource}")
    rate = _v(ds, "loss_rate")
    rhs = balance_rhs(_v(ds, "inflow"), _v(ds, "loss_fixed"), rate, _v(ds, "storage_start"))
    rows = b.add_constraints(
        "storage-balance", res_coords, lower=rhs, upper=rhs, unit="{reservoir.resource}"
    )
    b.add_terms(rows, storage, 1.0)
    b.add_terms(rows[:, 1:], storage[:, :-1], -(1.0 - rate[:, 1:]))
    b.add_terms(rows, release, 1.0)
    b.add_terms(rows, spill, 1.0)
    end = _v(ds, "storage_end")
    rows = b.add_constraints(
        "storage-end",
        {"reservoir": ctx.coords["reservoir"]},
        end > 0,
        lower=end,
        unit="{reservoir.resource}",
    )
    if nt:
        b.add_terms(rows, storage[:, -1], 1.0)
    # Users.
    demand = _v(ds, "user_demand")
    worth = user_unit_value(ds)
    tier = worth - _v(ds, "user_value")
    cost = -worth[:, None] * np.ones_like(demand)
    delivery = b.add_variables(
        "user_delivery", user_coords, upper=demand, cost=cost, unit="{user.resource}"
    )
    u_min = _v(ds, "user_min")
    penalty = _v(ds, "user_min_penalty")
    soft = np.isfinite(penalty)[:, None] & (u_min > 0)
    below = b.add_variables(
        "user_below_min",
        user_coords,
        soft,
        upper=u_min,
        cost=np.nan_to_num(penalty)[:, None] * np.ones_like(u_min),
        unit="{user.resource}",
    )
    rows = b.add_constraints(
        "user-minimum", user_coords, u_min > 0, lower=u_min, unit="{user.resource}"
    )
    b.add_terms(rows, delivery, 1.0)
    b.add_terms(rows, below, 1.0)
    ctx.idx.update(storage=storage, release=release, spill=spill, user_delivery=delivery)
    _add_source_water(ctx, release, delivery)
    if allocation == "decree":
        _add_decree_credit(ctx)
    weight = worth if objective == "cost" else tier
    return float((weight[:, None] * demand).sum())


def _add_decree_credit(ctx: _Context) -> None:
    """``decree_draw[source, t]`` = industry's draws, earning the decree credit per unit."""
    from resourcemodel.formulation.measures import _measure_draws

    credit = decree_credit(ctx.ds)
    coords = {"source": ctx.coords["source"], "period": ctx.coords["period"]}
    nt = len(ctx.coords["period"])
    where = np.broadcast_to((credit > 0)[:, None], (len(credit), nt))
    cols = ctx.b.add_variables(
        "decree_draw",
        coords,
        where,
        cost=-credit[:, None] * np.ones(nt),
        unit="{source.resource}",
    )
    rows = ctx.b.add_constraints(
        "decree-draw", coords, where, lower=0.0, upper=0.0, unit="{source.resource}"
    )
    ctx.b.add_terms(rows, cols, 1.0)
    y = ctx.idx["y"]
    ctx.b.add_terms(np.broadcast_to(rows[None, :, :], y.shape), y, -1.0)
    msrc, mz = _measure_draws(ctx)
    periods = np.broadcast_to(np.arange(nt)[None, :], msrc.shape)
    ctx.b.add_terms(rows[msrc, periods], mz, -1.0)


def _add_source_water(ctx: _Context, release: np.ndarray, delivery: np.ndarray) -> None:
    """``source-water[source, t]``: draws + deliveries - releases <= available."""
    from resourcemodel.formulation.measures import _measure_draws

    ds = ctx.ds
    ns, nt = len(ctx.coords["source"]), len(ctx.coords["period"])
    available = _v(ds, "source_available")
    fed = np.zeros(ns, dtype=bool)
    res_src = _positions(ds["reservoir_source"].values, ctx.coords["source"])
    user_src = _positions(ds["user_source"].values, ctx.coords["source"])
    fed[res_src] = True
    # A reservoir-fed source without extra flow: release = takes (equality at 0).
    upper = np.where(fed[:, None] & ~np.isfinite(available), 0.0, available)
    lower = np.where(fed[:, None] & ~np.isfinite(available), 0.0, -np.inf)
    present = np.isfinite(upper)
    present &= basin_sources(ds)[:, None] | np.isfinite(available)
    rows = ctx.b.add_constraints(
        "source-water",
        {"source": ctx.coords["source"], "period": ctx.coords["period"]},
        present,
        lower=lower,
        upper=upper,
        unit="{source.resource}",
    )
    y = ctx.idx["y"]
    ctx.b.add_terms(np.broadcast_to(rows[None, :, :], y.shape), y, 1.0)
    msrc, mz = _measure_draws(ctx)
    periods = np.broadcast_to(np.arange(nt)[None, :], msrc.shape)
    ctx.b.add_terms(rows[msrc, periods], mz, 1.0)
    ctx.b.add_terms(rows[user_src, :], delivery, 1.0)
    ctx.b.add_terms(rows[res_src, :], release, -1.0)
