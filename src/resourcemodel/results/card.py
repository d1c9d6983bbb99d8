"""The run card: how a results Dataset was made (``attrs``)."""

from __future__ import annotations

import datetime as _dt
import json
import platform
from typing import Any

import xarray as xr

from resourcemodel.backends.base import SolveResult
from resourcemodel.program import LinearProgram


def card_attrs(
    inputs: xr.Dataset,
    lp: LinearProgram,
    result: SolveResult,
    total: dict[str, float],
    run_card: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the run card: status, objective, totals, solver, sizes, provenance, extras."""
    objective = result.objective
    card = {
        "status": str(result.status),
        "objective": float(objective),
        "objective_name": lp.objective_name,
        "objective_units": "USD",
        "cost_totals_usd": json.dumps(total),
        "solver": result.solver,
        "solver_version": result.solver_version,
        "solver_options": json.dumps(result.options, default=str),
        "solver_message": result.message,
        "solve_seconds": float(result.runtime),
        "input_hash": str(inputs.attrs.get("input_hash", "")),
        "package_version": _package_version(),
        "python_version": platform.python_version(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "lp_rows": int(lp.shape[0]),
        "lp_columns": int(lp.shape[1]),
        "lp_nonzeros": int(lp.A.nnz),
        "provenance": inputs.attrs.get("provenance", "[]"),
    }
    for key, value in (run_card or {}).items():
        card[key] = (
            value if isinstance(value, str | int | float) else json.dumps(value, default=str)
        )
    return card


def _package_version() -> str:
    from resourcemodel import __version__

    return __version__
