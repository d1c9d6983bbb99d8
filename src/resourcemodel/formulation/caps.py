"""Caps on resources and emissions: regional, plant and emission caps.

Families (rows): ``source-cap``, ``source-cap-annual``, ``group-cap``,
``group-cap-annual`` (regional), ``contract`` and ``permit`` (per plant),
``emission-cap`` and ``emission-cap-annual`` (per pollutant). Their duals are the shadow
prices of the results (:data:`resourcemodel.results.CAP_FAMILIES`).
"""

from __future__ import annotations

import numpy as np

from resourcemodel.formulation.context import _Context, _v
from resourcemodel.formulation.measures import _measure_draws


def add_source_caps(ctx: _Context, lifted: np.ndarray | None = None) -> None:
    """Regional caps: ``source-cap``, ``source-cap-annual``, ``group-cap``, ``group-cap-annual``.

    Savings of measures that draw on a source (see :func:`_measure_draws`) count too.
    Sources in ``lifted`` (boolean per source; ``allocation = "basin"``) get no
    ``source-cap`` or ``source-cap-annual`` row, nor do the groups holding one of them
    (the decree's share of freshwater): the basin's water balance shares their water.
    """
    open_ = np.ones(len(ctx.coords["source"]), dtype=bool) if lifted is None else ~lifted
    ds = ctx.ds
    y = ctx.idx["y"]
    msrc, mz = _measure_draws(ctx)
    periods = np.broadcast_to(np.arange(len(ctx.coords["period"]))[None, :], msrc.shape)
    ns, nt = len(ctx.coords["source"]), len(ctx.coords["period"])
    cap = _v(ds, "source_cap")
    rows = ctx.b.add_constraints(
        "source-cap",
        {"source": ctx.coords["source"], "period": ctx.coords["period"]},
        np.isfinite(cap) & open_[:, None],
        upper=cap,
        unit="{source.resource}",
    )
    ctx.b.add_terms(np.broadcast_to(rows[None, :, :], y.shape), y, 1.0)
    ctx.b.add_terms(rows[msrc, periods], mz, 1.0)
    annual = _v(ds, "source_cap_annual")
    rows = ctx.b.add_constraints(
        "source-cap-annual",
        {"source": ctx.coords["source"]},
        np.isfinite(annual) & open_,
        upper=annual,
        unit="{source.resource}",
    )
    ctx.b.add_terms(np.broadcast_to(rows[None, :, None], y.shape), y, 1.0)
    ctx.b.add_terms(rows[msrc], mz, 1.0)
    member = np.asarray(ds["group_member"].values, dtype=bool)
    gi, si = np.nonzero(member)
    group_open = ~(member & ~open_[None, :]).any(axis=1)
    gcap = _v(ds, "group_cap")
    rows = ctx.b.add_constraints(
        "group-cap",
        {"group": ctx.coords["group"], "period": ctx.coords["period"]},
        np.isfinite(gcap) & group_open[:, None],
        upper=gcap,
        unit="{group.resource}",
    )
    # For each membership (g, s): rows[g, t] <- y[:, s, t]
    ctx.b.add_terms(rows[gi][:, None, :], np.moveaxis(y[:, si, :], 1, 0), 1.0)
    # Measure draws on member sources: one pass per (group, source) membership involved.
    involved = [(g, s) for g, s in zip(gi, si, strict=True) if np.any(msrc[:, :1] == s)]
    for g, s in involved:
        pick = msrc[:, 0] == s
        ctx.b.add_terms(rows[g][periods[pick]], mz[pick], 1.0)
    gann = _v(ds, "group_cap_annual")
    rows = ctx.b.add_constraints(
        "group-cap-annual",
        {"group": ctx.coords["group"]},
        np.isfinite(gann) & group_open,
        upper=gann,
        unit="{group.resource}",
    )
    ctx.b.add_terms(rows[gi][:, None, None], np.moveaxis(y[:, si, :], 1, 0), 1.0)
    for g, s in involved:
        pick = msrc[:, 0] == s
        ctx.b.add_terms(np.broadcast_to(rows[g], mz[pick].shape), mz[pick], 1.0)
    del ns, nt


def add_plant_caps(ctx: _Context) -> None:
    """Cap a plant's ``contract[plant, source]`` and ``permit[plant, resource]``."""
    ds = ctx.ds
    y = ctx.idx["y"]
    contract = _v(ds, "contract")
    conn = np.asarray(ds["connected"].values, dtype=bool)
    rows = ctx.b.add_constraints(
        "contract",
        {"plant": ctx.coords["plant"], "source": ctx.coords["source"]},
        np.isfinite(contract) & conn,
        upper=contract,
        unit="{source.resource}",
    )
    ctx.b.add_terms(rows[:, :, None], y, 1.0)
    permit = _v(ds, "permit")
    npl, nr = permit.shape
    has_source = np.zeros((npl, nr), dtype=bool)
    ci, si = np.nonzero(conn)
    has_source[ci, ctx.src_resource[si]] = True
    rows = ctx.b.add_constraints(
        "permit",
        {"plant": ctx.coords["plant"], "resource": ctx.coords["resource"]},
        np.isfinite(permit) & has_source,
        upper=permit,
        unit="{resource}",
    )
    ctx.b.add_terms(rows[:, ctx.src_resource][:, :, None], y, 1.0)


def emission_terms(
    emission_factor: np.ndarray,
    process_emission: np.ndarray,
    src_resource: np.ndarray,
    pollutants: np.ndarray,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Return the non-zero emission coefficients of draws and of production.

    A plant's emission of a pollutant in a period is ``sum_s f[resource(s)] * y[plant, s]``
    over the sources it draws from (the fuel it burns, after own generation and savings),
    plus ``sum_p e[p] * x[p]`` over its processes (emissions not from a drawn resource).

    Parameters
    ----------
    emission_factor : numpy.ndarray
        ``[resource, pollutant]``, t per unit of the resource.
    process_emission : numpy.ndarray
        ``[process, pollutant]``, t per unit of the process's product.
    src_resource : numpy.ndarray
        Resource index of each source.
    pollutants : numpy.ndarray
        Boolean mask of the pollutants wanted (e.g. those with a cap).

    Returns
    -------
    draws : tuple of numpy.ndarray
        ``(source, pollutant, t per unit drawn)`` for every non-zero pair.
    production : tuple of numpy.ndarray
        ``(process, pollutant, t per unit made)`` for every non-zero pair.

    Examples
    --------
    Resources gas and water, one pollutant (CO2); source 0 supplies water, source 1 gas:

    >>> ef = np.array([[0.0561], [0.0]])
    >>> (s, p, f), _ = emission_terms(ef, np.zeros((1, 1)), np.array([1, 0]), np.array([True]))
    >>> s.tolist(), f.tolist()
    ([1], [0.0561])
    """
    per_source = emission_factor[src_resource, :] * pollutants[None, :]
    si, sp = np.nonzero(per_source)
    per_process = process_emission * pollutants[None, :]
    pi, pp = np.nonzero(per_process)
    return (si, sp, per_source[si, sp]), (pi, pp, per_process[pi, pp])


def add_emission_caps(ctx: _Context) -> None:
    """Caps on what all plants emit: ``emission-cap[pollutant, period]`` and ``-annual``.

    Rows exist only where a cap is given (a case without ``pollutants.csv`` has none); they
    sum the emission coefficients of :func:`emission_terms` over the draws ``y`` (and the
    savings of measures that draw on a source) and the production ``x``, so a cap's dual is
    the value added lost per tonne of allowance.
    """
    ds = ctx.ds
    coords = {"pollutant": ctx.coords["pollutant"], "period": ctx.coords["period"]}
    cap = _v(ds, "emission_cap")
    annual = _v(ds, "emission_cap_annual")
    rows = ctx.b.add_constraints("emission-cap", coords, np.isfinite(cap), upper=cap, unit="t")
    rows_a = ctx.b.add_constraints(
        "emission-cap-annual",
        {"pollutant": ctx.coords["pollutant"]},
        np.isfinite(annual),
        upper=annual,
        unit="t",
    )
    capped = np.isfinite(cap).any(axis=1) | np.isfinite(annual)
    if not capped.any():
        return
    (si, sp, sf), (pi, pp, pf) = emission_terms(
        _v(ds, "emission_factor"), _v(ds, "process_emission"), ctx.src_resource, capped
    )
    y, x = ctx.idx["y"], ctx.idx["x"]
    # Each (source, pollutant) pair: every plant's draw in every period.
    draws = np.moveaxis(y[:, si, :], 1, 0)  # pair, plant, period
    ctx.b.add_terms(rows[sp][:, None, :], draws, sf[:, None, None])
    ctx.b.add_terms(rows_a[sp][:, None, None], draws, sf[:, None, None])
    ctx.b.add_terms(rows[pp, :], x[pi, :], pf[:, None])
    ctx.b.add_terms(rows_a[pp][:, None], x[pi, :], pf[:, None])
    # Savings of measures that draw on a source are draws too (see _measure_draws).
    msrc, mz = _measure_draws(ctx)
    per_draw = _v(ds, "emission_factor")[ctx.src_resource[msrc[:, 0]], :] * capped[None, :]
    ki, kp = np.nonzero(per_draw)
    ctx.b.add_terms(rows[kp, :], mz[ki], per_draw[ki, kp][:, None])
    ctx.b.add_terms(rows_a[kp][:, None], mz[ki], per_draw[ki, kp][:, None])
