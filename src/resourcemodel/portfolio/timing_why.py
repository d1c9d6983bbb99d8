"""Why not over a pathway: each project's net value by completion year, at the duals.

The duals are those of the stacked program with the completion binaries fixed at their
optimum (both backends give them so), in the program's units: each year's rows are priced
in its weighted (discounted) objective. At those duals the column ``x[p, k]`` (complete
``p`` in representative year ``y_k``) is priced as in the single-year selection
(:func:`~resourcemodel.portfolio.select.explain`), summed over the years it runs:

- ``gain[p, k]``: minus its objective coefficient (its value, jobs or both in every
  modelled year it is alive, minus the annuities, each year weighted);
- ``charge[p, k]``: the dual of every row of every year ``j`` it runs in (caps and pooled
  products of that year) times its use there;
- ``net[p, k] = gain - charge``.

A project never completed is explained at its best year (the ``k`` with the largest net):

- ``completion``: no representative year is allowed (expected after the horizon or after
  ``complete_by``);
- ``no_margin``: its gain is not positive in any allowed year, even with no cap;
- ``caps``: its net is negative in every year: the caps (a row of a year) with the largest
  charges are named, with its own use there, added until its gain covers the rest;
- otherwise a rule keeps it out: its site completed by another, the project it requires
  never completed, the budget, its county's quota;
- ``not_marginal``: none of these, yet its net is not negative. The duals price a cap at
  the margin only; a whole project may need more of a cap than the others (the province's
  plants and the completed projects) can cede at that price, or the rules together (year
  budgets, sector shares, the freshwater rule) favour others. The cap it takes the largest
  share of (its use over the cap, in a year it would run) is named.

What is *not* reported over years: the single-year "marginal project" and exact
contributions (a re-solve per project over the whole pathway is too dear).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from resourcemodel.analyses.common import amount
from resourcemodel.portfolio.columns import FAMILIES, family_rows
from resourcemodel.portfolio.select import Rules, _row_names, _unit

if TYPE_CHECKING:
    from resourcemodel.backends import SolveResult
    from resourcemodel.pathway.stack import PathwayProgram
    from resourcemodel.portfolio.screen import Setting
    from resourcemodel.program import LinearProgram

CAP_FAMILIES = FAMILIES[: FAMILIES.index("product-balance")]


def why_not(
    s: Setting,
    pp: PathwayProgram,
    prog: Any,
    result: SolveResult,
    year_lps: list[LinearProgram],
    rules: Rules,
    unit: str,
) -> xr.Dataset:
    """Return per project and completion year the net value at the duals, and why not.

    Parameters
    ----------
    s : Setting
        The portfolio setting (register, single-year case for the units).
    pp : PathwayProgram
        The stacked program (row offsets of each year).
    prog : timing._Program
        The program with completion columns (``xcol``, ``alive``, ``data['cost']``,
        ``matrices``).
    result : SolveResult
        The MILP's result (duals of the LP with the binaries fixed).
    year_lps : list of LinearProgram
        Each year's program.
    rules : Rules
        The rules solved with.
    unit : str
        The objective's unit.

    Returns
    -------
    xarray.Dataset
        Over ``(project, year)``: ``net_value_by_year``, ``scarcity_charge_by_year`` (nan
        where the year is not allowed); over ``project``: ``best_year``, ``gain``,
        ``scarcity_charge``, ``net_value`` (at the year chosen, or the best year for a
        project never completed), ``reason``, ``why_not``, ``cap``, ``cap_charge``,
        ``caps_to_admit``.
    """
    reg = s.register
    ids = reg["project"].values.astype(str)
    npj = len(ids)
    years = np.asarray(pp.years, dtype=int)
    nyr = len(years)
    x = np.nan_to_num(result.x)
    y = np.nan_to_num(result.row_dual)
    xcol = prog.xcol
    complete = (xcol >= 0) & (x[np.maximum(xcol, 0)] > 0.5)
    done = complete.any(axis=1)
    # Charges of every entry (project, year, row) of the projects' columns.
    charge_j = np.zeros((npj, nyr))
    ent_p, ent_j, ent_r, ent_c, ent_a = [], [], [], [], []
    for j in range(nyr):
        coo = prog.matrices[j].tocoo()
        rows = coo.row + int(pp.row_start[j])
        contrib = -y[rows] * coo.data
        charge_j[:, j] = np.bincount(coo.col, weights=contrib, minlength=npj)
        is_cap = np.zeros(year_lps[j].shape[0], dtype=bool)
        for name, fam_rows in family_rows(year_lps[j]).items():
            if name in CAP_FAMILIES:
                is_cap[fam_rows] = True
        keep = is_cap[coo.row] & (coo.data > 0)
        ent_p.append(coo.col[keep])
        ent_j.append(np.full(int(keep.sum()), j))
        ent_r.append(coo.row[keep])
        ent_c.append(contrib[keep])
        ent_a.append(coo.data[keep])
    ep, ej, er, ec, ea = (np.concatenate(a) for a in (ent_p, ent_j, ent_r, ent_c, ent_a))
    alive = prog.alive.astype(float)  # [k, j]
    present = xcol >= 0
    gain_k = np.where(present, -prog.data["cost"], np.nan)
    charge_k = np.where(present, charge_j @ alive.T, np.nan)
    net_k = gain_k - charge_k
    chosen_k = np.argmax(complete, axis=1)
    any_present = present.any(axis=1)
    best_k = np.where(done, chosen_k, np.argmax(np.where(present, net_k, -np.inf), axis=1))
    rows_p = np.arange(npj)
    gain = np.where(any_present, gain_k[rows_p, best_k], np.nan)
    charge = np.where(any_present, charge_k[rows_p, best_k], np.nan)
    net = gain - charge
    best_gain = np.where(any_present, np.nanmax(np.where(present, gain_k, -np.inf), axis=1), np.nan)

    row_upper = np.asarray(prog.lp.row_upper, float)
    names: dict[tuple[int, int], tuple[str, str]] = {}
    for j in range(nyr):
        local = np.unique(er[ej == j])
        for r, (label, template) in _row_names(year_lps[j], local).items():
            names[(j, r)] = (f"{label} in {years[j]}", _unit(s, template, label))

    reason = np.full(npj, "", dtype=object)
    why = np.full(npj, "", dtype=object)
    top_cap = np.full(npj, "", dtype=object)
    top_charge = np.full(npj, np.nan)
    admit = np.full(npj, "", dtype=object)
    groups = reg["exclusive_group"].values.astype(str)
    req = reg["requires"].values.astype(str)
    county = reg["county"].values.astype(str)
    inv = np.asarray(reg["remaining_investment"].values, float)
    taken = {g: p for g, p in zip(groups[done], ids[done], strict=True) if g}
    completed = set(ids[done])
    left = (rules.budget - float(inv[done].sum())) if rules.budget is not None else np.inf
    for i in range(npj):
        if done[i]:
            reason[i] = "completed"
            continue
        if not any_present[i]:
            reason[i] = "completion"
            why[i] = "no representative year is allowed (expected completion after the horizon"
            why[i] += " or after complete_by)" if rules.complete_by is not None else ")"
            continue
        k = int(best_k[i])
        if best_gain[i] <= 0:
            reason[i] = "no_margin"
            why[i] = (
                f"its gain is not positive in any year it could be completed, even with no "
                f"cap (at best {best_gain[i]:,.0f} {unit})"
            )
        elif net[i] < 0:
            sel = (ep == i) & (alive[k, ej] > 0) & (ec > 1e-9)
            order = np.argsort(-ec[sel], kind="stable")
            cj, cr, cc, ca = ej[sel][order], er[sel][order], ec[sel][order], ea[sel][order]
            if len(cc) == 0:
                reason[i] = "pooled_products"
                why[i] = (
                    f"pooled products charge {charge[i]:,.0f} against a gain of "
                    f"{gain[i]:,.0f} {unit} (completed in {years[k]})"
                )
                continue
            reason[i] = "caps"
            top_cap[i] = names[(int(cj[0]), int(cr[0]))][0]
            top_charge[i] = cc[0]
            enough = np.flatnonzero(np.cumsum(cc) >= -net[i] - 1e-9 * abs(gain[i]))
            needed = enough[0] + 1 if len(enough) else len(cc)
            parts = [
                f"{names[(int(j), int(r))][0]} +{amount(float(a), names[(int(j), int(r))][1])}"
                for j, r, a in zip(cj[:needed], cr[:needed], ca[:needed], strict=True)
            ]
            if len(enough):
                admit[i] = "; ".join(parts)
                why[i] = (
                    f"completed in {years[k]} (its best year), {top_cap[i]} charges "
                    f"{cc[0]:,.0f} against a gain of {gain[i]:,.0f} {unit} (net "
                    f"{net[i]:,.0f}); admitted with more of: {admit[i]}"
                )
            else:
                why[i] = (
                    f"completed in {years[k]} (its best year), caps and pooled products "
                    f"charge {charge[i]:,.0f} against a gain of {gain[i]:,.0f} {unit}; more "
                    "of the capped resources alone would not admit it"
                )
        elif groups[i] and groups[i] in taken:
            reason[i] = "exclusive"
            why[i] = f"its site ({groups[i]}) goes to {taken[groups[i]]}"
        elif req[i] and req[i] not in completed:
            reason[i] = "precedence"
            why[i] = f"it requires {req[i]}, which is never completed"
        elif rules.budget is not None and inv[i] > left + 1e-9 * max(rules.budget, 1.0):
            reason[i] = "budget"
            why[i] = (
                f"net {net[i]:,.0f} >= 0 at the caps' prices (completed in {years[k]}), but "
                f"it needs {inv[i]:,.4g} MUSD and {left:,.4g} MUSD of the budget is left"
            )
        elif (
            rules.county_quota
            and county[i] in rules.county_quota
            and int((done & (county == county[i])).sum()) >= rules.county_quota[county[i]]
        ):
            reason[i] = "county_quota"
            why[i] = f"county {county[i]} has its quota of {rules.county_quota[county[i]]}"
        else:
            reason[i] = "not_marginal"
            why[i] = (
                f"net {net[i]:,.0f} >= 0 at the caps' prices (completed in {years[k]}), but "
                "these hold at the margin only"
            )
            sel = np.flatnonzero((ep == i) & (alive[k, ej] > 0))
            upper = row_upper[er[sel] + pp.row_start[ej[sel]]]
            ratio = np.where(np.isfinite(upper) & (upper > 0), ea[sel] / upper, 0.0)
            if len(sel) and ratio.max() > 0:
                h = sel[int(np.argmax(ratio))]
                label, u = names[(int(ej[h]), int(er[h]))]
                why[i] += (
                    f": whole it takes {ratio.max():.0%} of {label} ({amount(float(ea[h]), u)}),"
                    " more than the others cede at that price"
                )
            why[i] += "; or the rules together (year budgets, sector shares) favour others"
    ds = xr.Dataset(
        {
            "net_value_by_year": (("project", "year"), net_k, {"units": unit}),
            "scarcity_charge_by_year": (("project", "year"), charge_k, {"units": unit}),
            "best_year": ("project", np.where(any_present, years[best_k], -1)),
            "gain": ("project", gain, {"units": unit}),
            "scarcity_charge": ("project", charge, {"units": unit}),
            "net_value": ("project", net, {"units": unit}),
            "reason": ("project", reason.astype(str)),
            "why_not": ("project", why.astype(str)),
            "cap": ("project", top_cap.astype(str)),
            "cap_charge": ("project", top_charge, {"units": unit}),
            "caps_to_admit": ("project", admit.astype(str)),
        },
        coords={"project": ids, "year": years},
    )
    ds["net_value_by_year"].attrs["description"] = (
        "Gain minus the charges of the caps and pooled products it enters in every year it "
        "runs, completed in that year, at the duals of the program with the choices fixed "
        "(weighted, discounted objective units); nan where it cannot be completed then."
    )
    ds["best_year"].attrs["description"] = (
        "The year completed, or for a project never completed its year of largest net value."
    )
    return ds
