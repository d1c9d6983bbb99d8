"""Why a scenario is infeasible, and the cheapest way to make it feasible.

:func:`explain` solves an *elastic* version of the program. Every limit a planner sets
gets a named, non-negative slack in its own physical unit:

- each cap row (``source_cap``, ``source_cap_annual``, ``group_cap``,
  ``group_cap_annual``, ``contract``, ``permit``) and each ``connection_cap`` may be
  *raised*;
- each must-run lower bound on production (``must_run``), each hard-demand lower bound
  on deliveries (``min_delivery``) and each reserved use (``reserved_use``) may be
  *lowered*;
- in a basin (:mod:`resourcemodel.formulation.water`), each hard minimum delivery to a
  user (``user_min``), the required end storage (``storage_end``) and the storage floor
  (``storage_min``) may be *lowered*, a reservoir's capacity (``storage_max``) *raised*.

Relaxations in different units are made comparable by measuring each against its own
size: a slack is counted in multiples of the limit it relaxes (raising a 450 m3 cap by
150 m3 costs 1/3; lowering a 200 t must-run by 75 t costs 3/8). A limit of zero is
measured against the median size of the limits in the same unit. ``mode="cheapest"``
minimises the total relative relaxation; ``mode="fewest"`` first minimises the number of
limits relaxed (a MILP), then the total relative relaxation. Among equally small repairs
the one with the lowest cost (or highest value added) is reported.

The answer is a set of relaxations in planner units ("raise the August cap on the
Zayandeh Rud by 3.1 Mm3"), alternative repairs that leave out each limit of the first one
in turn, the ``[[change]]`` blocks that make the scenario feasible, and
:func:`apply_relaxations`, which applies them to an inputs Dataset.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xarray as xr

from resourcemodel.analyses.common import (
    amount,
    label_name,
    prepare,
    round_safe,
    run,
)
from resourcemodel.analyses.elastic import CAP_ROWS, MARGIN, Items, elastic, repair
from resourcemodel.exceptions import InputError, ResourceModelError
from resourcemodel.formulation import build

if TYPE_CHECKING:
    from resourcemodel.scenario import Scenario

#: Relaxable limits and what relaxing them means.
ACTIONS = {
    **dict.fromkeys(CAP_ROWS.values(), "raise"),
    "connection_cap": "raise",
    "must_run": "lower",
    "min_delivery": "lower",
    "reserved_use": "lower",
    "user_min": "lower",
    "storage_end": "lower",
    "storage_min": "lower",
    "storage_max": "raise",
}

MODES = ("cheapest", "fewest")


@dataclass
class Explanation:
    """What :func:`explain` found.

    Attributes
    ----------
    scenario : str
        Scenario name.
    status : str
        How the original scenario solved (``infeasible``, or ``optimal`` if there was
        nothing to explain).
    mode : str
        ``cheapest`` or ``fewest``.
    relaxations : pandas.DataFrame
        The cheapest repair, one row per relaxed limit: ``parameter``, ``where``,
        ``labels`` (dict), ``action`` (raise/lower), ``amount`` and ``current`` (in the
        canonical ``unit``), ``proposed`` (the limit after the change), ``relative``
        (amount / size of the limit), ``new_value`` (the parameter's new value in its own
        unit: a fraction for ``must_run`` and ``min_delivery``) and ``text``.
    alternatives : list of pandas.DataFrame
        Other repairs, each leaving out one limit of the cheapest repair.
    left_out : list of str
        For each alternative, the limit it leaves untouched.
    objective : float
        Cost (or value added) of the repaired scenario, USD.
    objective_name : str
        ``cost`` or ``value_added``.
    """

    scenario: str
    status: str
    mode: str
    relaxations: pd.DataFrame
    alternatives: list[pd.DataFrame] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    objective: float = math.nan
    objective_name: str = "cost"

    @property
    def feasible(self) -> bool:
        """Whether the scenario was feasible as it stands."""
        return self.status == "optimal"

    def text(self) -> str:
        """Return the explanation in planner words."""
        if self.feasible:
            return f"Scenario {self.scenario!r} is feasible as it stands; nothing to relax."
        if self.relaxations.empty:
            return (
                f"Scenario {self.scenario!r} ended {self.status!r}, but no relaxation of caps, "
                "must-run, hard demand or reserved use is needed: the solver's trouble lies "
                "elsewhere (try another backend or a time limit)."
            )
        how = (
            "fewest limits changed, then the smallest total change"
            if self.mode == "fewest"
            else "smallest total change, each limit measured against its own size"
        )
        lines = [
            f"Scenario {self.scenario!r} is infeasible: the caps cannot cover must-run "
            "production, hard demand, reserved use and the basin's minimums together.",
            f"Cheapest repair ({how}):",
        ]
        lines += [f"  - {t}" for t in self.relaxations["text"]]
        for left, alt in zip(self.left_out, self.alternatives, strict=True):
            lines.append(f"Or, leaving {left} as it is:")
            lines += [f"  - {t}" for t in _differences(self.relaxations, alt, left)]
        lines.append(
            "To apply the cheapest repair, add these blocks to the scenario file "
            "(values rounded so that the scenario stays feasible):"
        )
        lines += [f"    {line}" if line else "" for line in self.changes_toml().splitlines()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def changes_toml(self, option: int = 0) -> str:
        """Return ``[[change]]`` blocks applying repair ``option`` (0: the cheapest)."""
        frame = self.relaxations if option == 0 else self.alternatives[option - 1]
        return "\n".join(_toml_change(row) for row in frame.to_dict("records"))

    def to_dataset(self) -> xr.Dataset:
        """Return every repair as one Dataset along ``relaxation`` (``option`` 0: cheapest)."""
        frames = [self.relaxations, *self.alternatives]
        table = pd.concat(
            [f.assign(option=i) for i, f in enumerate(frames)], ignore_index=True
        ).drop(columns=["labels"], errors="ignore")
        ds = xr.Dataset.from_dataframe(table.rename_axis("relaxation"))
        ds.attrs.update(
            scenario=self.scenario,
            status=self.status,
            mode=self.mode,
            objective=self.objective,
            objective_name=self.objective_name,
        )
        return ds


def explain(
    scenario: str | Path | Scenario | xr.Dataset,
    *,
    mode: str = "cheapest",
    alternatives: int = 3,
    backend: str = "highs",
) -> Explanation:
    """Explain an infeasible scenario by the cheapest set of limits to relax.

    Parameters
    ----------
    scenario : str, Path, Scenario or xarray.Dataset
        A scenario file, a case folder, a resolved scenario or an inputs Dataset.
    mode : {"cheapest", "fewest"}
        ``cheapest`` minimises the total relative relaxation (an LP); ``fewest`` first
        minimises the number of limits relaxed (a MILP), then the total.
    alternatives : int
        At most this many alternative repairs, each leaving out one limit of the
        cheapest repair.
    backend : str
        Solver backend.

    Returns
    -------
    Explanation
        ``relaxations`` (DataFrame), ``text()``, ``to_dataset()``, ``changes_toml()``.

    Raises
    ------
    InputError
        If ``mode`` is unknown.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> ex = rm.analyses.explain(rm.examples.path("infeasible"))
    >>> ex.relaxations[["parameter", "where", "amount", "unit"]].to_dict("records")
    [{'parameter': 'source_cap', 'where': 'river, year', 'amount': 150.0, 'unit': 'm3'}]
    """
    if mode not in MODES:
        msg = f"mode must be one of {list(MODES)}, got {mode!r}."
        raise InputError(msg)
    case = prepare(scenario)
    lp = build(case.inputs, case.options)
    first = run(lp, backend)
    status = str(first.status)
    if first.status.is_ok:
        return Explanation(
            case.name,
            status,
            mode,
            _frame([]),
            objective=first.objective,
            objective_name=lp.objective_name,
        )
    program, items, slack = elastic(lp, case.inputs)
    records, objective = repair(program, items, slack, mode, backend, set())
    if records is None:
        msg = (
            f"Scenario {case.name!r} stays infeasible even with every cap, must-run, hard "
            "demand and reserved use relaxed; check capacities and product inputs."
        )
        raise ResourceModelError(msg)
    frame = _frame([_describe(case.inputs, items, k, v) for k, v in records])
    alts: list[pd.DataFrame] = []
    left: list[str] = []
    for k, _ in sorted(records, key=lambda kv: -kv[1])[: max(alternatives, 0)]:
        alt, _ = repair(program, items, slack, mode, backend, {k})
        if alt is None:
            continue
        alt_frame = _frame([_describe(case.inputs, items, j, v) for j, v in alt])
        if any(_same(alt_frame, f) for f in [frame, *alts]):
            continue
        alts.append(alt_frame)
        left.append(f"{items.parameter[k]}[{', '.join(items.labels[k].values())}]")
    return Explanation(
        case.name,
        status,
        mode,
        frame,
        alts,
        left,
        objective=lp.objective_sign * objective,
        objective_name=lp.objective_name,
    )


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two repairs relax the same limits."""
    return sorted(zip(a["parameter"], a["where"], strict=True)) == sorted(
        zip(b["parameter"], b["where"], strict=True)
    )


# -- describing relaxations ----------------------------------------------------------------


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = [
        "parameter",
        "where",
        "labels",
        "action",
        "amount",
        "unit",
        "current",
        "proposed",
        "relative",
        "new_value",
        "text",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("relative", ascending=False, kind="stable").reset_index(drop=True)


def _describe(inputs: xr.Dataset, items: Items, k: int, multiple: float) -> dict[str, Any]:
    parameter, labels = items.parameter[k], items.labels[k]
    scale = float(items.scale[k])
    size = multiple * scale
    current = items.current[k]
    unit = items.unit[k]
    action = ACTIONS[parameter]
    proposed = current + size if action == "raise" else max(current - size, 0.0)
    if parameter in ("must_run", "min_delivery"):
        old = float(inputs[parameter].sel(labels).item())
        new_value = old * proposed / current if current > 0 else 0.0
    else:
        new_value = proposed
    where = ", ".join(labels.values())
    what = _what(inputs, parameter, labels)
    text = (
        f"{action} {what} ({parameter}[{where}]) by {amount(size, unit, up=True)}, "
        f"from {amount(current, unit)} to {amount(proposed, unit, up=action == 'raise')}"
    )
    return {
        "parameter": parameter,
        "where": where,
        "labels": labels,
        "action": action,
        "amount": size,
        "unit": unit,
        "current": current,
        "proposed": proposed,
        "relative": size / scale,
        "new_value": new_value,
        "text": text,
    }


def _what(inputs: xr.Dataset, parameter: str, labels: dict[str, str]) -> str:
    def name(dim: str) -> str:
        return label_name(inputs, dim, labels[dim])

    when = f"{name('period')} " if "period" in labels else ""
    return {
        "source_cap": lambda: f"the {when}cap on {name('source')}",
        "source_cap_annual": lambda: f"the annual cap on {name('source')}",
        "group_cap": lambda: f"the {when}cap on {name('group')}",
        "group_cap_annual": lambda: f"the annual cap on {name('group')}",
        "contract": lambda: f"the contract of {name('plant')} with {name('source')}",
        "permit": lambda: f"the {name('resource')} permit of {name('plant')}",
        "emission_cap": lambda: f"the {when}cap on {name('pollutant')} emissions",
        "emission_cap_annual": lambda: f"the annual cap on {name('pollutant')} emissions",
        "connection_cap": lambda: f"the {when}connection of {name('plant')} to {name('source')}",
        "must_run": lambda: f"the {when}must-run of {name('process')}",
        "min_delivery": lambda: f"the {when}hard demand for {name('product')}",
        "reserved_use": lambda: f"the {when}reserved {name('resource')} use at {name('plant')}",
        "user_min": lambda: f"the {when}minimum delivery to {name('user')}",
        "storage_end": lambda: f"the storage required in {name('reservoir')} at the year's end",
        "storage_min": lambda: f"the {when}least storage of {name('reservoir')}",
        "storage_max": lambda: f"the {when}storage capacity of {name('reservoir')}",
    }[parameter]()


def _differences(cheapest: pd.DataFrame, alt: pd.DataFrame, left: str) -> list[str]:
    """Lines saying how an alternative repair differs from the cheapest one."""
    before = {(r["parameter"], r["where"]): r for r in cheapest.to_dict("records")}
    lines, unchanged = [], False
    for row in alt.to_dict("records"):
        old = before.get((row["parameter"], row["where"]))
        if old is not None and math.isclose(old["amount"], row["amount"], rel_tol=1e-3):
            unchanged = True
        else:
            lines.append(str(row["text"]))
    after = set(zip(alt["parameter"], alt["where"], strict=True))
    for parameter, where in before:
        if (parameter, where) not in after and f"{parameter}[{where}]" != left:
            lines.append(f"no need to change {parameter}[{where}]")
    if unchanged:
        lines.append("the other changes as above")
    return lines


def _toml_change(row: Mapping[Any, Any]) -> str:
    where = ", ".join(f'{d} = "{v}"' for d, v in row["labels"].items())
    lines = ["[[change]]", f'parameter = "{row["parameter"]}"', f"where = {{ {where} }}"]
    if row["parameter"] in ("must_run", "min_delivery"):
        lines.append(f"set = {round_safe(float(row['new_value']), 6, up=False):.6g}")
    elif row["parameter"] == "connection_cap" and row["action"] == "raise":
        # set, not add: a pro-rata limit (decree.py) is not in the case data, and a
        # connection cap the scenario sets replaces the limit.
        from resourcemodel.report import planner_unit

        disp, f = planner_unit(row["unit"], float(row["new_value"]))
        lines += [f"set = {round_safe(float(row['new_value']) * f, 6, up=True):.6g}"]
        lines += [f'unit = "{disp}"']
    else:
        from resourcemodel.report import planner_unit

        disp, f = planner_unit(row["unit"], float(row["amount"]))
        value = round_safe(float(row["amount"]) * f, 6, up=True)
        if row["action"] == "lower":
            value = -min(value, float(row["current"]) * f)
        lines += [f"add = {value:.6g}", f'unit = "{disp}"']
    return "\n".join(lines) + "\n"


def apply_relaxations(inputs: xr.Dataset, relaxations: pd.DataFrame | Explanation) -> xr.Dataset:
    """Return a copy of ``inputs`` with a repair applied (the exact amounts, plus 1e-9).

    Parameters
    ----------
    inputs : xarray.Dataset
        The inputs of the infeasible scenario (after its changes).
    relaxations : pandas.DataFrame or Explanation
        ``Explanation.relaxations`` (or an alternative), or the explanation itself.

    Returns
    -------
    xarray.Dataset
        Inputs on which the scenario is feasible.
    """
    frame = relaxations.relaxations if isinstance(relaxations, Explanation) else relaxations
    ds = inputs.copy(deep=True)
    for row in frame.to_dict("records"):
        parameter, labels = row["parameter"], row["labels"]
        value = float(row["new_value"])
        margin = MARGIN * (1 + float(row["relative"]))
        if row["action"] == "raise":
            value += margin * max(abs(float(row["current"])), float(row["amount"]), 1.0)
        else:
            value = max(value * (1 - margin), 0.0)
        ds[parameter].loc[labels] = value
    return ds
