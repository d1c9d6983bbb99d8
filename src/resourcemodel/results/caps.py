"""Results of the caps and balances: shadow prices, ranges, binding flags, slack and use.

Sign convention for shadow prices: the value, in USD per unit of the capped resource, of
one more unit of the cap (see :mod:`resourcemodel.results`).
"""

from __future__ import annotations

import numpy as np

from resourcemodel.backends.base import SolveResult
from resourcemodel.program import Block, LinearProgram
from resourcemodel.results.common import _da, _Var

#: Cap families whose duals are reported as shadow prices, with their canonical names.
CAP_FAMILIES = {
    "source-cap": "source_cap",
    "source-cap-annual": "source_cap_annual",
    "group-cap": "group_cap",
    "group-cap-annual": "group_cap_annual",
    "contract": "contract",
    "permit": "permit",
    "emission-cap": "emission_cap",
    "emission-cap-annual": "emission_cap_annual",
}

#: Caps that are bounds on a variable, not rows: the name of each and its variable. Their
#: shadow prices come from the column duals (reduced costs); no ranging is computed.
BOUND_CAPS = {"connection_cap": "supply"}

#: Every cap reported with a shadow price: the row families, then the bounds.
REPORTED_CAPS = (*CAP_FAMILIES.values(), *BOUND_CAPS)

#: Why bound caps have no range (the ``note`` of their shadow price's attrs).
BOUND_RANGE_MISSING = (
    "A bound on the supply variable: its value is the column dual (reduced cost); the "
    "interval of the cap over which it holds is not computed (no <cap>_range_lower/_upper)."
)

#: Relative tolerance for calling a cap binding.
BINDING_RTOL = 1e-7

#: Why some one-sided shadow prices are missing (the ``note`` of their attrs).
ONE_SIDED_PARTIAL = (
    "NaN for caps whose one-sided values were not reached within the time budget of the "
    "extra re-solves (most valuable caps first); HighsBackend(one_sided_budget=None) "
    "computes them all."
)

#: Why one-sided shadow prices are missing (the ``note`` of their attrs).
ONE_SIDED_MISSING = (
    "Not available from this solve: one-sided shadow prices come from HiGHS with ranging "
    "(the default of resourcemodel run); PuLP/CBC and solves without ranging give one dual "
    "per cap, reported as the shadow price."
)


def balance_values(lp: LinearProgram, result: SolveResult) -> dict[str, _Var]:
    """Return ``resource_value`` and ``product_value``: the duals of the two balances."""
    out: dict[str, _Var] = {}
    cons = lp.constraints
    dual = result.row_dual
    out["resource_value"] = _da(
        cons["resource-balance"],
        cons["resource-balance"].gather(dual),
        "USD/{resource}",
        "Marginal value of one more unit of the resource at the plant in the period.",
    )
    out["product_value"] = _da(
        cons["product-balance"],
        cons["product-balance"].gather(dual),
        "USD/{product}",
        "Marginal value of one more unit of the product in the period.",
    )
    return out


def cap_results(lp: LinearProgram, result: SolveResult) -> dict[str, _Var]:
    """Return limit, use, slack, binding, shadow prices and ranges of every cap family."""
    x = result.x
    cons = lp.constraints
    dual = result.row_dual
    out: dict[str, _Var] = {}
    activity = lp.A @ np.nan_to_num(x) if result.status.is_ok else np.full(lp.shape[0], np.nan)
    for family, name in CAP_FAMILIES.items():
        block = cons[family]
        limit = block.gather(lp.row_upper)
        used = block.gather(activity)
        price_ = block.gather(-dual) if result.status.is_ok else block.gather(dual)
        # Minimising: a binding <= cap has row_dual <= 0; report the value of one more unit.
        price_ = np.where(np.abs(price_) < 1e-12, 0.0, price_) + 0.0
        slack = limit - used
        binding = np.abs(slack) <= BINDING_RTOL * (1 + np.abs(limit))
        unit = block.unit
        desc = name.replace("_", " ")
        out[f"{name}_limit"] = _da(block, limit, unit, f"Limit of the {desc}.")
        out[f"{name}_use"] = _da(block, used, unit, f"Use against the {desc}.")
        out[f"{name}_slack"] = _da(block, slack, unit, f"Unused part of the {desc}.")
        out[f"{name}_binding"] = _da(
            block,
            np.where(np.isnan(limit), False, binding).astype(bool),
            "",
            f"Whether the {desc} is binding.",
        )
        out[f"{name}_shadow_price"] = _da(
            block,
            price_,
            f"USD/{unit}",
            f"Value of one more unit of the {desc} (decrease of cost or increase of value "
            "added); >= 0.",
        )
        up, down, note = _one_sided(block, result, limit)
        worth = f"USD/{unit}"
        out[f"{name}_worth_more"] = _Var(
            block.dims,
            up,
            {
                "units": worth,
                "description": f"Value of one more unit of the {desc}: the slope of the "
                "objective for a higher cap; equals the shadow price unless the optimum is "
                "degenerate at the cap.",
                **note,
            },
        )
        out[f"{name}_cost_less"] = _Var(
            block.dims,
            down,
            {
                "units": worth,
                "description": f"Cost of one unit less of the {desc}: the slope of the "
                "objective for a lower cap (inf: a lower cap is infeasible); >= the value "
                "of one more unit.",
                **note,
            },
        )
        lo, hi = _ranges(block, result, limit)
        # A slack cap is worth nothing for any limit above its use.
        lo = np.where(binding, lo, used)
        hi = np.where(binding, hi, np.where(np.isnan(limit), np.nan, np.inf))
        out[f"{name}_range_lower"] = _da(
            block, lo, unit, f"Lowest {desc} for which the shadow price holds."
        )
        out[f"{name}_range_upper"] = _da(
            block, hi, unit, f"Highest {desc} for which the shadow price holds."
        )
    return out


def _bound_caps(lp: LinearProgram, result: SolveResult) -> dict[str, _Var]:
    """Limit, binding and shadow price of the caps written as variable bounds.

    ``connection_cap`` (a plant's own limit on a source, and the per-plant limits of a
    pro-rata decree) is the upper bound of ``supply``. Where the bound binds, the value of
    one more unit of it is minus the column's reduced cost (the program minimises, so a
    binding upper bound has a reduced cost ``<= 0``), the same convention as the rows'
    shadow prices; where it does not bind it is 0. A variable at a bound of 0 that is also
    its lower bound may have either sign: only the upper bound's share (``>= 0``) counts.
    NaN where there is no cap (not connected, or no ``connection_cap``).
    """
    out: dict[str, _Var] = {}
    ok = result.status.is_ok
    for name, variable in BOUND_CAPS.items():
        block = lp.variables[variable]
        upper = block.gather(lp.col_upper)
        limit = np.where(np.isfinite(upper), upper, np.nan)
        capped = np.isfinite(limit)
        value = block.gather(result.x)
        binding = capped & (value >= limit - BINDING_RTOL * (1 + np.abs(np.nan_to_num(limit))))
        reduced = block.gather(result.col_dual)
        price = np.where(binding, np.clip(-reduced, 0.0, None), 0.0) + 0.0
        price = np.where(np.abs(price) < 1e-12, 0.0, price) if ok else np.full_like(price, np.nan)
        price = np.where(capped, price, np.nan)
        unit = block.unit
        desc = name.replace("_", " ")
        out[f"{name}_limit"] = _da(block, limit, unit, f"Limit of the {desc} (NaN: none).")
        out[f"{name}_binding"] = _da(
            block, binding if ok else np.zeros_like(binding), "", f"Whether the {desc} binds."
        )
        out[f"{name}_shadow_price"] = _Var(
            block.dims,
            price,
            {
                "units": f"USD/{unit}",
                "description": f"Value of one more unit of the {desc} (decrease of cost or "
                "increase of value added), from the column dual of the bound; >= 0.",
                "note": BOUND_RANGE_MISSING,
            },
        )
    return out


def _one_sided(
    block: Block, result: SolveResult, limit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """One-sided shadow prices of a cap family (value of one more, cost of one less)."""
    rng = result.ranging
    if rng is None or rng.dual_up is None or rng.dual_dn is None or not result.status.is_ok:
        nan = np.full(block.index.shape, np.nan)
        return nan, nan.copy(), {"note": ONE_SIDED_MISSING}
    up = -block.gather(rng.dual_up)
    down = -block.gather(rng.dual_dn)
    up = np.where(np.abs(up) < 1e-12, 0.0, up) + 0.0
    down = np.where(np.abs(down) < 1e-12, 0.0, down) + 0.0
    absent = np.isnan(limit)
    up, down = np.where(absent, np.nan, up), np.where(absent, np.nan, down)
    partial = bool((np.isnan(up) | np.isnan(down))[~absent].any())
    return up, down, {"note": ONE_SIDED_PARTIAL} if partial else {}


def _ranges(block: Block, result: SolveResult, limit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cap interval over which the shadow price holds (NaN where unknown)."""
    nan = np.full(block.index.shape, np.nan)
    rng = result.ranging
    if rng is None or not result.status.is_ok:
        return nan, nan.copy()
    lo = block.gather(rng.bound_dn)
    hi = block.gather(rng.bound_up)
    lo = np.where(np.isnan(limit), np.nan, lo)
    hi = np.where(np.isnan(limit), np.nan, hi)
    # HiGHS reports +-1e30-ish sentinels as infinities.
    lo = np.where(np.abs(lo) >= 1e29, -np.inf, lo)
    hi = np.where(np.abs(hi) >= 1e29, np.inf, hi)
    return lo, hi
