"""Turn a validated inputs Dataset into a :class:`~resourcemodel.program.LinearProgram`.

Each ``add_*`` function adds one family of variables or constraints (design.md section
4) with vectorised numpy; no Python loop runs per plant, process or period. Row and column
families carry the names used for duals in the results (``resource-balance``,
``source-cap``, ``group-cap``, ``permit``...).

Units inside the LP are the canonical units of the inputs: production in the product's
unit per period, supply and savings in the resource's unit per period, cost in USD.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from resourcemodel.formulation import water
from resourcemodel.program import Coords, LinearProgram, ProgramBuilder
from resourcemodel.seasons import seasonal_intensity
from resourcemodel.units import DAYS_PER_YEAR as _DAYS

#: Objectives understood by :func:`build`.
OBJECTIVES = ("cost", "value_added")

#: Allocation modes understood by :func:`build` (scenario ``[options] allocation``).
ALLOCATIONS = ("decree", "basin")

#: Days in the year used to turn annual capacities and costs into per-period amounts (the
#: unit registry's ``yr``, :data:`resourcemodel.units.DAYS_PER_YEAR`).
DAYS_PER_YEAR = float(_DAYS)


@dataclass
class Options:
    """Formulation options (set in a scenario's ``[options]`` table or as keywords).

    Attributes
    ----------
    objective : {"cost", "value_added"}
        ``cost`` minimises production, supply and measure costs plus the value of
        unmet demand (its price unless an ``unmet_penalty`` is set, see
        :func:`lost_output_value`); ``value_added`` maximises revenue minus those costs.
    integer_measures : bool
        Adoption is all-or-nothing (a MILP) instead of a continuous share: a measure is
        adopted at its ``max_adoption`` or not at all (``adoption = max_adoption * b`` with
        ``b`` binary; see :func:`add_measures`).
    build_years : float
        Years between the decision and the modelled year: a measure whose ``lead_time``
        is longer cannot be adopted (its adoption is bounded at 0). The default, 0, lets a
        one-year scenario adopt only measures that take effect at once.
    allocation : {"decree", "basin"}
        ``decree`` (default) keeps industry's caps on every source (the decree's share);
        ``basin`` lifts ``source_cap`` and ``source_cap_annual`` on sources that have a
        reservoir or other users, so the LP shares their water among industry and the
        users by priority and value (see :mod:`resourcemodel.formulation.water`).
    """

    objective: str = "cost"
    integer_measures: bool = False
    build_years: float = 0.0
    allocation: str = "decree"
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def resolve(
        cls,
        settings: Mapping[str, object] | None = None,
        *,
        objective: str | None = None,
        integer_measures: bool | None = None,
        build_years: float | None = None,
        allocation: str | None = None,
    ) -> Options:
        """Return the options of a scenario's ``[options]`` table, keywords winning.

        >>> o = Options.resolve({"objective": "value_added"}, integer_measures=True)
        >>> o.objective, o.integer_measures, o.build_years, o.allocation
        ('value_added', True, 0.0, 'decree')
        """
        settings = settings or {}
        years = build_years if build_years is not None else settings.get("build_years", 0.0)
        return cls(
            objective=str(
                objective if objective is not None else settings.get("objective", "cost")
            ),
            integer_measures=bool(
                integer_measures
                if integer_measures is not None
                else settings.get("integer_measures", False)
            ),
            build_years=float(years),  # type: ignore[arg-type]
            allocation=str(
                allocation if allocation is not None else settings.get("allocation", "decree")
            ),
        )


@dataclass
class _Context:
    ds: xr.Dataset
    b: ProgramBuilder
    coords: Coords
    idx: dict[str, np.ndarray] = field(default_factory=dict)
    # Derived arrays shared by several families.
    proc_plant: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    proc_product: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    src_resource: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    xmax: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    year_share: np.ndarray = field(default_factory=lambda: np.zeros(0))


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


def _v(ds: xr.Dataset, name: str) -> np.ndarray:
    return np.asarray(ds[name].values, dtype=float)


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


def _positive_use(ctx: _Context) -> np.ndarray:
    return np.clip(_v(ctx.ds, "intensity"), 0.0, None)


def _positive_use_t(ctx: _Context) -> np.ndarray:
    """Positive intensities in each period, ``[process, resource, period]`` (seasons)."""
    return np.clip(seasonal_intensity(ctx.ds), 0.0, None)


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


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Return ``concatenate([arange(a, b) for a, b in zip(lo, hi)])`` without a loop.

    >>> _ranges(np.array([2, 7, 0]), np.array([4, 7, 1])).tolist()
    [2, 3, 0]
    """
    counts = hi - lo
    if counts.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    # Position within the output minus the output position where each range starts.
    starts = np.cumsum(counts) - counts
    return np.arange(counts.sum()) - np.repeat(starts - lo, counts)


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


#: Parameters whose new values map straight onto bounds, costs or the objective constant
#: of an existing program (no change of structure). Others need a rebuild.
FAST_PARAMETERS = (
    "source_cap",
    "source_cap_annual",
    "group_cap",
    "group_cap_annual",
    "contract",
    "permit",
    "connection_cap",
    "source_cost",
    "production_cost",
    "measure_cost",
    "max_adoption",
    "demand",
    "min_delivery",
    "unmet_penalty",
    "price",
    "reserved_use",
    "emission_cap",
    "emission_cap_annual",
    "inflow",
    "loss_fixed",
    "storage_start",
)

_ROW_CAPS = {
    "source_cap": "source-cap",
    "source_cap_annual": "source-cap-annual",
    "group_cap": "group-cap",
    "group_cap_annual": "group-cap-annual",
    "contract": "contract",
    "permit": "permit",
    "emission_cap": "emission-cap",
    "emission_cap_annual": "emission-cap-annual",
}


def _cap_relevant(inputs: xr.Dataset, name: str) -> np.ndarray | bool:
    """Where a finite value of cap parameter ``name`` makes a row (see add_plant_caps).

    ``True`` means everywhere (no xarray look-up: this runs once per sweep run).
    """
    if name not in ("contract", "permit"):
        return True
    connected = np.asarray(inputs["connected"].values, dtype=bool)
    if name == "contract":
        return connected
    # permit: plants connected to some source of the resource.
    resource = {r: i for i, r in enumerate(inputs["resource"].values)}
    src_res = np.array([resource[r] for r in inputs["source_resource"].values], dtype=int)
    has = np.zeros((inputs.sizes["plant"], inputs.sizes["resource"]), dtype=bool)
    ci, si = np.nonzero(connected)
    has[ci, src_res[si]] = True
    return has


def update_program(
    lp: LinearProgram,
    inputs: xr.Dataset,
    changed: dict[str, np.ndarray],
    base: dict[str, np.ndarray] | None = None,
) -> LinearProgram | None:
    """Return ``lp`` with new values of some parameters, without rebuilding it.

    Parameters
    ----------
    lp : LinearProgram
        A program built by :func:`build` from ``inputs``.
    inputs : xarray.Dataset
        The inputs ``lp`` was built from (unchanged).
    changed : dict of str to numpy.ndarray
        New full arrays (same shape as in ``inputs``) of parameters in
        :data:`FAST_PARAMETERS`.
    base : dict of str to numpy.ndarray, optional
        Cached arrays of ``inputs`` (saves xarray look-ups in tight sweep loops).

    Returns
    -------
    LinearProgram or None
        A new program sharing the matrix with ``lp`` and with new bounds, costs and
        objective constant; ``None`` if a change alters the structure (a cap appearing or
        disappearing, a parameter outside :data:`FAST_PARAMETERS`), in which case the
        caller rebuilds from changed inputs.
    """
    if any(name not in FAST_PARAMETERS for name in changed):
        return None
    c = lp.c.copy()
    col_lower, col_upper = lp.col_lower.copy(), lp.col_upper.copy()
    row_lower, row_upper = lp.row_lower.copy(), lp.row_upper.copy()
    c0 = lp.c0
    v, r = lp.variables, lp.constraints

    def value(name: str) -> np.ndarray:
        if name in changed:
            return changed[name]
        if base is not None and name in base:
            return base[name]
        return np.asarray(inputs[name].values, float)

    for name, family in _ROW_CAPS.items():
        if name not in changed:
            continue
        block = r[family]
        present = block.index >= 0
        new = np.broadcast_to(changed[name], present.shape)
        if not np.array_equal(np.isfinite(new) & _cap_relevant(inputs, name), present):
            return None
        row_upper[block.index[present]] = new[present]
    if "connection_cap" in changed:
        y = v["supply"].index
        row_ok = y >= 0
        col_upper[y[row_ok]] = np.broadcast_to(changed["connection_cap"], y.shape)[row_ok]
    if "source_cost" in changed:
        y = v["supply"].index
        ok = y >= 0
        c[y[ok]] = np.broadcast_to(changed["source_cost"][None, :, :], y.shape)[ok]
    if "production_cost" in changed:
        x = v["production"].index
        c[x.ravel()] = np.broadcast_to(changed["production_cost"][:, None], x.shape).ravel()
    if "measure_cost" in changed:
        a = v["adoption"].index
        ok = a >= 0
        years = float(inputs["period_duration"].values.sum() / DAYS_PER_YEAR)
        c[a[ok]] = changed["measure_cost"][ok] * years
    if "max_adoption" in changed:
        if "adoption-choice" in r:
            return None  # all-or-nothing adoption: max_adoption is a matrix coefficient
        a = v["adoption"].index
        new = changed["max_adoption"]
        if not np.array_equal(~np.isnan(new), a >= 0):
            return None
        upper = adoption_upper(new, value("lead_time"), lp.build_years)
        col_upper[a[a >= 0]] = upper[a >= 0]
    if {"demand", "min_delivery", "unmet_penalty", "price"} & set(changed):
        d = v["delivery"].index
        demand = value("demand")
        if not np.array_equal(~np.isnan(demand), d >= 0):
            return None
        ok = d >= 0
        dem = np.nan_to_num(demand, nan=0.0)
        col_upper[d[ok]] = dem[ok]
        col_lower[d[ok]] = (value("min_delivery") * dem)[ok]
        pen = lost_output_value(value("unmet_penalty"), value("price"))
        if lp.objective_name == "cost":
            c[d[ok]] = -np.broadcast_to(pen[:, None], d.shape)[ok]
            c0 = float((dem * pen[:, None]).sum())
        else:
            price = np.nan_to_num(value("price"), nan=0.0)
            c[d[ok]] = -np.broadcast_to(price[:, None], d.shape)[ok]
    if {"inflow", "loss_fixed", "storage_start"} & set(changed) and "storage-balance" in r:
        rows = r["storage-balance"].index
        ok = rows >= 0
        rhs = water.balance_rhs(
            value("inflow"), value("loss_fixed"), value("loss_rate"), value("storage_start")
        )
        row_lower[rows[ok]] = rhs[ok]
        row_upper[rows[ok]] = rhs[ok]
        cols = v["storage"].index
        upper = water.upper_of(value("storage_start"), value("inflow"), value("storage_max"))
        col_upper[cols[cols >= 0]] = upper[cols >= 0]
    if "reserved_use" in changed:
        block = r["resource-balance"]
        present = block.index >= 0
        new = changed["reserved_use"]
        if np.any((new > 0) & ~present):
            return None
        row_lower[block.index[present]] = new[present]
        row_upper[block.index[present]] = new[present]
    return LinearProgram(
        c=c,
        A=lp.A,
        row_lower=row_lower,
        row_upper=row_upper,
        col_lower=col_lower,
        col_upper=col_upper,
        integrality=lp.integrality,
        c0=c0,
        objective_sign=lp.objective_sign,
        variables=lp.variables,
        constraints=lp.constraints,
        objective_name=lp.objective_name,
        objective_unit=lp.objective_unit,
        build_years=lp.build_years,
    )
