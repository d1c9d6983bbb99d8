"""Change parameters of a built program without rebuilding it (warm sweeps, the model)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from resourcemodel.formulation import water
from resourcemodel.formulation.context import DAYS_PER_YEAR
from resourcemodel.formulation.measures import adoption_upper
from resourcemodel.formulation.objective import lost_output_value
from resourcemodel.program import LinearProgram

#: Parameters whose new values map straight onto bounds, costs or the objective constant
#: of an existing program (no change of structure). Others need a rebuild.
FAST_PARAMETERS = (
    "source_cap",
    "source_cap_annual",
    "group_cap",
    "group_cap_annual",
    "contract",
    "permit",
    "connection_cap",
    "source_cost",
    "production_cost",
    "measure_cost",
    "max_adoption",
    "demand",
    "min_delivery",
    "unmet_penalty",
    "price",
    "reserved_use",
    "emission_cap",
    "emission_cap_annual",
    "inflow",
    "loss_fixed",
    "storage_start",
)

_ROW_CAPS = {
    "source_cap": "source-cap",
    "source_cap_annual": "source-cap-annual",
    "group_cap": "group-cap",
    "group_cap_annual": "group-cap-annual",
    "contract": "contract",
    "permit": "permit",
    "emission_cap": "emission-cap",
    "emission_cap_annual": "emission-cap-annual",
}


def _cap_relevant(inputs: xr.Dataset, name: str) -> np.ndarray | bool:
    """Where a finite value of cap parameter ``name`` makes a row (see add_plant_caps).

    ``True`` means everywhere (no xarray look-up: this runs once per sweep run).
    """
    if name not in ("contract", "permit"):
        return True
    connected = np.asarray(inputs["connected"].values, dtype=bool)
    if name == "contract":
        return connected
    # permit: plants connected to some source of the resource.
    resource = {r: i for i, r in enumerate(inputs["resource"].values)}
    src_res = np.array([resource[r] for r in inputs["source_resource"].values], dtype=int)
    has = np.zeros((inputs.sizes["plant"], inputs.sizes["resource"]), dtype=bool)
    ci, si = np.nonzero(connected)
    has[ci, src_res[si]] = True
    return has


def update_program(
    lp: LinearProgram,
    inputs: xr.Dataset,
    changed: dict[str, np.ndarray],
    base: dict[str, np.ndarray] | None = None,
) -> LinearProgram | None:
    """Return ``lp`` with new values of some parameters, without rebuilding it.

    Parameters
    ----------
    lp : LinearProgram
        A program built by :func:`build` from ``inputs``.
    inputs : xarray.Dataset
        The inputs ``lp`` was built from (unchanged).
    changed : dict of str to numpy.ndarray
        New full arrays (same shape as in ``inputs``) of parameters in
        :data:`FAST_PARAMETERS`.
    base : dict of str to numpy.ndarray, optional
        Cached arrays of ``inputs`` (saves xarray look-ups in tight sweep loops).

    Returns
    -------
    LinearProgram or None
        A new program sharing the matrix with ``lp`` and with new bounds, costs and
        objective constant; ``None`` if a change alters the structure (a cap appearing or
        disappearing, a parameter outside :data:`FAST_PARAMETERS`), in which case the
        caller rebuilds from changed inputs.
    """
    if any(name not in FAST_PARAMETERS for name in changed):
        return None
    c = lp.c.copy()
    col_lower, col_upper = lp.col_lower.copy(), lp.col_upper.copy()
    row_lower, row_upper = lp.row_lower.copy(), lp.row_upper.copy()
    c0 = lp.c0
    v, r = lp.variables, lp.constraints

    def value(name: str) -> np.ndarray:
        if name in changed:
            return changed[name]
        if base is not None and name in base:
            return base[name]
        return np.asarray(inputs[name].values, float)

    for name, family in _ROW_CAPS.items():
        if name not in changed:
            continue
        block = r[family]
        present = block.index >= 0
        new = np.broadcast_to(changed[name], present.shape)
        if not np.array_equal(np.isfinite(new) & _cap_relevant(inputs, name), present):
            return None
        row_upper[block.index[present]] = new[present]
    if "connection_cap" in changed:
        y = v["supply"].index
        row_ok = y >= 0
        col_upper[y[row_ok]] = np.broadcast_to(changed["connection_cap"], y.shape)[row_ok]
    if "source_cost" in changed:
        y = v["supply"].index
        ok = y >= 0
        c[y[ok]] = np.broadcast_to(changed["source_cost"][None, :, :], y.shape)[ok]
    if "production_cost" in changed:
        x = v["production"].index
        c[x.ravel()] = np.broadcast_to(changed["production_cost"][:, None], x.shape).ravel()
    if "measure_cost" in changed:
        a = v["adoption"].index
        ok = a >= 0
        years = float(inputs["period_duration"].values.sum() / DAYS_PER_YEAR)
        c[a[ok]] = changed["measure_cost"][ok] * years
    if "max_adoption" in changed:
        if "adoption-choice" in r:
            return None  # all-or-nothing adoption: max_adoption is a matrix coefficient
        a = v["adoption"].index
        new = changed["max_adoption"]
        if not np.array_equal(~np.isnan(new), a >= 0):
            return None
        upper = adoption_upper(new, value("lead_time"), lp.build_years)
        col_upper[a[a >= 0]] = upper[a >= 0]
    if {"demand", "min_delivery", "unmet_penalty", "price"} & set(changed):
        d = v["delivery"].index
        demand = value("demand")
        if not np.array_equal(~np.isnan(demand), d >= 0):
            return None
        ok = d >= 0
        dem = np.nan_to_num(demand, nan=0.0)
        col_upper[d[ok]] = dem[ok]
        col_lower[d[ok]] = (value("min_delivery") * dem)[ok]
        pen = lost_output_value(value("unmet_penalty"), value("price"))
        if lp.objective_name == "cost":
            c[d[ok]] = -np.broadcast_to(pen[:, None], d.shape)[ok]
            c0 = float((dem * pen[:, None]).sum())
        else:
            price = np.nan_to_num(value("price"), nan=0.0)
            c[d[ok]] = -np.broadcast_to(price[:, None], d.shape)[ok]
    if {"inflow", "loss_fixed", "storage_start"} & set(changed) and "storage-balance" in r:
        rows = r["storage-balance"].index
        ok = rows >= 0
        rhs = water.balance_rhs(
            value("inflow"), value("loss_fixed"), value("loss_rate"), value("storage_start")
        )
        row_lower[rows[ok]] = rhs[ok]
        row_upper[rows[ok]] = rhs[ok]
        cols = v["storage"].index
        upper = water.upper_of(value("storage_start"), value("inflow"), value("storage_max"))
        col_upper[cols[cols >= 0]] = upper[cols >= 0]
    if "reserved_use" in changed:
        block = r["resource-balance"]
        present = block.index >= 0
        new = changed["reserved_use"]
        if np.any((new > 0) & ~present):
            return None
        row_lower[block.index[present]] = new[present]
        row_upper[block.index[present]] = new[present]
    return LinearProgram(
        c=c,
        A=lp.A,
        row_lower=row_lower,
        row_upper=row_upper,
        col_lower=col_lower,
        col_upper=col_upper,
        integrality=lp.integrality,
        c0=c0,
        objective_sign=lp.objective_sign,
        variables=lp.variables,
        constraints=lp.constraints,
        objective_name=lp.objective_name,
        objective_unit=lp.objective_unit,
        build_years=lp.build_years,
    )
