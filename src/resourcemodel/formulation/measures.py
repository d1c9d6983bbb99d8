"""Measures and investment: adoption, savings and the rows that bound them.

Families: ``adoption[plant, measure]`` (with ``adoption_choice`` and the row
``adoption-choice`` when adoption is all-or-nothing), ``saving_amount[plant, measure,
resource, period]``, ``measure-saving-use``, ``measure-saving-adoption`` and
``measure-saving-combined``. :func:`adoption_upper` (what is built in time) and
:func:`_measure_draws` (savings that are draws from a source) are shared with the caps,
the basin and :func:`~resourcemodel.formulation.update_program`.
"""

from __future__ import annotations

import numpy as np

from resourcemodel.formulation.context import (
    _Context,
    _positive_use,
    _positive_use_t,
    _ranges,
    _v,
)


def adoption_upper(
    max_adoption: np.ndarray, lead_time: np.ndarray, build_years: float
) -> np.ndarray:
    """Return the upper bound of adoption: ``max_adoption``, or 0 where not built in time.

    >>> adoption_upper(np.array([1.0, 0.5, np.nan]), np.array([0.0, 3.0, 0.0]), 2.0)
    array([1., 0., 0.])
    """
    in_time = lead_time <= build_years + 1e-9
    return np.where(in_time, np.nan_to_num(max_adoption, nan=0.0), 0.0)


def add_measures(ctx: _Context, *, integer: bool, build_years: float = 0.0) -> None:
    """Adoption ``a[plant, measure]`` in [0, max_adoption] and savings ``z``.

    A measure whose ``lead_time`` exceeds ``build_years`` keeps its variables (so a
    re-solve with more years can adopt it) but is bounded at 0.

    With ``integer``, adoption is all-or-nothing: a binary ``adoption_choice[plant,
    measure]`` ``b`` and the row ``adoption-choice``: ``a - max_adoption * b = 0``, so ``a``
    is 0 or ``max_adoption`` (an integer ``a`` in [0, 0.6] could only be 0); a measure not
    built in time has ``a`` bounded at 0, hence ``b = 0``.
    """
    ds = ctx.ds
    max_adopt = _v(ds, "max_adoption")
    mask = ~np.isnan(max_adopt)
    total_years = ctx.year_share.sum()
    cost = _v(ds, "measure_cost") * total_years
    ctx.idx["a"] = ctx.b.add_variables(
        "adoption",
        {"plant": ctx.coords["plant"], "measure": ctx.coords["measure"]},
        mask,
        upper=adoption_upper(max_adopt, _v(ds, "lead_time"), build_years),
        cost=cost,
        unit="fraction",
    )
    if integer:
        _add_adoption_choice(ctx, mask, np.nan_to_num(max_adopt, nan=0.0))
    saving = _v(ds, "saving")
    zmask = mask[:, :, None] & (saving > 0)
    nt = len(ctx.coords["period"])
    zmask4 = np.broadcast_to(zmask[..., None], (*zmask.shape, nt))
    ctx.idx["z"] = ctx.b.add_variables(
        "saving_amount",
        {
            "plant": ctx.coords["plant"],
            "measure": ctx.coords["measure"],
            "resource": ctx.coords["resource"],
            "period": ctx.coords["period"],
        },
        zmask4,
        unit="{resource}",
    )


def _add_adoption_choice(ctx: _Context, mask: np.ndarray, max_adopt: np.ndarray) -> None:
    """All-or-nothing adoption: binary ``b``, row ``adoption - max_adoption * b = 0``."""
    coords = {"plant": ctx.coords["plant"], "measure": ctx.coords["measure"]}
    choice = mask & (max_adopt > 0)
    b = ctx.b.add_variables(
        "adoption_choice", coords, choice, upper=1.0, integer=True, unit="adopted (0/1)"
    )
    rows = ctx.b.add_constraints("adoption-choice", coords, choice, lower=0.0, upper=0.0)
    ctx.b.add_terms(rows, ctx.idx["a"], 1.0)
    ctx.b.add_terms(rows, b, -max_adopt)


def add_measure_saving(ctx: _Context) -> None:
    """Bound savings ``z[plant, measure, resource, period]``.

    ``measure-saving-use``: ``z <= s * use(x)`` (no more than the share of actual use);
    ``measure-saving-adoption``: ``z <= s * use_max * a`` (no more than adoption allows).
    """
    ds = ctx.ds
    z = ctx.idx["z"]
    zmask = z >= 0
    coords = {d: ctx.coords[d] for d in ("plant", "measure", "resource", "period")}
    use_rows = ctx.b.add_constraints(
        "measure-saving-use", coords, zmask, upper=0.0, unit="{resource}"
    )
    adopt_rows = ctx.b.add_constraints(
        "measure-saving-adoption", coords, zmask, upper=0.0, unit="{resource}"
    )
    ctx.b.add_terms(use_rows, z, 1.0)
    ctx.b.add_terms(adopt_rows, z, 1.0)
    saving = _v(ds, "saving")
    pos = _positive_use(ctx)
    pos_t = _positive_use_t(ctx)
    # use(x): for each z element (pl, m, r, t), processes p of plant pl with pos[p, r] > 0.
    zpl, zm, zr = np.nonzero(zmask[..., 0])
    pi, ri = np.nonzero(pos)
    if len(zpl) and len(pi):
        # Join z elements with processes on (plant, resource) using sorted keys.
        nr = len(ctx.coords["resource"])
        zkey = zpl * nr + zr
        pkey = ctx.proc_plant[pi] * nr + ri
        order = np.argsort(pkey, kind="stable")
        pkey_s = pkey[order]
        lo = np.searchsorted(pkey_s, zkey, side="left")
        hi = np.searchsorted(pkey_s, zkey, side="right")
        counts = hi - lo
        zsel = np.repeat(np.arange(len(zkey)), counts)
        psel = order[_ranges(lo, hi)]
        coef = -saving[zpl[zsel], zm[zsel], zr[zsel]][:, None] * pos_t[pi[psel], ri[psel], :]
        ctx.b.add_terms(use_rows[zpl[zsel], zm[zsel], zr[zsel], :], ctx.idx["x"][pi[psel], :], coef)
    # use_max: the plant's largest possible use of the resource in the period.
    npl, nr, nt = (len(ctx.coords[d]) for d in ("plant", "resource", "period"))
    use_max = np.zeros((npl, nr, nt))
    np.add.at(use_max, (ctx.proc_plant[pi], ri), pos_t[pi, ri, :] * ctx.xmax[pi, :])
    coef = -saving[:, :, :, None] * use_max[:, None, :, :]
    ctx.b.add_terms(adopt_rows, np.broadcast_to(ctx.idx["a"][:, :, None, None], z.shape), coef)


def add_combined_saving(ctx: _Context) -> None:
    """``measure-saving-combined[plant, resource, period]``: measures do not add up past reality.

    Several measures on one plant and resource act on what the others leave: at full
    adoption they save ``1 - prod(1 - s_m)`` of the use, not ``sum(s_m)``. With adoption
    shares ``a_m`` the true saving ``1 - prod(1 - a_m s_m)`` is never above that, so

        sum_m z[m] <= (1 - prod_m (1 - s_m)) * use(x)

    is a sound linear bound (it cuts off no real combination); with the per-measure rows
    it is exact when every measure is adopted fully or not at all. Rows exist where two or
    more measures save the same resource at one plant.
    """
    ds = ctx.ds
    z = ctx.idx["z"]
    zmask = (z >= 0)[..., 0]  # plant, measure, resource
    several = zmask.sum(axis=1) >= 2
    nt = len(ctx.coords["period"])
    coords = {d: ctx.coords[d] for d in ("plant", "resource", "period")}
    rows = ctx.b.add_constraints(
        "measure-saving-combined",
        coords,
        np.broadcast_to(several[:, :, None], (*several.shape, nt)),
        upper=0.0,
        unit="{resource}",
    )
    if not several.any():
        return
    saving = np.where(zmask, _v(ds, "saving"), 0.0)
    combined = 1.0 - np.prod(1.0 - saving, axis=1)  # plant, resource
    pl, m, r = np.nonzero(zmask & several[:, None, :])
    ctx.b.add_terms(rows[pl, r, :], z[pl, m, r, :], 1.0)
    pos = _positive_use(ctx)
    pos_t = _positive_use_t(ctx)
    pi, ri = np.nonzero(pos)
    on = several[ctx.proc_plant[pi], ri]
    pi, ri = pi[on], ri[on]
    ctx.b.add_terms(
        rows[ctx.proc_plant[pi], ri, :],
        ctx.idx["x"][pi, :],
        -combined[ctx.proc_plant[pi], ri][:, None] * pos_t[pi, ri, :],
    )


def _measure_draws(ctx: _Context) -> tuple[np.ndarray, np.ndarray]:
    """Return the savings that are deliveries from a source (``measures.csv`` ``source``).

    A measure such as a new wastewater network "saves" a plant's water by bringing it from
    the municipal reclaimed pool: its savings of that source's resource count against the
    source's regional caps (and its groups'). Returns ``(source index, z column)`` pairs
    as two arrays of shape ``(k, period)``.
    """
    ds = ctx.ds
    nt = len(ctx.coords["period"])
    empty = np.zeros((0, nt), dtype=int)
    if "measure_source" not in ds.coords:
        return empty, empty
    names = [str(v) for v in ds["measure_source"].values]
    source_index = {str(s): i for i, s in enumerate(ctx.coords["source"])}
    z = ctx.idx["z"]
    srcs, cols = [], []
    for m in np.flatnonzero([n in source_index for n in names]):
        s = source_index[names[m]]
        block = z[:, m, ctx.src_resource[s], :]  # plant, period
        keep = (block >= 0).all(axis=1)
        srcs.append(np.full((int(keep.sum()), nt), s))
        cols.append(block[keep])
    if not srcs:
        return empty, empty
    return np.concatenate(srcs), np.concatenate(cols)
