"""Stack the single-year programs of a pathway into one program, with builds linking them.

Each year's program is :func:`resourcemodel.formulation.build` of that year's inputs,
unchanged; the pathway program puts them on the diagonal (``scipy.sparse.block_diag``),
weights each year's costs by its discounted years (:meth:`Pathway.objective_weights`) and
adds, for every candidate (plant, measure), build columns and linking rows:

- ``build[plant, measure, year]`` in [0, 1]: the share of the measure's ``max_adoption``
  decided in that (representative) year (binary with ``integer = true``).
- ``build-link[plant, measure, year]``: ``adoption[year] - max_adoption * sum of the builds
  alive in year <= 0``. A build decided in ``k`` is alive in ``j`` when
  ``y_k + lead_time <= y_j < y_k + lead_time + lifetime``.
- ``build-window[plant, measure, year]``: the builds decided in ``[y_k, y_k + lifetime)``
  sum to at most 1 (no second build while the first is in service); likewise
  ``build-capacity-window[source, year]``.

Costs (PyPSA's "Type II" accounting): a candidate's adoption costs nothing in the year
programs; instead each unit of build is charged its annuity in every modelled year it is
alive, times the year's share of a year (its periods' durations) and the year's objective
weight. The annuity is ``capital_cost * r / (1 - (1 + r) ** -lifetime)`` when the candidate
gives a ``capital_cost``, else the case's ``measure_cost`` (already an annual cost): then a
build alive all year costs exactly what adopting the same share costs in the single-year
model, which keeps the two comparable. A pathway of one year with weight 1 and no
candidates is the single-year program itself (tested, objective and results).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

import numpy as np
import scipy.sparse as sp
import xarray as xr

from resourcemodel.exceptions import ScenarioError
from resourcemodel.formulation import DAYS_PER_YEAR
from resourcemodel.pathway.spec import Candidate, Pathway
from resourcemodel.program import Block, LinearProgram


@dataclass
class PathwayProgram:
    """The stacked program and where each year sits in it.

    Attributes
    ----------
    lp : LinearProgram
        The stacked program; its blocks carry a leading ``year`` dim, plus ``build`` and
        ``build-link``.
    years : numpy.ndarray
        The modelled years in this program (a subset of the pathway's for a myopic step).
    year_lps : list of LinearProgram
        Each year's own program (unweighted costs).
    col_start, row_start : numpy.ndarray
        Offsets of each year's columns and rows (length ``len(years) + 1``).
    weights : numpy.ndarray
        Objective weight of each year (discounted years it stands for).
    include : list of int
        Positions of ``years`` in the pathway's years (``year_lps`` is every year's).
    charge_capacity : numpy.ndarray
        The same for the ``build_capacity`` columns.
    capacity : numpy.ndarray
        ``[source]``: a source candidate's capacity per year (canonical unit), 0 elsewhere.
    charge : numpy.ndarray
        ``[build, year]``: USD charged in each modelled year per unit of each build column
        (0 where not alive), before the objective weight.
    lifetime : dict of str to numpy.ndarray
        By build family, the candidates' lifetimes (years) shaped like the family's block
        without its year dim (``nan`` where no candidate).
    """

    lp: LinearProgram
    years: np.ndarray
    year_lps: list[LinearProgram]
    col_start: np.ndarray
    row_start: np.ndarray
    weights: np.ndarray
    include: list[int]
    charge: np.ndarray
    charge_capacity: np.ndarray
    capacity: np.ndarray
    lifetime: dict[str, np.ndarray] = field(default_factory=dict)


def annuity(capital_cost: float, rate: float, lifetime: float) -> float:
    """Return the yearly payment that repays ``capital_cost`` over ``lifetime`` at ``rate``.

    >>> annuity(1000.0, 0.0, 4.0)
    250.0
    >>> round(annuity(1000.0, 0.1, 10.0), 2)
    162.75
    """
    if rate == 0:
        return capital_cost / lifetime
    return capital_cost * rate / (1.0 - (1.0 + rate) ** -lifetime)


def stack(
    year_lps: list[LinearProgram],
    inputs: list[xr.Dataset],
    pathway: Pathway,
    *,
    include: list[int] | None = None,
    fixed: dict[str, np.ndarray] | None = None,
) -> PathwayProgram:
    """Stack the year programs ``include`` (indices into ``pathway.years``; default all).

    Parameters
    ----------
    year_lps, inputs : list
        Every pathway year's program and inputs.
    pathway : Pathway
        Years, weights, discount rate and candidates.
    include : list of int, optional
        The years to model (a myopic step). Builds exist for every year up to the last
        included one; those before the first included year are usually ``fixed``.
    fixed : dict of str to numpy.ndarray, optional
        By build family (``build``, ``build_capacity``), shaped like the family's full
        block (decision year last): a value fixes the build there (``nan``: free).

    Returns
    -------
    PathwayProgram
    """
    include = list(range(len(year_lps))) if include is None else list(include)
    lps = [year_lps[j] for j in include]
    signs = {lp.objective_sign for lp in lps}
    if len(signs) != 1:
        msg = "every year of a pathway must have the same objective."
        raise ScenarioError(msg)
    years = np.array(pathway.years)
    weights = pathway.objective_weights()[include]
    ncols = np.array([lp.shape[1] for lp in lps])
    nrows = np.array([lp.shape[0] for lp in lps])
    col_start = np.concatenate([[0], np.cumsum(ncols)])
    row_start = np.concatenate([[0], np.cumsum(nrows)])
    c = np.concatenate([w * lp.c for w, lp in zip(weights, lps, strict=True)])
    lower = np.concatenate([lp.col_lower for lp in lps])
    upper = np.concatenate([lp.col_upper for lp in lps])
    integ = np.concatenate([lp.integrality for lp in lps])
    c0 = float(sum(w * lp.c0 for w, lp in zip(weights, lps, strict=True)))
    a = sp.block_diag([lp.A for lp in lps], format="csr")
    rlo = np.concatenate([lp.row_lower for lp in lps])
    rup = np.concatenate([lp.row_upper for lp in lps])
    variables = _stack_blocks([lp.variables for lp in lps], col_start, years[include])
    constraints = _stack_blocks([lp.constraints for lp in lps], row_start, years[include])

    n0, m0 = int(col_start[-1]), int(row_start[-1])
    decide = years[: include[-1] + 1]
    builds = _Builds(inputs[include[0]], pathway, decide, years[include])
    charge = np.zeros((0, len(include)))
    lifetime: dict[str, np.ndarray] = {}
    if builds.count:
        adopt = variables["adoption"].index  # [year, plant, measure]
        cols = adopt[:, builds.p, builds.m]  # [year, candidate]
        c[cols] = 0.0
        max_j = np.stack(
            [np.nan_to_num(inputs[j]["max_adoption"].values, nan=0.0) for j in include]
        )[:, builds.p, builds.m]
        upper[cols] = max_j
        shares = np.array(
            [inputs[j]["period_duration"].values.sum() / DAYS_PER_YEAR for j in include]
        )
        # [candidate, decision year, modelled year]
        alive = builds.alive
        per_unit = builds.annuity * builds.max_adoption  # USD per modelled year per unit
        charge_ckj = alive * per_unit[:, None, None] * shares[None, None, :]
        present = builds.mask  # [candidate, decision year]
        bcol = np.full(present.shape, -1, dtype=np.int64)
        bcol[present] = n0 + np.arange(int(present.sum()))
        nb = int(present.sum())
        c = np.concatenate([c, (charge_ckj[present] * weights[None, :]).sum(axis=1)])
        charge = charge_ckj[present]
        blo, bup = np.zeros(nb), np.ones(nb)
        if fixed is not None and "build" in fixed:
            fix = fixed["build"][builds.p, builds.m][:, : present.shape[1]][present]
            has = ~np.isnan(fix)
            blo[has] = fix[has]
            bup[has] = fix[has]
        lower = np.concatenate([lower, blo])
        upper = np.concatenate([upper, bup])
        integ = np.concatenate(
            [integ, np.repeat(builds.integer[:, None], present.shape[1], 1)[present]]
        )
        # Linking rows [candidate, modelled year].
        nc, nj = cols.shape[1], cols.shape[0]
        lrow = m0 + np.arange(nc * nj).reshape(nc, nj)
        ci, ki, ji = np.nonzero(alive & present[:, :, None])
        rows = np.concatenate([lrow.ravel(), lrow[ci, ji]])
        colz = np.concatenate([cols.T.ravel(), bcol[ci, ki]])
        vals = np.concatenate([np.ones(nc * nj), -builds.max_adoption[ci]])
        link = sp.csr_matrix((vals, (rows - m0, colz)), shape=(nc * nj, n0 + nb))
        a = sp.vstack([sp.hstack([a, sp.csr_matrix((m0, nb))]), link], format="csr")
        rlo = np.concatenate([rlo, np.full(nc * nj, -np.inf)])
        rup = np.concatenate([rup, np.zeros(nc * nj)])
        variables["build"] = builds.block(bcol, "build", "share of max_adoption")
        lifetime["build"] = np.full(variables["build"].index.shape[:-1], np.nan)
        lifetime["build"][builds.p, builds.m] = builds.life
        constraints["build-link"] = builds.link_block(lrow, "fraction")
        a, rlo, rup = _add_windows(
            a, rlo, rup, constraints, "build-window", builds.window_block, bcol, decide, builds.life
        )
    a, extra = _add_capacity_builds(a, variables, constraints, inputs, pathway, include, fixed)
    if extra is not None:
        blk = variables["build_capacity"]
        life = np.array([c.lifetime for c in pathway.candidates if c.source])
        s_idx = extra[-1]
        lifetime["build_capacity"] = np.full(blk.index.shape[:-1], np.nan)
        lifetime["build_capacity"][s_idx] = life
        a, rlo, rup = _add_windows(
            a,
            rlo,
            rup,
            constraints,
            "build-capacity-window",
            lambda rows: _capacity_window_block(blk, s_idx, rows),
            blk.index[s_idx],
            decide,
            life,
        )
        extra = extra[:-1]
    charge_capacity = np.zeros((0, len(include)))
    capacity = np.zeros(0)
    if extra is not None:
        lo_k, up_k, int_k, charge_capacity, capacity = extra
        c = np.concatenate([c, (charge_capacity * weights[None, :]).sum(axis=1)])
        lower = np.concatenate([lower, lo_k])
        upper = np.concatenate([upper, up_k])
        integ = np.concatenate([integ, int_k])
    lp = LinearProgram(
        c=c,
        A=a,
        row_lower=rlo,
        row_upper=rup,
        col_lower=lower,
        col_upper=upper,
        integrality=integ,
        c0=c0,
        objective_sign=signs.pop(),
        variables=variables,
        constraints=constraints,
        objective_name=lps[0].objective_name,
        objective_unit=lps[0].objective_unit,
        build_years=lps[0].build_years,
    )
    return PathwayProgram(
        lp,
        years[include],
        year_lps,
        col_start,
        row_start,
        weights,
        include,
        charge,
        charge_capacity,
        capacity,
        lifetime,
    )


def _add_capacity_builds(
    a: Any,
    variables: dict[str, Block],
    constraints: dict[str, Block],
    inputs: list[xr.Dataset],
    pathway: Pathway,
    include: list[int],
    fixed: dict[str, np.ndarray] | None,
) -> tuple[Any, tuple[np.ndarray, ...] | None]:
    """Add ``build_capacity[source, year]`` columns to the source caps of the years alive.

    A unit of the column is the candidate's whole ``capacity`` (per year): in every
    modelled year it is alive it raises ``source-cap[source, t]`` by ``capacity x
    duration_t / 365`` and ``source-cap-annual[source]`` by ``capacity x`` the year's share.
    Its annuity (``capital_cost`` over the lifetime, 0 without one: the delivered cost in
    ``source_cost`` then carries the capital) is charged in each year alive.
    """
    cands = [c for c in pathway.candidates if c.source]
    if not cands:
        return a, None
    ds = inputs[include[0]]
    sources = ds["source"].values
    pos = {s: i for i, s in enumerate(sources)}
    bad = [f"{c.origin}: no source {c.source!r} in the case." for c in cands if c.source not in pos]
    names = [c.source for c in cands]
    bad += [
        f"{c.origin}: source {c.source!r} is a candidate twice."
        for i, c in enumerate(cands)
        if names.index(c.source) != i
    ]
    if "source-cap" not in constraints and "source-cap-annual" not in constraints:
        bad.append(f"{cands[0].origin}: the case has no source caps for a capacity to raise.")
    if bad:
        raise ScenarioError(bad, during="Errors in the pathway's candidates")
    s_idx = np.array([pos[c.source] for c in cands], dtype=int)
    amount = _capacity_amounts(ds, cands)
    years = np.array(pathway.years)
    decide, modelled = years[: include[-1] + 1], years[include]
    lead = np.array([c.lead_time or 0.0 for c in cands])
    life = np.array([c.lifetime for c in cands])
    earliest = np.array([c.earliest if c.earliest is not None else -np.inf for c in cands])
    online = decide[None, :] + lead[:, None]
    yj = modelled[None, None, :]
    alive = (online[:, :, None] <= yj) & (yj < online[:, :, None] + life[:, None, None])
    present = (online >= earliest[:, None]) & alive.any(axis=2)
    rate = pathway.discount_rate
    yearly = np.array(
        [annuity(c.capital_cost, rate, c.lifetime) if c.capital_cost else 0.0 for c in cands]
    )
    durations = np.stack([inputs[j]["period_duration"].values for j in include]) / DAYS_PER_YEAR
    charge = (alive * (yearly[:, None, None] * durations.sum(axis=1)[None, None, :]))[present]
    n0 = a.shape[1]
    nb = int(present.sum())
    col = np.full(present.shape, -1, dtype=np.int64)
    col[present] = n0 + np.arange(nb)
    ci, ki, ji = np.nonzero(alive & present[:, :, None])
    rows, cols, vals = [], [], []
    if "source-cap" in constraints:
        idx = constraints["source-cap"].index  # [year, source, period]
        r = idx[ji, s_idx[ci], :]  # [entry, period]
        rows.append(r.ravel())
        cols.append(np.repeat(col[ci, ki], r.shape[1]))
        vals.append((-amount[ci, None] * durations[ji, :]).ravel())
    if "source-cap-annual" in constraints:
        r = constraints["source-cap-annual"].index[ji, s_idx[ci]]
        rows.append(r)
        cols.append(col[ci, ki])
        vals.append(-amount[ci] * durations[ji].sum(axis=1))
    rr, cc, vv = (np.concatenate(x) if x else np.zeros(0) for x in (rows, cols, vals))
    keep = rr >= 0
    ij = (rr[keep].astype(np.int64), (cc[keep] - n0).astype(np.int64))
    new: Any = sp.csr_matrix((vv[keep], ij), shape=(a.shape[0], nb))  # type: ignore[arg-type]
    a = sp.hstack([a, new], format="csr")
    lo, up = np.zeros(nb), np.ones(nb)
    if fixed is not None and "build_capacity" in fixed:
        fix = fixed["build_capacity"][s_idx][:, : present.shape[1]][present]
        has = ~np.isnan(fix)
        lo[has], up[has] = fix[has], fix[has]
    integ = np.repeat(np.array([c.integer for c in cands])[:, None], present.shape[1], 1)[present]
    index = np.full((len(sources), len(decide)), -1, dtype=np.int64)
    index[s_idx] = col
    variables["build_capacity"] = Block(
        "build_capacity",
        ("source", "year"),
        {"source": sources, "year": decide},
        index,
        "share of the candidate's capacity",
    )
    per_source = np.zeros(len(sources))
    per_source[s_idx] = amount
    return a, (lo, up, integ, charge, per_source, s_idx)


def _capacity_amounts(ds: xr.Dataset, cands: list[Candidate]) -> np.ndarray:
    """Return each source candidate's capacity per year in the case's canonical unit."""
    from resourcemodel.scenario import Change, locate

    pos = {s: i for i, s in enumerate(ds["source"].values)}
    return np.array(
        [
            c.capacity
            * float(
                locate(
                    ds, Change("source_cap", {"source": (c.source,)}, "set", 1.0, c.unit, c.origin)
                )[1][pos[c.source], 0]
            )
            if c.unit
            else c.capacity
            for c in cands
        ],
        dtype=float,
    )


def candidate_data(ds: xr.Dataset, pathway: Pathway) -> xr.Dataset:
    """Return the candidates' data on a ``candidate`` dim, for the results.

    One entry per (plant, measure) a measure candidate matches (label ``plant/measure``)
    and per source candidate (label: the source), with coords ``candidate_plant``,
    ``candidate_measure``, ``candidate_source`` (``""`` where not one) and variables

    - ``candidate_lifetime``, ``candidate_lead_time`` (the candidate's, else the case's
      ``lead_time``), years;
    - ``candidate_earliest``: first year a build may enter service, the later of the
      candidate's ``earliest`` and the first year plus the lead time;
    - ``candidate_capital_cost``: USD for the whole measure (adoption 1, as the file's
      ``capital_cost``) or the whole capacity; without a ``capital_cost`` in the file,
      the present value at the discount rate of the annual ``measure_cost`` charged over
      the lifetime (``candidate_capital_given`` is then false);
    - ``candidate_annuity``: USD charged per year in service for the same whole;
    - ``candidate_capacity``: a source candidate's capacity per year (canonical unit);
    - ``candidate_integer``: all-or-nothing builds.

    A measure build of ``build`` (share of the whole measure) costs ``build x
    candidate_capital_cost`` and is charged ``build x candidate_annuity`` a year in
    service; a capacity build costs ``build_capacity / candidate_capacity x
    candidate_capital_cost``.
    """
    years = np.array(pathway.years)
    rate = pathway.discount_rate
    labels: list[str] = []
    plant: list[str] = []
    measure: list[str] = []
    source: list[str] = []
    cols: dict[str, list[float]] = {
        k: [] for k in ("lifetime", "lead_time", "earliest", "capital_cost", "annuity", "capacity")
    }
    given: list[bool] = []
    integer: list[bool] = []
    if any(not c.source for c in pathway.candidates):
        b = _Builds(ds, pathway, years, years)
        for i in range(b.count):
            p, m = str(b.plants[b.p[i]]), str(b.measures[b.m[i]])
            labels.append(f"{p}/{m}")
            plant.append(p)
            measure.append(m)
            source.append("")
            whole = float(b.annuity[i])
            cols["lifetime"].append(float(b.life[i]))
            cols["lead_time"].append(float(b.lead[i]))
            cols["earliest"].append(max(float(b.earliest[i]), years[0] + float(b.lead[i])))
            cols["annuity"].append(whole)
            cols["capacity"].append(np.nan)
            cost = b.capital[i]
            given.append(cost is not None)
            cols["capital_cost"].append(
                cost if cost is not None else whole / annuity(1.0, rate, float(b.life[i]))
            )
            integer.append(bool(b.integer[i]))
    sources = [c for c in pathway.candidates if c.source]
    amounts = _capacity_amounts(ds, sources) if sources else np.zeros(0)
    for c, amount in zip(sources, amounts, strict=True):
        labels.append(c.source)
        plant.append("")
        measure.append("")
        source.append(c.source)
        lead = c.lead_time or 0.0
        cost = c.capital_cost or 0.0
        cols["lifetime"].append(c.lifetime)
        cols["lead_time"].append(lead)
        earliest = c.earliest if c.earliest is not None else -np.inf
        cols["earliest"].append(max(earliest, years[0] + lead))
        cols["capital_cost"].append(cost)
        cols["annuity"].append(annuity(cost, rate, c.lifetime))
        cols["capacity"].append(float(amount))
        given.append(c.capital_cost is not None)
        integer.append(c.integer)
    coords = {
        "candidate": np.array(labels, dtype=object),
        "candidate_plant": ("candidate", np.array(plant, dtype=object)),
        "candidate_measure": ("candidate", np.array(measure, dtype=object)),
        "candidate_source": ("candidate", np.array(source, dtype=object)),
    }
    about = {
        "lifetime": ("years", "Years a build is in service."),
        "lead_time": ("years", "Years from the decision to service."),
        "earliest": ("year", "First year a build may enter service."),
        "capital_cost": (
            "USD",
            "Capital cost of the whole measure (at max_adoption) or capacity; without a "
            "capital_cost in the file, the present value of the annual cost over the lifetime.",
        ),
        "annuity": ("USD/yr", "Charge per year in service for the whole measure or capacity."),
        "capacity": ("{source.resource}/yr", "A source candidate's capacity per year."),
    }
    data: dict[str, Any] = {
        f"candidate_{k}": (
            "candidate",
            np.array(v, dtype=float),
            {"units": about[k][0], "description": about[k][1]},
        )
        for k, v in cols.items()
    }
    data["candidate_capital_given"] = (
        "candidate",
        np.array(given, dtype=bool),
        {"description": "Whether the file gives the capital_cost (else the case's annual cost)."},
    )
    data["candidate_integer"] = (
        "candidate",
        np.array(integer, dtype=bool),
        {"description": "All-or-nothing builds."},
    )
    return xr.Dataset(data, coords=coords)


def _add_windows(
    a: Any,
    rlo: np.ndarray,
    rup: np.ndarray,
    constraints: dict[str, Block],
    name: str,
    make_block: Any,
    col: np.ndarray,
    decide: np.ndarray,
    life: np.ndarray,
) -> tuple[Any, np.ndarray, np.ndarray]:
    """Add ``name[..., year]``: the builds of a lifetime window sum to at most 1.

    ``col[candidate, decision year]`` holds the build columns (-1: none). The row of
    (candidate, ``y_k``) sums the builds decided in ``[y_k, y_k + lifetime)``: builds whose
    service overlaps that of a build decided in ``y_k`` (same lead time), so no more than
    the whole measure or capacity is ever alive at once, and no build is repeated while
    the first is still in service. Only windows holding two builds or more get a row (a
    single build is bounded by 1 already). Without the rule a relaxation could split a
    build over several overlapping years and, with integer builds, build twice.
    """
    present = col >= 0
    yk = decide[None, :, None]
    yk2 = decide[None, None, :]
    inside = (yk <= yk2) & (yk2 < yk + life[:, None, None])
    inside &= present[:, :, None] & present[:, None, :]  # [candidate, window start, build]
    keep = present & (inside.sum(axis=2) >= 2)
    m0 = a.shape[0]
    nrow = int(keep.sum())
    row = np.full(keep.shape, -1, dtype=np.int64)
    row[keep] = m0 + np.arange(nrow)
    ci, ki, k2 = np.nonzero(inside & keep[:, :, None])
    window: Any = sp.csr_matrix(
        (np.ones(len(ci)), (row[ci, ki] - m0, col[ci, k2])), shape=(nrow, a.shape[1])
    )
    constraints[name] = make_block(row)
    a = sp.vstack([a, window], format="csr")
    return a, np.concatenate([rlo, np.full(nrow, -np.inf)]), np.concatenate([rup, np.ones(nrow)])


def _capacity_window_block(blk: Block, s_idx: np.ndarray, rows: np.ndarray) -> Block:
    """Return the ``build-capacity-window[source, year]`` block (window start year)."""
    index = np.full(blk.index.shape, -1, dtype=np.int64)
    index[s_idx] = rows
    return Block("build-capacity-window", blk.dims, blk.coords, index, "share of the capacity")


def _stack_blocks(
    blocks: list[dict[str, Block]], start: np.ndarray, years: np.ndarray
) -> dict[str, Block]:
    """Stack each family's blocks on a leading ``year`` dim with the years' offsets."""
    out: dict[str, Block] = {}
    for name in dict.fromkeys(k for b in blocks for k in b):
        ref = next(b[name] for b in blocks if name in b)
        index = np.full((len(years), *ref.index.shape), -1, dtype=np.int64)
        for j, b in enumerate(blocks):
            if name in b:
                idx = b[name].index
                index[j] = np.where(idx >= 0, idx + start[j], -1)
        coords = {"year": years, **ref.coords}
        out[name] = Block(name, ("year", *ref.dims), coords, index, ref.unit)
    return out


class _Builds:
    """The candidates as arrays: positions, lead times, lifetimes, annuities, masks."""

    def __init__(
        self, ds: xr.Dataset, pathway: Pathway, decide: np.ndarray, modelled: np.ndarray
    ) -> None:
        self.plants = ds["plant"].values
        self.measures = ds["measure"].values
        self.decide = decide
        given = ~np.isnan(ds["max_adoption"].values)  # [plant, measure]
        pairs: dict[tuple[int, int], Candidate] = {}
        bad: list[str] = []
        for cand in (c for c in pathway.candidates if not c.source):
            hit_p = np.array([fnmatchcase(str(p), cand.plant) for p in self.plants])
            hit_m = np.array([fnmatchcase(str(m), cand.measure) for m in self.measures])
            found = np.argwhere(hit_p[:, None] & hit_m[None, :] & given)
            if not len(found):
                bad.append(
                    f"{cand.origin}: no plant {cand.plant!r} with measure {cand.measure!r} "
                    "in the case (a candidate needs the measure's max_adoption at the plant)."
                )
            for i, k in found:
                if (i, k) in pairs:
                    bad.append(
                        f"{cand.origin}: ({self.plants[i]}, {self.measures[k]}) is already a "
                        f"candidate in {pairs[i, k].origin}."
                    )
                pairs[int(i), int(k)] = cand
        if bad:
            raise ScenarioError(bad, during="Errors in the pathway's candidates")
        cands = list(pairs.values())
        self.count = len(cands)
        self.p = np.array([i for i, _ in pairs], dtype=int)
        self.m = np.array([k for _, k in pairs], dtype=int)
        data_lead = np.nan_to_num(ds["lead_time"].values, nan=0.0)[self.p, self.m]
        lead = np.array(
            [c.lead_time if c.lead_time is not None else data_lead[i] for i, c in enumerate(cands)]
        ).reshape(-1)
        life = np.array([c.lifetime for c in cands]).reshape(-1)
        earliest = np.array(
            [c.earliest if c.earliest is not None else -np.inf for c in cands]
        ).reshape(-1)
        cost = np.nan_to_num(ds["measure_cost"].values, nan=0.0)[self.p, self.m]
        rate = pathway.discount_rate
        self.annuity = np.array(
            [
                annuity(c.capital_cost, rate, c.lifetime) if c.capital_cost is not None else cost[i]
                for i, c in enumerate(cands)
            ]
        ).reshape(-1)
        self.max_adoption = np.nan_to_num(ds["max_adoption"].values, nan=0.0)[self.p, self.m]
        self.integer = np.array([c.integer for c in cands], dtype=bool).reshape(-1)
        self.life = life
        self.lead = lead
        self.earliest = earliest
        self.capital = [c.capital_cost for c in cands]
        online = decide[None, :] + lead[:, None]  # [candidate, decision year]
        yj = modelled[None, None, :]
        self.alive = (online[:, :, None] <= yj) & (yj < online[:, :, None] + life[:, None, None])
        # A build exists where it may be decided and is in service in a modelled year.
        self.mask = (online >= earliest[:, None]) & self.alive.any(axis=2)

    def block(self, cols: np.ndarray, name: str, unit: str) -> Block:
        index = np.full((len(self.plants), len(self.measures), len(self.decide)), -1, np.int64)
        index[self.p, self.m] = cols
        coords = {"plant": self.plants, "measure": self.measures, "year": self.decide}
        return Block(name, ("plant", "measure", "year"), coords, index, unit)

    def window_block(self, rows: np.ndarray) -> Block:
        """Return the ``build-window[plant, measure, year]`` block (window start year)."""
        return self.block(rows, "build-window", "share of max_adoption")

    def link_block(self, rows: np.ndarray, unit: str) -> Block:
        nj = rows.shape[1]
        index = np.full((len(self.plants), len(self.measures), nj), -1, np.int64)
        index[self.p, self.m] = rows
        modelled = self.decide[len(self.decide) - nj :]
        coords = {"plant": self.plants, "measure": self.measures, "year": modelled}
        return Block("build-link", ("plant", "measure", "year"), coords, index, unit)
