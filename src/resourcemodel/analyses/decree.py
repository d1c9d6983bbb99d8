"""The cost of a decree as written: a cut shared pro rata against the optimal allocation.

:func:`decree_cost` solves a curtailment scenario three times:

- the **reference**, without the cut: its draws are each plant's normal use;
- **optimal**: the scenario as the LP shares it (the cut cap goes where it earns most);
- **pro rata**: the decree as written, every plant drawing on a cut source limited to the
  same share of its normal draw (:mod:`resourcemodel.decree`).

and reports value added, sales and jobs lost each way against the reference, who gains
and who loses (value added by plant and sector, and each plant's draw on the cut sources)
as one labelled Dataset, with :func:`decree_table` printing it in planner units.

The pro-rata program is the optimal one plus per-plant bounds, so optimal allocation
never loses more value added than pro rata; the difference is what the decree's fairness
costs the province.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from resourcemodel import decree, units, validate
from resourcemodel.analyses.common import Case, run, value_added
from resourcemodel.exceptions import InfeasibleError, InputError
from resourcemodel.formulation import Options, build
from resourcemodel.pipeline import load
from resourcemodel.report import _fmt, planner_unit
from resourcemodel.results import assemble

if TYPE_CHECKING:
    from resourcemodel.scenario import Change, Scenario

#: The two ways of sharing a cut, the values of the ``rule`` dimension.
RULES = ("optimal", "pro_rata")


def decree_cost(
    scenario: str | Path | Scenario,
    *,
    reference: str | Path | None = None,
    objective: str | None = None,
    backend: str = "highs",
) -> xr.Dataset:
    """Compare a curtailment shared pro rata (as decrees are written) with optimal allocation.

    Parameters
    ----------
    scenario : str, Path or Scenario
        A scenario file with a cut. The cut is its ``pro_rata`` curtailments if it has
        any, else every change the file itself makes to ``source_cap``,
        ``source_cap_annual``, ``group_cap`` or ``group_cap_annual`` (a ``[[curtailment]]``
        or a ``[[change]]`` such as ``scale = 0.75``).
    reference : str or Path, optional
        The scenario whose draws are the plants' normal use (a scenario file or case
        folder). Default: the file's ``reference = ...`` if it names one, else the scenario
        without its cut (the scenario it extends, for a file that only cuts).
    objective : {"cost", "value_added"}, optional
        Overrides the scenario's objective (all three solves use the same).
    backend : str
        Solver backend.

    Returns
    -------
    xarray.Dataset
        Along ``rule`` (``optimal``, ``pro_rata``): ``value_added_lost``, ``sales_lost``
        (USD), ``jobs_lost``, ``unmet[rule, product]`` (over the horizon);
        ``value_added_plant[rule, plant]`` and its ``_sector`` sum (USD, change against
        the reference), ``jobs_plant[rule, plant]`` (change); ``draw[rule, plant,
        cut_source]`` on the cut sources in their cut periods and ``normal_draw[plant,
        cut_source]``; ``cut_plant[plant]`` (the plants the decree cuts);
        ``share[source, period]`` (share of normal use kept) and ``gain_from_optimal[plant]``
        (value added under optimal minus under pro rata, USD). ``attrs`` name the
        scenario and the reference and hold the value added of each solve.

    Raises
    ------
    InputError
        If the scenario cuts no cap.
    InfeasibleError
        If the reference, or either way of sharing the cut, has no optimal solution (for
        pro rata: a plant's must-run output or hard demand needs more than its share).

    Examples
    --------
    >>> import resourcemodel as rm
    >>> cut = rm.examples.path("decree") / "scenarios" / "summer-cut.toml"
    >>> ds = rm.analyses.decree_cost(cut)
    >>> ds["value_added_lost"].values.tolist()
    [5400.0, 13800.0]
    """
    from resourcemodel.scenario import load_scenario

    spec = scenario if not isinstance(scenario, str | Path) else load_scenario(scenario)
    cut = _cut(spec)
    optimal = dataclasses.replace(
        spec, changes=tuple(dataclasses.replace(c, rule="optimal") for c in spec.changes)
    )
    options = Options.resolve(spec.options, objective=objective)
    base = validate.load_inputs(spec.data, overlays=spec.overlays)
    from resourcemodel.scenario import apply_changes

    with warnings.catch_warnings():  # loading the scenario itself says them once
        warnings.simplefilter("ignore")
        opt_inputs, _ = apply_changes(base, optimal)
    reference = reference if reference is not None else spec.reference
    if reference is not None:
        ref_inputs, ref_spec, _ = load(reference)
        ref_name = ref_spec.name if ref_spec else Path(reference).name
    else:
        rest = tuple(c for c in optimal.changes if c not in _as_optimal(cut))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref_inputs, _ = apply_changes(base, dataclasses.replace(optimal, changes=rest))
        only_cuts = spec.own == len(cut) and len(spec.chain) > 1
        ref_name = spec.chain[-2] if only_cuts else f"{spec.name} without its cut"
    ref = _solve(Case(ref_inputs, options, ref_name), backend)
    curtailments = [c for c in _as_optimal(cut) if c.curtailment]
    others = [c for c in _as_optimal(cut) if not c.curtailment]
    share = decree.curtailment_shares(opt_inputs, curtailments) * decree.cap_shares(
        ref_inputs, opt_inputs, others
    )
    normal = decree.normal_draw(ref, opt_inputs)
    # A decree naming plants cuts the cap by what they give up, under either rule.
    opt_inputs, _ = decree.cut_named_caps(opt_inputs, curtailments, normal)
    pro_inputs, _ = decree.apply_pro_rata(opt_inputs, share, normal)
    solved = {
        "optimal": _solve(Case(opt_inputs, options, f"{spec.name} (optimal)"), backend),
        "pro_rata": _solve(Case(pro_inputs, options, f"{spec.name} (pro rata)"), backend),
    }
    out = _dataset(opt_inputs, ref, solved, share, normal)
    out.attrs.update(
        scenario=spec.name,
        reference=ref_name,
        objective_name=options.objective,
        value_added_reference=value_added(ref),
        value_added_optimal=value_added(solved["optimal"]),
        value_added_pro_rata=value_added(solved["pro_rata"]),
        cut=", ".join(c.origin for c in cut),
    )
    return out


def _as_optimal(changes: list[Change]) -> list[Change]:
    return [dataclasses.replace(c, rule="optimal") for c in changes]


def _cut(spec: Scenario) -> list[Change]:
    """Return the changes that make the scenario's cut (see :func:`decree_cost`)."""
    pro = [c for c in spec.changes if c.rule == "pro_rata"]
    if pro:
        return pro
    own = spec.changes[len(spec.changes) - spec.own :] if spec.own else ()
    cut = [c for c in own if c.parameter in decree.CAP_PARAMETERS]
    if not cut:
        msg = (
            f"Scenario {spec.name!r} cuts no cap of its own: give a scenario whose file has a "
            "[[curtailment]] or a [[change]] of source_cap, source_cap_annual, group_cap or "
            "group_cap_annual, or (for a combination of scenarios) curtailments with "
            'rule = "pro_rata".'
        )
        raise InputError(msg)
    return cut


def _solve(case: Case, backend: str) -> xr.Dataset:
    lp = build(case.inputs, case.options)
    result = run(lp, backend)
    if not result.status.is_ok:
        hint = f"Run `resourcemodel explain` on {case.name!r} to see which limits to relax."
        if case.name.endswith("(pro rata)"):
            hint = (
                "Sharing the cut pro rata leaves some plant less than its must-run output "
                "or hard demand needs; the decree cannot be applied as written. " + hint
            )
        raise InfeasibleError(case.name, str(result.status), hint)
    return assemble(case.inputs, lp, result, {"scenario": case.name})


def _dataset(
    inputs: xr.Dataset,
    ref: xr.Dataset,
    solved: dict[str, xr.Dataset],
    share: np.ndarray,
    normal: np.ndarray,
) -> xr.Dataset:
    rule = list(RULES)
    cut_plant = (share < 1.0).any(axis=(1, 2))  # plants under the decree
    share = share.min(axis=0)  # source, period: the deepest cut of any plant
    price = np.nan_to_num(np.asarray(inputs["price"].values, float))
    jobs_on = bool(ref["jobs"].notnull().any())

    def plant_va(res: xr.Dataset) -> np.ndarray:
        return _plant_value_added(inputs, res, price)

    def plant_jobs(res: xr.Dataset) -> np.ndarray:
        jobs = np.nan_to_num(np.asarray(res["jobs"].values, float))
        out = np.zeros(inputs.sizes["plant"])
        np.add.at(out, _plant_of_process(inputs), jobs)
        return out

    def sales(res: xr.Dataset) -> float:
        return float(res["revenue"].sum())

    va0, jobs0 = plant_va(ref), plant_jobs(ref)
    unmet0 = ref["unmet"].fillna(0.0).sum("period").values
    cut_src = (share < 1.0).any(axis=1)
    in_cut = share < 1.0  # source, period: only the cut periods count in the draws
    draws = {
        k: (np.nan_to_num(np.asarray(r["supply"].values, float)) * in_cut).sum(axis=2)
        for k, r in solved.items()
    }
    va = np.stack([plant_va(solved[k]) - va0 for k in rule])
    jobs = np.stack([plant_jobs(solved[k]) - jobs0 for k in rule])
    sectors = np.asarray(inputs["plant_sector"].values).astype(str)
    names = sorted(set(sectors.tolist()))
    by_sector = np.stack([[va[i, sectors == s].sum() for s in names] for i in range(2)])
    cut_sources = inputs["source"].values[cut_src]
    units = dict(zip(inputs["resource"].values, inputs["resource_unit"].values, strict=True))
    src_units = [str(units[r]) for r in inputs["source_resource"].values[cut_src]]
    data = {
        "value_added_lost": (
            ("rule",),
            [value_added(ref) - value_added(solved[k]) for k in rule],
            {"units": "USD", "description": "Value added lost against the reference."},
        ),
        "sales_lost": (
            ("rule",),
            [sales(ref) - sales(solved[k]) for k in rule],
            {"units": "USD", "description": "Sales lost against the reference (output at price)."},
        ),
        "jobs_lost": (
            ("rule",),
            [float(-jobs[i].sum()) if jobs_on else np.nan for i in range(len(rule))],
            {"units": "job", "description": "Jobs the lost output supported (NaN: no jobs data)."},
        ),
        "unmet": (
            ("rule", "product"),
            np.stack([solved[k]["unmet"].fillna(0.0).sum("period").values - unmet0 for k in rule]),
            {"units": "{product}", "description": "Demand not met beyond the reference's."},
        ),
        "value_added_plant": (
            ("rule", "plant"),
            va,
            {"units": "USD", "description": "Change of each plant's value added."},
        ),
        "value_added_sector": (
            ("rule", "sector"),
            by_sector,
            {"units": "USD", "description": "Change of each sector's value added."},
        ),
        "jobs_plant": (
            ("rule", "plant"),
            jobs,
            {"units": "job", "description": "Change of the jobs each plant's output supports."},
        ),
        "gain_from_optimal": (
            ("plant",),
            va[0] - va[1],
            {
                "units": "USD",
                "description": "Value added of the plant under optimal allocation minus under "
                "pro rata: > 0 gains, < 0 loses when the cut is shared by value.",
            },
        ),
        "draw": (
            ("rule", "plant", "cut_source"),
            np.stack([draws[k][:, cut_src] for k in rule]),
            {
                "units": "{source.resource}",
                "description": "Draw on each cut source over its cut periods.",
            },
        ),
        "normal_draw": (
            ("plant", "cut_source"),
            (normal * in_cut).sum(axis=2)[:, cut_src],
            {
                "units": "{source.resource}",
                "description": "Draw in the reference over the cut periods (normal use).",
            },
        ),
        "share": (
            ("source", "period"),
            share,
            {"units": "fraction", "description": "Share of normal use the cut plants keep."},
        ),
        "cut_plant": (
            ("plant",),
            cut_plant,
            {"units": "", "description": "Whether the decree cuts the plant."},
        ),
    }
    coords = {
        "rule": rule,
        "plant": inputs["plant"].values,
        "plant_name": ("plant", inputs["plant_name"].values),
        "plant_sector": ("plant", sectors),
        "sector": names,
        "product": inputs["product"].values,
        "product_unit": ("product", inputs["product_unit"].values),
        "source": inputs["source"].values,
        "period": inputs["period"].values,
        "cut_source": cut_sources,
        "cut_source_unit": ("cut_source", src_units),
    }
    return xr.Dataset({k: xr.Variable(*v) for k, v in data.items()}, coords)


def _plant_of_process(inputs: xr.Dataset) -> np.ndarray:
    index = {p: i for i, p in enumerate(inputs["plant"].values)}
    return np.array([index[p] for p in inputs["process_plant"].values], dtype=int)


def _plant_value_added(inputs: xr.Dataset, res: xr.Dataset, price: np.ndarray) -> np.ndarray:
    """Value added of each plant over the horizon, USD.

    Its processes' output at the product price, minus the intermediate products it uses at
    their price, minus its production, supply and measure costs. Products without a price
    (own power, most intermediates) count zero, so a plant making an unpriced intermediate
    for another carries its costs and the other its value. Summed over plants this is the
    province's value added plus the value of output made but not sold (surplus).
    """
    plant = _plant_of_process(inputs)
    product = {p: i for i, p in enumerate(inputs["product"].values)}
    made = np.array([product[p] for p in inputs["process_product"].values], dtype=int)
    prod = np.nan_to_num(np.asarray(res["production"].values, float)).sum(axis=1)
    pin = np.nan_to_num(np.asarray(inputs["product_input"].values, float))  # process, product
    value = prod * (price[made] - pin @ price)
    value -= np.nan_to_num(np.asarray(res["cost_production"].values, float)).sum(axis=1)
    out = np.zeros(inputs.sizes["plant"])
    np.add.at(out, plant, value)
    out -= np.nan_to_num(np.asarray(res["cost_supply"].values, float)).sum(axis=(1, 2))
    out -= np.nan_to_num(np.asarray(res["cost_measures"].values, float)).sum(axis=1)
    return out


def decree_table(ds: xr.Dataset, top: int = 10) -> str:
    """Return the comparison of :func:`decree_cost` as text in planner units.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> cut = rm.examples.path("decree") / "scenarios" / "summer-cut.toml"
    >>> print(decree_table(rm.analyses.decree_cost(cut)))  # doctest: +ELLIPSIS
    Cost of a pro-rata decree against optimal allocation: 'summer-cut' (reference: ...)
                       optimal   pro rata
    value added lost  5.4 kUSD  13.8 kUSD
    ...
    """
    lines = [
        f"Cost of a pro-rata decree against optimal allocation: {ds.attrs['scenario']!r} "
        f"(reference: {ds.attrs['reference']})"
    ]
    scale = float(np.nanmax(np.abs(ds["value_added_lost"].values))) or 1.0
    unit, f = _shown("USD", scale)

    def usd(v: float) -> str:
        return f"{_fmt(_clean(v, scale) * f)} {unit}"

    rows = [
        ("", "optimal", "pro rata"),
        ("value added lost", *(usd(v) for v in ds["value_added_lost"].values)),
        ("sales lost", *(usd(v) for v in ds["sales_lost"].values)),
    ]
    if np.isfinite(ds["jobs_lost"].values).all():
        rows.append(("jobs lost", *(f"{v + 0.0:,.0f}" for v in ds["jobs_lost"].values)))
    lines += _columns(rows)
    extra = float(ds["value_added_lost"].values[1] - ds["value_added_lost"].values[0])
    lines.append(f"Pro rata costs {usd(extra)} of value added more than optimal allocation.")
    lines.append("")
    lines.append("Share of normal use each plant keeps (cut sources):")
    share = ds["share"]
    for s in ds["cut_source"].values:
        kept = share.sel(source=s)
        cut_periods = [str(t) for t in kept.period.values if float(kept.sel(period=t)) < 1]
        values = sorted({round(float(kept.sel(period=t)), 4) for t in cut_periods})
        when = (
            "every period" if len(cut_periods) == share.sizes["period"] else ", ".join(cut_periods)
        )
        lines.append(f"  {s}: {', '.join(f'{v:.0%}' for v in values)} in {when}")
    if not bool(ds["cut_plant"].all()):
        named = ", ".join(str(p) for p in ds["plant"].values[ds["cut_plant"].values])
        lines.append(f"  (plants the decree names: {named}; the others keep their normal use)")
    lines.append("")
    lines.append("Value added change against the reference by sector:")
    rows = [("sector", "optimal", "pro rata")]
    for sector in ds["sector"].values:
        va = ds["value_added_sector"].sel(sector=sector).values
        if np.abs(va).max() > 0.5:
            rows.append((str(sector), *(usd(v) for v in va)))
    lines += _columns(rows)
    lines.append("")
    lines.append("Who gains and who loses when the cut is shared by value instead of pro rata:")
    gain = ds["gain_from_optimal"]
    order = np.argsort(-np.abs(gain.values))[:top]
    rows = [("plant", "value added, optimal", "pro rata", "gain from optimal")]
    rows += [
        (
            str(ds["plant_name"].values[i]),
            usd(float(ds["value_added_plant"].values[0, i])),
            usd(float(ds["value_added_plant"].values[1, i])),
            usd(float(gain.values[i])),
        )
        for i in order
        if abs(float(gain.values[i])) > 0.5
    ]
    lines += _columns(rows)
    lines.append("")
    lines.append("Draw on the cut sources in their cut periods (normal, optimal, pro rata):")
    for j, s in enumerate(ds["cut_source"].values):
        src_unit = str(ds["cut_source_unit"].values[j])
        draw = ds["draw"].isel(cut_source=j).values
        normal = ds["normal_draw"].isel(cut_source=j).values
        big = float(np.abs(normal).max()) if normal.size else 0.0
        shown, g = _shown(src_unit, big)
        rows = [(f"{s} [{shown}]", "normal", "optimal", "pro rata")]
        for i in np.flatnonzero(normal > 1e-9 * max(big, 1.0)):
            rows.append(
                (
                    str(ds["plant_name"].values[i]),
                    _fmt(_clean(normal[i], big) * g),
                    _fmt(_clean(draw[0, i], big) * g),
                    _fmt(_clean(draw[1, i], big) * g),
                )
            )
        lines += _columns(rows)
    return "\n".join(lines)


#: Units the planners read amounts in (million m3, GWh, million USD); others by size.
PLANNER_UNITS = {"m3": "Mm3", "MWh": "GWh", "USD": "MUSD"}


def _shown(unit: str, magnitude: float) -> tuple[str, float]:
    """Return the display unit and factor: :data:`PLANNER_UNITS` unless tiny there, else by size.

    >>> _shown("m3", 3e7), _shown("m3", 400.0)
    (('Mm3', 1e-06), ('m3', 1.0))
    """
    if unit in PLANNER_UNITS:
        factor = units.factor(unit, PLANNER_UNITS[unit])
        if abs(magnitude) * factor >= 0.1:
            return PLANNER_UNITS[unit], factor
    return planner_unit(unit, magnitude)


def _clean(value: float, scale: float) -> float:
    """Return ``value``, or 0 where it is solver noise next to ``scale`` (1e-9 of it)."""
    return 0.0 if abs(value) <= 1e-9 * max(abs(scale), 1.0) else float(value) + 0.0


def _columns(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    return [
        "  ".join(
            (c.ljust(w) if k == 0 else c.rjust(w))
            for k, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]
