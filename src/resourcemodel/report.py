"""Plain-text summaries of results in planner units (Mt, Mm3, GWh, million USD).

Downstream and read-only: takes results Datasets, returns strings and tidy tables. Used by
the command line and reusable in notebooks.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import xarray as xr

from resourcemodel import units
from resourcemodel.results import REPORTED_CAPS, unit_of

#: Display ladders: canonical unit -> units a planner reads, smallest first.
LADDERS: dict[str, tuple[str, ...]] = {
    "t": ("t", "kt", "Mt"),
    "m3": ("m3", "Mm3", "bcm"),
    "MWh": ("MWh", "GWh", "TWh"),
    "GJ": ("GJ", "TJ", "PJ"),
    "USD": ("USD", "kUSD", "MUSD", "BUSD"),
    "bbl": ("bbl", "kbbl", "Mbbl"),
}


def planner_unit(unit: str, magnitude: float) -> tuple[str, float]:
    """Return ``(display_unit, factor)`` so that ``magnitude * factor`` reads well.

    Examples
    --------
    >>> planner_unit("m3", 3.2e7)
    ('Mm3', 1e-06)
    """
    ladder = LADDERS.get(unit)
    if ladder is None or not math.isfinite(magnitude) or magnitude == 0:
        return unit, 1.0
    best = ladder[0]
    for candidate in ladder:
        if abs(magnitude) * units.factor(unit, candidate) >= 1.0:
            best = candidate
    return best, units.factor(unit, best)


def number(value: float, digits: int = 3) -> str:
    """Format a number for a planner: ``digits`` significant digits, never an exponent.

    Examples
    --------
    >>> number(470000.0), number(35512.4), number(3.214), number(0.000471), number(float("nan"))
    ('470,000', '35,512', '3.21', '0.000471', '-')
    """
    return _fmt(value, digits)


def _fmt(value: float, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "-" if value is None or math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) < 10 ** -(digits + 3):
        return f"{value:.{digits}g}"  # a tiny number: better an exponent than 0.0000000...
    return f"{value:.{digits}g}" if abs(value) >= 1e-4 else f"{value:.{digits + 4}f}".rstrip("0")


def _money(usd: float) -> str:
    unit, f = planner_unit("USD", usd)
    return f"{_fmt(usd * f)} {unit}"


def output_table(res: xr.Dataset) -> pd.DataFrame:
    """Annual output by plant and product, in planner units."""
    prod = res["production"].sum("period")
    rows = []
    for process in res.process.values:
        product = str(res["process_product"].sel(process=process).item())
        plant = str(res["process_plant"].sel(process=process).item())
        unit = str(res["product_unit"].sel(product=product).item())
        rows.append((plant, product, unit, float(prod.sel(process=process))))
    table = pd.DataFrame(rows, columns=["plant", "product", "unit", "value"])
    totals = table.groupby(["plant", "product", "unit"], sort=False)["value"].sum()
    out = []
    for (plant, product, unit), value in totals.items():  # type: ignore[misc]
        disp, f = planner_unit(str(unit), float(value))
        out.append({"plant": plant, "product": product, "output": float(value) * f, "unit": disp})
    return pd.DataFrame(out)


def binding_caps(res: xr.Dataset, limit: int | None = None) -> pd.DataFrame:
    """Binding caps with their shadow prices (USD per unit) and valid ranges, largest first.

    The row families of :data:`resourcemodel.results.CAP_FAMILIES`, then the caps that are
    bounds (``connection_cap``: a plant's own limit, and the per-plant limits of a pro-rata
    decree), whose range is not computed (NaN). Results without a family (files written
    before it was reported) leave it out.
    """
    rows = []
    for name in REPORTED_CAPS:
        if f"{name}_binding" not in res:
            continue
        bind = res[f"{name}_binding"]
        if not bool(bind.any()):
            continue
        price = res[f"{name}_shadow_price"]
        nan = xr.full_like(price, np.nan)
        lo = res.get(f"{name}_range_lower", nan)
        hi = res.get(f"{name}_range_upper", nan)
        lim = res[f"{name}_limit"]
        for idx in np.argwhere(bind.values):
            labels = {str(d): str(bind[d].values[i]) for d, i in zip(bind.dims, idx, strict=True)}
            sel = tuple(idx)
            unit = unit_of(res, f"{name}_limit", **labels)
            disp, f = planner_unit(unit, float(lim.values[sel]))
            rows.append(
                {
                    "cap": name,
                    "where": ", ".join(labels.values()),
                    "limit": float(lim.values[sel]) * f,
                    "unit": disp,
                    "shadow_price": float(price.values[sel]),
                    "price_unit": f"USD/{unit}",
                    "range_lower": float(lo.values[sel]) * f,
                    "range_upper": float(hi.values[sel]) * f,
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.sort_values("shadow_price", ascending=False, kind="stable")
    return frame.head(limit) if limit else frame


def source_use_table(res: xr.Dataset) -> pd.DataFrame:
    """Annual draw from each source against its annual cap (or the sum of monthly caps)."""
    supply = res["supply"].fillna(0).sum(("plant", "period"))
    monthly = res["source_cap_limit"].sum("period", min_count=1)
    annual = res["source_cap_annual_limit"]
    rows = []
    for source in res.source.values:
        unit = unit_of(res, "supply", source=str(source))
        used = float(supply.sel(source=source))
        cap_m = float(monthly.sel(source=source))
        cap_a = float(annual.sel(source=source))
        cap = np.nanmin([cap_m, cap_a]) if not (math.isnan(cap_m) and math.isnan(cap_a)) else np.nan
        months_binding = int(res["source_cap_binding"].sel(source=source).sum())
        disp, f = planner_unit(unit, max(used, cap if math.isfinite(cap) else 0.0))
        rows.append(
            {
                "source": str(source),
                "use": used * f,
                "cap": cap * f if math.isfinite(cap) else np.nan,
                "unit": disp,
                "use_share": used / cap if math.isfinite(cap) and cap > 0 else np.nan,
                "periods_binding": months_binding,
            }
        )
    return pd.DataFrame(rows)


def unmet_table(res: xr.Dataset) -> pd.DataFrame:
    """Annual unmet demand by product (only products with demand)."""
    rows = []
    demand_total = res["delivery"].fillna(0).sum("period") + res["unmet"].fillna(0).sum("period")
    for product in res.product.values:
        if bool(res["unmet"].sel(product=product).isnull().all()):
            continue
        unit = str(res["product_unit"].sel(product=product).item())
        un = float(res["unmet"].sel(product=product).sum())
        dem = float(demand_total.sel(product=product))
        disp, f = planner_unit(unit, dem)
        rows.append(
            {
                "product": str(product),
                "unmet": un * f,
                "demand": dem * f,
                "unit": disp,
                "unmet_share": un / dem if dem > 0 else 0.0,
            }
        )
    return pd.DataFrame(rows)


def pollutant_names(res: xr.Dataset) -> dict[str, str]:
    """Return each pollutant's planner name (``co2`` -> ``CO2``), its label if it has none."""
    labels = [str(p) for p in res["pollutant"].values] if "pollutant" in res.dims else []
    names = (
        [str(n) for n in res["pollutant_name"].values] if "pollutant_name" in res.coords else labels
    )
    return {p: n if n and n != "nan" else p for p, n in zip(labels, names, strict=True)}


def has_jobs(res: xr.Dataset) -> bool:
    """Whether the results count jobs (the case gives a labour intensity somewhere)."""
    return "jobs" in res and bool(res["jobs"].notnull().any())


def impact_totals(res: xr.Dataset) -> list[tuple[str, str, float]]:
    """Return ``(label, canonical unit, value)`` of annual emissions and jobs of a run.

    Emissions are in t per pollutant (labelled by its name, e.g. ``CO2``); jobs are those
    the output supports and those the demand not met would have supported. Empty for a
    case without pollutants or labour intensities.
    """
    rows: list[tuple[str, str, float]] = []
    if "emission" in res:
        total = res["emission"].sum(("plant", "period"))
        for label, name in pollutant_names(res).items():
            rows.append((name, "t", float(total.sel(pollutant=label))))
    if has_jobs(res):
        rows.append(("jobs", "job", float(res["jobs"].sum())))
        rows.append(("jobs of unmet demand", "job", float(res["jobs_unmet"].sum())))
    return rows


def impact_table(res: xr.Dataset) -> pd.DataFrame:
    """Annual emissions by plant and pollutant (planner units) and jobs by plant.

    One row per plant that emits or employs: one column per pollutant, named
    ``<name> [unit]`` with one unit for the whole column, and ``jobs``.
    """
    frame = pd.DataFrame({"plant": [str(p) for p in res.plant.values]})
    if "emission" in res:
        by_plant = res["emission"].sum("period")
        for label, name in pollutant_names(res).items():
            values = by_plant.sel(pollutant=label).values
            unit, factor = planner_unit("t", float(np.abs(values).max(initial=0.0)))
            frame[f"{name} [{unit}]"] = values * factor
    if has_jobs(res):
        jobs = res["jobs"].groupby(res["process_plant"].rename("plant")).sum()
        frame["jobs"] = [
            float(jobs.sel(plant=p)) if p in jobs.plant.values else 0.0 for p in frame["plant"]
        ]
    numbers = frame.drop(columns="plant")
    return frame.loc[(numbers.abs() > 0).any(axis=1)].reset_index(drop=True)


def headline(res: xr.Dataset) -> dict[str, float | str]:
    """Return the few numbers a director reads first."""
    totals = json.loads(res.attrs.get("cost_totals_usd", "{}"))
    unmet = unmet_table(res)
    return {
        "scenario": str(res.attrs.get("scenario", "")),
        "status": str(res.attrs.get("status", "")),
        "objective_musd": float(res.attrs.get("objective", np.nan)) / 1e6,
        "cost_musd": (
            totals.get("production", 0) + totals.get("supply", 0) + totals.get("measures", 0)
        )
        / 1e6
        if totals
        else np.nan,
        "unmet_penalty_musd": totals.get("unmet_penalty", np.nan) / 1e6 if totals else np.nan,
        "value_added_musd": totals.get("value_added", np.nan) / 1e6 if totals else np.nan,
        "unmet_share_max": float(unmet["unmet_share"].max()) if len(unmet) else 0.0,
    }


def _table(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    if frame.empty:
        return "  (none)"
    shown = frame[list(columns)].copy()
    for col in shown.columns:
        if shown[col].dtype.kind == "f":
            shown[col] = [_fmt(v) for v in shown[col]]
    shown.columns = list(columns.values())
    return "\n".join("  " + line for line in shown.to_string(index=False).splitlines())


def summary(res: xr.Dataset, *, top: int = 10) -> str:
    """Return a readable multi-section summary of one results Dataset."""
    head = headline(res)
    lines = [
        f"Scenario {head['scenario']!r}: {head['status']}",
        f"  objective ({res.attrs.get('objective_name', 'cost')}): "
        f"{_money(float(res.attrs.get('objective', np.nan)))}; "
        f"solver {res.attrs.get('solver', '')} {res.attrs.get('solver_version', '')}, "
        f"{float(res.attrs.get('solve_seconds', 0.0)):.2f} s",
    ]
    if head["status"] != "optimal":
        lines.append("  No optimal solution: the caps, must-run levels and hard demand clash.")
        lines.append(
            "  Which limits to relax, and by how much: `resourcemodel explain SCENARIO` "
            "(or resourcemodel.analyses.explain)."
        )
        return "\n".join(lines)
    lines += [
        "",
        "Output by plant (per year):",
        _table(
            output_table(res),
            {"plant": "plant", "product": "product", "output": "output", "unit": "unit"},
        ),
    ]
    lines += [
        "",
        "Resource use against caps (per year):",
        _table(
            source_use_table(res),
            {
                "source": "source",
                "use": "use",
                "cap": "cap",
                "unit": "unit",
                "use_share": "share",
                "periods_binding": "periods binding",
            },
        ),
    ]
    caps = binding_caps(res, limit=top)
    lines += [
        "",
        f"Binding caps and what one more unit is worth (top {top}):",
        _table(
            caps,
            {
                "cap": "cap",
                "where": "where",
                "limit": "limit",
                "unit": "unit",
                "shadow_price": "value",
                "price_unit": "per",
                "range_lower": "holds from",
                "range_upper": "to",
            },
        ),
    ]
    lines += [
        "",
        "Unmet demand (per year):",
        _table(
            unmet_table(res),
            {
                "product": "product",
                "unmet": "unmet",
                "demand": "demand",
                "unit": "unit",
                "unmet_share": "share",
            },
        ),
    ]
    lines += _impact_lines(res)
    totals = json.loads(res.attrs.get("cost_totals_usd", "{}"))
    lines += [
        "",
        "Cost (million USD per year): "
        + ", ".join(f"{k.replace('_', ' ')} {_fmt(v / 1e6)}" for k, v in totals.items()),
    ]
    return "\n".join(lines)


def _impact_lines(res: xr.Dataset) -> list[str]:
    """Return the summary's emissions-and-jobs section (nothing for a case without them)."""
    totals = impact_totals(res)
    if not totals:
        return []
    shown = []
    for label, unit, value in totals:
        disp, factor = planner_unit(unit, value)
        shown.append(f"{label} {_fmt(value * factor)} {disp}".replace(" job", ""))
    columns = {c: c for c in impact_table(res).columns}
    return [
        "",
        "Emissions and jobs (per year): " + ", ".join(shown),
        _table(impact_table(res), columns),
    ]


def _indicators(res: xr.Dataset) -> list[tuple[str, str, float]]:
    """Return ``(label, canonical unit, value)`` of the comparison indicators of a run."""
    rows: list[tuple[str, str, float]] = []
    # Output is not summed across products (steel, cement and naphtha tonnes are not alike):
    # value added and sales lost below measure it in money.
    supply = res["supply"].fillna(0).sum(("plant", "period"))
    groups = dict(zip(res.resource.values, res["resource_group"].values, strict=True))
    for source in res.source.values:
        resource = str(res["source_resource"].sel(source=source).item())
        if groups[resource] == "water":
            unit = str(res["resource_unit"].sel(resource=resource).item())
            rows.append((str(source), unit, float(supply.sel(source=source))))
    supplied = res["resource_supplied"].sum(("plant", "period"))
    for resource in res.resource.values:
        if groups[resource] == "energy":
            unit = str(res["resource_unit"].sel(resource=resource).item())
            rows.append((str(resource), unit, float(supplied.sel(resource=resource))))
    totals = json.loads(res.attrs.get("cost_totals_usd", "{}"))
    cost = totals.get("production", 0) + totals.get("supply", 0) + totals.get("measures", 0)
    rows.append(("cost", "USD", float(cost)))
    rows.append(("value added", "USD", float(totals.get("value_added", np.nan))))
    rows.append(("sales lost", "USD", float(totals.get("unmet_penalty", 0.0))))
    rows += impact_totals(res)
    return rows


def _family(label: str, unit: str, results: list[xr.Dataset]) -> str:
    """Return the group of comparison columns that share one display unit.

    Water sources share one (they are read side by side), and so do the money columns;
    every other column (outputs, energy carriers, each pollutant) keeps its own.
    """
    if unit == "USD":
        return "money"
    for res in results:
        if label in res.source.values:
            resource = str(res["source_resource"].sel(source=label).item())
            if str(res["resource_group"].sel(resource=resource).item()) == "water":
                return f"water [{unit}]"
    return label


def cap_resource(res: xr.Dataset, cap: str, where: str) -> str:
    """Return what a binding cap limits: its resource, or its pollutant for an emission cap."""
    labels = where.split(", ")
    if cap.startswith("emission_cap"):
        return labels[0]
    if cap.startswith("group_cap"):
        return str(res["group_resource"].sel(group=labels[0]).item())
    if cap == "permit":
        return labels[1]
    source = labels[1] if cap in ("contract", "connection_cap") else labels[0]
    return str(res["source_resource"].sel(source=source).item())


def top_caps(res: xr.Dataset) -> pd.DataFrame:
    """Return the most valuable binding cap on each resource (or pollutant), water first.

    Shadow prices in USD/m3, USD/MWh and USD/GJ are not comparable, so caps are ranked
    within a resource only. Caps of zero (a source closed in those periods) and caps worth
    nothing at the margin are left out.
    """
    caps = binding_caps(res)
    if caps.empty:
        return caps
    # A cap at its limit but worth nothing at the margin (a pro-rata decree binds the plants
    # one by one, not the cap) is not "valuable"; caps of zero (a closed source) say nothing.
    caps = caps[(caps["limit"] > 0) & (caps["shadow_price"] > 1e-9)]
    caps = caps.assign(
        resource=[cap_resource(res, c, w) for c, w in zip(caps["cap"], caps["where"], strict=True)]
    )
    tops = caps.drop_duplicates("resource")  # sorted by value within each unit
    group = {
        str(r): str(g)
        for r, g in zip(res.resource.values, res["resource_group"].values, strict=True)
    }
    water = tops["resource"].map(lambda r: group.get(r) == "water")
    return pd.concat([tops[water], tops[~water]]).reset_index(drop=True)


def top_caps_text(res: xr.Dataset) -> str:
    """``water: source_cap[river, aban] 0.112 USD/m3; electricity: ...`` (``-`` if none)."""
    tops = top_caps(res)
    if tops.empty:
        return "-"
    return "; ".join(
        f"{r.resource}: {r.cap}[{r.where}] {_fmt(float(r.shadow_price))} {r.price_unit}"  # type: ignore[arg-type]
        for r in tops.itertuples()
    )


def comparison(results: list[xr.Dataset]) -> pd.DataFrame:
    """One row per scenario: water by source, energy, money, unmet, emissions, jobs, caps.

    Each column uses one planner unit for all scenarios (chosen from the largest value),
    and columns compared side by side share one: every water source in the same unit
    (desalinated water in Mm3 beside the river's, not 470,000 m3), every money column too.
    Output is in money (value added, sales lost), not tonnes summed across products; the
    last column gives the most valuable cap on each resource in its own unit.
    """
    values: dict[str, dict[str, float]] = {}
    units_of: dict[str, str] = {}
    order: list[str] = []
    extra: dict[str, dict[str, object]] = {}
    for res in results:
        head = headline(res)
        name = str(head["scenario"])
        extra[name] = {"status": head["status"]}
        values[name] = {}
        if head["status"] != "optimal":
            continue
        for label, unit, value in _indicators(res):
            if label not in units_of:
                units_of[label] = unit
                order.append(label)
            values[name][label] = value
        extra[name]["max unmet"] = f"{100 * float(head['unmet_share_max']):.1f}%"
        extra[name]["most valuable cap per resource"] = top_caps_text(res)
    display: dict[str, tuple[str, float]] = {}
    family = {label: _family(label, units_of[label], results) for label in order}
    for label in order:
        peers = [other for other in order if family[other] == family[label]]
        biggest = max(
            (
                abs(v.get(p, 0.0))
                for v in values.values()
                for p in peers
                if np.isfinite(v.get(p, 0.0))
            ),
            default=0.0,
        )
        display[label] = planner_unit(units_of[label], biggest)
    rows = []
    for name in extra:
        row: dict[str, object] = {"scenario": name, "status": extra[name]["status"]}
        for label in order:
            unit, factor = display[label]
            value = values[name].get(label, np.nan)
            row[f"{label} [{unit}]"] = value * factor
        row["max unmet"] = extra[name].get("max unmet", "-")
        row["most valuable cap per resource"] = extra[name].get(
            "most valuable cap per resource", "-"
        )
        rows.append(row)
    return pd.DataFrame(rows)
