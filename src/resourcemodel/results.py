"""Map a :class:`SolveResult` back onto labelled arrays: the results Dataset.

Everything is reshaped from solver vectors through the program's block index arrays; no
loop runs per variable. Sign convention for shadow prices: the value, in USD per unit of
the capped resource, of one more unit of the cap (the decrease of cost, or increase of
value added); ``>= 0`` for a binding cap, ``0`` for a slack one.

At a degenerate optimum the objective has a kink at the cap: one more unit is worth less
than one unit fewer costs, and the solver's dual is one of the two. Both are reported,
``<cap>_worth_more`` (the value of one more unit) and ``<cap>_cost_less``
(the cost of one unit fewer, ``inf`` if fewer is infeasible), where the backend gives them
(HiGHS with ranging); elsewhere they are ``nan`` and their ``attrs["note"]`` says why.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from resourcemodel.backends.base import SolveResult
from resourcemodel.formulation import lost_output_value
from resourcemodel.program import Block, LinearProgram
from resourcemodel.results_water import water_results
from resourcemodel.seasons import seasonal_intensity
from resourcemodel.units import DAYS_PER_YEAR

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


@dataclass
class _Var:
    """A results variable before the Dataset is built (avoids xarray alignment costs)."""

    dims: tuple[str, ...]
    values: np.ndarray
    attrs: dict[str, str]


def _da(block: Block, values: np.ndarray, units: str, description: str) -> _Var:
    return _Var(block.dims, values, {"units": units, "description": description})


def assemble(
    inputs: xr.Dataset,
    lp: LinearProgram,
    result: SolveResult,
    run_card: dict[str, Any] | None = None,
) -> xr.Dataset:
    """Return the results Dataset of one solve.

    Parameters
    ----------
    inputs : xarray.Dataset
        The inputs the program was built from (for coordinates and demand).
    lp : LinearProgram
        The program.
    result : SolveResult
        The backend's result.
    run_card : dict, optional
        Extra run-card entries (scenario name, resolved diff...) stored in ``attrs``.

    Returns
    -------
    xarray.Dataset
        Variables: ``production``, ``supply``, ``adoption``, ``saving_amount``,
        ``delivery``, ``unmet``, ``resource_use``, ``resource_saved``,
        ``resource_supplied``, ``resource_generated``, cost components, and for each cap
        family ``<cap>_shadow_price`` (with ``<cap>_worth_more`` and
        ``<cap>_cost_less``, see the module doc), ``<cap>_range_lower``/``_range_upper``,
        ``<cap>_binding``, ``<cap>_slack``, ``<cap>_use`` and ``<cap>_limit``; plus
        ``resource_value`` and ``product_value`` (duals of the balances). ``attrs`` hold
        the run card.
    """
    x = result.x
    v = lp.variables
    out: dict[str, _Var] = {}
    out["production"] = _da(
        v["production"],
        v["production"].gather(x, 0.0),
        "{process.product}",
        "Production of each process in each period.",
    )
    out["supply"] = _da(
        v["supply"],
        v["supply"].gather(x),
        "{source.resource}",
        "Amount drawn by each plant from each source (NaN: not connected).",
    )
    out["adoption"] = _da(
        v["adoption"],
        v["adoption"].gather(x),
        "fraction",
        "Share of each measure adopted (NaN: not applicable).",
    )
    out["saving_amount"] = _da(
        v["saving_amount"],
        v["saving_amount"].gather(x, 0.0),
        "{resource}",
        "Resource saved by each adopted measure.",
    )
    delivery = v["delivery"].gather(x)
    out["delivery"] = _da(v["delivery"], delivery, "{product}", "Deliveries to final demand.")
    demand = inputs["demand"].values
    unmet = np.where(np.isnan(demand), np.nan, np.clip(demand - np.nan_to_num(delivery), 0, None))
    out["unmet"] = _da(v["delivery"], unmet, "{product}", "Final demand not met.")

    # Resource accounting per plant.
    prod = out["production"].values
    intensity = seasonal_intensity(inputs)  # process, resource, period
    proc_plant = _positions(inputs["process_plant"].values, inputs["plant"].values)
    npl, nr, nt = inputs.sizes["plant"], inputs.sizes["resource"], inputs.sizes["period"]
    use = np.zeros((npl, nr, nt))
    gen = np.zeros((npl, nr, nt))
    pos = np.clip(intensity, 0, None)
    neg = np.clip(-intensity, 0, None)
    np.add.at(use, proc_plant, pos * prod[:, None, :])
    np.add.at(gen, proc_plant, neg * prod[:, None, :])
    use += inputs["reserved_use"].values
    year_share = inputs["period_duration"].values / DAYS_PER_YEAR
    adopt = np.nan_to_num(out["adoption"].values)
    use += np.einsum("pmr,pm,t->prt", inputs["measure_use"].values, adopt, year_share)
    dims3 = ("plant", "resource", "period")
    out["resource_use"] = _Var(
        dims3,
        use,
        {
            "units": "{resource}",
            "description": "Gross use before savings: processes, reserved "
            "use and measures' extra use.",
        },
    )
    out["resource_saved"] = _Var(
        dims3,
        out["saving_amount"].values.sum(axis=1),
        {"units": "{resource}", "description": "Use avoided by measures."},
    )
    out["resource_generated"] = _Var(
        dims3,
        gen,
        {
            "units": "{resource}",
            "description": "Resource made at the plant (own generation).",
        },
    )
    src_res = _positions(inputs["source_resource"].values, inputs["resource"].values)
    supplied = np.zeros((npl, nr, nt))
    np.add.at(
        supplied,
        (slice(None), src_res, slice(None)),  # type: ignore[arg-type]
        np.nan_to_num(out["supply"].values),
    )
    out["resource_supplied"] = _Var(
        dims3,
        supplied,
        {"units": "{resource}", "description": "Drawn from all sources."},
    )

    # Costs by component.
    c = lp.c
    cost_x = v["production"].gather(c * np.nan_to_num(x), 0.0)
    cost_y = v["supply"].gather(c * np.nan_to_num(x), 0.0)
    cost_a = v["adoption"].gather(c * np.nan_to_num(x), 0.0)
    out["cost_production"] = _da(v["production"], cost_x, "USD", "Variable production cost.")
    out["cost_supply"] = _da(v["supply"], cost_y, "USD", "Cost of resources drawn.")
    out["cost_measures"] = _da(v["adoption"], cost_a, "USD", "Annualised cost of measures.")
    unit_loss = lost_output_value(inputs["unmet_penalty"].values, inputs["price"].values)
    penalty = unit_loss[:, None] * np.nan_to_num(unmet)
    out["cost_unmet"] = _da(
        v["delivery"],
        penalty,
        "USD",
        "Demand not met, valued at its price (sales lost) unless the scenario sets an "
        "explicit unmet_penalty.",
    )
    price = np.nan_to_num(inputs["price"].values)[:, None] * np.nan_to_num(delivery)
    out["revenue"] = _da(v["delivery"], price, "USD", "Sales at the product price.")

    # Duals: balances and caps.
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

    out.update(_bound_caps(lp, result))
    out.update(
        impacts(
            inputs,
            lp,
            out["production"].values,
            out["supply"].values,
            unmet,
            out["saving_amount"].values,
        )
    )
    for name, (dims, values, attrs) in water_results(
        inputs, lp, result, out["supply"].values
    ).items():
        out[name] = _Var(dims, values, attrs)
    if inputs.sizes.get("group", 0) and "group_member" in inputs:
        # Which sources make up each group: the brief charts a group's cap against them.
        out["group_member"] = _Var(
            ("group", "source"),
            np.asarray(inputs["group_member"].values, dtype=bool),
            {"units": "dimensionless", "description": "Whether the source is in the group."},
        )
    used_dims = {d for var in out.values() for d in var.dims}
    # Keep the descriptive coordinates of the inputs (names, units, plant of process...).
    coords = {
        str(cname): (coord.dims, coord.values)
        for cname, coord in inputs.coords.items()
        if set(coord.dims) <= used_dims
    }
    ds = xr.Dataset({k: (var.dims, var.values, var.attrs) for k, var in out.items()}, coords)
    objective = result.objective
    total = {
        "production": float(cost_x.sum()),
        "supply": float(cost_y.sum()),
        "measures": float(cost_a.sum()),
        "unmet_penalty": float(penalty.sum()),
        "revenue": float(price.sum()),
        # Sales minus every cost the model charges (inputs, energy, water, measures):
        # the value added of the modelled plants.
        "value_added": float(price.sum() - cost_x.sum() - cost_y.sum() - cost_a.sum()),
    }
    if "user_delivery" in ds:
        total["users_value"] = float(ds["user_value_earned"].sum())
    if "decree_draw" in lp.variables:
        total["decree_credit"] = float(-v["decree_draw"].gather(c * np.nan_to_num(x), 0.0).sum())
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
    ds.attrs.update(card)
    ds.attrs.update(impact_card(ds))
    return ds


def impacts(
    inputs: xr.Dataset,
    lp: LinearProgram,
    production: np.ndarray,
    supply: np.ndarray,
    unmet: np.ndarray,
    saving: np.ndarray,
) -> dict[str, _Var]:
    """Return emissions and jobs of a solution: ``emission``, ``jobs``, ``jobs_unmet``.

    ``emission[plant, pollutant, period]`` (t) is the emission factor of each resource
    times what the plant draws of it (from its sources, and through measures that draw on
    a source), plus each process's own emission per unit made (the terms of the emission
    caps, :func:`resourcemodel.formulation.add_emission_caps`).
    ``jobs[process]`` is the labour intensity times the output at its annual rate;
    ``jobs_unmet[product]`` values demand not met at the mean labour intensity of the
    processes making the product (weighted by what each can make): the jobs the lost
    output would have supported. Both are NaN where no labour intensity is given.
    """
    src_res = _positions(inputs["source_resource"].values, inputs["resource"].values)
    factor = np.asarray(inputs["emission_factor"].values, float)[src_res, :]  # source, pol
    own = np.asarray(inputs["process_emission"].values, float)  # process, pollutant
    proc_plant = _positions(inputs["process_plant"].values, inputs["plant"].values)
    emission = np.einsum("pst,sq->pqt", np.nan_to_num(supply), factor)
    emission += _measure_draw_emission(inputs, saving, factor)
    np.add.at(emission, proc_plant, own[:, :, None] * production[:, None, :])
    years = float(inputs["period_duration"].values.sum()) / DAYS_PER_YEAR
    intensity = np.asarray(inputs["jobs"].values, float)
    jobs = intensity * production.sum(axis=1) / years
    out = {
        "emission": _Var(
            ("plant", "pollutant", "period"),
            emission,
            {
                "units": "t",
                "description": "Emitted by each plant: fuel drawn times its emission "
                "factor, plus process emissions.",
            },
        ),
        "jobs": _Var(
            ("process",),
            jobs,
            {
                "units": "job",
                "description": "Jobs supported by each process's output (labour "
                "intensity x output per year; NaN: not counted).",
            },
        ),
    }
    makeable = lp.variables["production"].gather(lp.col_upper, 0.0).sum(axis=1)
    product = _positions(inputs["process_product"].values, inputs["product"].values)
    counted = np.isfinite(intensity)
    weight = np.zeros(inputs.sizes["product"])
    labour = np.zeros(inputs.sizes["product"])
    np.add.at(weight, product[counted], makeable[counted])
    np.add.at(labour, product[counted], (intensity * makeable)[counted])
    with np.errstate(invalid="ignore", divide="ignore"):
        per_unit = np.where(weight > 0, labour / weight, np.nan)
    out["jobs_unmet"] = _Var(
        ("product",),
        per_unit * np.nansum(unmet, axis=1) / years,
        {
            "units": "job",
            "description": "Jobs the output not delivered would have supported (demand "
            "not met at the mean labour intensity of the product's counted processes, "
            "weighted by what each can make). The change of 'jobs' between two scenarios "
            "is the change in jobs their output supports.",
        },
    )
    return out


def _measure_draw_emission(
    inputs: xr.Dataset, saving: np.ndarray, factor: np.ndarray
) -> np.ndarray | float:
    """Emissions ``[plant, pollutant, period]`` of savings that are draws from a source.

    A measure with a ``source`` (``measures.csv``) brings its savings of that source's
    resource from the source: they are burnt like any other draw.
    """
    if "measure_source" not in inputs.coords:
        return 0.0
    sources = {str(s): i for i, s in enumerate(inputs["source"].values)}
    of = np.array([sources.get(str(m), -1) for m in inputs["measure_source"].values], dtype=int)
    measures = np.flatnonzero(of >= 0)
    src_res = _positions(inputs["source_resource"].values, inputs["resource"].values)
    drawn = saving[:, measures, src_res[of[measures]], :]  # plant, measure, period
    return np.einsum("pkt,kq->pqt", np.nan_to_num(drawn), factor[of[measures], :])


def impact_card(ds: xr.Dataset) -> dict[str, str | float]:
    """Return run-card totals of emissions (t by pollutant) and jobs (only those counted).

    Nothing for a run without an optimal solution (its numbers mean nothing).

    Examples
    --------
    >>> import resourcemodel as rm
    >>> impact_card(rm.run(rm.examples.path("two_plants")))  # no pollutants, no jobs
    {}
    """
    card: dict[str, str | float] = {}
    if ds.attrs.get("status") != "optimal":
        return card
    if ds.sizes.get("pollutant", 0):
        totals = ds["emission"].sum(("plant", "period"))
        card["emission_totals_t"] = json.dumps(
            {str(p): float(v) for p, v in zip(ds.pollutant.values, totals.values, strict=True)}
        )
    if bool(ds["jobs"].notnull().any()):
        card["jobs_total"] = float(ds["jobs"].sum())
        card["jobs_unmet_total"] = float(ds["jobs_unmet"].sum())
    return card


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


def _positions(labels: np.ndarray, universe: np.ndarray) -> np.ndarray:
    lookup = {label: i for i, label in enumerate(universe)}
    return np.array([lookup[label] for label in labels], dtype=int)


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


def _package_version() -> str:
    from resourcemodel import __version__

    return __version__


def unit_of(ds: xr.Dataset, name: str, **labels: str) -> str:
    """Resolve the unit template of variable ``name`` for one element.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> res = rm.run(rm.examples.path("two_plants"))
    >>> res["supply"].attrs["units"], unit_of(res, "supply", source="river")
    ('{source.resource}', 'm3')
    """
    template: str = str(ds[name].attrs.get("units", ""))
    subs = {
        "{process.product}": lambda: _unit_of_product(
            ds, str(ds["process_product"].sel(process=labels["process"]).item())
        ),
        "{source.resource}": lambda: str(
            ds["resource_unit"]
            .sel(resource=str(ds["source_resource"].sel(source=labels["source"]).item()))
            .item()
        ),
        "{group.resource}": lambda: str(
            ds["resource_unit"]
            .sel(resource=str(ds["group_resource"].sel(group=labels["group"]).item()))
            .item()
        ),
        "{reservoir.resource}": lambda: str(
            ds["resource_unit"]
            .sel(resource=str(ds["reservoir_resource"].sel(reservoir=labels["reservoir"]).item()))
            .item()
        ),
        "{user.resource}": lambda: str(
            ds["resource_unit"]
            .sel(resource=str(ds["user_resource"].sel(user=labels["user"]).item()))
            .item()
        ),
        "{resource}": lambda: str(ds["resource_unit"].sel(resource=labels["resource"]).item()),
        "{product}": lambda: _unit_of_product(ds, labels["product"]),
    }
    for token, fn in subs.items():
        if token in template:
            template = template.replace(token, fn())
    return template


def _unit_of_product(ds: xr.Dataset, product: str) -> str:
    return str(ds["product_unit"].sel(product=product).item())
