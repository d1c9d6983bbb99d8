"""Read a case folder's CSV tables into pandas frames that remember their file and lines.

This module only reads text; it checks what can be checked on one table alone (encoding,
CSV syntax, columns, empty cells) and leaves cross-table checks to :mod:`validate`.
Problems are appended to a list so every problem in every file is reported at once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Largest table accepted; anything larger is almost certainly not a planner's table.
MAX_TABLE_BYTES = 200 * 1024 * 1024

LINE = "_line"
FILE = "_file"


@dataclass
class Table:
    """A CSV table read as text, with the line number of every row."""

    path: Path
    frame: pd.DataFrame

    def where(self, line: int | None = None, column: str | None = None) -> str:
        """Return a location string such as ``'plants.csv', line 4, column 'plant'``."""
        text = f"{self.path.name!r}"
        if line is not None:
            text += f", line {line}"
        if column is not None:
            text += f", column {column!r}"
        return text


def read_table(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: list[str],
    *,
    allow_extra: bool = False,
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

    Returns
    -------
    Table or None
        ``None`` if the file could not be read at all.
    """
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as err:
        problems.append(f"{name!r}: cannot read the file ({err.strerror}).")
        return None
    if size > MAX_TABLE_BYTES:
        problems.append(
            f"{name!r}: the file is {size / 1e6:.0f} MB, larger than the "
            f"{MAX_TABLE_BYTES / 1e6:.0f} MB a data table may be; is it the right file?"
        )
        return None
    raw = path.read_bytes()
    if b"\x00" in raw[:65536]:
        problems.append(f"{name!r}: the file is binary, not a CSV text table.")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.append(
            f"{name!r}, line {line}: the file is not UTF-8 text (byte {raw[err.start]:#04x}). "
            "Save it as UTF-8 (Excel: 'CSV UTF-8'); Latin-1 and Windows-1256 are not accepted."
        )
        return None
    if not text.strip():
        problems.append(f"{name!r}: the file is empty; it needs at least a header row.")
        return None
    parsed: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        for row in reader:
            parsed.append((reader.line_num, row))
    except csv.Error as err:
        problems.append(f"{name!r}, line {reader.line_num}: the CSV text is malformed ({err}).")
        return None
    header = [h.strip() for h in parsed[0][1]]
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        hint = (
            " The column naming where a number comes from is called 'reference'; "
            "'source' is the supply dimension."
            if "source" in dupes
            else ""
        )
        problems.append(f"{name!r}, line 1: column(s) {dupes} appear more than once.{hint}")
        return None
    missing = [c for c in required if c not in header]
    if missing:
        hint = (
            " (the column naming where a number comes from is called 'reference')"
            if "reference" in missing and "source" in header
            else ""
        )
        problems.append(
            f"{name!r}, line 1: missing column(s) {missing}{hint}; expected {list(required)}"
            + (f" and optionally {list(optional)}" if optional else "")
            + f", found {header}."
        )
        return None
    unknown = [c for c in header if c not in required and c not in optional and c]
    if unknown and not allow_extra:
        problems.append(
            f"{name!r}, line 1: unknown column(s) {unknown}; allowed: "
            f"{list(required) + list(optional)}."
        )
        return None
    records = []
    lines = []
    for line_no, row in parsed[1:]:
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                f"{name!r}, line {line_no}: {len(row)} cells but the header has "
                f"{len(header)} columns."
            )
            continue
        records.append([cell.strip() for cell in row])
        lines.append(line_no)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in header})
    frame[LINE] = pd.Series(lines, dtype="int64")
    table = Table(path, frame)
    for column in required:
        empty = frame[column].astype(str).str.len() == 0
        for line in frame.loc[empty, LINE]:
            problems.append(
                f"{table.where(int(line), column)}: the cell is empty; a value is required."
            )
    return table
