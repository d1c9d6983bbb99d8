"""Check that a refactor of the formulation or the results leaves them unchanged.

Run once before the change (``save``) and once after (``check``)::

    PYTHONPATH=$PWD/src python benchmarks/program_identity.py save /tmp/before
    PYTHONPATH=$PWD/src python benchmarks/program_identity.py check /tmp/before

``save`` writes, for every shipped scenario (``scenarios/*.toml``, with its own options) and
every bundled example (with the default options and with each non-default option), the
program's arrays (``A`` in canonical CSR form, bounds, costs, integrality, ``c0``, the
sign) and its row and column labels (every block's name, dims, coords, index and unit); a
few :func:`~resourcemodel.formulation.update_program` results; and the results Datasets
of ``baseline``, ``basin-1402``, ``two_plants`` and ``water_measures`` solved with
HiGHS. ``check`` rebuilds all of them and compares with :func:`numpy.array_equal` and
:func:`xarray.testing.assert_identical` (every attribute but the run card's clock,
:data:`CLOCK`); it exits non-zero on the first difference.
"""

from __future__ import annotations

import pickle
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

import resourcemodel as rm
from resourcemodel.formulation import FAST_PARAMETERS, Options, build, update_program
from resourcemodel.pipeline import load, solve
from resourcemodel.program import Block, LinearProgram
from resourcemodel.results import assemble

ROOT = Path(__file__).resolve().parents[1]
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "integer": {"integer_measures": True},
    "value_added": {"objective": "value_added"},
    "basin": {"allocation": "basin"},
    "years": {"build_years": 3.0},
}


def _blocks(blocks: dict[str, Block]) -> list[tuple[Any, ...]]:
    return [
        (
            b.name,
            b.dims,
            [(d, np.asarray(b.coords[d]).astype(str).tolist()) for d in b.dims],
            b.index,
            b.unit,
        )
        for b in blocks.values()
    ]


def fingerprint(lp: LinearProgram) -> dict[str, Any]:
    """Return every array and label of a program, ``A`` in canonical CSR form."""
    a = lp.A.tocsr(copy=True)
    a.sum_duplicates()
    a.sort_indices()
    return {
        "shape": a.shape,
        "A.data": a.data,
        "A.indices": a.indices,
        "A.indptr": a.indptr,
        "c": lp.c,
        "row_lower": lp.row_lower,
        "row_upper": lp.row_upper,
        "col_lower": lp.col_lower,
        "col_upper": lp.col_upper,
        "integrality": lp.integrality,
        "c0": lp.c0,
        "objective_sign": lp.objective_sign,
        "objective_name": lp.objective_name,
        "objective_unit": lp.objective_unit,
        "build_years": lp.build_years,
        "variables": _blocks(lp.variables),
        "constraints": _blocks(lp.constraints),
    }


def programs() -> dict[str, LinearProgram]:
    """Return every program to compare, by a name."""
    out: dict[str, LinearProgram] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in sorted((ROOT / "scenarios").glob("*.toml")):
            inputs, spec, _ = load(path)
            out[f"scenario/{path.stem}"] = build(
                inputs, Options.resolve(spec.options if spec else None)
            )
        for name in rm.examples.names():
            inputs = rm.load_inputs(rm.examples.path(name))
            for variant, kwargs in VARIANTS.items():
                out[f"example/{name}/{variant}"] = build(inputs, Options(**kwargs))
        inputs, _, _ = load(ROOT / "scenarios" / "baseline.toml")
        lp = build(inputs)
        for parameter in FAST_PARAMETERS:
            new = np.asarray(inputs[parameter].values, dtype=float) * 0.9
            updated = update_program(lp, inputs, {parameter: new})
            if updated is not None:
                out[f"update/baseline/{parameter}"] = updated
    return out


def results() -> dict[str, xr.Dataset]:
    """Return the results Datasets of baseline and two_plants solved with HiGHS."""
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, where in (
            ("baseline", ROOT / "scenarios" / "baseline.toml"),
            ("basin-1402", ROOT / "scenarios" / "basin-1402.toml"),
            ("two_plants", rm.examples.path("two_plants")),
            ("water_measures", rm.examples.path("water_measures")),
        ):
            inputs, spec, _ = load(where)
            lp = build(inputs, Options.resolve(spec.options if spec else None))
            out[name] = assemble(inputs, lp, solve(lp))
    return out


#: Run-card entries that are the clock of the run, not its result.
CLOCK = ("created", "solve_seconds")


def _timeless(ds: xr.Dataset) -> xr.Dataset:
    """Return ``ds`` without the run card's clock entries (:data:`CLOCK`)."""
    out = ds.copy()
    out.attrs = {k: v for k, v in ds.attrs.items() if k not in CLOCK}
    return out


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def main(argv: list[str]) -> int:
    """Save or check the fingerprints; return the exit code."""
    mode, where = argv[1], Path(argv[2])
    prints = {name: fingerprint(lp) for name, lp in programs().items()}
    datasets = results()
    if mode == "save":
        where.mkdir(parents=True, exist_ok=True)
        (where / "programs.pkl").write_bytes(pickle.dumps(prints))
        (where / "results.pkl").write_bytes(pickle.dumps(datasets))
        print(f"saved {len(prints)} programs and {len(datasets)} results Datasets to {where}")
        return 0
    before = pickle.loads((where / "programs.pkl").read_bytes())
    if set(before) != set(prints):
        print("different programs:", sorted(set(before) ^ set(prints)))
        return 1
    for name, fp in prints.items():
        for key, value in fp.items():
            if not _equal(before[name][key], value):
                print(f"{name}: {key} differs")
                return 1
    saved = pickle.loads((where / "results.pkl").read_bytes())
    for name, ds in datasets.items():
        xr.testing.assert_identical(_timeless(saved[name]), _timeless(ds))
        if list(saved[name].data_vars) != list(ds.data_vars):
            print(f"{name}: the variables come in another order")
            return 1
    print(f"identical: {len(prints)} programs, {len(datasets)} results Datasets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
