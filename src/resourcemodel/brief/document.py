"""The brief as an ordered list of blocks that every output format lays out the same way.

A :class:`Document` has a title, a few header lines and :class:`Block` s (heading,
bullets, paragraphs, a chart, a table, a note). :func:`build` makes it from results; the
HTML/PDF, Markdown and DOCX writers only turn blocks into their markup.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import xarray as xr

from resourcemodel import report
from resourcemodel.brief import content
from resourcemodel.brief.charts import Chart, make_charts
from resourcemodel.brief.content import Table, is_optimal
from resourcemodel.labels import cap_label, date, display_name, join, number, scenario_name, text

#: Caps per scenario in the comparison's table of binding caps.
CAPS_PER_SCENARIO = 3
#: Rows of scenario changes per scenario (and per shared list) in a comparison.
DIFF_ROWS_COMPARED = 3


@dataclass
class Block:
    """One part of a brief.

    ``kind`` is ``""`` (plain), ``"messages"`` or ``"caveats"`` (boxed), ``"newpage"``
    (starts a printed page) or ``"appendix"``; ``level`` is the heading level (2 or 3).
    """

    heading: str = ""
    level: int = 2
    kind: str = ""
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    chart: Chart | None = None
    table: Table | None = None
    note: str = ""


@dataclass
class Document:
    """A brief ready to lay out."""

    lang: str
    title: str
    subtitle: str
    meta: str
    blocks: list[Block]

    @property
    def direction(self) -> str:
        """``rtl`` for Persian, ``ltr`` otherwise."""
        return "rtl" if self.lang == "fa" else "ltr"

    def charts(self) -> list[Chart]:
        """Every chart of the document, in order."""
        return [b.chart for b in self.blocks if b.chart is not None]


def build(
    items: list[xr.Dataset],
    lang: str,
    kind: str = "svg",
    sensitivity: list[xr.Dataset] | None = None,
    portfolio: tuple[xr.Dataset, xr.Dataset | None] | None = None,
    pathway: xr.Dataset | None = None,
) -> Document:
    """Build the brief of one scenario, or of several compared with the first.

    Parameters
    ----------
    items : list of xarray.Dataset
        Results; the first is the baseline of a comparison.
    lang : {"en", "fa"}
        Language.
    kind : {"svg", "png"}
        How charts are drawn.
    sensitivity : list of xarray.Dataset, optional
        Sweep results and/or cost curves: a sensitivity section (tornado, cost curve).
    portfolio : (Dataset, Dataset or None), optional
        A portfolio selection's per-project Dataset and optionally its trade-off front: a
        section with the completed projects, the front and their map.
    pathway : Dataset, optional
        Pathway results (:func:`resourcemodel.pathway.run_pathway`): a section with the
        headline, the build plan and the pathway charts. Without ``items`` the brief is
        the pathway's own (its first year's caveats, changes and run card).

    Returns
    -------
    Document
    """
    from resourcemodel import __version__

    if pathway is not None and not items:
        return _pathway_document(pathway, lang, kind)
    comparison = len(items) > 1
    names = [scenario_name(r, lang) for r in items]
    if comparison:
        title = text("title_comparison", lang, scenarios=join(names[1:], lang), baseline=names[0])
    else:
        title = text("title_single", lang, scenario=names[0])
    lines = [(scenario_name(r, lang), content.scenario_summary(r, lang)) for r in items]
    subtitle = "\n".join(
        f"{name}: {summary}" if comparison else summary for name, summary in lines if summary
    )
    meta = text("prepared", lang, date=date(_dt.date.today(), lang), version=__version__)
    rows = content.key_figures(items, lang)
    charts = {c.name: c for c in make_charts(items, lang, kind)}
    blocks = [
        Block(
            text("key_messages", lang), kind="messages", bullets=content.messages(items, rows, lang)
        ),
    ]
    maps = [charts.pop(name) for name in list(charts) if name.endswith("_map")]
    if "headline" in charts:
        chart = charts.pop("headline")
        blocks.append(Block(chart=chart, note=chart.caption))
        # A comparison's map (a new plant's) fills page 1 below the headline chart: the
        # key figures start the next page anyway.
        blocks += [Block(chart=chart, note=chart.caption) for chart in maps]
        maps = []
    if any(is_optimal(r) for r in items):
        table = content.figures_table(rows, items, lang)
        # A comparison's long table starts a page: its header is never left at a page foot.
        page = "newpage" if comparison else ""
        blocks.append(Block(text("key_figures", lang), kind=page, table=table, note=table.footnote))
    for name in list(charts):
        if name not in ("shadow_prices", "measures"):
            chart = charts.pop(name)
            blocks.append(Block(chart=chart, note=chart.caption))
    blocks += _caps_blocks(items, charts.pop("shadow_prices", None), lang)
    blocks += _basin_blocks(items, lang, kind)
    if portfolio is not None:
        blocks += _portfolio_blocks(*portfolio, lang, kind)
    if "measures" in charts:
        chart = charts.pop("measures")
        adopted = None if comparison else content.measures_table(items[0], lang)
        blocks.append(
            Block(
                text("measures", lang),
                chart=chart,
                table=adopted if adopted is not None and adopted.rows else None,
                note=chart.caption,
            )
        )
    # A single scenario's map comes after its numbers: where the water is drawn.
    blocks += [Block(chart=chart, note=chart.caption) for chart in maps]
    # The pathway over the years, after this year's numbers.
    if pathway is not None:
        blocks += _pathway_blocks(pathway, lang, kind)
    if sensitivity:
        blocks += _sensitivity_blocks(sensitivity, items, lang, kind)
    blocks.append(
        Block(
            text("caveats_title", lang), kind="caveats", bullets=content.caveat_lines(items, lang)
        )
    )
    blocks += _diff_blocks(items, lang)
    card = content.run_card(items, lang)
    blocks.append(
        Block(text("appendix_title", lang), kind="appendix", table=card, note=card.footnote)
    )
    return Document(lang, title, subtitle, meta, blocks)


def _caps_blocks(items: list[xr.Dataset], chart: Chart | None, lang: str) -> list[Block]:
    heading = text("binding_caps", lang)
    if len(items) == 1:
        if not is_optimal(items[0]):
            return []
        table = content.caps_table(items[0], lang)
        return [Block(heading, chart=chart, table=table if table.rows else None)]

    folded = [_folded_caps(res) if is_optimal(res) else {} for res in items]
    keys: list[tuple[str, str]] = []
    for res, caps in zip(items, folded, strict=True):
        # Prices in USD/m3 and USD/MWh are not ranked against each other: the most
        # valuable cap of each resource, water first, then the next ones.
        ranked = sorted(caps, key=lambda k: -caps[k][0])
        subjects: dict[str, list[tuple[str, str]]] = {}
        for key in ranked:
            full = caps[key][2]
            subjects.setdefault(content.cap_subject(res, key[0], full, lang), []).append(key)
        water = [s for s in subjects if caps[subjects[s][0]][1].endswith("/m3")]
        order = [*water, *[s for s in subjects if s not in water]]
        picked = [subjects[s][0] for s in order][:CAPS_PER_SCENARIO]
        keys += [k for k in picked if k not in keys]
    if not keys:
        return [Block(heading, paragraphs=[text("msg_no_binding", lang)])]
    table = Table(
        [text("col_cap", lang), *[scenario_name(r, lang) for r in items]],
        numeric=[False, *([True] * len(items))],
        widths=[28.0, *([72.0 / len(items)] * len(items))],
    )
    merged: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    for cap, where in keys:
        holder = next(r for r, f in zip(items, folded, strict=True) if (cap, where) in f)
        cells = []
        for res, caps in zip(items, folded, strict=True):
            if (cap, where) not in caps:
                cells.append("–")
                continue
            price, unit, full, periods = caps[(cap, where)]
            cell = content.worth(res, cap, full, price, unit, lang)
            if periods:
                cell += "\n" + content.period_span(res, periods, lang)
            cells.append(cell)
        # Caps of several plants on one source worth the same (contracts) share a row.
        head, _, rest = where.partition(", ")
        row_key = (cap, rest, tuple(cells)) if cap == "contract" else (cap, where, tuple(cells))
        if row_key in merged:
            merged[row_key][0] += text("list_sep", lang) + display_name(holder, "plant", head, lang)
            continue
        merged[row_key] = [
            display_name(holder, "plant", head, lang) if cap == "contract" else "",
            cap_label(holder, cap, rest if cap == "contract" else where, lang)
            if cap != "contract"
            else f"{display_name(holder, 'source', rest, lang)} ({text('cap_contract', lang)})",
            *cells,
        ]
    for row in merged.values():
        plants, label, *cells = row
        table.rows.append([f"{label}: {plants}" if plants else label, *cells])
    return [Block(heading, table=table, note=text("caps_note", lang))]


def _basin_blocks(items: list[xr.Dataset], lang: str, kind: str) -> list[Block]:
    """Return the basin's users, dam and value of water; nothing for a case without one."""
    from resourcemodel import plots
    from resourcemodel.brief import basin
    from resourcemodel.brief.charts import to_chart

    if not any(basin.has_basin(r) for r in items):
        return []
    table = basin.table(items, lang)
    note = basin.note(items, lang)
    with plots.language(lang):
        chart = to_chart(basin.figure(items, lang), "basin", note, kind)
    return [
        Block(
            text("basin_heading", lang),
            table=table,
            chart=chart,
            note=f"{table.footnote} {note}",
        )
    ]


def _portfolio_blocks(
    projects: xr.Dataset, front: xr.Dataset | None, lang: str, kind: str
) -> list[Block]:
    """Return the completed projects, the trade-off front and the map of the completed ones."""
    from resourcemodel import plots
    from resourcemodel.brief import portfolio
    from resourcemodel.brief.charts import to_chart

    table, more = portfolio.table(projects, lang)
    notes = [text("pf_table_note", lang)]
    if more:
        notes.append(text("pf_more", lang, n=number(more, lang)))
    paragraphs = [portfolio.summary(projects, lang)]
    left_out = portfolio.marginal(projects, lang)
    if left_out:
        paragraphs.append(left_out)
    blocks = [
        Block(
            portfolio.heading(projects, lang, front),
            kind="newpage",
            paragraphs=paragraphs,
            table=table if table.rows else None,
            note=" ".join(notes),
        )
    ]
    with plots.language(lang):
        if front is not None:
            note = text("pf_front_note", lang, n=number(int(front.sizes["point"]), lang))
            chart = to_chart(portfolio.front_figure(front, lang), "portfolio-front", note, kind)
            blocks.append(Block(chart=chart, note=note))
        note = portfolio.map_note(projects, lang)
        if portfolio.located(projects).any():
            chart = to_chart(portfolio.map_figure(projects, lang), "portfolio-map", note, kind)
            blocks.append(Block(chart=chart, note=note))
        else:
            blocks.append(Block(paragraphs=[note]))
    return blocks


def _pathway_blocks(ds: xr.Dataset, lang: str, kind: str, head: bool = True) -> list[Block]:
    """Return the pathway's headline (if ``head``), build plan and charts."""
    from resourcemodel import plots
    from resourcemodel.brief import pathway

    table, more = pathway.plan_table(ds, lang)
    blocks = [
        Block(
            pathway.heading(ds, lang),
            kind="newpage" if head else "",
            bullets=pathway.headline(ds, lang) if head else [],
            table=table if table.rows else None,
            note=pathway.plan_note(ds, lang, more) if table.rows else "",
        )
    ]
    with plots.language(lang):
        blocks += [
            Block(chart=chart, note=chart.caption) for chart in pathway.charts(ds, lang, kind)
        ]
    return blocks


def _pathway_document(ds: xr.Dataset, lang: str, kind: str) -> Document:
    """Return the brief of a pathway alone: its messages, section, caveats and run card."""
    from resourcemodel import __version__
    from resourcemodel.brief import pathway

    first = pathway.first_year(ds)
    title = text("pw_title", lang, scenario=scenario_name(first, lang))
    meta = text("prepared", lang, date=date(_dt.date.today(), lang), version=__version__)
    blocks = [
        Block(text("key_messages", lang), kind="messages", bullets=pathway.headline(ds, lang)),
        *_pathway_blocks(ds, lang, kind, head=False),
        Block(
            text("caveats_title", lang), kind="caveats", bullets=content.caveat_lines([first], lang)
        ),
        *_diff_blocks([first], lang),
    ]
    card = content.run_card([first], lang)
    blocks.append(
        Block(text("appendix_title", lang), kind="appendix", table=card, note=card.footnote)
    )
    return Document(lang, title, content.scenario_summary(first, lang), meta, blocks)


def _folded_caps(res: xr.Dataset) -> dict[tuple[str, str], tuple[float, str, str, list[str]]]:
    """Binding caps of one scenario with their periods folded together.

    Returns ``{(cap, where without period): (highest value, price unit, the full 'where'
    of that highest one, periods binding)}``. Caps of zero (closed sources) are left out.
    """
    caps = report.binding_caps(res)
    out: dict[tuple[str, str], tuple[float, str, str, list[str]]] = {}
    if caps.empty:
        return out
    for row in caps[caps["limit"] > 0].itertuples():  # sorted: highest value first
        cap, where = str(row.cap), str(row.where)
        dims = res[f"{cap}_binding"].dims
        labels = where.split(", ")
        period = labels[-1] if dims[-1] == "period" else ""
        base = ", ".join(labels[:-1]) if period else where
        unit = "USD/" + str(row.price_unit).split("/", 1)[1]
        if (cap, base) not in out:
            out[(cap, base)] = (float(row.shadow_price), unit, where, [])  # type: ignore[arg-type]
        if period:
            out[(cap, base)][3].append(period)
    return out


def _diff_blocks(items: list[xr.Dataset], lang: str) -> list[Block]:
    """Return the changes of each scenario; in a comparison, shared changes are listed once.

    A comparison shows at most :data:`DIFF_ROWS_COMPARED` rows per scenario (and for the
    shared changes), counting the rest.
    """
    blocks = [Block(text("scenario_changes", lang))]
    if len(items) == 1:
        table, more = content.diff_table(items[0], lang)
        blocks.append(_diff_block("", table, more, lang))
        return blocks
    full = [content.diff_table(res, lang, most=10**9)[0] for res in items]
    seen: dict[tuple[str, ...], list[int]] = {}
    for i, table in enumerate(full):
        for row in table.rows:
            seen.setdefault(tuple(row), []).append(i)
    shared = {row: owners for row, owners in seen.items() if len(owners) > 1}
    by_owners: dict[tuple[int, ...], list[list[str]]] = {}
    for shared_row, holders in shared.items():
        by_owners.setdefault(tuple(holders), []).append(list(shared_row))
    for owners, rows in by_owners.items():
        names = join([scenario_name(items[i], lang) for i in owners], lang)
        table = content.Table(full[0].columns, numeric=full[0].numeric, widths=full[0].widths)
        table.rows = rows[:DIFF_ROWS_COMPARED]
        more = len(rows) - len(table.rows)
        blocks.append(_diff_block(text("diff_shared", lang, scenarios=names), table, more, lang))
    for res, table in zip(items, full, strict=True):
        own = content.Table(table.columns, numeric=table.numeric, widths=table.widths)
        own.rows = [row for row in table.rows if tuple(row) not in shared]
        more = max(0, len(own.rows) - DIFF_ROWS_COMPARED)
        own.rows = own.rows[:DIFF_ROWS_COMPARED]
        if not own.rows and (table.rows or res is items[0]):
            continue  # all in a shared list above, or a baseline that changes nothing
        blocks.append(_diff_block(scenario_name(res, lang), own, more, lang))
    return blocks


def _diff_block(heading: str, table: Table, more: int, lang: str) -> Block:
    block = Block(heading, level=3)
    if table.rows:
        block.table = table
    else:
        block.paragraphs.append(text("diff_none", lang))
    if more:
        block.note = text("diff_more", lang, n=number(more, lang))
    return block


def _sensitivity_blocks(
    analyses: list[xr.Dataset], items: list[xr.Dataset], lang: str, kind: str
) -> list[Block]:
    """Return a tornado per sweep and a chart and table per cost curve, under a heading."""
    from resourcemodel import plots
    from resourcemodel.brief import sensitivity
    from resourcemodel.brief.charts import to_chart

    res = next((r for r in items if is_optimal(r)), items[0])
    blocks = [Block(text("sens_heading", lang))]
    with plots.language(lang):
        for n, ds in enumerate(analyses, start=1):
            if sensitivity.kind(ds) == "sweep":
                swings, base = sensitivity.swings(ds, res, lang)
                head = text("sens_sweep", lang, runs=number(int(ds.sizes["run"]), lang))
                if not swings:
                    blocks.append(Block(paragraphs=[head, text("sens_no_tornado", lang)], level=3))
                    continue
                fig = sensitivity.tornado_figure(swings, lang)
                note = text("sens_tornado_note", lang, base=content.money(base, lang))
                failed = int((ds["status"].values != "optimal").sum())
                if failed:
                    note += " " + text("sens_failed", lang, n=number(failed, lang))
                chart = to_chart(fig, f"tornado-{n}", note, kind)
                blocks.append(Block(paragraphs=[head], chart=chart, note=note, level=3))
            else:
                fig = sensitivity.cost_curve_figure(ds, res, lang)
                table, more = sensitivity.cost_curve_table(ds, res, lang)
                note = text("sens_more_steps", lang, n=number(more, lang)) if more else ""
                chart = to_chart(fig, f"cost-curve-{n}", note, kind)
                blocks.append(Block(chart=chart, table=table, note=note, level=3))
    return blocks
