"""Lay a brief out as Markdown, with its charts as PNG files in a folder beside it."""

from __future__ import annotations

import functools
from pathlib import Path

from resourcemodel.brief.content import Table
from resourcemodel.brief.document import Document
from resourcemodel.io import write_with


def _write_png(tmp: Path, png: bytes) -> None:
    tmp.write_bytes(png)


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", "<br>")


def table(tab: Table) -> str:
    """Return a pipe table; numeric columns right-aligned, section rows in bold."""
    lines = [
        "| " + " | ".join(_cell(c) for c in tab.columns) + " |",
        "|" + "|".join("---:" if num else "---" for num in tab.numeric) + "|",
    ]
    for i, row in enumerate(tab.rows):
        if i in tab.sections:
            blank = [""] * (len(tab.columns) - 1)
            lines.append("| " + " | ".join([f"**{_cell(tab.sections[i])}**", *blank]) + " |")
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines)


def chart_folder(target: Path) -> Path:
    """Return the folder of a Markdown brief's charts (``<name>_charts`` beside it)."""
    return target.with_name(f"{target.stem}_charts")


def render(doc: Document, target: Path) -> str:
    """Return the Markdown text of a brief written to ``target``; write its charts.

    Charts go to ``<target stem>_charts/<name>.png`` (each written atomically) and are
    linked relative to the Markdown file.
    """
    folder = chart_folder(target)
    parts: list[str] = []
    if doc.direction == "rtl":
        parts.append('<div dir="rtl">\n')
    parts.append(f"# {doc.title}\n")
    if doc.subtitle:
        parts += [f"_{line}_\n" for line in doc.subtitle.split("\n")]
    parts.append(f"{doc.meta}\n")
    for n, block in enumerate(doc.blocks, start=1):
        if block.heading:
            parts.append(f"{'#' * block.level} {block.heading}\n")
        for para in block.paragraphs:
            parts.append(f"{para}\n")
        if block.bullets:
            marker = "> " if block.kind in ("messages", "caveats") else ""
            parts.append("\n".join(f"{marker}- {item}" for item in block.bullets) + "\n")
        if block.chart is not None:
            name = f"{n:02d}-{block.chart.name}.png"
            write_with(folder / name, functools.partial(_write_png, png=block.chart.png))
            parts.append(f"![{block.chart.title}]({folder.name}/{name})\n")
        if block.table is not None:
            parts.append(table(block.table) + "\n")
        if block.note:
            parts.append(f"_{block.note}_\n")
    if doc.direction == "rtl":
        parts.append("</div>\n")
    return "\n".join(parts)
