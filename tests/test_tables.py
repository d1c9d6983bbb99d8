"""CSV reading: the fast (pandas C parser) route agrees with the exact (csv module) route."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resourcemodel import tables
from resourcemodel.tables import LINE, read_table

COLUMNS = ("plant", "value", "note")

#: Cells: labels, numbers, blanks, padding with ASCII and non-ASCII spaces, Persian text.
cell = st.sampled_from(
    ["", "a", "p1", " p1", "p1 ", "\tp2", "1.5", " 2 ", "1e3", "nan", "\u00a0x", "آب", " مس "]
)
line = st.one_of(
    st.lists(cell, min_size=3, max_size=3).map(",".join),
    st.sampled_from(["", "   ", ",,", " , , "]),
)


def _read(tmp_path: Path, text: str, *, exact: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    problems: list[str] = []
    with monkeypatch.context() as m:
        if exact:
            m.setattr(tables, "_read_simple", lambda text: None)
        table = read_table(path, ("plant", "value"), ("note",), problems)
    if table is None:
        return problems
    return table.frame.to_dict("list"), problems


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.lists(line, max_size=8), crlf=st.booleans(), final_newline=st.booleans())
def test_fast_route_matches_exact_route(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: list[str],
    crlf: bool,
    final_newline: bool,
) -> None:
    end = "\r\n" if crlf else "\n"
    text = end.join([",".join(COLUMNS), *body]) + (end if final_newline else "")
    fast = _read(tmp_path, text, exact=False, monkeypatch=monkeypatch)
    exact = _read(tmp_path, text, exact=True, monkeypatch=monkeypatch)
    assert fast == exact


def test_fast_route_is_taken_and_keeps_line_numbers(tmp_path: Path) -> None:
    text = "plant,value\np1,1\n\n  \np2 , 2\n"
    assert tables._read_simple(text) is not None
    path = tmp_path / "t.csv"
    path.write_text(text)
    table = read_table(path, ("plant", "value"), (), [])
    assert table is not None
    assert table.frame["plant"].tolist() == ["p1", "p2"]
    assert table.frame[LINE].tolist() == [2, 5]
    assert table.wheres() == ["'t.csv', line 2", "'t.csv', line 5"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('plant,value\n"p1\nx",1\np2,2,3\n', "line 4: 3 cells but the header has 2 columns"),
        ("plant,value\np1,1\np2,2,3\n", "line 3: 3 cells but the header has 2 columns"),
        ("plant,value\np1\n", "line 2: 1 cells but the header has 2 columns"),
        ("plant,plant\np1,1\n", "appear more than once"),
    ],
)
def test_irregular_tables_take_the_exact_route(tmp_path: Path, text: str, message: str) -> None:
    """Quoted line breaks, ragged rows and duplicate headers are reported with their line."""
    assert tables._read_simple(text) is None
    path = tmp_path / "t.csv"
    path.write_text(text)
    problems: list[str] = []
    read_table(path, ("plant", "value"), (), problems)
    assert any(message in p for p in problems), problems
