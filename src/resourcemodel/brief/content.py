"""What a brief says: key figures, messages, tables, scenario changes and run card.

Everything here is language-ready text built from results through
:mod:`resourcemodel.report` (planner units, binding caps, source use, unmet demand); the
renderers (HTML/PDF, Markdown, DOCX) only lay it out. Caveats come from
:mod:`resourcemodel.brief.caveats`.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from resourcemodel import report, units
from resourcemodel.brief import caveats
from resourcemodel.labels import (
    LRI,
    PDI,
    cap_label,
    display_name,
    join,
    number,
    percent,
    quantity,
    scenario_name,
    text,
    unit_name,
)

#: Rows of the scenario-changes table shown per scenario (the rest are counted).
MAX_DIFF_ROWS = 25
#: Binding caps listed in the table.
MAX_CAPS = 6
#: Measures listed in the table.
MAX_MEASURES = 6
#: Relative difference above which a cap's two one-sided values are both printed.
KINK_RTOL = 1e-6


@dataclass
class Table:
    """A table ready to lay out: header, rows of text cells, which columns are numbers.

    A row whose only cell starts a section is given in ``sections`` by its index.
    """

    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    sections: dict[int, str] = field(default_factory=dict)
    #: Column widths in percent of the table (empty: the layout decides).
    widths: list[float] = field(default_factory=list)
    #: A line under the table (rows folded away, for instance).
    footnote: str = ""

    def add_section(self, title: str) -> None:
        """Start a titled group of rows."""
        self.sections[len(self.rows)] = title


@dataclass
class FigureRow:
    """One key figure in canonical units, one value per scenario."""

    section: str
    label: str
    unit: str
    values: list[float]
    cap_share: list[float] | None = None


def is_optimal(res: xr.Dataset) -> bool:
    """Whether the results hold an optimal solution."""
    return str(res.attrs.get("status", "")) == "optimal"


def scenario_summary(res: xr.Dataset, lang: str, limit: int = 200) -> str:
    """Return a one-line description of the scenario in ``lang`` (empty if there is none).

    The file's ``summary`` (``summary_fa``) is used as written; otherwise the first sentence
    of ``description`` (``description_fa``), whole, if it is at most ``limit`` characters.
    A description in English is not shown in a Persian brief.
    """
    suffix = "_fa" if lang == "fa" else ""
    summary = str(res.attrs.get(f"summary{suffix}", "")).strip()
    if summary:
        return summary
    text_ = " ".join(str(res.attrs.get(f"description{suffix}", "")).split())
    end = text_.find(". ")
    first = text_ if end < 0 else text_[: end + 1]
    return first if 0 < len(first) <= limit else ""


def attr_json(res: xr.Dataset, key: str, default: Any) -> Any:
    """Read a run-card attribute stored as JSON text (or already decoded)."""
    value = res.attrs.get(key, default)
    if isinstance(value, str):
        try:
            return json.loads(value) if value else default
        except json.JSONDecodeError:
            return default
    return value


def _to_canonical(value: float, shown: str, canonical: str) -> float:
    return value * units.factor(shown, canonical) if shown != canonical else value


# --- key figures -------------------------------------------------------------------------


def _source_rows(
    items: list[xr.Dataset], tables: list[Any], group: str, section: str, lang: str
) -> list[FigureRow]:
    ref = items[0]
    labels: list[str] = []
    for res in items:
        for src in res.source.values:
            resource = str(res["source_resource"].sel(source=src).item())
            in_group = str(res["resource_group"].sel(resource=resource).item()) == group
            if in_group and str(src) not in labels:
                labels.append(str(src))
    rows = []
    for src in labels:
        holder = next(r for r in items if src in r.source.values)
        resource = str(holder["source_resource"].sel(source=src).item())
        canonical = str(holder["resource_unit"].sel(resource=resource).item())
        values, shares = [], []
        for table in tables:
            hit = None if table is None else table[table["source"] == src]
            if hit is None or hit.empty:
                values.append(math.nan)
                shares.append(math.nan)
                continue
            row = hit.iloc[0]
            values.append(_to_canonical(float(row["use"]), str(row["unit"]), canonical))
            shares.append(float(row["use_share"]))
        if not any(v > 0 for v in values if not math.isnan(v)):
            continue
        name = display_name(holder if src not in ref.source.values else ref, "source", src, lang)
        rows.append(FigureRow(section, name, canonical, values, shares))
    return rows


def key_figures(items: list[xr.Dataset], lang: str) -> list[FigureRow]:
    """Return the key figures of each scenario (output, water, energy, cost, unmet)."""
    ref = items[0]
    rows: list[FigureRow] = []
    # Output delivered to final demand, by product.
    products: list[str] = []
    for res in items:
        products += [str(p) for p in res["delivery"].dropna("product", how="all").product.values]
    for product in dict.fromkeys(products):
        holder = next(r for r in items if product in r.product.values)
        unit = str(holder["product_unit"].sel(product=product).item())
        values = [
            float(res["delivery"].sel(product=product).sum())
            if is_optimal(res) and product in res.product.values
            else math.nan
            for res in items
        ]
        rows.append(
            FigureRow("sec_output", display_name(holder, "product", product, lang), unit, values)
        )
    tables = [report.source_use_table(res) if is_optimal(res) else None for res in items]
    water = _source_rows(items, tables, "water", "sec_water", lang)
    rows += water
    if len(water) > 1 and len({r.unit for r in water}) == 1:
        total = [
            float(np.nansum([r.values[i] for r in water])) if is_optimal(res) else math.nan
            for i, res in enumerate(items)
        ]
        rows.append(FigureRow("sec_water", text("row_total_water", lang), water[0].unit, total))
    rows += _source_rows(items, tables, "energy", "sec_energy", lang)
    for resource in ref.resource.values:
        if str(ref["resource_group"].sel(resource=resource).item()) != "energy":
            continue
        made = [
            float(res["resource_generated"].sel(resource=resource).sum())
            if is_optimal(res) and resource in res.resource.values
            else math.nan
            for res in items
        ]
        if any(v > 0 for v in made if not math.isnan(v)):
            name = display_name(ref, "resource", str(resource), lang)
            unit = str(ref["resource_unit"].sel(resource=resource).item())
            rows.append(
                FigureRow("sec_energy", text("row_generated", lang, resource=name), unit, made)
            )
    rows += _impact_rows(items, lang)
    rows += _cost_rows(items, lang)
    rows += _unmet_rows(items, lang)
    return rows


def _impact_rows(items: list[xr.Dataset], lang: str) -> list[FigureRow]:
    """Emissions by pollutant and jobs, one row each (none for a case without them)."""
    totals = [
        {label: value for label, _, value in report.impact_totals(res)} if is_optimal(res) else {}
        for res in items
    ]
    rows = []
    seen: set[str] = set()
    for holder in items:
        for label, name in report.pollutant_names(holder).items():
            if name in seen:
                continue
            seen.add(name)
            shown = display_name(holder, "pollutant", label, lang)
            rows.append(
                FigureRow(
                    "sec_impact",
                    text("row_emission", lang, pollutant=shown),
                    "t",
                    [t.get(name, math.nan) for t in totals],
                )
            )
    if any("jobs" in t for t in totals):
        for key, row in (("jobs", "row_jobs"), ("jobs of unmet demand", "row_jobs_unmet")):
            values = [t.get(key, math.nan) for t in totals]
            rows.append(FigureRow("sec_impact", text(row, lang), "job", values))
    return rows


def _cost_rows(items: list[xr.Dataset], lang: str) -> list[FigureRow]:
    heads = [report.headline(res) if is_optimal(res) else None for res in items]
    totals = [attr_json(res, "cost_totals_usd", {}) if is_optimal(res) else {} for res in items]

    def pick(key: str) -> list[float]:
        return [float(t[key]) if key in t else math.nan for t in totals]

    rows = [
        FigureRow(
            "sec_cost",
            text("row_cost_total", lang),
            "USD",
            [1e6 * float(h["cost_musd"]) if h else math.nan for h in heads],
        ),
        FigureRow("sec_cost", text("row_cost_production", lang), "USD", pick("production")),
        FigureRow("sec_cost", text("row_cost_supply", lang), "USD", pick("supply")),
        FigureRow("sec_cost", text("row_cost_measures", lang), "USD", pick("measures")),
        FigureRow("sec_cost", text("row_unmet_penalty", lang), "USD", pick("unmet_penalty")),
        FigureRow("sec_cost", text("row_value_added", lang), "USD", pick("value_added")),
    ]
    if any(str(r.attrs.get("objective_name")) == "value_added" for r in items):
        rows.append(FigureRow("sec_cost", text("row_revenue", lang), "USD", pick("revenue")))
    return rows


def _unmet_rows(items: list[xr.Dataset], lang: str) -> list[FigureRow]:
    tables = [report.unmet_table(res) if is_optimal(res) else None for res in items]
    rows = []
    products: list[str] = []
    for table in tables:
        if table is not None:
            products += [str(p) for p in table.loc[table["unmet"] > 0, "product"]]
    for product in dict.fromkeys(products):
        holder = next(r for r in items if product in r.product.values)
        canonical = str(holder["product_unit"].sel(product=product).item())
        values = []
        for table in tables:
            hit = None if table is None else table[table["product"] == product]
            if hit is None or hit.empty:
                values.append(math.nan)
            else:
                row = hit.iloc[0]
                values.append(_to_canonical(float(row["unmet"]), str(row["unit"]), canonical))
        label = text(
            "row_unmet_product", lang, product=display_name(holder, "product", product, lang)
        )
        rows.append(FigureRow("sec_unmet", label, canonical, values))
    share = [
        float(report.headline(res)["unmet_share_max"]) if is_optimal(res) else math.nan
        for res in items
    ]
    rows.append(FigureRow("sec_unmet", text("row_unmet_share", lang), "%", share))
    return rows


def _shown(row: FigureRow, rows: list[FigureRow]) -> tuple[str, float]:
    """One planner unit per section and canonical unit, so a column reads consistently."""
    if row.unit == "%":
        return "%", 1.0
    if row.section in ("sec_output", "sec_impact"):
        peers = [row]  # products (and CO2 next to SO2) differ too much to share a unit
    else:
        peers = [r for r in rows if r.section == row.section and r.unit == row.unit]
    largest = max((abs(v) for r in peers for v in r.values if not math.isnan(v)), default=0.0)
    if row.unit == "USD" and largest >= 1e5:
        return "MUSD", 1e-6  # planners read money in million USD
    return report.planner_unit(row.unit, largest)


def _change(new: float, old: float, factor: float, row: FigureRow, lang: str) -> str:
    if math.isnan(new) or math.isnan(old):
        return ""
    if row.unit == "%":  # a change of a share is in percentage points
        delta = new - old
        if abs(delta) < 1e-12:
            return ""
        return f"{number(100 * delta, lang, signed=True)} {text('percentage_points', lang)}"
    delta = (new - old) * factor
    if abs(new - old) <= 1e-9 * max(1.0, abs(old)):
        return ""  # an unchanged value needs no second line
    return number(delta, lang, signed=True) + _relative_note(new, old, lang)


def _relative_note(new: float, old: float, lang: str) -> str:
    """`` (+12%)`` beside a change, unless a percentage would mislead.

    None of a zero or near-zero base (a change above 500% says only that the base was
    small: ``+28 (+5,811%)``) and none below 0.05% (``-0.0882 (-0.0015%)``).
    """
    if not old:
        return ""
    rel = (new - old) / abs(old)
    if abs(rel) > 5 or abs(rel) < 5e-4:
        return ""
    return f" ({percent(rel, lang, signed=True)})"


def figures_table(rows: list[FigureRow], items: list[xr.Dataset], lang: str) -> Table:
    """Lay out key figures: one value column per scenario, changes against the first."""
    comparison = len(items) > 1
    if comparison:
        names = [scenario_name(r, lang) for r in items]
        columns = [
            text("col_indicator", lang),
            text("col_unit", lang),
            names[0]
            if text("baseline", lang) in names[0].lower()
            else f"{names[0]} ({text('baseline', lang)})",
            *names[1:],
        ]
    else:
        columns = [
            text("col_indicator", lang),
            text("col_value", lang),
            text("col_unit", lang),
            text("col_cap_share", lang),
        ]
    table = Table(columns, numeric=[False, *([True] * (len(columns) - 1))])
    if comparison:
        table.numeric[1] = False
    else:
        table.numeric[2] = False
    if comparison:
        rest = 100.0 - 26.0 - 11.0
        table.widths = [26.0, 11.0, *([rest / len(items)] * len(items))]
        rows, unchanged = _fold_for_comparison(rows, lang)
        if unchanged:
            table.footnote = text("fig_unchanged", lang, items=join(unchanged, lang))
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            table.add_section(text(section, lang))
        shown, factor = _shown(row, rows)
        unit = "" if shown == "%" else unit_name(shown, lang)
        fmt = [percent(v, lang) if shown == "%" else number(v * factor, lang) for v in row.values]
        if comparison:
            cells = [fmt[0]]
            for i in range(1, len(items)):
                change = _change(row.values[i], row.values[0], factor, row, lang)
                cells.append(f"{fmt[i]}\n{change}" if change else fmt[i])
            table.rows.append([row.label, unit, *cells])
        else:
            share = row.cap_share[0] if row.cap_share else math.nan
            table.rows.append(
                [row.label, fmt[0], unit, "" if math.isnan(share) else percent(share, lang)]
            )
    return table


def _fold_for_comparison(rows: list[FigureRow], lang: str) -> tuple[list[FigureRow], list[str]]:
    """Shorten the key figures of a comparison.

    Output rows equal in every scenario become one line of text (``Aromatics 150 kt``);
    unmet demand by product is left out (the change in output delivered shows it), its
    largest share stays.
    """
    kept: list[FigureRow] = []
    unchanged: list[str] = []
    for row in rows:
        if row.section == "sec_unmet":
            if row.unit == "%":  # beside the output it qualifies, without a section of its own
                kept.insert(
                    max(
                        (k + 1 for k, r in enumerate(kept) if r.section == "sec_output"), default=0
                    ),
                    FigureRow("sec_output", row.label, row.unit, row.values, row.cap_share),
                )
            continue
        values = [v for v in row.values if not math.isnan(v)]
        same = len(values) == len(row.values) and all(
            abs(v - values[0]) <= 1e-9 * max(1.0, abs(values[0])) for v in values
        )
        if row.section == "sec_output" and same:
            shown, factor = _shown(row, rows)
            unchanged.append(f"{row.label} {quantity(values[0] * factor, shown, lang)}")
            continue
        kept.append(row)
    return kept, unchanged


# --- key messages ------------------------------------------------------------------------


def one_sided(res: xr.Dataset, cap: str, where: str) -> tuple[float, float] | None:
    """Return (one more is worth, one less costs) of a cap where they differ, else None.

    ``cap`` and ``where`` are as in :func:`resourcemodel.report.binding_caps`. At a
    degenerate optimum the shadow price is one of the two; results without one-sided
    values (PuLP, no ranging, older files) and caps of zero give None.
    """
    name = f"{cap}_worth_more"
    if name not in res or f"{cap}_cost_less" not in res:
        return None
    labels = dict(zip(res[name].dims, where.split(", "), strict=True))
    more = float(res[name].sel(labels))
    less = float(res[f"{cap}_cost_less"].sel(labels))
    if math.isnan(more) or math.isnan(less):
        return None
    if abs(less - more) <= KINK_RTOL * max(1.0, abs(more)):
        return None
    if math.isinf(less) and float(res[f"{cap}_limit"].sel(labels)) == 0.0:
        return None  # a cap of zero (a closed source) cannot go lower: nothing to say
    return more, less


def worth(res: xr.Dataset, cap: str, where: str, price: float, price_unit: str, lang: str) -> str:
    """Return the value of one more unit of a cap, and the cost of one less where it differs."""
    sides = one_sided(res, cap, where)
    if sides is None:
        return quantity(price, price_unit, lang)
    more = quantity(sides[0], price_unit, lang)
    if not math.isfinite(sides[1]):
        return text("worth_kink_infeasible", lang, more=more)
    return text("worth_kink", lang, more=more, less=quantity(sides[1], price_unit, lang))


def cap_subject(res: xr.Dataset, cap: str, where: str, lang: str) -> str:
    """Name what a cap limits: the resource of its source, group or permit, or a pollutant."""
    labels = where.split(", ")
    if cap.startswith("emission_cap"):
        return display_name(res, "pollutant", labels[0], lang)
    if cap.startswith("group_cap"):
        resource = str(res["group_resource"].sel(group=labels[0]).item())
    elif cap == "permit":
        resource = labels[1]
    else:  # source_cap(_annual): source first; contract, connection_cap: plant, source
        source = labels[1] if cap in ("contract", "connection_cap") else labels[0]
        resource = str(res["source_resource"].sel(source=source).item())
    return display_name(res, "resource", resource, lang)


def _cap_message(res: xr.Dataset, lang: str, most: int = 3) -> list[str]:
    """Key messages on the caps: the most valuable cap on each resource, water first.

    Shadow prices in USD/MWh, USD/GJ and USD/m3 are not comparable, so each resource gets
    its own message, in its own unit (at most ``most``; water always when a water cap
    binds). Caps of zero (a source that does not exist in those months) are left out. The
    last line counts the binding caps.
    """
    tops = report.top_caps(res)
    if tops.empty:
        return [text("msg_no_binding", lang)]
    binding = report.binding_caps(res)
    binding = binding[binding["limit"] > 0]
    out = []
    for _, top in tops.head(most).iterrows():
        top["subject"] = cap_subject(res, str(top["cap"]), str(top["where"]), lang)
        unit = str(top["unit"])
        price_unit = "USD/" + str(top["price_unit"]).split("/", 1)[1]
        label = cap_label(res, str(top["cap"]), str(top["where"]), lang)
        sides = one_sided(res, str(top["cap"]), str(top["where"]))
        if sides is not None and math.isfinite(sides[1]):
            out.append(
                text(
                    "msg_top_cap_kink",
                    lang,
                    subject=top["subject"],
                    cap=label,
                    more=quantity(sides[0], price_unit, lang),
                    less=quantity(sides[1], price_unit, lang),
                )
            )
            continue
        upper = float(top["range_upper"])
        if math.isnan(float(top["range_lower"])):  # a bound (connection cap): no range
            out.append(
                text(
                    "msg_top_cap_no_range",
                    lang,
                    subject=top["subject"],
                    cap=label,
                    price=quantity(float(top["shadow_price"]), price_unit, lang),
                )
            )
            continue
        out.append(
            text(
                "msg_top_cap",
                lang,
                subject=top["subject"],
                cap=label,
                price=quantity(float(top["shadow_price"]), price_unit, lang),
                lower=quantity(max(0.0, float(top["range_lower"])), unit, lang),
                upper=quantity(upper, unit, lang)
                if math.isfinite(upper)
                else text("unbounded_above", lang),
            )
        )
    out.append(text("msg_binding_count", lang, n=number(len(binding), lang)))
    return out


def messages(items: list[xr.Dataset], rows: list[FigureRow], lang: str) -> list[str]:
    """Return the key messages a director reads first."""
    out: list[str] = []
    for res in items:
        if not is_optimal(res):
            status = text(f"status_{res.attrs.get('status', 'error')}", lang)
            out.append(
                text("msg_not_optimal", lang, scenario=scenario_name(res, lang), status=status)
            )
    if len(items) == 1:
        res = items[0]
        if not is_optimal(res):
            return out
        unmet = report.unmet_table(res)
        short = unmet[unmet["unmet"] > 0]
        if short.empty:
            out.append(text("msg_all_met", lang))
        else:
            worst = short.sort_values("unmet_share", ascending=False).iloc[0]
            out.append(
                text(
                    "msg_unmet",
                    lang,
                    n=number(len(short), lang),
                    m=number(len(unmet), lang),
                    product=display_name(res, "product", str(worst["product"]), lang),
                    share=percent(float(worst["unmet_share"]), lang),
                    amount=quantity(float(worst["unmet"]), str(worst["unit"]), lang),
                )
            )
        out += _cap_message(res, lang)
        use = report.source_use_table(res).dropna(subset=["use_share"])
        if not use.empty:
            tight = use.sort_values("use_share", ascending=False).iloc[0]
            out.append(
                text(
                    "msg_tightest",
                    lang,
                    source=display_name(res, "source", str(tight["source"]), lang),
                    share=percent(float(tight["use_share"]), lang),
                )
            )
        cost = next(r for r in rows if r.label == text("row_cost_total", lang))
        measures = next(r for r in rows if r.label == text("row_cost_measures", lang))
        out.append(
            text(
                "msg_cost",
                lang,
                cost=_money(cost.values[0], lang),
                measures=_money(measures.values[0], lang),
            )
        )
        line = _measures_short(res, lang)
        if line:
            out.append(line)
        return out
    cost = next(r for r in rows if r.label == text("row_cost_total", lang))
    water = next((r for r in rows if r.label == text("row_total_water", lang)), None)
    if water is None:
        water = next((r for r in rows if r.section == "sec_water"), None)
    penalty = next(r for r in rows if r.label == text("row_unmet_penalty", lang))
    added = next(r for r in rows if r.label == text("row_value_added", lang))
    for i, res in enumerate(items):
        if not is_optimal(res):
            continue
        parts = []
        if i and is_optimal(items[0]):
            parts.append(
                text(
                    "msg_change",
                    lang,
                    scenario=scenario_name(res, lang),
                    baseline=scenario_name(items[0], lang),
                    value_added=_money_change(added.values[i], added.values[0], lang),
                    cost=_relative(cost.values[i], cost.values[0], lang),
                    water=_relative(water.values[i], water.values[0], lang) if water else "–",
                    unmet=_money_change(penalty.values[i], penalty.values[0], lang),
                )
            )
        else:
            parts.append(text("scenario_prefix", lang, scenario=scenario_name(res, lang)))
        parts.append(_caps_short(res, lang))
        parts.append(_measures_short(res, lang))
        out.append(" ".join(p for p in parts if p))
    return out


def _caps_short(res: xr.Dataset, lang: str, most: int = 2) -> str:
    """One sentence: the most valuable cap on each resource (water first), price only."""
    tops = report.top_caps(res)
    if tops.empty:
        return text("msg_no_binding", lang)
    items = []
    for _, top in tops.head(most).iterrows():
        price_unit = "USD/" + str(top["price_unit"]).split("/", 1)[1]
        sides = one_sided(res, str(top["cap"]), str(top["where"]))
        price = sides[0] if sides is not None else float(top["shadow_price"])
        items.append(
            text(
                "msg_cap_item",
                lang,
                cap=cap_label(res, str(top["cap"]), str(top["where"]), lang),
                price=quantity(price, price_unit, lang),
            )
        )
    return text("msg_caps_short", lang, items=text("list_semicolon", lang).join(items))


def _measures_short(res: xr.Dataset, lang: str) -> str:
    """One sentence: how many measures are adopted, their cost, and the largest by cost."""
    from resourcemodel.brief.drawings import measure_costs

    if res.sizes.get("measure", 0) == 0:
        return ""
    keys, costs = measure_costs([res])
    if not keys:
        return text("msg_measures_none", lang)
    plant, measure = keys[0]
    return text(
        "msg_measures",
        lang,
        n=number(len(keys), lang),
        cost=_money(sum(costs[0]), lang),
        measure=display_name(res, "measure", measure, lang),
        plant=display_name(res, "plant", plant, lang),
        largest=_money(costs[0][0], lang),
    )


def money(usd: float, lang: str) -> str:
    """Write an amount of USD as planners read it (``18,137 MUSD``, ``2.25 kUSD``)."""
    return _money(usd, lang)


def _money(usd: float, lang: str) -> str:
    if abs(usd) >= 1e5:
        return quantity(usd * 1e-6, "MUSD", lang)
    shown, factor = report.planner_unit("USD", usd)
    return quantity(usd * factor, shown, lang)


def _relative(new: float, old: float, lang: str) -> str:
    if math.isnan(new) or math.isnan(old):
        return "–"
    if abs(new - old) <= 1e-9 * max(1.0, abs(old)):
        return text("unchanged", lang)
    if old == 0:
        return number(new - old, lang, signed=True)
    return percent((new - old) / abs(old), lang, signed=True)


def _money_change(new: float, old: float, lang: str) -> str:
    if math.isnan(new) or math.isnan(old):
        return "–"
    if abs(new - old) <= 1e-9 * max(1.0, abs(old)):
        return text("unchanged", lang)
    if abs(new - old) >= 1e5:
        return quantity((new - old) * 1e-6, "MUSD", lang, signed=True)
    shown, factor = report.planner_unit("USD", abs(new - old))
    return quantity((new - old) * factor, shown, lang, signed=True)


# --- tables ------------------------------------------------------------------------------


def caps_table(res: xr.Dataset, lang: str) -> Table:
    """Binding caps of one scenario, most valuable first, with limits and ranges."""
    table = Table(
        [
            text("col_cap", lang),
            text("col_limit", lang),
            text("col_worth", lang),
            text("col_holds", lang),
        ],
        numeric=[False, True, True, True],
    )
    if not is_optimal(res):
        return table
    for row in report.binding_caps(res, limit=MAX_CAPS).itertuples():
        unit = str(row.unit)
        upper = float(row.range_upper)  # type: ignore[arg-type]
        lower = max(0.0, float(row.range_lower))  # type: ignore[arg-type]
        holds = (
            text(
                "range",
                lang,
                lower=number(lower, lang),
                upper=number(upper, lang),
            )
            + f" {unit_name(unit, lang)}"
            if math.isfinite(upper)
            else f"≥ {quantity(lower, unit, lang)}"
        )
        if math.isnan(float(row.range_lower)):  # type: ignore[arg-type]
            holds = text("not_known", lang)
        price = float(row.shadow_price)  # type: ignore[arg-type]
        sides = one_sided(res, str(row.cap), str(row.where))
        if sides is not None and not math.isnan(float(row.range_lower)):  # type: ignore[arg-type]
            # The range is where the solver's dual holds: on one side of the kink only.
            nearer_more = abs(price - sides[0]) < abs(price - sides[1])
            holds = text("holds_for_more" if nearer_more else "holds_for_less", lang, range=holds)
        table.rows.append(
            [
                cap_label(res, str(row.cap), str(row.where), lang),
                quantity(float(row.limit), unit, lang),  # type: ignore[arg-type]
                worth(
                    res,
                    str(row.cap),
                    str(row.where),
                    price,
                    "USD/" + str(row.price_unit).split("/", 1)[1],
                    lang,
                ),
                holds,
            ]
        )
    return table


def measures_table(res: xr.Dataset, lang: str) -> Table:
    """Measures adopted, largest annual cost first: plant, share, cost and what they save."""
    table = Table(
        [
            text("col_measure", lang),
            text("col_plant", lang),
            text("col_adopted", lang),
            text("col_cost", lang),
            text("col_saves", lang),
        ],
        numeric=[False, False, True, True, False],
    )
    if not is_optimal(res) or res.sizes.get("measure", 0) == 0:
        return table
    from resourcemodel.brief.drawings import measure_costs

    keys, costs = measure_costs([res])  # largest annual cost first
    table.footnote = (
        text("measures_more", lang, n=number(len(keys) - MAX_MEASURES, lang))
        if len(keys) > MAX_MEASURES
        else ""
    )
    saved = res["saving_amount"].fillna(0).sum("period")
    for (plant, measure), cost in list(zip(keys, costs[0], strict=True))[:MAX_MEASURES]:
        share = float(res["adoption"].sel(plant=plant, measure=measure))
        savings = []
        for resource in res.resource.values:
            amount = float(saved.sel(plant=plant, measure=measure, resource=resource))
            if amount > 0:
                canonical = str(res["resource_unit"].sel(resource=resource).item())
                shown, factor = report.planner_unit(canonical, amount)
                name = display_name(res, "resource", str(resource), lang)
                savings.append(f"{quantity(amount * factor, shown, lang)} {name}")
        table.rows.append(
            [
                display_name(res, "measure", str(measure), lang),
                display_name(res, "plant", str(plant), lang),
                percent(float(share), lang),
                _money(cost, lang),
                join(savings, lang) if savings else "–",
            ]
        )
    return table


def other_outputs(items: list[xr.Dataset], lang: str) -> str:
    """Name the final products the output chart leaves out (other units), in one sentence."""
    from resourcemodel.plots import final_output, main_output_unit

    outputs = [final_output(res) for res in items]
    unit = main_output_unit(outputs)
    ref = items[0]
    parts = []
    for (plant, product), (value, canonical) in outputs[0].items():
        if canonical == unit:
            continue
        shown, factor = report.planner_unit(canonical, value)
        parts.append(
            f"{display_name(ref, 'product', product, lang)} "
            f"({display_name(ref, 'plant', plant, lang)}) "
            f"{quantity(value * factor, shown, lang)}"
        )
    return text("chart_other_units", lang, items=join(parts, lang)) if parts else ""


_ORIGIN = re.compile(r"^(?P<file>.*?),\s*\[\[(?P<kind>change|curtailment)\]\]\s*#(?P<n>\d+)$")


def _origin(origin: str, lang: str) -> str:
    match = _ORIGIN.match(origin.strip())
    if not match:
        return origin
    part = text(f"origin_{match['kind']}", lang, n=number(int(match["n"]), lang))
    return f"{match['file']}{text('list_sep', lang)}{part}"


def period_span(res: xr.Dataset, periods: list[str], lang: str) -> str:
    """Name a set of periods shortly: ``every month``, ``Tir–Mordad``, ``Azar, Esfand``.

    Runs of consecutive periods are joined with a dash; every period of the year is
    ``every period`` (``every month`` when the year has twelve).
    """
    order = [str(p) for p in res.period.values]
    index = sorted({order.index(p) for p in periods if p in order})
    if not index:
        return ""
    if len(index) == len(order) and len(order) > 1:
        return text("every_month" if len(order) == 12 else "every_period", lang)
    runs: list[list[int]] = []
    for i in index:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])

    def name(i: int) -> str:
        label = display_name(res, "period", order[i], lang)
        return _short(label) if lang == "en" else label

    parts = [
        name(r[0]) if len(r) == 1 else f"{name(r[0])}{text('range_dash', lang)}{name(r[-1])}"
        for r in runs
    ]
    return join(parts, lang)


def _short(label: str) -> str:
    """``Tir (Jun-Jul)`` -> ``Tir``: a span of months names each month once."""
    cut = re.sub(r"\s*\([^()]*\)\s*$", "", label)
    return cut or label


def _diff_groups(records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group a scenario's changes that differ only in their period: one line per change.

    Records of the same parameter, element (labels other than period), unit and origin
    whose after/before ratio is the same (``-50% in every month``), or whose new value is
    the same, are one group; anything else stays on its own line.
    """
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for rec in records:
        labels = dict(rec.get("labels", {}))
        if "period" not in labels:
            key: tuple[Any, ...] = ("single", id(rec))
        else:
            rest = tuple((k, v) for k, v in labels.items() if k != "period")
            before, after = rec.get("before"), rec.get("after")
            if before and after is not None and math.isfinite(before) and math.isfinite(after):
                how: tuple[Any, ...] = ("ratio", round(after / before, 6))
            else:
                how = ("value", before, after)
            key = (rec["parameter"], rest, rec.get("unit", ""), rec.get("origin", ""), how)
        groups.setdefault(key, []).append(rec)
    return list(groups.values())


def diff_table(res: xr.Dataset, lang: str, most: int = MAX_DIFF_ROWS) -> tuple[Table, int]:
    """Return the scenario's changes, one row per change, and how many more there are.

    Changes that differ only in their period are folded into one row (``source cap,
    Zayandeh Rud, every month: -50%``); a scenario lists at most ``most`` rows.
    """
    records = attr_json(res, "scenario_diff", [])
    table = Table(
        [
            text("col_parameter", lang),
            text("col_element", lang),
            text("col_before", lang),
            text("col_after", lang),
            text("col_unit", lang),
            text("col_origin", lang),
        ],
        numeric=[False, False, True, True, False, False],
        widths=[12.0, 29.0, 11.0, 11.0, 12.0, 25.0],
    )
    groups = _diff_groups(records)
    for group in groups:
        rec = group[0]
        befores = [g.get("before") for g in group]
        afters = [g.get("after") for g in group]
        finite = [abs(v) for v in (*befores, *afters) if v is not None and math.isfinite(v)]
        unit = str(rec.get("unit", ""))
        try:
            shown, factor = report.planner_unit(unit, max(finite, default=0.0))
        except Exception:  # a unit pint cannot read: show as stored
            shown, factor = unit, 1.0
        labels = dict(rec.get("labels", {}))
        where = [
            display_name(res, str(dim), str(label), lang)
            for dim, label in labels.items()
            if dim != "period" or len(group) == 1
        ]
        if len(group) > 1:
            where.append(period_span(res, [str(g["labels"]["period"]) for g in group], lang))
        table.rows.append(
            [
                text(f"param_{rec['parameter']}", lang),
                join(where, lang),
                _values(befores, factor, lang),
                _after(befores, afters, factor, lang),
                unit_name(shown, lang),
                _origin(str(rec.get("origin", "")), lang),
            ]
        )
    more = max(0, len(table.rows) - most)
    table.rows = table.rows[:most]
    return table, more


def _values(values: list[float | None], factor: float, lang: str) -> str:
    """One value, or the range of several (``5.42 to 8.06``)."""
    if any(v is None for v in values):
        return text("absent", lang) if all(v is None for v in values) else "–"
    known = [v for v in values if v is not None]
    low, high = min(known) * factor, max(known) * factor
    if number(low, lang) == number(high, lang):
        return number(low, lang)
    return text("range", lang, lower=number(low, lang), upper=number(high, lang))


def _after(
    befores: list[float | None], afters: list[float | None], factor: float, lang: str
) -> str:
    """Return the new value(s); a change folded by one ratio also gives it (``−50%``)."""
    shown = _values(afters, factor, lang)
    if len(afters) < 2 or any(v is None for v in (*befores, *afters)):
        return shown
    ratios = {round(a / b, 6) for a, b in zip(afters, befores, strict=True) if b}  # type: ignore[operator]
    if len(ratios) == 1 and len([b for b in befores if b]) == len(befores):
        return f"{percent(ratios.pop() - 1, lang, signed=True)}\n{shown}"
    return shown


def run_card(items: list[xr.Dataset], lang: str) -> Table:
    """Return the run card of each scenario as rows of (item, value per scenario)."""
    columns = [text("col_item", lang), *[scenario_name(r, lang) for r in items]]
    table = Table(columns, numeric=[False] * len(columns))
    if len(items) > 1:
        table.widths = [16.0, *([84.0 / len(items)] * len(items))]

    same: list[str] = []

    def row(key: str, values: list[str]) -> None:
        if len(values) > 1 and len(set(values)) == 1:
            # The same for every scenario: one line under the table, not a row.
            same.append(f"{text(key, lang)}: {values[0]}")
            return
        table.rows.append([text(key, lang), *values])

    def each(fn: Any) -> list[str]:
        return [fn(r) for r in items]

    row("rc_chain", each(lambda r: chain(attr_json(r, "scenario_chain", []), lang) or "–"))
    row("rc_status", each(lambda r: text(f"status_{r.attrs.get('status', 'error')}", lang)))
    row(
        "rc_objective",
        each(
            lambda r: (
                f"{_money(float(r.attrs.get('objective', math.nan)), lang)} "
                f"({text('obj_' + str(r.attrs.get('objective_name', 'cost')), lang)})"
            )
        ),
    )
    row(
        "rc_solver",
        each(
            lambda r: (
                f"{r.attrs.get('solver', '')} {r.attrs.get('solver_version', '')} "
                f"({_options(r, lang)})"
            )
        ),
    )
    row(
        "rc_measures",
        each(
            lambda r: text(
                "rc_integer_yes" if int(r.attrs.get("integer_measures", 0)) else "rc_integer_no",
                lang,
            )
        ),
    )
    seconds = [float(r.attrs.get("solve_seconds", math.nan)) for r in items]
    if len(items) > 1 and all(s < 60 for s in seconds):
        # Seconds that differ by noise are one range in the line under the table.
        low, high = min(seconds), max(seconds)
        span = text("range", lang, lower=number(low, lang), upper=number(high, lang))
        same.append(f"{text('rc_solve_time', lang)}: {text('rc_seconds', lang, n=span)}")
    else:
        row("rc_solve_time", [text("rc_seconds", lang, n=number(s, lang)) for s in seconds])
    row(
        "rc_lp_size",
        each(
            lambda r: text(
                "rc_lp_size_value",
                lang,
                rows=number(int(r.attrs.get("lp_rows", 0)), lang),
                cols=number(int(r.attrs.get("lp_columns", 0)), lang),
                nnz=number(int(r.attrs.get("lp_nonzeros", 0)), lang),
            )
        ),
    )
    row("rc_input_hash", each(lambda r: str(r.attrs.get("input_hash", "")) or "–"))
    row("rc_package", each(lambda r: str(r.attrs.get("package_version", "")) or "–"))
    row("rc_python", each(lambda r: str(r.attrs.get("python_version", "")) or "–"))
    row("rc_created", each(lambda r: _created(r, lang)))
    if same:
        table.footnote = text("rc_same", lang, items=text("list_semicolon", lang).join(same))
    return table


def chain(names: list[str], lang: str) -> str:
    """Write a scenario chain, parent first: ``a → b`` in English, ``a ← b`` in Persian.

    In right-to-left text the chain reads from the right, so the arrow points left; each
    name is a left-to-right isolate, so a name with hyphens and digits stays whole and
    the arrows stay between the names.
    """
    if lang == "fa":
        return " ← ".join(f"{LRI}{name}{PDI}" for name in names)
    return " → ".join(names)


def _options(res: xr.Dataset, lang: str) -> str:
    options = dict(attr_json(res, "solver_options", {}))
    return ", ".join(f"{k}={v}" for k, v in options.items()) or text("rc_default_options", lang)


def _created(res: xr.Dataset, lang: str) -> str:
    from resourcemodel.labels import date, digits

    raw = str(res.attrs.get("created", ""))
    if not raw:
        return "–"
    try:
        when = _dt.datetime.fromisoformat(raw)
    except ValueError:
        return raw
    clock = digits(when.strftime("%H:%M"), lang)
    return f"{date(when, lang)}{text('list_sep', lang)}{clock} {text('utc', lang)}"


def caveat_lines(items: list[xr.Dataset], lang: str) -> list[str]:
    """Return the caveats of a brief.

    A comparison gives the baseline's caveats, saying so in its first line: the other
    scenarios change its data only as their diffs say. A scenario whose inputs carry other
    confidence labels (an overlay adds rows) gets its own count line.
    """
    base = caveats.caveats(items[0], lang)
    if len(items) == 1:
        return [line for _, line in base]
    lines = [line for _, line in base]
    counts = dict(base).get("counts")
    extra = []
    for res in items[1:]:
        own = dict(caveats.caveats(res, lang)).get("counts")
        if own and own != counts:
            prefix_res = text("scenario_prefix", lang, scenario=scenario_name(res, lang))
            extra.append(f"{prefix_res} {own}")
    lead = text("caveat_same_data", lang, baseline=scenario_name(items[0], lang))
    return [lead, *lines[:-1], *extra, *lines[-1:]]
