"""Every validation error kind, triggered by a broken copy of an example case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import resourcemodel as rm
from resourcemodel.exceptions import InputWarning

CaseCopy = Callable[[str], Path]


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _error(case: Path) -> rm.ValidationError:
    with pytest.raises(rm.ValidationError) as info:
        rm.load_inputs(case)
    assert isinstance(info.value, ValueError)
    return info.value


def test_unknown_unit(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "intensity.csv", "a_mill,water,2,m3/t", "a_mill,water,2,furlongs_per_t")
    err = _error(case)
    assert "'intensity.csv', line 2, column 'unit': unknown unit 'furlongs_per_t'" in str(err)
    assert "expected m3/t" in str(err)


def test_incompatible_unit(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "capacity.csv", "a_mill,200,t/yr", "a_mill,200,m3/yr")
    err = str(_error(case))
    assert "'capacity.csv', line 2, column 'unit': 'm3/yr' cannot measure 'capacity'" in err
    assert "[mass] / [time]" in err


def test_units_are_converted(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "capacity.csv", "a_mill,200,t/yr", "a_mill,0.2,kt/yr")
    _replace(case / "source_cap.csv", "river,year,450,m3", "river,year,0.00045,Mm3")
    ds = rm.load_inputs(case)
    assert float(ds["capacity"].sel(process="a_mill")) == pytest.approx(200)
    assert float(ds["source_cap"].sel(source="river", period="year")) == pytest.approx(450)


def test_negative_capacity(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "capacity.csv", "b_mill,200,", "b_mill,-5,")
    err = str(_error(case))
    assert "'capacity.csv', line 3, column 'value': 'capacity' must be at least 0" in err
    assert "found -5 t/yr" in err


def test_unknown_plant_referenced(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _append(case / "processes.csv", "c_mill,c,steel")
    err = str(_error(case))
    assert "'processes.csv', line 4, column 'plant': unknown plant 'c'" in err
    assert "known: ['a', 'b']" in err


def test_unknown_source_referenced(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _append(case / "connections.csv", "a,lake")
    err = str(_error(case))
    assert "'connections.csv', line 4, column 'source': unknown source 'lake'" in err


def test_savings_sum_above_one(case_copy: CaseCopy) -> None:
    case = case_copy("measure_payoff")
    _append(case / "measures.csv", "reuse,Wastewater reuse")
    _append(case / "max_adoption.csv", "mill,reuse,1,fraction,example,assumption")
    _append(case / "saving.csv", "mill,reuse,water,0.9,fraction,example,assumption")
    err = str(_error(case))
    assert "'saving' fractions of plant 'mill' for resource 'water' sum to 1.1 > 1" in err
    assert "'recycling': 0.2" in err and "'reuse': 0.9" in err


def test_nan_where_number_required(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "intensity.csv", "b_mill,water,1,", "b_mill,water,NaN,")
    err = str(_error(case))
    assert "'intensity.csv', line 3, column 'value': expected a number, found 'NaN'" in err
    assert "leave the row out" in err


def test_text_where_number_required(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "intensity.csv", "b_mill,water,1,", "b_mill,water,one,")
    assert "expected a number, found 'one'" in str(_error(case))


def test_duplicate_parameter_key(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _append(case / "capacity.csv", "a_mill,300,t/yr,example,assumption")
    err = str(_error(case))
    assert (
        "'capacity.csv', line 4: duplicate row for the same {'process': 'a_mill'} as "
        "'capacity.csv', line 2" in err
    )


def test_duplicate_entity_label(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _append(case / "plants.csv", "a,Another A,steel")
    assert "'plants.csv', line 4: duplicate plant 'a'" in str(_error(case))


def test_missing_column(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(
        case / "capacity.csv",
        "process,value,unit,reference,confidence",
        "process,value,reference,confidence",
    )
    err = str(_error(case))
    assert "'capacity.csv', line 1: missing column(s) ['unit']" in err


def test_source_column_hint(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "source_cap.csv", "value,unit,reference,", "value,unit,source,")
    assert "is called 'reference'" in str(_error(case))


def test_missing_provenance(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "capacity.csv", "a_mill,200,t/yr,example,assumption", "a_mill,200,t/yr,,guess")
    err = str(_error(case))
    assert "column 'reference': empty" in err
    assert "column 'confidence': 'guess' is not one of ['sourced', 'estimate', 'assumption']" in err


def test_latin1_is_rejected(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    (case / "plants.csv").write_bytes(
        "plant,name,sector\na,Usine \xe9,steel\nb,B,steel\n".encode("latin-1")
    )
    err = str(_error(case))
    assert "'plants.csv', line 2: the file is not UTF-8 text" in err


def test_bom_and_persian_labels_work(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    text = (case / "plants.csv").read_text(encoding="utf-8")
    text = text.replace("a,Plant A (cheap but thirsty),steel", "a,فولاد مبارکه,steel")
    (case / "plants.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    ds = rm.load_inputs(case)
    assert str(ds["plant_name"].sel(plant="a").item()) == "فولاد مبارکه"


def test_empty_required_table(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    (case / "plants.csv").write_text("plant,name,sector\n", encoding="utf-8")
    assert "'plants.csv': the table has no rows" in str(_error(case))


def test_empty_file(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    (case / "demand.csv").write_text("", encoding="utf-8")
    assert "'demand.csv': the file is empty" in str(_error(case))


def test_missing_required_table(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    (case / "processes.csv").unlink()
    assert "'processes.csv': required table missing" in str(_error(case))


def test_malformed_csv(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _append(case / "capacity.csv", 'b_mill,"200,t/yr,example,assumption')
    assert "'capacity.csv'" in str(_error(case))


def test_wrong_cell_count(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _append(case / "capacity.csv", "b_mill,200,t/yr,example")
    assert "'capacity.csv', line 4: 4 cells but the header has 5 columns" in str(_error(case))


def test_demand_without_penalty(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    (case / "unmet_penalty.csv").unlink()
    assert "product 'steel' has 'demand' but neither a 'price' nor an 'unmet_penalty'" in str(
        _error(case)
    )


def test_process_without_capacity(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "capacity.csv", "b_mill,200,t/yr,example,assumption\n", "")
    assert "process 'b_mill' has no 'capacity' row" in str(_error(case))


def test_all_problems_reported_at_once(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    _replace(case / "intensity.csv", "a_mill,water,2,m3/t", "a_mill,water,2,foo")
    _append(case / "plants.csv", "a,dup,steel")
    _append(case / "connections.csv", "a,lake")
    err = _error(case)
    assert len(err.problems) == 3
    assert str(err).startswith("Errors during input validation (3 problems):")


def test_missing_folder() -> None:
    with pytest.raises(rm.ValidationError, match="case folder not found"):
        rm.load_inputs("/nonexistent/case")


def test_wildcards_and_overrides(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    (case / "availability.csv").write_text(
        "process,period,value,unit,reference,confidence\n"
        "*,*,0.9,fraction,example,assumption\n"
        "b_mill,*,0.5,fraction,example,assumption\n",
        encoding="utf-8",
    )
    ds = rm.load_inputs(case)
    assert float(ds["availability"].sel(process="a_mill", period="year")) == pytest.approx(0.9)
    assert float(ds["availability"].sel(process="b_mill", period="year")) == pytest.approx(0.5)


def test_omitted_dim_column_means_all(case_copy: CaseCopy) -> None:
    case = case_copy("two_plants")
    (case / "must_run.csv").write_text(
        "process,value,unit,reference,confidence\na_mill,10,%,example,assumption\n",
        encoding="utf-8",
    )
    ds = rm.load_inputs(case)
    assert float(ds["must_run"].sel(process="a_mill", period="year")) == pytest.approx(0.1)


def test_absent_connection_means_no_variable(case_copy: CaseCopy) -> None:
    """A plant with no connection to a source gets no supply variable, not a zero bound."""
    case = case_copy("two_plants")
    full = rm.build(rm.load_inputs(case))
    _replace(case / "connections.csv", "b,river\n", "")
    # Accepted, but not without a word: plant B cannot get the water its mill needs.
    unreachable = "'intensity.csv', line 3: process 'b_mill' needs 'water'"
    with pytest.warns(InputWarning, match=unreachable):
        ds = rm.load_inputs(case)
    lp = rm.build(ds)
    assert lp.variables["supply"].size == full.variables["supply"].size - 1
    with pytest.warns(InputWarning, match=unreachable):
        res = rm.run(case)
    assert np.isnan(float(res["supply"].sel(plant="b", source="river", period="year")))
    # Plant B still needs water, so it cannot produce; A makes what the river allows.
    assert float(res["production"].sel(process="b_mill").sum()) == pytest.approx(0, abs=1e-9)
    assert float(res["production"].sel(process="a_mill").sum()) == pytest.approx(200)


def test_provenance_kept(case_copy: CaseCopy) -> None:
    import json

    ds = rm.load_inputs(case_copy("two_plants"))
    records = json.loads(ds.attrs["provenance"])
    assert ["capacity", {"process": "a_mill"}, "example", "assumption", ""] in records
    res = rm.run(rm.examples.path("two_plants"))
    assert json.loads(res.attrs["provenance"]) == records


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.text(max_size=6), st.text(max_size=6), st.text(max_size=6)),
        min_size=1,
        max_size=6,
    )
)
def test_provenance_text_is_what_json_writes(rows: list[tuple[str, str, str]]) -> None:
    """The column-wise provenance text equals ``json.dumps`` of each record (any text)."""
    import json

    import pandas as pd

    from resourcemodel.validate import _provenance_json

    plants, refs, notes = (pd.Series(list(col), dtype=object) for col in zip(*rows, strict=True))
    got = _provenance_json("capacity", {"plant": plants, "period": refs}, refs, notes, notes)
    expected = [
        json.dumps(["capacity", {"plant": p, "period": r}, r, n, n], ensure_ascii=False)
        for p, r, n in rows
    ]
    assert got == expected
    assert json.loads("[" + ", ".join(got) + "]")[0][1] == {
        "plant": rows[0][0],
        "period": rows[0][1],
    }
