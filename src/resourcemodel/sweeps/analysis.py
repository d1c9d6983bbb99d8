"""Read sweep results: tornado swings, response data and Sobol indices.

Failed runs (``status != "optimal"``) never enter an analysis silently: the tornado and
response functions drop them and say how many in ``attrs["failed_runs"]``; Sobol analysis
needs every run of Saltelli's scheme, so it raises unless ``failed="mean"`` is chosen, in
which case failed outputs are replaced by the mean of the others and flagged.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from resourcemodel.exceptions import SweepError


def _outcome(ds: xr.Dataset, outcome: str | xr.DataArray) -> xr.DataArray:
    data = ds[outcome] if isinstance(outcome, str) else outcome
    extra = [d for d in data.dims if d != "run"]
    if extra:
        msg = (
            f"outcome {data.name!r} has dims {extra} besides 'run'; select or sum them "
            f"first, e.g. ds[{data.name!r}].sum({extra!r})."
        )
        raise SweepError(msg)
    return data


def factors(ds: xr.Dataset) -> list[str]:
    """Names of the swept factors (coordinates along ``run`` with a ``kind`` attribute)."""
    return [str(c) for c in ds.coords if ds[c].dims == ("run",) and "kind" in ds[c].attrs]


def tornado(ds: xr.Dataset, outcome: str | xr.DataArray) -> pd.DataFrame:
    """Swing of an outcome for each factor of a one-at-a-time sweep, largest first.

    Returns
    -------
    pandas.DataFrame
        One row per factor: ``low``/``high`` factor values, the outcome there, and the
        change from the base run (``low_delta``, ``high_delta``, ``swing``).
    """
    if ds.attrs.get("sampler") != "one_at_a_time":
        raise SweepError("tornado needs a one_at_a_time sweep (sampler = 'one_at_a_time').")
    y = _outcome(ds, outcome)
    ok = ds["status"].values == "optimal"
    names = factors(ds)
    base = np.array([float(ds[f].values[0]) for f in names])
    if not ok[0]:
        raise SweepError("the base run of the one-at-a-time sweep did not solve; no tornado.")
    base_y = float(y.values[0])
    rows = []
    for j, name in enumerate(names):
        values = np.column_stack([ds[f].values for f in names])
        others = np.delete(values, j, axis=1)
        only = np.all(others == np.delete(base, j), axis=1) & ok
        x = values[only, j]
        out = y.values[only]
        lo, hi = int(np.argmin(x)), int(np.argmax(x))
        rows.append(
            {
                "factor": name,
                "low": x[lo],
                "high": x[hi],
                "outcome_low": out[lo],
                "outcome_high": out[hi],
                "low_delta": out[lo] - base_y,
                "high_delta": out[hi] - base_y,
                "swing": abs(out[hi] - out[lo]),
            }
        )
    frame = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable")
    frame.attrs["base"] = base_y
    frame.attrs["failed_runs"] = int((~ok).sum())
    return frame.reset_index(drop=True)


def sobol_indices(
    ds: xr.Dataset, outcome: str | xr.DataArray, *, failed: str = "raise", seed: int | None = None
) -> pd.DataFrame:
    """First-order and total Sobol indices of an outcome (SALib, Saltelli scheme).

    Parameters
    ----------
    ds : xarray.Dataset
        Results of a ``sobol`` sweep.
    outcome : str or xarray.DataArray
        A scalar outcome per run.
    failed : {"raise", "mean"}
        What to do with runs that did not solve.
    """
    if ds.attrs.get("sampler") != "sobol":
        raise SweepError("Sobol indices need a sobol sweep (sampler = 'sobol').")
    try:
        from SALib.analyze import sobol as salib_sobol
    except ImportError as err:
        raise SweepError("Sobol indices need SALib: pip install 'resourcemodel[salib]'.") from err
    y = np.array(_outcome(ds, outcome).values, dtype=float)
    bad = ds["status"].values != "optimal"
    if bad.any():
        if failed != "mean":
            msg = (
                f"{int(bad.sum())} of {len(y)} runs did not solve; Sobol indices need every "
                "run. Pass failed='mean' to replace them by the mean (flagged), or change "
                "the factor ranges."
            )
            raise SweepError(msg)
        y[bad] = np.nanmean(y[~bad])
    spec = json.loads(ds.attrs["spec"])
    problem: dict[str, Any] = {
        "num_vars": len(spec["factors"]),
        "names": [f["name"] for f in spec["factors"]],
        "bounds": [
            [f["low"], f["high"]] if not f["values"] else [min(f["values"]), max(f["values"])]
            for f in spec["factors"]
        ],
    }
    result = salib_sobol.analyze(problem, y, print_to_console=False, seed=seed)
    frame = pd.DataFrame(
        {
            "factor": problem["names"],
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )
    frame.attrs["failed_runs"] = int(bad.sum())
    return frame.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)


def response(ds: xr.Dataset, factor: str, outcome: str | xr.DataArray) -> pd.DataFrame:
    """Outcome against one factor (mean, min and max over the other factors' values)."""
    y = _outcome(ds, outcome)
    ok = ds["status"].values == "optimal"
    frame = pd.DataFrame({"x": ds[factor].values[ok], "y": y.values[ok]})
    table = frame.groupby("x")["y"].agg(["mean", "min", "max", "count"]).reset_index()
    table = table.rename(columns={"x": factor})
    table.attrs["failed_runs"] = int((~ok).sum())
    return table
