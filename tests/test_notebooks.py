"""The planner notebooks in ``notebooks/`` execute top to bottom, as a planner runs them.

Each notebook is a jupytext percent-format ``.py`` file (the ``.ipynb`` is generated and not
committed). The test converts it in memory with jupytext and executes it with nbclient on
the ``python3`` kernel of this interpreter, working directory ``notebooks/``; any error,
including a failed ``assert`` on a number the notebook states, fails the test.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

try:
    import jupytext
    import nbformat
    from nbclient import NotebookClient
except ImportError as err:  # pragma: no cover - only without the notebooks extra
    msg = f"{err}; the notebook tests need the notebooks extra: pip install -e '.[notebooks]'"
    raise ImportError(msg) from err

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
REQUIRED = (
    "00_cockpit",
    "01_baseline_tour",
    "02_water_crisis",
    "03_energy_curtailment",
    "04_measures_and_costs",
    "05_sensitivity",
    "06_new_permit",
    "07_basin",
    "08_pathway",
    "09_portfolio",
)
#: Seconds one cell may run before the test fails (the slowest cell takes a few seconds).
CELL_TIMEOUT = 300


def _parameters_index(nb: Any) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return i
    raise AssertionError("no cell tagged 'parameters'")


def execute(path: Path, parameters: dict[str, object] | None = None) -> Any:
    """Execute a percent-format notebook and return the executed notebook.

    ``parameters`` are injected after the cell tagged ``parameters``, as papermill does.
    A last cell records the kernel's interpreter, which must be this one.
    """
    nb = jupytext.read(path)
    if parameters:
        source = "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
        nb.cells.insert(_parameters_index(nb) + 1, cell)
    nb.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    kernel_python = nb.cells[-1].outputs[0]["text"].strip()
    assert Path(kernel_python).resolve() == Path(sys.executable).resolve()
    return nb


def _markdown_outputs(nb: Any) -> list[str]:
    return [
        out["data"]["text/markdown"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "text/markdown" in out.get("data", {})
    ]


def test_required_notebooks_present() -> None:
    stems = {p.stem for p in SOURCES}
    assert set(REQUIRED) <= stems, sorted(set(REQUIRED) - stems)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_notebook_shape(path: Path) -> None:
    """Parameters first, a computed Markdown conclusion, at least one assert."""
    nb = jupytext.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be parameters"
    assert all("../" in line for line in code[0].source.splitlines() if "toml" in line)
    assert any("display(Markdown(" in c.source for c in code), "no computed conclusion"
    assert any("assert " in c.source for c in code), "the notebook asserts none of its numbers"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_notebook_executes(path: Path) -> None:
    nb = execute(path)
    conclusions = _markdown_outputs(nb)
    assert conclusions, "the conclusion cell displayed nothing"
    assert "{" not in conclusions[-1], "unformatted placeholder in the conclusion"


def test_notebook_reruns_for_another_scenario() -> None:
    """The tour takes another scenario through its parameters cell (papermill style)."""
    nb = execute(
        NOTEBOOKS / "01_baseline_tour.py",
        {"SCENARIO": "../scenarios/water-crisis-30-summer.toml"},
    )
    assert "water-crisis-30-summer" in _markdown_outputs(nb)[-1]
