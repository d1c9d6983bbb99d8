"""Portfolio selection: which projects to complete, with the province LP inside.

The program is the scenario's own (:func:`resourcemodel.build`, value-added objective)
with the projects appended as columns (:mod:`resourcemodel.portfolio.columns`):

- without partial capacity, one binary ``u_p`` per project: at ``u_p = 1`` it runs at
  full capacity and enters every cap row it draws on;
- with ``partial=True``, a binary ``u_p`` (completed) and an output share ``f_p`` in
  ``[0, 1]`` with the row ``portfolio-share``: ``f_p - u_p <= 0``; the investment is paid on
  ``u_p`` and everything else on ``f_p``.

Objectives (maximised): ``value_added`` (the province's value added plus the projects'
sales minus production and source costs, minus the annualised remaining investment),
``jobs`` (jobs of existing processes at their output plus the projects' jobs at their
share), or ``mix`` (value added + ``job_value`` USD per job).

Rules (rows, each a family of its own): ``portfolio-budget`` (sum of remaining investment
of completed projects <= budget, MUSD), ``portfolio-exclusive`` (at most one project per
``exclusive_group``), ``portfolio-requires`` (``u_p <= u_q`` for ``requires``),
``portfolio-county`` (at most ``n`` projects per county), ``portfolio-sector-share`` (a
sector's remaining investment >= a share of the selected projects' remaining investment)
and ``portfolio-freshwater`` (province plus projects' freshwater draw <= an epsilon; the
trade-off front); ``complete_by`` bounds at 0 the projects expected later.

"Why not": the MILP's duals come from the LP with the binaries fixed at their optimum
(both backends do this). At those duals every project's column is priced: its gain (the
objective coefficients of its columns) minus the charge of every cap and pooled-product
row it enters. A rejected project with a negative net value is kept out by the caps: the
caps whose charge is largest are named, with the amount of the resource it would need
in each (its own use in that row), added until its gain covers the remaining charges.
A rejected project with a non-negative net value is kept out by a rule (site taken,
precedence, quota, budget).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
import xarray as xr

from resourcemodel.analyses.common import (
    add_columns,
    add_rows,
    amount,
    draw_matrix,
    replace,
    run,
)
from resourcemodel.exceptions import InputError
from resourcemodel.portfolio.columns import FAMILIES, factored_columns, family_rows
from resourcemodel.portfolio.contributions import CONTRIBUTIONS, exact_contributions
from resourcemodel.portfolio.screen import DISCOUNT_RATE, LIFETIME, Setting, setting
from resourcemodel.portfolio.start import Start, relaxation_start, set_start
from resourcemodel.program import LinearProgram

if TYPE_CHECKING:
    from resourcemodel.backends import SolveResult
    from resourcemodel.scenario import Scenario

#: Objectives of :func:`select_portfolio`.
PORTFOLIO_OBJECTIVES = ("value_added", "jobs", "mix")


@dataclass
class Rules:
    """Selection rules; ``None`` switches a rule off.

    Attributes
    ----------
    budget : float or None
        Remaining investment of the completed projects, at most, million USD.
    exclusive : bool
        At most one project of each ``exclusive_group`` of the register.
    precedence : bool
        A project whose ``requires`` names another is completed only with it.
    county_quota : dict of str to int, optional
        At most this many completed projects in a county.
    sector_min_share : dict of str to float, optional
        A sector's share (0-1) of the selected projects' remaining investment, at least.
    freshwater_cap : float or None
        Province plus projects' draw of the ``of`` resource, at most (its unit).
    partial : bool
        A completed project may run below capacity (an output share ``f <= u``).
    complete_by : float or None
        Only projects whose ``completion_year`` is at most this year (or not given) can be
        completed.
    """

    budget: float | None = None
    exclusive: bool = True
    precedence: bool = True
    county_quota: dict[str, int] | None = None
    sector_min_share: dict[str, float] | None = None
    freshwater_cap: float | None = None
    partial: bool = False
    complete_by: float | None = None


@dataclass
class Portfolio:
    """A selected portfolio; see :func:`select_portfolio`.

    Attributes
    ----------
    projects : xarray.Dataset
        Per project: ``selected``, ``share``, ``gain``, ``value``, ``annuity``,
        ``scarcity_charge``, ``net_value`` (contribution at the fixed-binary duals),
        ``reason`` and ``why_not`` (text), ``cap`` (the cap with the largest charge),
        ``cap_charge``, ``more_needed`` and ``more_needed_unit``, ``caps_to_admit``; with
        ``contributions="exact"`` also ``contribution`` (objective lost without it).
    objective : float
        The MILP's objective (``objective_unit``).
    relaxation_bound : float
        Objective of the LP relaxation (an upper bound for a maximisation).
    mip_bound, mip_gap : float
        The solver's bound and relative gap (``nan`` where the backend does not give them).
    base_objective : float
        The scenario's objective without any project (same objective).
    results : xarray.Dataset
        The province's results with the portfolio (existing plants only).
    """

    projects: xr.Dataset
    objective: float
    relaxation_bound: float
    mip_bound: float
    mip_gap: float
    base_objective: float
    objective_name: str
    objective_unit: str
    results: xr.Dataset
    marginal: str
    timing: dict[str, float] = field(default_factory=dict)
    freshwater: float = float("nan")

    @property
    def selected(self) -> list[str]:
        """Ids of the completed projects."""
        p = self.projects
        return [str(x) for x in p["project"].values[p["selected"].values]]

    def text(self, top: int = 10) -> str:
        """Return a planner summary: selected, marginal, why-not of the nearest rejections."""
        return _text(self, top)

    def __str__(self) -> str:
        return self.text()


@dataclass
class _Program:
    lp: LinearProgram
    n0: int
    m0: int
    f: np.ndarray  # column of each project's share
    u: np.ndarray  # column of each project's completion binary
    gain: np.ndarray  # objective gain per project at f = u = 1 (objective units)
    freshwater_row: int
    unit: str = "USD"


def build_program(
    s: Setting,
    rules: Rules,
    *,
    objective: str = "value_added",
    job_value: float = 0.0,
) -> _Program:
    """Return the province LP with project columns and rule rows (see the module doc).

    The ``portfolio-freshwater`` row sums the draw of ``s.selection`` (the ``of`` of
    :func:`~resourcemodel.portfolio.screen.setting`).
    """
    if objective not in PORTFOLIO_OBJECTIVES:
        msg = f"objective must be one of {list(PORTFOLIO_OBJECTIVES)}, got {objective!r}."
        raise InputError(msg)
    lp = s.lp
    m0, n0 = lp.shape
    reg = s.register
    npj = reg.sizes["project"]
    value, ann = s.columns.value, s.annuity
    jobs = np.asarray(reg["jobs"].values, float)
    # Objective (minimised): existing columns.
    c_va, c0 = lp.c.copy(), lp.c0
    c_jobs = np.zeros(n0)
    x = lp.variables["production"].index
    per_job = np.nan_to_num(np.asarray(s.case.inputs["jobs"].values, float)) / s.years
    c_jobs[x.ravel()] = -np.broadcast_to(per_job[:, None], x.shape).ravel()
    if objective == "value_added":
        c, f_cost, u_cost = c_va, -value, ann
    elif objective == "jobs":
        c, c0, f_cost, u_cost = c_jobs, 0.0, -jobs, np.zeros(npj)
    else:
        c, f_cost, u_cost = c_va + job_value * c_jobs, -value - job_value * jobs, ann
    base = replace(lp, c=c, c0=c0)
    g, b = factored_columns(lp, s.case.inputs, reg, s.columns.source)
    labels = list(reg["project"].values)
    k = g.shape[1]
    # Aggregate amounts w = B f (one per class and item) carry the projects into the rows.
    prog = add_columns(base, "portfolio_amount", [f"w{i}" for i in range(k)], g)
    if rules.partial:
        prog = add_columns(
            prog, "project_share", labels, sp.csr_matrix((m0, npj)), upper=1.0, cost=f_cost
        )
        prog = add_columns(
            prog,
            "project_completed",
            labels,
            sp.csr_matrix((m0, npj)),
            upper=1.0,
            cost=u_cost,
            integer=True,
        )
        f, u = np.arange(n0 + k, n0 + k + npj), np.arange(n0 + k + npj, n0 + k + 2 * npj)
        link = sp.hstack(
            [sp.csr_matrix((npj, n0 + k)), sp.identity(npj), -sp.identity(npj)], format="csr"
        )
        prog = add_rows(prog, "portfolio-share", labels, link, upper=0.0)
    else:
        prog = add_columns(
            prog,
            "project_completed",
            labels,
            sp.csr_matrix((m0, npj)),
            upper=1.0,
            cost=f_cost + u_cost,
            integer=True,
        )
        f = u = np.arange(n0 + k, n0 + k + npj)
    if rules.complete_by is not None:
        late = np.asarray(reg["completion_year"].values, float) > rules.complete_by
        upper = prog.col_upper.copy()
        upper[u[late]] = 0.0
        prog = replace(prog, col_upper=upper)
    nn = prog.shape[1]
    amount = sp.hstack(
        [sp.csr_matrix((k, n0)), sp.identity(k), sp.csr_matrix((k, nn - n0 - k))], format="lil"
    )
    amount[:, f] = -b
    prog = add_rows(
        prog, "portfolio-amount", [f"w{i}" for i in range(k)], amount.tocsr(), lower=0.0, upper=0.0
    )
    n = prog.shape[1]

    def on_u(matrix: sp.csr_matrix) -> sp.csr_matrix:
        """Place a ``k x P`` matrix on the completion columns of the whole program."""
        coo = matrix.tocoo()
        return sp.csr_matrix((coo.data, (coo.row, u[coo.col])), shape=(matrix.shape[0], n))

    inv = np.asarray(reg["remaining_investment"].values, float)
    if rules.budget is not None:
        prog = add_rows(
            prog, "portfolio-budget", ["budget"], on_u(sp.csr_matrix(inv)), upper=rules.budget
        )
    groups = reg["exclusive_group"].values.astype(str)
    if rules.exclusive and (groups != "").any():
        sites, code = np.unique(groups[groups != ""], return_inverse=True)
        members = np.flatnonzero(groups != "")
        mat = sp.csr_matrix((np.ones(len(members)), (code, members)), shape=(len(sites), npj))
        prog = add_rows(prog, "portfolio-exclusive", list(sites), on_u(mat), upper=1.0)
    req = reg["requires"].values.astype(str)
    if rules.precedence and (req != "").any():
        ids = {p: i for i, p in enumerate(reg["project"].values.astype(str))}
        who = np.flatnonzero(req != "")
        pair = np.arange(len(who))
        mat = sp.csr_matrix(
            (
                np.r_[np.ones(len(who)), -np.ones(len(who))],
                (np.r_[pair, pair], np.r_[who, [ids[r] for r in req[who]]]),
            ),
            shape=(len(who), npj),
        )
        prog = add_rows(
            prog, "portfolio-requires", list(reg["project"].values[who]), on_u(mat), upper=0.0
        )
    if rules.county_quota:
        county = reg["county"].values.astype(str)
        names = sorted(rules.county_quota)
        rows = [np.flatnonzero(county == c) for c in names]
        mat = sp.csr_matrix(
            (
                np.ones(sum(len(r) for r in rows)),
                (np.repeat(np.arange(len(names)), [len(r) for r in rows]), np.concatenate(rows)),
            ),
            shape=(len(names), npj),
        )
        quota = np.array([rules.county_quota[c] for c in names], float)
        prog = add_rows(prog, "portfolio-county", names, on_u(mat), upper=quota)
    if rules.sector_min_share:
        sector = reg["sector"].values.astype(str)
        names = sorted(rules.sector_min_share)
        share = np.array([rules.sector_min_share[x] for x in names])
        in_sector = sector[None, :] == np.array(names)[:, None]
        mat = (in_sector - share[:, None]) * inv[None, :]
        prog = add_rows(prog, "portfolio-sector-share", names, on_u(sp.csr_matrix(mat)), lower=0.0)
    sel = s.selection
    draw = sp.hstack([draw_matrix(lp, sel), sp.csr_matrix((1, n - n0))], format="lil")
    draw[0, f] = s.freshwater
    cap = np.inf if rules.freshwater_cap is None else rules.freshwater_cap
    row = prog.shape[0]
    prog = add_rows(
        prog, "portfolio-freshwater", [sel.name], draw.tocsr(), upper=cap, unit=sel.unit
    )
    gain = -(prog.c[f] + (prog.c[u] if rules.partial else 0.0))
    return _Program(prog, n0, m0, f, u, gain, row, "job" if objective == "jobs" else "USD")


def select_portfolio(
    scenario: str | Path | Scenario | xr.Dataset,
    register: str | Path | xr.Dataset,
    *,
    objective: str = "value_added",
    job_value: float = 0.0,
    rules: Rules | None = None,
    budget: float | None = None,
    discount_rate: float = DISCOUNT_RATE,
    lifetime: float = LIFETIME,
    backend: str = "highs",
    mip_rel_gap: float = 1e-4,
    time_limit: float | None = None,
    of: str = "freshwater",
    prepared: Setting | None = None,
    start: bool = True,
    contributions: str = "marginal",
    contributions_top: int | None = None,
) -> Portfolio:
    """Select the projects to complete under the caps and rules.

    Parameters
    ----------
    scenario : str, Path, Scenario or xarray.Dataset
        The scenario the projects would join.
    register : str, Path or xarray.Dataset
        The project register (CSV or :func:`read_register` Dataset).
    objective : {"value_added", "jobs", "mix"}
        What to maximise; ``mix`` adds ``job_value`` USD per job to value added.
    job_value : float
        USD per job per year in the ``mix`` objective.
    rules : Rules, optional
        Selection rules; ``budget`` (MUSD) is a shortcut for ``Rules(budget=...)``.
    discount_rate, lifetime : float
        Annualisation of the remaining investment.
    backend : str
        ``highs`` or ``pulp`` (CBC).
    mip_rel_gap : float
        Relative gap at which the MILP stops.
    time_limit : float, optional
        Seconds.
    of : str
        The resource of the freshwater rule and report.
    prepared : Setting, optional
        A solved :func:`~resourcemodel.portfolio.screen.setting` to reuse.
    start : bool
        With HiGHS, start the MILP from a solution built from its LP relaxation
        (:mod:`resourcemodel.portfolio.start`): the 5,430-project benchmark with rules
        then closes its 1e-4 gap at the root node. ``False``: HiGHS alone.
    contributions : {"marginal", "exact"}
        ``exact`` adds ``contribution`` to :attr:`Portfolio.projects`: for each selected
        project, the objective lost without it, the other choices kept and the province
        LP re-solved (one warm LP each; :mod:`resourcemodel.portfolio.contributions`).
        ``marginal`` (default): ``net_value`` only, priced at the duals.
    contributions_top : int, optional
        With ``exact``, only the selected projects with the largest ``net_value``, this many.

    Returns
    -------
    Portfolio
    """
    rules = rules or Rules()
    if budget is not None:
        rules.budget = budget
    timing: dict[str, float] = {}
    t0 = time.perf_counter()
    s = prepared or setting(
        scenario, register, backend=backend, discount_rate=discount_rate, lifetime=lifetime, of=of
    )
    timing["setting"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    prog = build_program(s, rules, objective=objective, job_value=job_value)
    timing["build"] = time.perf_counter() - t0
    return solve_program(
        s,
        prog,
        rules,
        backend=backend,
        mip_rel_gap=mip_rel_gap,
        time_limit=time_limit,
        timing=timing,
        objective=objective,
        start=start,
        contributions=contributions,
        contributions_top=contributions_top,
    )


def _solve(lp: LinearProgram, backend: str, **options: object) -> SolveResult:
    options = {k: v for k, v in options.items() if v is not None}
    if backend != "highs":
        options.pop("mip_rel_gap", None)
        gap = options.pop("gap", None)
        if gap is not None:
            options["options"] = [f"ratioGap {gap}"]
    else:
        options.pop("gap", None)
    return run(lp, backend, **options)


def solve_milp(
    lp: LinearProgram,
    columns: np.ndarray,
    *,
    backend: str = "highs",
    mip_rel_gap: float = 1e-4,
    time_limit: float | None = None,
    relaxation: bool = True,
    start: bool = True,
    timing: dict[str, float] | None = None,
) -> tuple[SolveResult, float]:
    """Solve a portfolio MILP; return its result and the LP relaxation's objective.

    With ``start`` and HiGHS, the MILP starts from
    :func:`~resourcemodel.portfolio.start.relaxation_start` (``columns``: the project
    columns); the relaxation is then solved whatever ``relaxation`` says. Its objective is
    ``nan`` when it is not solved.
    """
    timing = {} if timing is None else timing
    bound = np.nan
    begin: Start | None = None
    use_start = start and backend == "highs"
    if relaxation or use_start:
        t0 = time.perf_counter()
        relaxed = replace(lp, integrality=np.zeros_like(lp.integrality))
        r = _solve(relaxed, backend)
        bound = float(r.objective) if r.status.is_ok else np.nan
        timing["relaxation"] = time.perf_counter() - t0
        if use_start and r.status.is_ok:
            t0 = time.perf_counter()
            begin = relaxation_start(
                lp,
                columns,
                np.nan_to_num(r.x),
                np.nan_to_num(r.row_dual),
                float(lp.c @ np.nan_to_num(r.x) + lp.c0),
                mip_rel_gap=mip_rel_gap,
            )
            timing["start"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if begin is not None:
        from resourcemodel.backends.highs import HighsModel

        model = HighsModel(lp, mip_rel_gap=mip_rel_gap)
        if time_limit is not None:
            model.h.setOptionValue("time_limit", float(time_limit))
        set_start(model.h, lp, begin.x)
        result = model.solve()
    else:
        result = _solve(
            lp, backend, mip_rel_gap=mip_rel_gap, time_limit=time_limit, gap=mip_rel_gap
        )
    timing["milp"] = time.perf_counter() - t0
    return result, bound


def solve_program(
    s: Setting,
    prog: _Program,
    rules: Rules,
    *,
    backend: str = "highs",
    mip_rel_gap: float = 1e-4,
    time_limit: float | None = None,
    timing: dict[str, float] | None = None,
    objective: str = "value_added",
    relaxation: bool = True,
    start: bool = True,
    contributions: str = "marginal",
    contributions_top: int | None = None,
) -> Portfolio:
    """Solve a built portfolio program (and its LP relaxation) and explain the choice.

    With ``start`` (HiGHS only) the MILP starts from a solution built from the relaxation
    (:func:`~resourcemodel.portfolio.start.relaxation_start`); HiGHS's own bound still
    proves the gap. ``contributions``: see :func:`select_portfolio`.
    """
    from resourcemodel.analyses.common import results_of

    if contributions not in CONTRIBUTIONS:
        msg = f"contributions must be one of {list(CONTRIBUTIONS)}, got {contributions!r}."
        raise InputError(msg)

    timing = {} if timing is None else timing
    lp = prog.lp
    result, bound = solve_milp(
        lp,
        np.unique(np.r_[prog.f, prog.u]),
        backend=backend,
        mip_rel_gap=mip_rel_gap,
        time_limit=time_limit,
        relaxation=relaxation,
        start=start,
        timing=timing,
    )
    if not result.status.is_ok:
        from resourcemodel.exceptions import InfeasibleError

        raise InfeasibleError(
            s.case.name, str(result.status), "Relax the portfolio rules (budget, quotas, shares)."
        )
    t0 = time.perf_counter()
    projects, marginal = explain(s, prog, result, rules)
    timing["explain"] = time.perf_counter() - t0
    if contributions == "exact":
        t0 = time.perf_counter()
        chosen = np.flatnonzero(projects["selected"].values)
        chosen = chosen[np.argsort(-projects["net_value"].values[chosen], kind="stable")]
        if contributions_top is not None:
            chosen = chosen[: max(int(contributions_top), 0)]
        exact = exact_contributions(lp, prog.u, np.nan_to_num(result.x), chosen)
        projects["contribution"] = (
            "project",
            exact,
            {
                "units": "objective unit",
                "description": "Objective lost without the project, the other choices kept "
                "and the province LP re-solved (exact; nan where not computed).",
            },
        )
        timing["contributions"] = time.perf_counter() - t0
    base_obj = -(lp.c[: prog.n0] @ np.nan_to_num(s.result.x) + lp.c0)
    fresh = float((lp.A[prog.freshwater_row] @ np.nan_to_num(result.x))[0])
    res = results_of(s.case, s.lp, result)
    name = {"value_added": "value added", "jobs": "jobs", "mix": "value added + job value"}[
        objective
    ]
    unit = "job" if objective == "jobs" else "USD"
    projects.attrs.update(
        objective=objective,
        scenario=s.case.name,
        synthetic=int(bool(s.register.attrs.get("synthetic", 0))),
    )
    return Portfolio(
        projects=projects,
        objective=float(result.objective),
        relaxation_bound=bound,
        mip_bound=float(result.mip_bound),
        mip_gap=float(result.mip_gap),
        base_objective=float(base_obj),
        objective_name=name,
        objective_unit=unit,
        results=res,
        marginal=marginal,
        timing=timing,
        freshwater=fresh,
    )


def _row_names(lp: LinearProgram, rows: np.ndarray) -> dict[int, tuple[str, str]]:
    """Return ``{row: (label, unit template)}`` for the given rows of ``lp``."""
    out = {}
    for name, block in lp.constraints.items():
        present = block.index >= 0
        hit = np.isin(block.index, rows) & present
        for where in np.argwhere(hit):
            labels = ", ".join(
                str(block.coords[d][i]) for d, i in zip(block.dims, where, strict=True)
            )
            out[int(block.index[tuple(where)])] = (f"{name}[{labels}]", block.unit)
    return out


def _unit(s: Setting, template: str, label: str) -> str:
    inputs = s.case.inputs
    inner = label[label.index("[") + 1 : -1].split(", ")
    if "{source.resource}" in template:
        r = str(inputs["source_resource"].sel(source=inner[0]).item())
        return str(inputs["resource_unit"].sel(resource=r).item())
    if "{group.resource}" in template:
        r = str(inputs["group_resource"].sel(group=inner[0]).item())
        return str(inputs["resource_unit"].sel(resource=r).item())
    if "{product}" in template:
        return str(inputs["product_unit"].sel(product=inner[0]).item())
    return template


def explain(
    s: Setting, prog: _Program, result: SolveResult, rules: Rules
) -> tuple[xr.Dataset, str]:
    """Return the per-project Dataset of a solved portfolio and the marginal project left out."""
    reg = s.register
    npj = reg.sizes["project"]
    x = np.nan_to_num(result.x)
    u = x[prog.u] > 0.5
    share = np.clip(x[prog.f], 0.0, 1.0) + 0.0
    y = np.nan_to_num(result.row_dual[: prog.m0])
    # Charge of every entry (row, project) of the project columns in the base rows.
    coo = s.columns.matrix.tocoo()
    contrib = -y[coo.row] * coo.data
    charge = np.bincount(coo.col, weights=contrib, minlength=npj)
    fam = np.full(prog.m0, -1)
    for k, rows in enumerate(family_rows(s.lp).values()):
        fam[rows] = k
    by_family = np.zeros((npj, len(FAMILIES)))
    ok = fam[coo.row] >= 0
    np.add.at(by_family, (coo.col[ok], fam[coo.row[ok]]), contrib[ok])
    gain = prog.gain
    net = gain - charge
    # Caps a rejected project would need more of, largest charge first, until admitted.
    caps = (
        (fam[coo.row] >= 0) & (fam[coo.row] < FAMILIES.index("product-balance")) & (contrib > 1e-9)
    )
    pc, rc, cc, amt = coo.col[caps], coo.row[caps], contrib[caps], coo.data[caps]
    order = np.lexsort((-cc, pc))
    pc, rc, cc, amt = pc[order], rc[order], cc[order], amt[order]
    start = np.searchsorted(pc, np.arange(npj))
    cum = np.cumsum(cc)
    before = np.r_[0.0, cum][start]
    within = cum - before[pc]
    deficit = -net
    enough = within >= deficit[pc] - 1e-9 * np.abs(gain[pc])
    names = {
        r: (label, _unit(s, template, label))
        for r, (label, template) in _row_names(s.lp, np.unique(rc)).items()
    }
    reason = np.full(npj, "", dtype=object)
    why = np.full(npj, "", dtype=object)
    top_cap = np.full(npj, "", dtype=object)
    top_charge = np.zeros(npj)
    more = np.full(npj, np.nan)
    more_unit = np.full(npj, "", dtype=object)
    admit = np.full(npj, "", dtype=object)
    has_cap = np.zeros(npj, dtype=bool)
    has_cap[pc] = True
    first = start[has_cap]
    top_cap[has_cap] = [names[int(r)][0] for r in rc[first]]
    top_charge[has_cap] = cc[first]
    more[has_cap] = amt[first]
    more_unit[has_cap] = [names[int(r)][1] for r in rc[first]]
    groups = reg["exclusive_group"].values.astype(str)
    req = reg["requires"].values.astype(str)
    ids = reg["project"].values.astype(str)
    chosen_by_group = {g: p for g, p in zip(groups[u], ids[u], strict=True) if g}
    selected_ids = set(ids[u])
    county = reg["county"].values.astype(str)
    inv = np.asarray(reg["remaining_investment"].values, float)
    left = (rules.budget - float(inv[u].sum())) if rules.budget is not None else np.inf
    year = np.asarray(reg["completion_year"].values, float)
    for i in range(npj):
        if u[i]:
            reason[i] = "selected"
            continue
        if rules.complete_by is not None and year[i] > rules.complete_by:
            reason[i] = "completion"
            why[i] = f"its expected completion ({year[i]:.0f}) is after {rules.complete_by:.0f}"
        elif gain[i] <= 0:
            reason[i] = "no_margin"
            why[i] = "its sales do not cover its costs and annualised investment, even with no cap"
        elif net[i] < 0:
            reason[i] = "caps" if has_cap[i] else "pooled_products"
            seg = slice(start[i], start[i + 1] if i + 1 < npj else len(pc))
            hits = np.flatnonzero(enough[seg])
            needed = (hits[0] + 1) if len(hits) else (seg.stop - seg.start)
            parts = [
                f"{names[int(r)][0]} +{amount(float(a), names[int(r)][1])}"
                for r, a in zip(rc[seg][:needed], amt[seg][:needed], strict=True)
            ]
            admit[i] = "; ".join(parts) if len(hits) else ""
            why[i] = (
                f"{top_cap[i]} charges {top_charge[i]:,.0f} against a gain of {gain[i]:,.0f}"
                f" {prog.unit} (net {net[i]:,.0f}); admitted with more of: {'; '.join(parts)}"
                if len(hits)
                else f"caps and pooled products charge {charge[i]:,.0f} against a gain of "
                f"{gain[i]:,.0f} {prog.unit}; more of the capped resources alone would not "
                "admit it"
            )
        elif groups[i] and groups[i] in chosen_by_group:
            reason[i] = "exclusive"
            why[i] = f"its site ({groups[i]}) goes to {chosen_by_group[groups[i]]}"
        elif req[i] and req[i] not in selected_ids:
            reason[i] = "precedence"
            why[i] = f"it requires {req[i]}, which is not selected"
        elif rules.budget is not None and inv[i] > left + 1e-9 * max(rules.budget, 1.0):
            reason[i] = "budget"
            why[i] = (
                f"net {net[i]:,.0f} >= 0 at the caps' prices, but it needs {inv[i]:,.4g} MUSD "
                f"and {left:,.4g} MUSD of the budget is left"
            )
        elif (
            rules.county_quota
            and county[i] in rules.county_quota
            and (int((u & (county == county[i])).sum()) >= rules.county_quota[county[i]])
        ):
            reason[i] = "county_quota"
            why[i] = f"county {county[i]} has its quota of {rules.county_quota[county[i]]}"
        else:
            reason[i] = "rules"
            why[i] = (
                f"net {net[i]:,.0f} >= 0 at the caps' prices; the rules together (budget, "
                "sector shares) favour others"
            )
    rejected = np.flatnonzero(~u)
    marginal = ""
    if len(rejected):
        marginal = str(ids[rejected[np.argmax(net[rejected])]])
    ds = xr.Dataset(
        {
            "selected": ("project", u),
            "share": ("project", share, {"units": "fraction"}),
            "gain": ("project", gain, {"units": "objective unit"}),
            "value": ("project", s.columns.value, {"units": "USD"}),
            "annuity": ("project", s.annuity, {"units": "USD"}),
            "remaining_investment": ("project", inv, {"units": "MUSD"}),
            "scarcity_charge": ("project", charge, {"units": "objective unit"}),
            "charge_by_family": (("project", "family"), by_family, {"units": "objective unit"}),
            "net_value": ("project", net, {"units": "objective unit"}),
            "freshwater": ("project", s.freshwater, {"units": s.selection.unit}),
            "reason": ("project", reason.astype(str)),
            "why_not": ("project", why.astype(str)),
            "cap": ("project", top_cap.astype(str)),
            "cap_charge": ("project", top_charge, {"units": "objective unit"}),
            "more_needed": ("project", more),
            "more_needed_unit": ("project", more_unit.astype(str)),
            "caps_to_admit": ("project", admit.astype(str)),
        },
        coords={"project": ids, "family": list(FAMILIES)},
    )
    for name in ("project_name", "project_name_fa", "sector", "county", "jobs", "lat", "lon"):
        ds = ds.assign_coords({name: ("project", reg[name].values)})
    ds["net_value"].attrs["description"] = (
        "Gain minus the charges of the caps and pooled products it enters, at the duals of "
        "the LP with the choices fixed: a selected project's contribution, a rejected "
        "project's distance from admission."
    )
    return ds, marginal


def _text(p: Portfolio, top: int) -> str:
    d = p.projects
    sel = d["selected"].values
    unit = p.objective_unit
    lines = [
        f"Portfolio for {d.attrs.get('scenario', '')!r} ({p.objective_name}): "
        f"{int(sel.sum())} of {sel.size} projects completed, "
        f"{float(d['remaining_investment'].values[sel].sum()):,.4g} MUSD remaining investment.",
        f"  objective {p.objective:,.0f} {unit} (without projects {p.base_objective:,.0f}); "
        f"LP relaxation bound {p.relaxation_bound:,.0f}; MIP gap {p.mip_gap:.2e}",
    ]
    order = np.argsort(-d["net_value"].values)
    lines.append("  Largest contributions (selected):")
    exact = d["contribution"].values if "contribution" in d else None
    for i in [j for j in order if sel[j]][:top]:
        more = (
            f" (exact, without it: {exact[i]:,.0f})"
            if exact is not None and np.isfinite(exact[i])
            else ""
        )
        lines.append(
            f"    {d['project'].values[i]} {d['project_name'].values[i]}: "
            f"{d['net_value'].values[i]:,.0f} {unit}{more}"
        )
    if p.marginal:
        i = int(np.flatnonzero(d["project"].values == p.marginal)[0])
        lines.append(
            f"  Marginal project left out: {p.marginal} {d['project_name'].values[i]} "
            f"(net {d['net_value'].values[i]:,.0f} {unit}): {d['why_not'].values[i]}"
        )
    lines.append("  Why not (nearest rejections):")
    for i in [j for j in order if not sel[j]][:top]:
        lines.append(f"    {d['project'].values[i]}: {d['why_not'].values[i]}")
    return "\n".join(lines)
