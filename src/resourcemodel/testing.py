"""Checks for users' and our own tests: feasible solutions, agreeing results.

:func:`check_feasible` recomputes every row activity ``A @ x`` from the
:class:`~resourcemodel.program.LinearProgram` itself, so it trusts nothing the solver
reports; the worst violation is named by its block labels (``source-cap[source=river,
period=aug]``). :func:`assert_results_allclose` compares two results Datasets, e.g. of
the ``highs`` and ``pulp`` backends, on the numbers a brief quotes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr

from resourcemodel.backends.base import SolveResult
from resourcemodel.program import LinearProgram
from resourcemodel.results import CAP_FAMILIES

#: Default tolerances: CBC's feasibility tolerance is absolute (~1e-7 per row), HiGHS's
#: is 1e-7 relative to the problem's scale; these accept both and catch real violations.
RTOL = 1e-7
ATOL = 1e-6


def _label(name: str, labels: dict[str, str]) -> str:
    return f"{name}[{', '.join(f'{d}={v}' for d, v in labels.items())}]"


def check_feasible(
    lp: LinearProgram, x: np.ndarray, rtol: float = RTOL, atol: float = ATOL
) -> dict[str, Any]:
    """Measure how far ``x`` is from satisfying every row, bound and integrality of ``lp``.

    A row ``row_lower <= a @ x <= row_upper`` is violated by ``v`` when ``a @ x`` lies ``v``
    outside its range; it counts as satisfied if ``v <= atol + rtol * scale`` with
    ``scale = max(1, |bound|, sum_j |a_j x_j|)`` (the last term allows for cancellation in
    long rows). Bounds on columns are checked the same way with ``scale = max(1, |bound|)``.

    Parameters
    ----------
    lp : LinearProgram
        The program; only its matrix, row ranges, bounds and integrality are used.
    x : numpy.ndarray
        Column values, length ``lp.shape[1]``.
    rtol, atol : float
        Relative and absolute tolerance (in the row's unit, e.g. m3 or USD).

    Returns
    -------
    dict
        ``feasible`` (bool); ``max_row_violation`` and ``max_bound_violation`` (absolute, in
        the unit of the row or column); ``worst_row`` and ``worst_column`` (block label
        such as ``"source-cap[source=river, period=year]"``, or ``None`` if nothing is
        violated beyond tolerance) with ``worst_row_detail``/``worst_column_detail``
        (activity, range, violation); ``integrality_violation`` (largest distance of an
        integer column from an integer).

    Raises
    ------
    ValueError
        If ``x`` has the wrong length or holds NaN (no solution to check).

    Examples
    --------
    >>> import numpy as np, resourcemodel as rm
    >>> lp = rm.build(rm.load_inputs(rm.examples.path("two_plants")))
    >>> res = rm.solve(lp)
    >>> check_feasible(lp, res.x)["feasible"]
    True
    >>> report = check_feasible(lp, res.x * 1.1)   # 10% more of everything
    >>> report["feasible"], report["worst_row"]
    (False, 'source-cap[source=river, period=year]')
    >>> check_feasible(lp, np.full(3, np.nan))
    Traceback (most recent call last):
    ...
    ValueError: x has 3 values but the program has 5 columns.
    """
    x = np.asarray(x, dtype=float)
    m, n = lp.shape
    if x.shape != (n,):
        msg = f"x has {x.size} values but the program has {n} columns."
        raise ValueError(msg)
    if np.isnan(x).any():
        msg = "x holds NaN: there is no solution to check (was the solve optimal?)."
        raise ValueError(msg)
    ax = lp.A @ x
    magnitude = abs(lp.A) @ np.abs(x)
    row_viol = np.maximum.reduce([lp.row_lower - ax, ax - lp.row_upper, np.zeros(m)])
    bound = np.where(np.isfinite(lp.row_upper), np.abs(lp.row_upper), 0.0)
    bound = np.maximum(bound, np.where(np.isfinite(lp.row_lower), np.abs(lp.row_lower), 0.0))
    row_tol = atol + rtol * np.maximum.reduce([np.ones(m), bound, magnitude])
    col_viol = np.maximum.reduce([lp.col_lower - x, x - lp.col_upper, np.zeros(n)])
    cbound = np.where(np.isfinite(lp.col_upper), np.abs(lp.col_upper), 0.0)
    cbound = np.maximum(cbound, np.where(np.isfinite(lp.col_lower), np.abs(lp.col_lower), 0.0))
    col_tol = atol + rtol * np.maximum(1.0, cbound)
    integ = lp.integrality.astype(bool)
    int_viol = float(np.max(np.abs(x[integ] - np.round(x[integ])), initial=0.0))
    report: dict[str, Any] = {
        "max_row_violation": float(np.max(row_viol, initial=0.0)),
        "max_bound_violation": float(np.max(col_viol, initial=0.0)),
        "integrality_violation": int_viol,
        "worst_row": None,
        "worst_row_detail": None,
        "worst_column": None,
        "worst_column_detail": None,
    }
    if m and (row_viol > row_tol).any():
        i = int(np.argmax(row_viol / row_tol))
        report["worst_row"] = _label(*lp.row_labels(i))
        report["worst_row_detail"] = {
            "activity": float(ax[i]),
            "lower": float(lp.row_lower[i]),
            "upper": float(lp.row_upper[i]),
            "violation": float(row_viol[i]),
        }
    if n and (col_viol > col_tol).any():
        j = int(np.argmax(col_viol / col_tol))
        report["worst_column"] = _label(*lp.col_labels(j))
        report["worst_column_detail"] = {
            "value": float(x[j]),
            "lower": float(lp.col_lower[j]),
            "upper": float(lp.col_upper[j]),
            "violation": float(col_viol[j]),
        }
    report["feasible"] = (
        report["worst_row"] is None and report["worst_column"] is None and int_viol <= atol
    )
    return report


def assert_feasible(
    lp: LinearProgram, result: SolveResult, rtol: float = RTOL, atol: float = ATOL
) -> None:
    """Assert that a solve result satisfies ``lp`` and reports its own objective.

    Parameters
    ----------
    lp : LinearProgram
        The program that was solved.
    result : SolveResult
        From :func:`resourcemodel.solve` (any backend); must be optimal.
    rtol, atol : float
        Tolerances, see :func:`check_feasible`.

    Raises
    ------
    AssertionError
        Naming the status, or the worst violated row or bound by its labels, or the gap
        between the reported objective and ``objective_sign * (c @ x + c0)``.

    Examples
    --------
    >>> import dataclasses, resourcemodel as rm
    >>> lp = rm.build(rm.load_inputs(rm.examples.path("two_plants")))
    >>> res = rm.solve(lp, "highs")
    >>> assert_feasible(lp, res)
    >>> assert_feasible(lp, dataclasses.replace(res, x=res.x * 2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: row source-cap[source=river, period=year] violated by 450: activity 900 ...
    """
    if not result.status.is_ok:
        msg = f"the solve ended {str(result.status)!r}, not optimal: nothing to check."
        raise AssertionError(msg)
    report = check_feasible(lp, result.x, rtol=rtol, atol=atol)
    if report["worst_row"] is not None:
        d = report["worst_row_detail"]
        msg = (
            f"row {report['worst_row']} violated by {d['violation']:.6g}: activity "
            f"{d['activity']:.6g} outside [{d['lower']:.6g}, {d['upper']:.6g}]."
        )
        raise AssertionError(msg)
    if report["worst_column"] is not None:
        d = report["worst_column_detail"]
        msg = (
            f"bound of {report['worst_column']} violated by {d['violation']:.6g}: value "
            f"{d['value']:.6g} outside [{d['lower']:.6g}, {d['upper']:.6g}]."
        )
        raise AssertionError(msg)
    if report["integrality_violation"] > atol:
        msg = f"an integer column is {report['integrality_violation']:.3g} from an integer."
        raise AssertionError(msg)
    own = lp.objective_sign * float(lp.c @ result.x + lp.c0)
    if not math.isclose(result.objective, own, rel_tol=max(rtol, 1e-9), abs_tol=atol):
        msg = f"reported objective {result.objective:.10g} but c @ x + c0 gives {own:.10g}."
        raise AssertionError(msg)


def _unique_price(ds: xr.Dataset, cap: str) -> np.ndarray:
    """Return where the shadow price of a binding cap is unique.

    That is where the cap lies strictly inside the range over which its price holds;
    without ranging, wherever the cap is binding.
    """
    binding = ds[f"{cap}_binding"].values.astype(bool)
    lo, hi = ds[f"{cap}_range_lower"].values, ds[f"{cap}_range_upper"].values
    limit = ds[f"{cap}_limit"].values
    if np.isnan(lo[binding]).all() and np.isnan(hi[binding]).all():
        return binding
    margin = 1e-9 * (1 + np.abs(limit))
    with np.errstate(invalid="ignore"):
        inside = (lo < limit - margin) & (limit + margin < hi)
    return binding & inside


def assert_results_allclose(
    a: xr.Dataset,
    b: xr.Dataset,
    rtol: float = 1e-6,
    atol: float = 1e-6,
    *,
    variables: tuple[str, ...] = ("production", "supply"),
    shadow_prices: bool = True,
) -> None:
    """Assert that two results Datasets give the same answer.

    Compares the objective (``attrs["objective"]``), the ``variables`` (same NaN pattern,
    values within tolerance) and the shadow prices of binding caps. A binding cap's
    price is compared only where it is unique: where ``a`` reports ranging, where the cap
    lies strictly inside the range over which its price holds (at a degenerate corner
    several prices are equally right); without ranging, wherever ``a`` calls it binding.

    Parameters
    ----------
    a, b : xarray.Dataset
        Results of :func:`resourcemodel.run` (e.g. ``backend="highs"`` and ``"pulp"``).
        Give the one with ranging (HiGHS) as ``a``.
    rtol, atol : float
        Tolerances (``atol`` in the unit of each variable, USD for the objective).
    variables : tuple of str
        Result variables to compare; leave out the ones with alternative optima.
    shadow_prices : bool
        Compare the shadow prices of binding caps.

    Raises
    ------
    AssertionError
        Naming the first quantity that differs and where.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> case = rm.examples.path("two_plants")
    >>> a = rm.run(case, "highs")
    >>> assert_results_allclose(a, rm.run(case, "pulp"))
    >>> b = a.copy()
    >>> b["production"] = a["production"] + 1
    >>> assert_results_allclose(a, b, variables=("production",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: production[process=a_mill, period=year] differs: 150 vs 151 (2 of 2 ...
    """
    for ds, which in ((a, "a"), (b, "b")):
        if ds.attrs.get("status") != "optimal":
            msg = f"results {which} are {ds.attrs.get('status')!r}, not optimal."
            raise AssertionError(msg)
    oa, ob = float(a.attrs["objective"]), float(b.attrs["objective"])
    if not math.isclose(oa, ob, rel_tol=rtol, abs_tol=atol):
        msg = f"objective differs: {oa:.10g} vs {ob:.10g} (rtol {rtol:g}, atol {atol:g})."
        raise AssertionError(msg)
    for name in variables:
        _assert_close_array(a[name], b[name], rtol, atol, name)
    if not shadow_prices:
        return
    for cap in CAP_FAMILIES.values():
        mask = _unique_price(a, cap)
        pa, pb = a[f"{cap}_shadow_price"], b[f"{cap}_shadow_price"]
        _assert_close_array(pa.where(mask), pb.where(mask), rtol, atol, f"{cap}_shadow_price")


def _assert_close_array(
    x: xr.DataArray, y: xr.DataArray, rtol: float, atol: float, name: str
) -> None:
    if x.dims != y.dims or x.shape != y.shape:
        msg = f"{name}: dims {dict(x.sizes)} vs {dict(y.sizes)}."
        raise AssertionError(msg)
    u, v = x.values.astype(float), y.values.astype(float)
    nan_u, nan_v = np.isnan(u), np.isnan(v)
    differ = (nan_u != nan_v) | (~nan_u & ~nan_v & ~np.isclose(u, v, rtol=rtol, atol=atol))
    if differ.any():
        idx = tuple(int(i) for i in np.argwhere(differ)[0])
        where = ", ".join(f"{d}={x[d].values[i]}" for d, i in zip(x.dims, idx, strict=True))
        msg = (
            f"{name}[{where}] differs: {u[idx]:.10g} vs {v[idx]:.10g} "
            f"({int(differ.sum())} of {differ.size} elements; rtol {rtol:g}, atol {atol:g})."
        )
        raise AssertionError(msg)
