"""Projects as columns of the province LP: where each draws from and which rows it enters.

A project's decision is its output share ``f`` (0..1 of its capacity). At share ``f`` it
makes ``f * q[t]`` in period ``t``, ``q[t] = capacity * duration_t/365 * availability[t]``,
and uses ``f * q[t] * intensity[r]`` of each resource ``r``, all drawn from one source
per resource (:func:`assign_sources`). So one column per project carries, per unit of
``f``, its use in every cap row of the source it draws from: ``source-cap[s, t]``,
``source-cap-annual[s]``, ``group-cap[g, t]`` and ``group-cap-annual[g]`` of the groups
holding ``s``, ``emission-cap[pol, t]`` and ``emission-cap-annual[pol]`` (emission factor
of the drawn resource, plus the reference's process emissions), and its product inputs in
``product-balance[product, t]`` (a cement mill's clinker comes out of the province's
pool). A project that takes capped water existing plants need therefore displaces their
output inside the LP, and the dual of every row it enters charges it for that.

Its output is sold in a market of its own at its price (demand of existing products is
unchanged), so its value per unit of ``f`` is ``sum_t q[t] * (price - production_cost -
sum_r intensity[r] * source_cost[s(r), t])``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import xarray as xr

from resourcemodel.exceptions import ValidationError
from resourcemodel.program import LinearProgram
from resourcemodel.units import DAYS_PER_YEAR

#: Row families a project column enters, in the order of :attr:`ProjectColumns.by_family`.
FAMILIES = (
    "source-cap",
    "source-cap-annual",
    "group-cap",
    "group-cap-annual",
    "emission-cap",
    "emission-cap-annual",
    "product-balance",
)


@dataclass
class ProjectColumns:
    """The register turned into LP columns (per unit of output share ``f``).

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        ``m x P``: coefficients of each project in the rows of the base program.
    value : numpy.ndarray
        ``[P]`` USD per unit of ``f``: sales minus production and source costs.
    output : numpy.ndarray
        ``[P, period]`` output at ``f = 1`` (product unit).
    use : numpy.ndarray
        ``[P, resource, period]`` resource use at ``f = 1`` (resource unit).
    source : numpy.ndarray
        ``[P, resource]`` index of the source drawn (``-1``: resource not used).
    emission : numpy.ndarray
        ``[P, pollutant, period]`` t at ``f = 1``.
    """

    matrix: sp.csr_matrix
    value: np.ndarray
    output: np.ndarray
    use: np.ndarray
    source: np.ndarray
    emission: np.ndarray


def assign_sources(register: xr.Dataset, inputs: xr.Dataset, base: xr.Dataset) -> np.ndarray:
    """Return ``[project, resource]``: the index of the source each project draws from.

    The rule, first that applies, for every resource the project uses:

    1. the register's ``source_<resource>`` column;
    2. water of a project with a ``plain``: the case's source ``groundwater_<plain>``,
       if it has one (groundwater by plain);
    3. the main source of that resource of the reference process's plant: the connected
       source of the resource the plant drew most of in the scenario's solution ``base``
       (ties and no draw: the first in ``sources.csv``);
    4. the province's main source of the resource (largest total draw in ``base``; ties:
       the first in ``sources.csv``).

    A completed project is new draw, so rules 2-4 skip sources closed to new draw
    (``source_closed``, e.g. Isfahan's groundwater: 30 of 35 plains closed, S46), and a
    ``source_<resource>`` column naming a closed source is an error.

    Parameters
    ----------
    register : xarray.Dataset
        From :func:`~resourcemodel.portfolio.register.read_register`.
    inputs : xarray.Dataset
        The scenario's inputs.
    base : xarray.Dataset
        The scenario's results without projects (for its ``supply``).

    Raises
    ------
    ValidationError
        If a project uses a resource that no source of the case supplies.
    """
    sources = inputs["source"].values.astype(str)
    resources = list(inputs["resource"].values.astype(str))
    src_res = np.array([resources.index(r) for r in inputs["source_resource"].values.astype(str)])
    plants = list(inputs["plant"].values.astype(str))
    supply = np.nan_to_num(base["supply"].transpose("plant", "source", "period").values).sum(-1)
    connected = np.asarray(inputs["connected"].values, dtype=bool)
    closed = (
        np.asarray(inputs["source_closed"].values, dtype=float) > 0.5
        if "source_closed" in inputs
        else np.zeros(len(sources), dtype=bool)
    )
    nr = len(resources)
    order = np.arange(len(sources))
    # Province's main source per resource.
    total = supply.sum(axis=0)
    province = np.full(nr, -1)
    for r in range(nr):
        cand = np.flatnonzero((src_res == r) & ~closed)
        if len(cand):
            province[r] = cand[np.lexsort((order[cand], -total[cand]))[0]]
    # Each plant's main source per resource (-1 if not connected to any).
    plant_main = np.full((len(plants), nr), -1)
    for r in range(nr):
        cand = np.flatnonzero((src_res == r) & ~closed)
        for k in range(len(plants)):
            c = cand[connected[k, cand]]
            if len(c):
                plant_main[k, r] = c[np.lexsort((order[c], -supply[k, c]))[0]]
    proc_plant = {
        str(p): plants.index(str(pl))
        for p, pl in zip(inputs["process"].values, inputs["process_plant"].values, strict=True)
    }
    ref_plant = np.array([proc_plant.get(str(r), -1) for r in register["reference_process"].values])
    out = np.where(ref_plant[:, None] >= 0, plant_main[np.maximum(ref_plant, 0)], -1)
    out = np.where(out >= 0, out, province[None, :])
    if "water" in resources:
        w = resources.index("water")
        names = {s: i for i, s in enumerate(sources)}
        for i, plain in enumerate(register["plain"].values.astype(str)):
            if (
                plain
                and f"groundwater_{plain}" in names
                and not closed[names[f"groundwater_{plain}"]]
            ):
                out[i, w] = names[f"groundwater_{plain}"]
    chosen = register["source_choice"].values.astype(str)
    names = {s: i for i, s in enumerate(sources)}
    given = chosen != ""
    shut = [
        f"project {register['project'].values[i]!r} names source {chosen[i, r]!r} for "
        f"{resources[r]!r}, which is closed to new draw (source_closed): name an open source "
        "of the resource."
        for i, r in zip(*np.nonzero(given), strict=True)
        if closed[names[chosen[i, r]]]
    ]
    if shut:
        raise ValidationError(shut, during="Errors resolving the register's sources")
    out[given] = [names[s] for s in chosen[given]]
    used = np.asarray(register["intensity"].values, float) > 0
    out = np.where(used, out, -1)
    missing = used & (out < 0)
    if missing.any():
        problems = [
            f"project {register['project'].values[i]!r} uses {resources[r]!r}, which no source "
            "of the case open to new draw supplies: add a source of it or drop its use_ column."
            for i, r in zip(*np.nonzero(missing), strict=True)
        ]
        raise ValidationError(problems, during="Errors resolving the register's sources")
    return out


def project_columns(
    lp: LinearProgram, inputs: xr.Dataset, register: xr.Dataset, source: np.ndarray
) -> ProjectColumns:
    """Return the projects' columns in the rows of ``lp`` (built from ``inputs``).

    Parameters
    ----------
    lp : LinearProgram
        The province program (:func:`resourcemodel.build` of ``inputs``).
    inputs : xarray.Dataset
        The scenario's inputs.
    register : xarray.Dataset
        The register resolved against ``inputs``.
    source : numpy.ndarray
        ``[project, resource]`` source indices from :func:`assign_sources`.
    """
    share = np.asarray(inputs["period_duration"].values, float) / DAYS_PER_YEAR
    cap = np.asarray(register["capacity"].values, float)
    q = cap[:, None] * share[None, :] * np.asarray(register["availability"].values, float)
    intensity = np.asarray(register["intensity"].values, float)
    use = q[:, None, :] * intensity[:, :, None]  # P, R, T
    npj = use.shape[0]
    m = lp.shape[0]
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []

    def add(r: np.ndarray, c: np.ndarray, v: np.ndarray) -> None:
        r, c, v = np.broadcast_arrays(r, c, v)
        keep = (r >= 0) & (v != 0)
        rows.append(r[keep].ravel())
        cols.append(c[keep].ravel())
        vals.append(v[keep].ravel())

    pj = np.arange(npj)[:, None, None]
    drawn = source >= 0
    s_idx = np.maximum(source, 0)
    cons = lp.constraints
    sc = cons["source-cap"].index  # S, T
    add(np.where(drawn[:, :, None], sc[s_idx], -1), pj, use)
    sca = cons["source-cap-annual"].index  # S
    add(np.where(drawn, sca[s_idx], -1), pj[:, :, 0], use.sum(-1))
    member = np.asarray(inputs["group_member"].values, dtype=bool)  # G, S
    gc, gca = cons["group-cap"].index, cons["group-cap-annual"].index
    for g in range(member.shape[0]):
        inside = drawn & member[g][s_idx]
        add(np.where(inside[:, :, None], gc[g][None, None, :], -1), pj, use)
        add(np.where(inside, gca[g], -1), pj[:, :, 0], use.sum(-1))
    ef = np.asarray(inputs["emission_factor"].values, float)  # R, pollutant
    pe = np.asarray(register["process_emission"].values, float)  # P, pollutant
    emission = (
        np.einsum("prt,rk->pkt", use * drawn[:, :, None], ef) + pe[:, :, None] * q[:, None, :]
    )
    ec, eca = cons["emission-cap"].index, cons["emission-cap-annual"].index  # K, T / K
    add(ec[None, :, :], pj, emission)
    add(eca[None, :], pj[:, :, 0], emission.sum(-1))
    pin = np.asarray(register["product_input"].values, float)  # P, Q
    pb = cons["product-balance"].index  # Q, T
    pi, qi = np.nonzero(pin)
    add(pb[qi, :], pi[:, None], -pin[pi, qi][:, None] * q[pi, :])
    matrix = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(m, npj)
    )
    matrix.sum_duplicates()
    cost = np.asarray(inputs["source_cost"].values, float)  # S, T
    source_cost = np.where(drawn[:, :, None], cost[s_idx], 0.0)
    margin = np.asarray(register["price"].values, float) - np.asarray(
        register["production_cost"].values, float
    )
    value = (q * margin[:, None]).sum(-1) - (use * source_cost).sum((1, 2))
    return ProjectColumns(matrix, value, q, use, source, emission)


def annuity(
    investment_musd: np.ndarray, discount_rate: float, lifetime: float, years: float = 1.0
) -> np.ndarray:
    """Return the annualised remaining investment in USD over ``years`` of the horizon.

    ``investment * r / (1 - (1 + r)^-n)`` (``investment / n`` at ``r = 0``).

    >>> annuity(np.array([1.0]), 0.0, 10.0).tolist()
    [100000.0]
    >>> round(float(annuity(np.array([1.0]), 0.08, 20.0)[0]))
    101852
    """
    if lifetime <= 0:
        msg = f"lifetime must be > 0 years, got {lifetime}."
        raise ValueError(msg)
    crf = (
        1.0 / lifetime
        if discount_rate == 0
        else discount_rate / (1 - (1 + discount_rate) ** -lifetime)
    )
    return np.asarray(investment_musd, float) * 1e6 * crf * years


def family_rows(lp: LinearProgram) -> dict[str, np.ndarray]:
    """Return, per family of :data:`FAMILIES`, the row positions of ``lp`` in it."""
    out = {}
    for name in FAMILIES:
        index = lp.constraints[name].index
        out[name] = index[index >= 0]
    return out


def factored_columns(
    lp: LinearProgram, inputs: xr.Dataset, register: xr.Dataset, source: np.ndarray
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Return ``G`` (``m x K``) and ``B`` (``K x P``) with ``G @ B`` the projects' columns.

    Every coefficient of a project's column is its annual amount of one *item* (a resource
    drawn, a pollutant emitted by the process, a pooled product taken) times the share of
    the year in each period (duration x availability): projects with the same time profile
    and the same source for each resource (a *class*) share one pattern per item. ``B``
    holds the amounts (a handful per project), ``G`` the patterns of each (class, item).
    A MILP with aggregate variables ``w = B u`` and ``G w`` in the cap rows has the same
    solutions as one with ``(G B) u`` but a few non-zeros per project instead of one per
    row it enters (12 months x sources x groups): HiGHS's cuts and heuristics run much
    faster on it.
    """
    share = np.asarray(inputs["period_duration"].values, float) / DAYS_PER_YEAR
    profile = share[None, :] * np.asarray(register["availability"].values, float)  # P, T
    cap = np.asarray(register["capacity"].values, float)
    intensity = np.asarray(register["intensity"].values, float)
    pe = np.asarray(register["process_emission"].values, float)
    pin = np.asarray(register["product_input"].values, float)
    npj, nr = intensity.shape
    nk, nq = pe.shape[1], pin.shape[1]
    nj = nr + nk + nq
    amounts = cap[:, None] * np.concatenate([intensity, pe, pin], axis=1)  # P, J
    key = np.concatenate([np.round(profile, 12), source.astype(float)], axis=1)
    classes, cls = np.unique(key, axis=0, return_inverse=True)
    cls = cls.ravel()
    used = np.zeros((len(classes), nj), dtype=bool)
    pi, ji = np.nonzero(amounts)
    used[cls[pi], ji] = True
    kk, jj = np.nonzero(used)
    col_of = np.full((len(classes), nj), -1)
    col_of[kk, jj] = np.arange(len(kk))
    b = sp.csr_matrix((amounts[pi, ji], (col_of[cls[pi], ji], pi)), shape=(len(kk), npj))
    # Pattern of each (class, item): a pseudo-register of unit projects.
    first = np.array([np.flatnonzero(cls == k)[0] for k in range(len(classes))])
    rep = first[kk]
    unit = xr.Dataset(
        {
            "capacity": ("project", np.ones(len(kk))),
            "availability": (("project", "period"), register["availability"].values[rep]),
            "intensity": (("project", "resource"), np.eye(nj)[jj][:, :nr]),
            "process_emission": (("project", "pollutant"), np.eye(nj)[jj][:, nr : nr + nk]),
            "product_input": (("project", "product"), np.eye(nj)[jj][:, nr + nk :]),
            "price": ("project", np.zeros(len(kk))),
            "production_cost": ("project", np.zeros(len(kk))),
        }
    )
    src = np.where(np.eye(nj)[jj][:, :nr] > 0, source[rep], -1)
    g = project_columns(lp, inputs, unit, src).matrix
    return g, b
