"""Lay a brief out as a Word document (python-docx, the optional ``docx`` extra).

python-docx has no right-to-left API, so a Persian document sets the raw OOXML switches:
``w:bidi`` on paragraphs, ``w:rtl`` and a complex-script font (``w:rFonts w:cs``) on runs,
``w:bidiVisual`` on tables. Paragraph alignment is left unset in Persian: a bidi paragraph
already starts at the right, and an explicit "right" flips it in some readers. A Persian
document embeds Vazirmatn (:mod:`resourcemodel.brief.docx_fonts`); header rows of tables
repeat on each page (``w:tblHeader``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from resourcemodel.brief.content import Table
from resourcemodel.brief.document import Document

PERSIAN_FONT = "Vazirmatn"
LATIN_FONT = "DejaVu Sans"


def _require() -> Any:
    from resourcemodel.brief import BriefError

    try:
        import docx
    except ImportError as err:
        msg = (
            "DOCX briefs need python-docx, an optional extra: "
            "pip install 'resourcemodel[docx]' (or pip install python-docx); "
            "or write format='html', 'pdf' or 'md'."
        )
        raise BriefError(msg) from err
    return docx


class _Writer:
    def __init__(self, lang: str) -> None:
        docx = _require()
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        self.qn, self.Cm, self.Pt = qn, Cm, Pt
        self.rtl = lang == "fa"
        self.doc = docx.Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(1.6))
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(9.5)
        font = PERSIAN_FONT if self.rtl else LATIN_FONT
        for style in self.doc.styles:
            if getattr(style, "type", None) in (1, 2) and hasattr(style, "font"):
                self._fonts(style.element.get_or_add_rPr(), font)
        if self.rtl:
            sect = section._sectPr
            sect.append(sect.makeelement(qn("w:bidi"), {}))

    def _fonts(self, rpr: Any, font: str) -> None:
        qn = self.qn
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), font)
        for key in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(key), None)

    def _direction(self, paragraph: Any) -> Any:
        if self.rtl:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.insert(0, ppr.makeelement(self.qn("w:bidi"), {}))
            for run in paragraph.runs:
                self._run_rtl(run)
        return paragraph

    def _run_rtl(self, run: Any) -> None:
        # Each run names the Persian font for complex script (w:cs) itself, so Word
        # shapes it in Vazirmatn even where a style or theme says otherwise.
        rpr = run._r.get_or_add_rPr()
        self._fonts(rpr, PERSIAN_FONT)
        rpr.append(rpr.makeelement(self.qn("w:rtl"), {}))

    def paragraph(self, value: str, style: str | None = None, *, bold: bool = False) -> Any:
        para = self.doc.add_paragraph(style=style)
        run = para.add_run(value)
        run.bold = bold or None
        return self._direction(para)

    def heading(self, value: str, level: int) -> Any:
        return self._direction(self.doc.add_heading(value, level=level))

    def picture(self, png: bytes) -> None:
        self.doc.add_picture(io.BytesIO(png), width=self.Cm(17.4))
        self._direction(self.doc.paragraphs[-1])

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, tab: Table) -> None:
        rows = len(tab.rows) + len(tab.sections) + 1
        grid = self.doc.add_table(rows=rows, cols=len(tab.columns))
        grid.style = "Table Grid"
        # The header row repeats on every page the table runs over.
        trpr = grid.rows[0]._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(self.qn("w:tblHeader"), {}))
        if self.rtl:
            tblpr = grid._tbl.tblPr
            tblpr.append(tblpr.makeelement(self.qn("w:bidiVisual"), {}))
        cells: list[tuple[int, list[str], bool]] = [(0, tab.columns, True)]
        r = 1
        for i, row in enumerate(tab.rows):
            if i in tab.sections:
                merged = grid.rows[r].cells[0].merge(grid.rows[r].cells[-1])
                self._cell(merged, tab.sections[i], bold=True, numeric=False)
                r += 1
            cells.append((r, row, False))
            r += 1
        for index, values, bold in cells:
            for j, value in enumerate(values):
                self._cell(grid.rows[index].cells[j], value, bold=bold, numeric=tab.numeric[j])

    def _cell(self, cell: Any, value: str, *, bold: bool, numeric: bool) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        para = cell.paragraphs[0]
        for k, line in enumerate(value.split("\n")):
            if k:
                para.add_run().add_break()
            run = para.add_run(line)
            run.bold = bold or None
            run.font.size = self.Pt(8 if k == 0 else 7)
        if numeric and not self.rtl:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._direction(para)


def write(doc: Document, target: Path) -> None:
    """Write the brief as a DOCX file at ``target`` (charts must be PNG)."""
    w = _Writer(doc.lang)
    w.heading(doc.title, 0)
    for line in doc.subtitle.split("\n") if doc.subtitle else []:
        w.paragraph(line)
    w.paragraph(doc.meta)
    for block in doc.blocks:
        if block.kind == "appendix":
            w.page_break()
        if block.heading:
            w.heading(block.heading, block.level - 1)
        for para in block.paragraphs:
            w.paragraph(para)
        for item in block.bullets:
            w.paragraph(item, "List Bullet")
        if block.chart is not None:
            w.picture(block.chart.png)
        if block.table is not None:
            w.table(block.table)
        if block.note:
            w.paragraph(block.note)
    if not w.rtl:
        w.doc.save(str(target))
        return
    from resourcemodel.brief import docx_fonts
    from resourcemodel.brief.to_html import FONT_FILES, _package_file

    buf = io.BytesIO()
    w.doc.save(buf)
    faces = {
        "Regular": _package_file("fonts", FONT_FILES["normal"]),
        "Bold": _package_file("fonts", FONT_FILES["bold"]),
    }
    target.write_bytes(docx_fonts.embed(buf.getvalue(), PERSIAN_FONT, faces))
