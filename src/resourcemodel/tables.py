"""Read a case folder's CSV tables into pandas frames that remember their file and lines.

This module only reads text; it checks what can be checked on one table alone (encoding,
CSV syntax, columns, empty cells) and leaves cross-table checks to :mod:`validate`.
Problems are appended to a list so every problem in every file is reported at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Largest table accepted; anything larger is almost certainly not a planner's table.
MAX_TABLE_BYTES = 200 * 1024 * 1024

LINE = "_line"

#: A parsed table: header, cells as stripped strings, line of every row, ragged-row problems.
_Parsed = tuple[list[str], pd.DataFrame, np.ndarray, list[str]]
FILE = "_file"

#: Byte-order marks of encodings that are not UTF-8, checked before anything else.
_FOREIGN_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)
#: Extra advice for an empty required cell, by column.
_EMPTY_HINTS = {
    "reference": " Every number needs a reference (a source id or URL; for an assumption "
    "write 'assumption' and give the reasoning in 'note').",
}


def read_text(path: Path, label: str, limit: int, what: str) -> tuple[str | None, str | None]:
    r"""Read a UTF-8 text file (with or without BOM) that a planner wrote.

    Parameters
    ----------
    path : Path
        The file.
    label : str
        How to name the file in a message (already quoted if it should be).
    limit : int
        Largest size accepted, in bytes.
    what : str
        What the file should be, for messages (``"a CSV text table"``).

    Returns
    -------
    text : str or None
        The decoded text, or ``None`` if the file cannot be used.
    problem : str or None
        Why not, naming the file (and the line for a decoding error).

    Notes
    -----
    Lines ending in a bare carriage return (old Mac Excel's "CSV (Macintosh)") are read
    as ordinary lines.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "plants.csv"
    >>> _ = f.write_bytes("plant\nmühle\n".encode("utf-16"))
    >>> read_text(f, "'plants.csv'", 1000, "a CSV text table")[1]
    "'plants.csv': the file is UTF-16 text; save it as UTF-8 (Excel: 'CSV UTF-8')."
    """
    try:
        size = path.stat().st_size
        if path.is_dir():
            return None, f"{label}: is a folder, not {what}."
        if size > limit:
            return None, (
                f"{label}: the file is {size / 2**20:,.1f} MiB, larger than the "
                f"{limit / 2**20:,.0f} MiB {what} may be; is it the right file?"
            )
        raw = path.read_bytes()
    except OSError as err:
        return None, f"{label}: cannot read the file ({err.strerror or err})."
    how = "(Excel: 'CSV UTF-8')" if "CSV" in what else "(your editor's 'Save with encoding')"
    for bom, encoding in _FOREIGN_BOMS:
        if raw.startswith(bom):
            return None, f"{label}: the file is {encoding} text; save it as UTF-8 {how}."
    if b"\x00" in raw[:65536]:
        return None, f"{label}: the file is binary, not {what}."
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, (
            f"{label}, line {line}: the file is not UTF-8 text (byte {raw[err.start]:#04x}). "
            f"Save it as UTF-8 {how}; Latin-1 and Windows-1256 are not accepted."
        )
    if "\r" in text and "\n" not in text:  # old Mac line ends (a bare CR): read as LF
        text = text.replace("\r", "\n")
    return text, None


#: Characters a word processor or web page puts where a text file needs ASCII.
_LOOKALIKES = {
    "\u201c\u201d\u201e\u00ab\u00bb": 'curly quotes (“ ” « »); type straight quotes (")',
    "\u2018\u2019\u201a": "curly apostrophes (‘ ’); type straight quotes (' or \")",
    "\u00a0\u202f\u2007": "a no-break space; type an ordinary space",
    "\u2212\u2013\u2012": "a typographic minus or dash (− –); type the ASCII '-'",
    "\uff1d\u061b\u060c": "a full-width '=' or an Arabic-script ';' or ','; type the ASCII one",
}


def lookalikes(text: str) -> str:
    """Return advice on typographic characters in ``text`` that stand in for ASCII ones.

    Examples
    --------
    >>> lookalikes('data = “isfahan”')
    'it holds curly quotes (“ ” « »); type straight quotes (")'
    >>> lookalikes("data = 'isfahan'")
    ''
    """
    found = [advice for chars, advice in _LOOKALIKES.items() if any(c in text for c in chars)]
    return "it holds " + " and ".join(found) if found else ""


@dataclass(frozen=True)
class Place:
    """Where a table lives, for messages: a CSV file or a sheet of a workbook.

    A CSV table's rows are its *lines*; a sheet's rows are the spreadsheet's numbered
    *rows* (the header is row 1 in both).

    Examples
    --------
    >>> Place("plants.csv")(4, "plant")
    "'plants.csv', line 4, column 'plant'"
    >>> Place("case.xlsx", "intensity")(14, "value")
    "'case.xlsx', sheet 'intensity', row 14, column 'value'"
    """

    label: str
    sheet: str = ""

    @property
    def word(self) -> str:
        """``'row'`` for a sheet, ``'line'`` for a CSV file."""
        return "row" if self.sheet else "line"

    @property
    def kind(self) -> str:
        """``'sheet'`` or ``'file'``."""
        return "sheet" if self.sheet else "file"

    def __call__(self, line: int | None = None, column: str | None = None) -> str:
        """Return ``'file.csv', line 4, column 'x'`` (or the workbook form)."""
        text = repr(self.label)
        if self.sheet:
            text += f", sheet {self.sheet!r}"
        if line is not None:
            text += f", {self.word} {line}"
        if column is not None:
            text += f", column {column!r}"
        return text


@dataclass
class Table:
    """A table read as text (a CSV file or a workbook's sheet), with the line of every row.

    ``label`` names the file in messages (default: its file name); tables from an
    overlay folder are labelled ``overlay/file.csv`` so the two are told apart. A table
    read from a workbook has ``sheet`` set, and its rows are the sheet's row numbers.
    """

    path: Path
    frame: pd.DataFrame
    label: str = ""
    sheet: str = ""

    @property
    def place(self) -> Place:
        """The :class:`Place` of the table, for messages."""
        return Place(self.label or self.path.name, self.sheet)

    def where(self, line: int | None = None, column: str | None = None) -> str:
        """Return a location string such as ``'plants.csv', line 4, column 'plant'``."""
        return self.place(line, column)

    def wheres(self) -> list[str]:
        """Return :meth:`where` of every row of the frame, in order (one list, fast)."""
        place = self.place
        prefix = f"{place()}, {place.word} "
        return [prefix + str(line) for line in self.frame[LINE].tolist()]


def read_table(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: list[str],
    *,
    allow_extra: bool = False,
    label: str | None = None,
) -> Table | None:
    """Read one CSV file as strings.

    Parameters
    ----------
    path : Path
        File to read.
    required, optional : tuple of str
        Columns that must / may be present.
    problems : list of str
        Problems found are appended here.
    allow_extra : bool
        Accept columns that are neither required nor optional.
    label : str, optional
        How to name the file in messages (default: its file name).

    Returns
    -------
    Table or None
        ``None`` if the file could not be read at all.
    """
    label = label or path.name
    name = label
    text, problem = read_text(path, repr(label), MAX_TABLE_BYTES, "a CSV text table")
    if text is None:
        problems.append(str(problem))
        return None
    place = Place(label)
    if not text.strip():
        problems.append(f"{name!r}: the file is empty; it needs at least a header row.")
        return None
    parsed = _read_simple(text) or _read_quoted(text, name, problems)
    if parsed is None:
        return None
    header, frame, lines, ragged = parsed
    wrong = _separator_problem(name, text, required, header)
    if wrong:
        problems.append(wrong)
        return None
    later = text.split("\n")[1 : 1 + HEADER_SEARCH]
    checked = check_frame(
        place,
        header,
        frame,
        lines,
        lambda: [[c.strip() for c in row] for row in csv.reader(later)],
        required,
        optional,
        problems,
        allow_extra=allow_extra,
        ragged=ragged,
    )
    return None if checked is None else Table(path, checked, label)


def check_frame(
    place: Place,
    header: list[str],
    frame: pd.DataFrame,
    lines: np.ndarray,
    next_rows: Callable[[], list[list[str]]],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: list[str],
    *,
    allow_extra: bool = False,
    ragged: tuple[str, ...] | list[str] = (),
) -> pd.DataFrame | None:
    """Check a table's header and cells (CSV or sheet alike); return the frame to use.

    Parameters
    ----------
    place : Place
        Where the table is, for messages.
    header : list of str
        Column names, stripped.
    frame : pandas.DataFrame
        Cells as stripped strings, one row per data line (blank ones included).
    lines : numpy.ndarray
        Line (or row) number of every row of ``frame``.
    next_rows : callable
        Returns the cells of rows 2, 3, ... (the first few), to find column names set
        below a title row; called only when required columns are missing.
    required, optional : tuple of str
        Columns that must / may be present.
    problems : list of str
        Problems found are appended here.
    allow_extra : bool
        Accept columns that are neither required nor optional.
    ragged : sequence of str
        Problems with rows left out (another number of cells than the header), reported
        once the header is found usable.

    Returns
    -------
    pandas.DataFrame or None
        The frame with blank rows dropped and a ``_line`` column, or ``None`` if the
        header is unusable.
    """
    shown = _show_header(header)
    wrong = _header_problem(place, header, next_rows, required)
    if wrong:
        problems.append(wrong)
        return None
    unnamed = _unnamed_column(place, header, frame, lines, required, optional)
    if unnamed:
        problems.append(unnamed)
        return None
    header, frame = _drop_blank_columns(header, frame)
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        hint = (
            " The column naming where a number comes from is called 'reference'; "
            "'source' is the supply dimension."
            if "source" in dupes
            else ""
        )
        problems.append(f"{place(1)}: column(s) {dupes} appear more than once.{hint}")
        return None
    missing = [c for c in required if c not in header]
    if missing:
        hint = (
            " (the column naming where a number comes from is called 'reference')"
            if "reference" in missing and "source" in header
            else ""
        )
        problems.append(
            f"{place(1)}: missing column(s) {missing}{hint}; expected {list(required)}"
            + (f" and optionally {list(optional)}" if optional else "")
            + f", found {shown}."
        )
        return None
    unknown = [c for c in header if c not in required and c not in optional and c]
    if unknown and not allow_extra:
        problems.append(
            f"{place(1)}: unknown column(s) {_show_header(unknown)}; allowed: "
            f"{list(required) + list(optional)}."
        )
        return None
    problems.extend(ragged)
    # Drop rows left entirely blank.
    if len(frame):
        keep = (frame.to_numpy(dtype=object) != "").any(axis=1)
        if not keep.all():
            frame = frame.loc[keep].reset_index(drop=True)
            lines = lines[keep]
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in header})
    frame[LINE] = np.asarray(lines, dtype=np.int64)
    for column in required:
        empty = frame[column].to_numpy(dtype=object) == ""
        for line in frame[LINE].to_numpy()[empty]:
            problems.append(
                f"{place(int(line), column)}: the cell is empty; a value is required."
                + _EMPTY_HINTS.get(column, "")
            )
    return frame


def _read_quoted(text: str, name: str, problems: list[str]) -> _Parsed | None:
    """Parse CSV text with the ``csv`` module, keeping the line on which each row starts.

    This is the general route (quoted cells, embedded line breaks, ragged rows); it is
    slower than :func:`_read_simple` but exact about lines in every case. Rows with another
    number of cells than the header are left out and described in the fourth item.
    """
    parsed: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text), strict=True)
    first = 1  # line on which the row being read starts
    try:
        for row in reader:
            parsed.append((first, row))
            first = reader.line_num + 1
    except csv.Error as err:
        if "unexpected end of data" in str(err):
            problems.append(
                f"{name!r}, line {first}: the CSV text is malformed: a quote opened in this "
                "row is never closed (unexpected end of data)."
            )
        elif "new-line character" in str(err):
            problems.append(
                f"{name!r}, line {reader.line_num}: a line ends in a lone carriage return (CR) "
                "while others end in LF or CRLF; save the file again (Excel: 'CSV UTF-8') so "
                "that every line ends the same way."
            )
        else:
            problems.append(f"{name!r}, line {reader.line_num}: the CSV text is malformed ({err}).")
        return None
    header = [h.strip() for h in parsed[0][1]]
    width = len(header)
    ragged = [
        f"{name!r}, line {line_no}: {len(row)} cells but the header has {width} columns."
        for line_no, row in parsed[1:]
        if len(row) != width and any(cell.strip() for cell in row)
    ]
    body = [(n, r) for n, r in parsed[1:] if len(r) == width]
    frame = pd.DataFrame(
        [[cell.strip() for cell in r] for _, r in body], columns=header, dtype=object
    )
    return header, frame, np.asarray([n for n, _ in body], dtype=np.int64), ragged


#: Whitespace ``str.strip`` removes that may sit in ASCII text (space checked apart).
_ASCII_SPACE = "\t\x0b\x0c\r\x1c\x1d\x1e\x1f"


def _read_simple(text: str) -> _Parsed | None:
    r"""Parse a plain CSV table with pandas' C parser, or return ``None`` if it is not plain.

    Plain means: no quote characters, ``\n`` or ``\r\n`` line ends, and every line that is
    not blank has exactly as many cells as the header. Then physical line ``i + 2`` is data
    row ``i``, so every row keeps its line number for messages. Anything else (quoted
    cells, ragged rows) goes the exact :func:`_read_quoted` route, which reports problems.

    Returns
    -------
    header : list of str
        Column names, stripped.
    frame : pandas.DataFrame
        Cells as stripped strings (object dtype), blank lines included as empty rows.
    lines : numpy.ndarray
        Line number of every row of ``frame``.
    ragged : list of str
        Always empty here (a ragged table is not plain).
    """
    if '"' in text or text.count("\r") != text.count("\r\n"):
        return None
    text = text.replace("\r\n", "\n")
    physical = text.split("\n")
    if physical[-1] == "":
        physical.pop()
    header_cells = physical[0].split(",")
    header = [h.strip() for h in header_cells]
    if len(set(header)) != len(header):
        return None  # pandas would rename duplicates; the exact route reports them
    # Cells per line, counted on the UTF-8 bytes (a comma byte is never part of a
    # multi-byte character); only lines with another count are looked at one by one.
    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    line_of_byte = np.cumsum(raw == 10)
    commas = np.bincount(line_of_byte[raw == 44], minlength=len(physical) + 1)[: len(physical)]
    for i in np.flatnonzero(commas != len(header_cells) - 1):
        if physical[i].strip():
            return None
    body = "\n".join(physical[1:])
    if not body.strip("\n"):
        frame = pd.DataFrame(
            [[""] * len(header)] * (len(physical) - 1), columns=header, dtype=object
        )
    else:
        frame = pd.read_csv(
            io.StringIO(body),
            header=None,
            names=list(range(len(header))),
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            index_col=False,
            engine="c",
        )
        frame.columns = header
    if len(frame) != len(physical) - 1:
        return None  # the parser saw the lines differently; take the exact route
    needs_strip = not body.isascii() or any(c in body for c in _ASCII_SPACE)
    needs_strip = needs_strip or " ," in body or ", " in body or " \n" in body
    needs_strip = needs_strip or "\n " in body or body[:1] == " " or body[-1:] == " "
    if needs_strip and len(frame):
        for column in range(len(header)):
            cells = frame.iloc[:, column].to_numpy(dtype=object)
            frame.isetitem(column, np.asarray([c.strip() for c in cells.tolist()], dtype=object))
    return header, frame, np.arange(2, len(frame) + 2, dtype=np.int64), []


def _show_header(columns: list[str], limit: int = 200) -> str:
    """Return a list of column names for a message, cut short if it is long (junk files)."""
    text = repr(columns)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(columns)} columns)"


#: Separators a spreadsheet may use instead of a comma, with how to name them.
_SEPARATORS = {";": "';' (semicolon)", "\t": "a tab"}
#: How many lines below line 1 the column names are looked for (a title row above them).
HEADER_SEARCH = 10


def _separator_problem(name: str, text: str, required: tuple[str, ...], header: list[str]) -> str:
    """Return advice if a CSV file uses another separator than the comma, or ``''``.

    Names the cause a planner can act on: a European Excel's ';' or a tab.
    """
    if all(c in header for c in required):
        return ""
    first = text.split("\n", 1)[0]
    for sep, what in _SEPARATORS.items():
        cells = [c.strip().strip('"') for c in first.split(sep)]
        if sep in first and "," not in first and any(c in cells for c in required):
            return (
                f"{name!r}, line 1: this file uses {what} as separator, not a comma; save it "
                "as comma-separated values (Excel: 'CSV UTF-8 (Comma delimited)'). Found "
                f"the header {_show_header(cells)}."
            )
    return ""


def _header_problem(
    place: Place,
    header: list[str],
    next_rows: Callable[[], list[list[str]]],
    required: tuple[str, ...],
) -> str:
    """Return advice if the column names sit below a title row, or ``''``."""
    if all(c in header for c in required):
        return ""
    for number, cells in enumerate(next_rows(), start=2):
        if all(c in cells for c in required):
            word = place.word
            above = f"{word} 1" if number == 2 else f"{word}s 1-{number - 1}"
            return (
                f"{place(number)}: the column names are on {word} {number}, but they "
                f"must be on {word} 1; delete {above} (a title row?)."
            )
    return ""


def _drop_blank_columns(header: list[str], frame: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """Drop columns with no name and no value (trailing commas a spreadsheet adds)."""
    blank = [
        i
        for i, h in enumerate(header)
        if h == "" and (frame.iloc[:, i].to_numpy(dtype=object) == "").all()
    ]
    if not blank:
        return header, frame
    keep = [i for i in range(len(header)) if i not in blank]
    return [header[i] for i in keep], frame.iloc[:, keep]


def _unnamed_column(
    place: Place,
    header: list[str],
    frame: pd.DataFrame,
    lines: np.ndarray,
    required: tuple[str, ...],
    optional: tuple[str, ...],
) -> str:
    """Return a problem for a column with values but an empty header cell, or ``''``.

    The column is named by its position in the file (and its letter in a sheet), blank
    columns before it counted.
    """
    if "" not in header:
        return ""
    filled = [
        i
        for i, h in enumerate(header)
        if h == "" and (frame.iloc[:, i].to_numpy(dtype=object) != "").any()
    ]
    if not filled:
        return ""
    i = filled[0]
    cells = frame.iloc[:, i].to_numpy(dtype=object)
    row = int(np.flatnonzero(cells != "")[0])
    named = [h for h in header[:i] if h]
    after = f" (after {named[-1]!r})" if named else ""
    column = f"{i + 1}"
    if place.sheet:
        from openpyxl.utils import get_column_letter

        column = f"{get_column_letter(i + 1)} ({i + 1})"
    return (
        f"{place(1)}, column {column}{after}: the header cell is empty but {place.word} "
        f"{int(lines[row])} has {str(cells[row])[:40]!r} in that column; name the column "
        f"(expected {list(required)}"
        + (f" and optionally {list(optional)}" if optional else "")
        + ")."
    )
