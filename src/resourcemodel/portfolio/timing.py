"""Choosing *when*: the portfolio over a pathway's years (issue #18 with issue #17).

The program is the pathway's stacked program (:func:`resourcemodel.pathway.stack`: every
representative year's province LP on the diagonal, value-added objective, the pathway's
own build candidates included) plus, per project ``p`` and representative year ``k``, a
binary ``x[p, k]``: the project is completed in year ``y_k``.

- ``portfolio-once[p]``: ``sum_k x[p, k] <= 1`` (completed at most once);
- ``x[p, k]`` exists only from the project's ``completion_year`` on (the register's
  expected completion: its remaining works take until then) and, with
  ``Rules(complete_by=...)``, up to that year. With representative years this is coarse,
  as for the pathway's builds: a project expected in 1406 is first completed in the
  representative year 1409 if the years are 1404, 1409, ...
- From ``y_k`` on the project produces at full capacity in every modelled year ``y_j`` it
  is alive, ``y_k <= y_j < y_k + lifetime``: its share in year ``j`` is
  ``z[p, j] = sum_{k alive in j} x[p, k]`` (with the default lifetime of 20 years and a
  horizon of at most 20 years: every later year). ``z`` is not a column: the aggregate
  amounts ``w_j = B_j z_j`` (``portfolio-amount`` rows, one set per year) carry it into
  that year's cap rows through the factored columns ``G_j``
  (:func:`~resourcemodel.portfolio.columns.factored_columns`), so a project competes for
  each year's capped water, power and gas with that year's existing plants.

Costs follow the pathway's "Type II" accounting (:mod:`resourcemodel.pathway.stack`): the
remaining investment is annualised, ``investment * r / (1 - (1 + r) ** -lifetime)``, at the
pathway's ``discount_rate`` (unless given), and the annuity is charged in every modelled
year the project is alive, times the year's share of a year and the year's objective
weight (the discounted years it stands for); its value (sales minus production and
source costs, each year's source costs) is credited the same way. With one year of
weight 1 the program is :func:`~resourcemodel.portfolio.select.select_portfolio`'s
(tested).

Rules over the horizon: ``portfolio-budget`` (remaining investment of all completed
projects <= budget, MUSD) and ``portfolio-year-budget[year]`` (of the projects completed
in that representative year: a year standing for five gets the budget of its five);
``portfolio-exclusive`` (at most one project of a site over the horizon);
``portfolio-requires[p, year]`` (``p`` not before the project it requires:
``sum_{k' <= k} x[p, k'] <= sum_{k' <= k} x[q, k']``); ``portfolio-county`` (at most ``n``
completed projects in a county over the horizon); ``portfolio-sector-share`` (of the
remaining investment over the horizon); ``portfolio-freshwater[year]`` (province plus
projects' draw <= the cap in every modelled year). Partial capacity is not offered here.

Objectives as :func:`~resourcemodel.portfolio.select.build_program`'s: ``value_added``
(above), ``jobs`` (the existing processes' jobs at their output plus the projects' jobs in
every year they run; nothing else priced) or ``mix`` (value added + ``job_value`` per
job), each year times its objective weight. The MILP is solved over ``x`` (or the
"producing" binaries, :func:`producing`, the same program) from the LP relaxation's start
(:func:`~resourcemodel.portfolio.select.solve_milp`); "why not" is
:mod:`~resourcemodel.portfolio.timing_why`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
import xarray as xr

from resourcemodel.analyses.common import add_columns, add_rows, draw_matrix, replace
from resourcemodel.exceptions import InfeasibleError, InputError
from resourcemodel.formulation import Options
from resourcemodel.pathway.run import prepare as prepare_years
from resourcemodel.pathway.spec import Pathway, load_pathway
from resourcemodel.pathway.stack import stack
from resourcemodel.portfolio.columns import annuity, factored_columns, project_columns
from resourcemodel.portfolio.screen import LIFETIME, Setting, setting
from resourcemodel.portfolio.select import PORTFOLIO_OBJECTIVES, Rules, solve_milp
from resourcemodel.portfolio.timing_why import why_not
from resourcemodel.program import LinearProgram
from resourcemodel.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from resourcemodel.backends import SolveResult
    from resourcemodel.pathway.stack import PathwayProgram


def _matrix(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]) -> Any:
    return sp.csr_matrix((vals, (rows, cols)), shape=shape)


def schedule(
    scenario: str | Path | Pathway,
    register: str | Path | xr.Dataset,
    *,
    rules: Rules | None = None,
    budget: float | None = None,
    year_budget: float | dict[int, float] | None = None,
    discount_rate: float | None = None,
    lifetime: float = LIFETIME,
    backend: str = "highs",
    mip_rel_gap: float = 1e-4,
    time_limit: float | None = None,
    of: str = "freshwater",
    relaxation: bool = True,
    objective: str = "value_added",
    job_value: float = 0.0,
    start: bool = False,
    form: str = "completion",
) -> xr.Dataset:
    """Choose which projects to complete and in which representative year of a pathway.

    Parameters
    ----------
    scenario : str, Path or Pathway
        A scenario file with a ``[pathway]`` table (years, weights, discount rate,
        trajectories, candidates), or a loaded :class:`~resourcemodel.pathway.Pathway`.
    register : str, Path or xarray.Dataset
        The project register (``completion_year``: the earliest year a project can be
        completed).
    rules : Rules, optional
        Rules over the horizon (see the module doc); ``partial`` is not offered.
    budget : float, optional
        Shortcut for ``Rules(budget=...)``: remaining investment over the horizon, MUSD.
    year_budget : float or dict of int to float, optional
        Remaining investment of the projects completed in each representative year, MUSD
        (one number for every year, or by year).
    discount_rate : float, optional
        Annualisation of the remaining investment; default the pathway's.
    lifetime : float
        Years a completed project lives (and is charged its annuity).
    backend : {"highs", "pulp"}
    mip_rel_gap : float
        Relative gap at which the MILP stops.
    time_limit : float, optional
        Seconds.
    of : str
        The resource of the freshwater rule and report.
    relaxation : bool
        Also solve the LP relaxation (``relaxation_bound``).
    objective : {"value_added", "jobs", "mix"}
        What to maximise over the horizon, each year weighted by its objective weight (as
        :func:`~resourcemodel.portfolio.select.select_portfolio`'s, see the module doc).
    job_value : float
        USD per job per year in the ``mix`` objective.
    start : bool
        With HiGHS, start the MILP from the LP relaxation
        (:func:`~resourcemodel.portfolio.start.relaxation_start`). Off by default: over
        years it did not measure faster (``docs/portfolio.md``).
    form : {"producing", "completion"}
        Solve over the completion binaries ``x[p, k]`` or the "producing" binaries
        ``v[p, k]`` (:func:`producing`: the same program in other variables, fewer
        non-zeros; it measured slower on the benchmark, see ``docs/portfolio.md``).

    Returns
    -------
    xarray.Dataset
        Over ``(project, year)``: ``complete`` (1 in the year the project is completed),
        ``producing`` (1 in the years it runs); over ``project``: ``completion`` (the year
        chosen, ``nan``: never), ``expected_completion``, ``remaining_investment``; over
        ``year``: ``value_added`` (province plus the projects' value, USD/yr),
        ``province_value_added``, ``projects_value``, ``capital_charge`` (the projects'
        annuities), ``objective_year`` (value added minus the annuities), ``freshwater``
        and ``projects_freshwater`` (the unit of ``of``), ``projects_jobs``,
        ``invested`` (MUSD completed in the year), ``objective_weight``. Attrs:
        ``objective`` (discounted, the program's), ``relaxation_bound``, ``mip_bound``,
        ``mip_gap``, ``status``, ``discount_rate``, ``lifetime``, timings.
    """
    rules = dc_replace(rules) if rules is not None else Rules()
    if budget is not None:
        rules.budget = budget
    if rules.partial:
        msg = "partial capacity is not offered with completion years (--pathway): drop it."
        raise InputError(msg)
    if objective not in PORTFOLIO_OBJECTIVES:
        msg = f"objective must be one of {list(PORTFOLIO_OBJECTIVES)}, got {objective!r}."
        raise InputError(msg)
    timing: dict[str, float] = {}
    t0 = time.perf_counter()
    pathway = scenario if isinstance(scenario, Pathway) else load_pathway(scenario)
    rate = pathway.discount_rate if discount_rate is None else float(discount_rate)
    s = setting(
        pathway.scenario, register, backend=backend, discount_rate=rate, lifetime=lifetime, of=of
    )
    options = Options.resolve(pathway.scenario.options, objective="value_added")
    inputs, year_lps = prepare_years(pathway, options)
    pp = stack(year_lps, inputs, pathway)
    timing["prepare"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    prog = _build(
        s, pp, inputs, year_lps, pathway, rules, year_budget, rate, lifetime, objective, job_value
    )
    timing["build"] = time.perf_counter() - t0
    lp, to_x = (producing(prog.lp, prog.xcol)) if form == "producing" else (prog.lp, None)
    result, bound = solve_milp(
        lp,
        prog.xcol[prog.xcol >= 0],
        backend=backend,
        mip_rel_gap=mip_rel_gap,
        time_limit=time_limit,
        relaxation=relaxation,
        start=start,
        timing=timing,
    )
    if to_x is not None:
        result = dc_replace(
            result,
            x=to_x @ np.nan_to_num(result.x),
            row_dual=result.row_dual[: prog.lp.shape[0]],
            col_dual=np.full(prog.lp.shape[1], np.nan),
        )
    if not result.status.is_ok:
        raise InfeasibleError(
            s.case.name,
            str(result.status),
            "Relax the portfolio rules (budgets, quotas, shares) or the pathway's caps.",
        )
    ds = _assemble(s, pp, prog, result, inputs, year_lps, pathway)
    unit = "job" if objective == "jobs" else "USD"
    ds = ds.merge(why_not(s, pp, prog, result, year_lps, rules, unit))
    ds.attrs.update(
        relaxation_bound=bound,
        objective_name={
            "value_added": "value added",
            "jobs": "jobs",
            "mix": "value added + job value",
        }[objective],
        objective_unit=unit,
        discount_rate=rate,
        lifetime=float(lifetime),
        backend=backend,
        **{f"seconds_{k}": v for k, v in timing.items()},
    )
    return ds


@dataclass
class _Program:
    """The stacked program with the completion columns and rows."""

    lp: LinearProgram
    xcol: np.ndarray  # [project, year]: column of x (-1: no such completion)
    alive: np.ndarray  # [decision year, modelled year]
    data: dict[str, np.ndarray]
    matrices: list[sp.csr_matrix] = field(default_factory=list)  # [year]: projects' columns


def _build(
    s: Setting,
    pp: PathwayProgram,
    inputs: list[xr.Dataset],
    year_lps: list[LinearProgram],
    pathway: Pathway,
    rules: Rules,
    year_budget: float | dict[int, float] | None,
    rate: float,
    lifetime: float,
    objective: str = "value_added",
    job_value: float = 0.0,
) -> _Program:
    """Return the pathway program with the completion binaries, amounts and rules."""
    reg = s.register
    ids = reg["project"].values.astype(str)
    npj = len(ids)
    years = np.array(pathway.years, dtype=float)
    nyr = len(years)
    weights = pp.weights
    share = np.array([float(ds["period_duration"].values.sum()) / DAYS_PER_YEAR for ds in inputs])
    alive = (years[:, None] <= years[None, :]) & (years[None, :] < years[:, None] + lifetime)
    expected = np.asarray(reg["completion_year"].values, float)
    present = ~(expected[:, None] > years[None, :])  # nan: any year
    if rules.complete_by is not None:
        present &= years[None, :] <= rules.complete_by
    inv = np.asarray(reg["remaining_investment"].values, float)
    ann = annuity(inv, rate, lifetime)  # USD per year alive
    values, fresh, gb, matrices = [], [], [], []
    sel = s.selection
    for j in range(nyr):
        pcol = project_columns(year_lps[j], inputs[j], reg, s.columns.source)
        values.append(pcol.value)
        matrices.append(pcol.matrix.tocsr())
        w = np.where(s.columns.source >= 0, sel.weights[np.maximum(s.columns.source, 0)], 0.0)
        fresh.append((pcol.use.sum(-1) * w).sum(-1))
        gb.append(factored_columns(year_lps[j], inputs[j], reg, s.columns.source))
    value = np.stack(values, axis=1)  # [P, year]
    freshwater = np.stack(fresh, axis=1)
    # Cost (minimised) of completing p in k: every year alive, weighted.
    jobs = np.asarray(reg["jobs"].values, float)
    c_va = ann[:, None] * share[None, :] - value  # [P, j]
    c_jobs = np.broadcast_to(-jobs[:, None], value.shape)
    base = pp.lp
    province_jobs = _jobs_costs(pp, inputs, year_lps, share)
    if objective == "value_added":
        per_year = c_va
    elif objective == "jobs":
        per_year = c_jobs
        base = replace(base, c=province_jobs, c0=0.0)
    else:
        per_year = c_va + job_value * c_jobs
        base = replace(base, c=base.c + job_value * province_jobs)
    cost = (weights[None, :] * per_year) @ alive.T.astype(float)  # [P, k]
    m0, n0 = base.shape
    # Aggregate amounts w_j: columns in each year's rows.
    g_blocks, k_start = [], [0]
    for j, (g, _) in enumerate(gb):
        coo = g.tocoo()
        g_blocks.append((coo.row + pp.row_start[j], coo.col + k_start[-1], coo.data))
        k_start.append(k_start[-1] + g.shape[1])
    nk = k_start[-1]
    gr, gc, gv = (np.concatenate(x) for x in zip(*g_blocks, strict=True))
    g_all = _matrix(gr, gc, gv, (m0, nk))
    prog = add_columns(base, "portfolio_amount", [f"w{i}" for i in range(nk)], g_all)
    pk = np.argwhere(present)  # (p, k) pairs, row-major
    xcol = np.full((npj, nyr), -1, dtype=np.int64)
    xcol[pk[:, 0], pk[:, 1]] = n0 + nk + np.arange(len(pk))
    labels = [f"{ids[p]}@{int(years[k])}" for p, k in pk]
    prog = add_columns(
        prog,
        "project_completed",
        labels,
        sp.csr_matrix((m0, len(pk))),
        upper=1.0,
        cost=cost[pk[:, 0], pk[:, 1]],
        integer=True,
    )
    n = prog.shape[1]
    # portfolio-amount[j]: w_j - sum_{k alive in j} B_j x[:, k] = 0.
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for j, (_, b) in enumerate(gb):
        bc = b.tocoo()
        for kd in np.flatnonzero(alive[:, j]):
            xc = xcol[bc.col, kd]
            keep = xc >= 0
            rows.append(bc.row[keep] + k_start[j])
            cols.append(xc[keep])
            vals.append(-bc.data[keep])
        rows.append(np.arange(k_start[j], k_start[j + 1]))
        cols.append(n0 + np.arange(k_start[j], k_start[j + 1]))
        vals.append(np.ones(k_start[j + 1] - k_start[j]))
    amount = _matrix(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), (nk, n))
    prog = add_rows(
        prog, "portfolio-amount", [f"w{i}" for i in range(nk)], amount, lower=0.0, upper=0.0
    )

    def on_x(nrows: int, r: Any, p: Any, k: Any, v: Any) -> Any:
        """Rows over ``x`` from entries (row, project, year, value); absent ``x`` dropped."""
        r, p, k, v = (np.ravel(a) for a in np.broadcast_arrays(r, p, k, v))
        c = xcol[p, k]
        keep = c >= 0
        return _matrix(r[keep], c[keep], v[keep], (nrows, prog.shape[1]))

    every = np.arange(nyr)[None, :]
    allp = np.arange(npj)[:, None]
    many = np.flatnonzero(present.sum(axis=1) > 1)
    if len(many):
        r = np.arange(len(many))[:, None]
        mat = on_x(len(many), r, many[:, None], every, 1.0)
        prog = add_rows(prog, "portfolio-once", list(ids[many]), mat, upper=1.0)
    if rules.budget is not None:
        mat = on_x(1, 0, allp, every, inv[:, None])
        prog = add_rows(prog, "portfolio-budget", ["budget"], mat, upper=rules.budget, unit="MUSD")
    if year_budget is not None:
        limits = _year_limits(year_budget, years)
        mat = on_x(nyr, every, allp, every, inv[:, None])
        labels = [str(int(y)) for y in years]
        prog = add_rows(prog, "portfolio-year-budget", labels, mat, upper=limits, unit="MUSD")
    groups = reg["exclusive_group"].values.astype(str)
    if rules.exclusive and (groups != "").any():
        sites, code = np.unique(groups[groups != ""], return_inverse=True)
        members = np.flatnonzero(groups != "")
        mat = on_x(len(sites), code.ravel()[:, None], members[:, None], every, 1.0)
        prog = add_rows(prog, "portfolio-exclusive", list(sites), mat, upper=1.0)
    req = reg["requires"].values.astype(str)
    if rules.precedence and (req != "").any():
        pos = {p: i for i, p in enumerate(ids)}
        who = np.flatnonzero(req != "")
        need = np.array([pos[r] for r in req[who]])
        # Row (pair, k): completions of p up to k <= completions of q up to k.
        pair, kr, kc = np.nonzero(np.broadcast_to(every <= every.T, (len(who), nyr, nyr)))
        row = pair * nyr + kr
        nrows = len(who) * nyr
        mat = on_x(nrows, row, who[pair], kc, 1.0) - on_x(nrows, row, need[pair], kc, 1.0)
        labels = [f"{ids[p]}@{int(y)}" for p in who for y in years]
        prog = add_rows(prog, "portfolio-requires", labels, mat, upper=0.0)
    if rules.county_quota:
        county = reg["county"].values.astype(str)
        names = sorted(rules.county_quota)
        r, p = np.nonzero(np.array(names)[:, None] == county[None, :])
        mat = on_x(len(names), r[:, None], p[:, None], every, 1.0)
        quota = np.array([rules.county_quota[c] for c in names], float)
        prog = add_rows(prog, "portfolio-county", names, mat, upper=quota)
    if rules.sector_min_share:
        sector = reg["sector"].values.astype(str)
        names = sorted(rules.sector_min_share)
        sh = np.array([rules.sector_min_share[x] for x in names])
        coef = ((sector[None, :] == np.array(names)[:, None]) - sh[:, None]) * inv[None, :]
        r, p = np.nonzero(coef)
        mat = on_x(len(names), r[:, None], p[:, None], every, coef[r, p][:, None])
        prog = add_rows(prog, "portfolio-sector-share", names, mat, lower=0.0)
    if rules.freshwater_cap is not None:
        blocks = []
        for j in range(nyr):
            d = draw_matrix(year_lps[j], sel).tocoo()
            blocks.append((np.full(d.nnz, j), d.col + pp.col_start[j], d.data))
        r, c, v = (np.concatenate(x) for x in zip(*blocks, strict=True))
        province = _matrix(r, c, v, (nyr, prog.shape[1]))
        kd_, jm = np.nonzero(alive)
        mat = on_x(nyr, jm[:, None], allp.T, kd_[:, None], freshwater[:, jm].T)
        prog = add_rows(
            prog,
            "portfolio-freshwater",
            [str(int(y)) for y in years],
            province + mat,
            upper=rules.freshwater_cap,
            unit=sel.unit,
        )
    data = {
        "value": value,
        "freshwater": freshwater,
        "annuity": ann,
        "share": share,
        "present": present,
        "cost": cost,
    }
    return _Program(prog, xcol, alive, data, matrices)


def producing(lp: LinearProgram, xcol: np.ndarray) -> tuple[LinearProgram, sp.csr_matrix]:
    """Return the program over "producing" binaries and the map back to the completions.

    ``v[p, k] = sum_{k' <= k} x[p, k']`` (completed by ``y_k``), over the same allowed
    years; ``x[p, k] = v[p, k] - v[p, k - 1]``, i.e. ``x = T v``, so the program is
    ``A T``, ``T' c`` with ``v`` in [0, 1] and the rows ``portfolio-producing[p, year]``:
    ``v[p, k] - v[p, k - 1] >= 0`` (``x >= 0``: once completed, a project stays so). It is
    the same program (and the same relaxation): ``x`` is integral iff ``v`` is. With a
    lifetime covering the horizon a project completed in ``y_k`` runs in every later year,
    so in ``A T`` the column ``v[p, k]`` enters only year ``k``'s amounts, where
    ``x[p, k]`` enters every later year's: fewer non-zeros.

    Returns
    -------
    tuple of LinearProgram and scipy.sparse.csr_matrix
        The program in ``v`` (the columns of ``x`` hold ``v``; its rows are ``lp``'s, then
        ``portfolio-producing``) and ``T`` (``x = T @ v`` on all columns).
    """
    n = lp.shape[1]
    prev = np.full_like(xcol, -1)
    prev[:, 1:] = xcol[:, :-1]
    pair = (xcol >= 0) & (prev >= 0)
    cur, before = xcol[pair], prev[pair]
    t = sp.csr_matrix(
        (
            np.r_[np.ones(n), -np.ones(len(cur))],
            (np.r_[np.arange(n), cur], np.r_[np.arange(n), before]),
        ),
        shape=(n, n),
    )
    out = replace(lp, A=(lp.A @ t).tocsr(), c=np.asarray(t.T @ lp.c).ravel())
    out.A.eliminate_zeros()
    k = len(cur)
    mono = sp.csr_matrix(
        (np.r_[np.ones(k), -np.ones(k)], (np.r_[np.arange(k), np.arange(k)], np.r_[cur, before])),
        shape=(k, n),
    )
    p_idx, y_idx = np.nonzero(pair)
    labels = [f"{p}@{y}" for p, y in zip(p_idx, y_idx, strict=True)]
    out = add_rows(out, "portfolio-producing", labels, mono, lower=0.0)
    return out, t


def _jobs_costs(
    pp: PathwayProgram, inputs: list[xr.Dataset], year_lps: list[LinearProgram], share: np.ndarray
) -> np.ndarray:
    """Return the stacked program's minimised jobs objective: minus each year's weighted jobs.

    As :func:`~resourcemodel.portfolio.select.build_program`: a process's ``jobs`` per
    unit of output per year on its production, each year times its objective weight; every
    other column (sources, the pathway's builds) costs nothing.
    """
    c = np.zeros(pp.lp.shape[1])
    for j, (ds, lp) in enumerate(zip(inputs, year_lps, strict=True)):
        x = lp.variables["production"].index
        per_job = np.nan_to_num(np.asarray(ds["jobs"].values, float)) / share[j]
        c[x.ravel() + pp.col_start[j]] = (
            -pp.weights[j] * np.broadcast_to(per_job[:, None], x.shape).ravel()
        )
    return c


def _year_limits(year_budget: float | dict[int, float], years: np.ndarray) -> np.ndarray:
    """Return the budget of each representative year (``inf`` where none is given)."""
    if not isinstance(year_budget, dict):
        return np.full(len(years), float(year_budget))
    modelled = {int(y) for y in years}
    bad = sorted(int(y) for y in year_budget if int(y) not in modelled)
    if bad:
        msg = (
            f"year budget for {bad}: not a representative year of the pathway "
            f"({sorted(modelled)}); give the budget of a representative year."
        )
        raise InputError(msg)
    return np.array([float(year_budget.get(int(y), np.inf)) for y in years])


def _assemble(
    s: Setting,
    pp: PathwayProgram,
    prog: _Program,
    result: SolveResult,
    inputs: list[xr.Dataset],
    year_lps: list[LinearProgram],
    pathway: Pathway,
) -> xr.Dataset:
    """Return the schedule Dataset (see :func:`schedule`)."""
    reg = s.register
    ids = reg["project"].values.astype(str)
    years = np.array(pathway.years, dtype=int)
    x = np.nan_to_num(result.x)
    xcol = prog.xcol
    complete = np.where(xcol >= 0, x[np.maximum(xcol, 0)] > 0.5, False)
    producing = complete.astype(float) @ prog.alive.astype(float)  # [P, j]
    chosen = complete.any(axis=1)
    completion = np.where(chosen, years[np.argmax(complete, axis=1)].astype(float), np.nan)
    d = prog.data
    province = np.zeros(len(years))
    drawn = np.zeros(len(years))
    for j in range(len(years)):
        cs, ce = int(pp.col_start[j]), int(pp.col_start[j + 1])
        lp_j = year_lps[j]
        c = pp.lp.c[cs:ce] / pp.weights[j]
        province[j] = lp_j.objective_sign * (float(c @ x[cs:ce]) + lp_j.c0)
        drawn[j] = float((draw_matrix(lp_j, s.selection) @ x[cs:ce])[0])
    projects_value = (producing * d["value"]).sum(axis=0)
    charge = (producing * d["annuity"][:, None]).sum(axis=0) * d["share"]
    projects_fresh = (producing * d["freshwater"]).sum(axis=0)
    inv = np.asarray(reg["remaining_investment"].values, float)
    jobs = np.asarray(reg["jobs"].values, float)
    unit = s.selection.unit
    ds = xr.Dataset(
        {
            "complete": (("project", "year"), complete.astype(np.int8), {"units": "1"}),
            "producing": (("project", "year"), producing, {"units": "1"}),
            "completion": ("project", completion, {"units": "year"}),
            "expected_completion": (
                "project",
                np.asarray(reg["completion_year"].values, float),
                {"units": "year"},
            ),
            "remaining_investment": ("project", inv, {"units": "MUSD"}),
            "value_added": ("year", province + projects_value, {"units": "USD"}),
            "province_value_added": ("year", province, {"units": "USD"}),
            "projects_value": ("year", projects_value, {"units": "USD"}),
            "capital_charge": ("year", charge, {"units": "USD"}),
            "objective_year": ("year", province + projects_value - charge, {"units": "USD"}),
            "freshwater": ("year", drawn + projects_fresh, {"units": unit}),
            "projects_freshwater": ("year", projects_fresh, {"units": unit}),
            "projects_jobs": ("year", (producing * jobs[:, None]).sum(axis=0), {"units": "job"}),
            "invested": ("year", (complete * inv[:, None]).sum(axis=0), {"units": "MUSD"}),
            "objective_weight": ("year", pp.weights, {"units": "years"}),
        },
        coords={"project": ids, "year": years},
    )
    for name in ("project_name", "sector", "county", "jobs"):
        ds = ds.assign_coords({name: ("project", reg[name].values)})
    ds["complete"].attrs["description"] = "1 in the representative year the project is completed."
    ds["producing"].attrs["description"] = "1 in the modelled years the project runs (alive)."
    ds["objective_year"].attrs["description"] = (
        "The year's value added with the projects minus their annuities (undiscounted, per "
        "year; the pathway's own build charges are not in it)."
    )
    ds.attrs.update(
        scenario=s.case.name,
        objective=float(result.objective),
        mip_bound=float(result.mip_bound),
        mip_gap=float(result.mip_gap),
        status=str(result.status),
        synthetic=int(bool(reg.attrs.get("synthetic", 0))),
        lp_rows=int(prog.lp.shape[0]),
        lp_columns=int(prog.lp.shape[1]),
        binaries=int(prog.lp.integrality.sum()),
    )
    return ds


def schedule_text(ds: xr.Dataset, top: int = 10) -> str:
    """Return a planner summary of a :func:`schedule` result."""
    done = np.isfinite(ds["completion"].values)
    lines = [
        f"Portfolio over the pathway of {ds.attrs.get('scenario', '')!r}: "
        f"{int(done.sum())} of {done.size} projects completed, "
        f"{float(ds['remaining_investment'].values[done].sum()):,.4g} MUSD remaining investment.",
        f"  objective {ds.attrs['objective']:,.0f} {ds.attrs.get('objective_unit', 'USD')} "
        f"({ds.attrs.get('objective_name', 'value added')}, discounted); "
        f"LP relaxation bound {ds.attrs.get('relaxation_bound', np.nan):,.0f}; "
        f"MIP gap {ds.attrs['mip_gap']:.2e}",
        "  year   completed   MUSD   value added (USD/yr)   freshwater   projects' jobs",
    ]
    unit = ds["freshwater"].attrs.get("units", "")
    for j, y in enumerate(ds["year"].values):
        lines.append(
            f"  {int(y)}  {int(ds['complete'].values[:, j].sum()):9d}  "
            f"{float(ds['invested'].values[j]):7,.4g}  {float(ds['value_added'].values[j]):20,.0f}"
            f"   {float(ds['freshwater'].values[j]):,.4g} {unit}   "
            f"{float(ds['projects_jobs'].values[j]):,.0f}"
        )
    order = np.argsort(ds["completion"].values[done], kind="stable")
    lines.append("  Completed (year):")
    for i in np.flatnonzero(done)[order][:top]:
        lines.append(
            f"    {ds['project'].values[i]} {ds['project_name'].values[i]}: "
            f"{int(ds['completion'].values[i])}"
        )
    if done.sum() > top:
        lines.append(f"    ... {int(done.sum()) - top} more")
    if "why_not" in ds and (~done).any():
        out = np.flatnonzero(~done)
        net = np.nan_to_num(ds["net_value"].values[out], nan=-np.inf)
        lines.append("  Never completed, nearest first (why not, at the duals):")
        for i in out[np.argsort(-net, kind="stable")][:top]:
            lines.append(f"    {ds['project'].values[i]}: {ds['why_not'].values[i]}")
    return "\n".join(lines)
