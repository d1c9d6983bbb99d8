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
from resourcemodel.brief.content import Table, is_optimal, scenario_name
from resourcemodel.brief.i18n import date, join, number, text

#: Caps per scenario in the comparison's table of binding caps.
CAPS_PER_SCENARIO = 5


@dataclass
class Block:
    """One part of a brief.

    ``kind`` is ``""`` (plain), ``"messages"`` or ``"caveats"`` (boxed) or ``"appendix"``
    (starts a new page); ``level`` is the heading level (2 or 3).
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


def build(items: list[xr.Dataset], lang: str, kind: str = "svg") -> Document:
    """Build the brief of one scenario, or of several compared with the first.

    Parameters
    ----------
    items : list of xarray.Dataset
        Results; the first is the baseline of a comparison.
    lang : {"en", "fa"}
        Language.
    kind : {"svg", "png"}
        How charts are drawn.

    Returns
    -------
    Document
    """
    from resourcemodel import __version__

    comparison = len(items) > 1
    names = [scenario_name(r, lang) for r in items]
    if comparison:
        title = text("title_comparison", lang, scenarios=join(names[1:], lang), baseline=names[0])
    else:
        title = text("title_single", lang, scenario=names[0])
    lines = [(scenario_name(r, lang), content.scenario_summary(r, lang)) for r in items]
    subtitle = " ".join(
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
    if any(is_optimal(r) for r in items):
        blocks.append(
            Block(text("key_figures", lang), table=content.figures_table(rows, items, lang))
        )
    for name in list(charts):
        if name not in ("shadow_prices", "measures"):
            chart = charts.pop(name)
            blocks.append(Block(chart=chart, note=chart.caption))
    blocks += _caps_blocks(items, charts.pop("shadow_prices", None), lang)
    if "measures" in charts:
        chart = charts.pop("measures")
        table = None if comparison else content.measures_table(items[0], lang)
        blocks.append(
            Block(
                text("measures", lang),
                chart=chart,
                table=table if table is not None and table.rows else None,
            )
        )
    blocks.append(
        Block(
            text("caveats_title", lang), kind="caveats", bullets=content.caveat_lines(items, lang)
        )
    )
    blocks += _diff_blocks(items, lang)
    blocks.append(
        Block(text("appendix_title", lang), kind="appendix", table=content.run_card(items, lang))
    )
    return Document(lang, title, subtitle, meta, blocks)


def _caps_blocks(items: list[xr.Dataset], chart: Chart | None, lang: str) -> list[Block]:
    heading = text("binding_caps", lang)
    if len(items) == 1:
        if not is_optimal(items[0]):
            return []
        table = content.caps_table(items[0], lang)
        return [Block(heading, chart=chart, table=table if table.rows else None)]
    from resourcemodel.plots import cap_label

    keys: list[tuple[str, str]] = []
    frames = []
    for res in items:
        caps = report.binding_caps(res) if is_optimal(res) else None
        caps = None if caps is None or caps.empty else caps
        frames.append(caps)
        if caps is not None and not caps.empty:
            keys += [
                (str(r.cap), str(r.where))
                for r in caps.head(CAPS_PER_SCENARIO).itertuples()
                if (str(r.cap), str(r.where)) not in keys
            ]
    if not keys:
        return [Block(heading, paragraphs=[text("msg_no_binding", lang)])]
    table = Table(
        [text("col_cap", lang), *[scenario_name(r, lang) for r in items]],
        numeric=[False, *([True] * len(items))],
    )
    for cap, where in keys:
        holder = next(
            r
            for r, f in zip(items, frames, strict=True)
            if f is not None and ((f["cap"] == cap) & (f["where"] == where)).any()
        )
        cells = []
        for res, frame in zip(items, frames, strict=True):
            hit = (
                None if frame is None else frame[(frame["cap"] == cap) & (frame["where"] == where)]
            )
            if hit is None or hit.empty:
                cells.append("–")
            else:
                row = hit.iloc[0]
                unit = "USD/" + str(row["price_unit"]).split("/", 1)[1]
                price = float(row["shadow_price"])
                cells.append(content.worth(res, cap, where, price, unit, lang))
        table.rows.append([cap_label(holder, cap, where, lang), *cells])
    return [Block(heading, table=table, note=text("col_worth", lang))]


def _diff_blocks(items: list[xr.Dataset], lang: str) -> list[Block]:
    blocks = [Block(text("scenario_changes", lang))]
    for res in items:
        table, more = content.diff_table(res, lang)
        block = Block(scenario_name(res, lang) if len(items) > 1 else "", level=3)
        if table.rows:
            block.table = table
        else:
            block.paragraphs.append(text("diff_none", lang))
        if more:
            block.note = text("diff_more", lang, n=number(more, lang))
        blocks.append(block)
    return blocks
