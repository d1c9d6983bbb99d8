"""Why a pathway is infeasible: the cheapest limits to relax, naming the year.

:func:`explain_pathway` builds the elastic program of every year
(:func:`resourcemodel.analyses.elastic.elastic`: each cap, must-run, hard demand, reserved
use and basin minimum of the year gets a slack measured in multiples of its own size) and
stacks them as the pathway does (:func:`resourcemodel.pathway.stack`, builds and their
links included, perfect foresight). The cheapest repair over the whole horizon
(:func:`resourcemodel.analyses.elastic.repair`) is then a set of relaxations, each in one
year: "1405: raise the cap on River (source_cap[river, year]) by 60 m3". A limit that
binds in several years is relaxed in each of them, as little as each year needs; builds
can take part in the repair (a measure built in time may make a later year feasible), and
among equally small repairs the cheapest pathway is reported.

A ``[[change]]`` block applies to every year of a pathway, so the repair is given as
relaxations by year, not as change blocks: raise the trajectory of that year, or the
case's limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from resourcemodel.analyses.common import replace, run
from resourcemodel.analyses.elastic import Items, elastic, repair
from resourcemodel.analyses.explain import MODES, Explanation, _describe, _frame, _same
from resourcemodel.exceptions import InputError, ResourceModelError

#: Families the elastic program adds to a year's program (not stacked by name).
_ELASTIC = ("relaxation", "elastic-bounds")


@dataclass
class PathwayExplanation(Explanation):
    """What :func:`explain_pathway` found: an :class:`Explanation` whose repairs have a year.

    ``relaxations`` (and each alternative) carry a ``year`` column, and ``text`` starts
    with the year.
    """

    years: tuple[int, ...] = ()

    def text(self) -> str:
        """Return the explanation in planner words, by year."""
        if self.feasible:
            return f"Pathway {self.scenario!r} is feasible as it stands; nothing to relax."
        if self.relaxations.empty:
            return (
                f"Pathway {self.scenario!r} ended {self.status!r}, but no relaxation of caps, "
                "must-run, hard demand or reserved use in any year is needed: the solver's "
                "trouble lies elsewhere (try another backend or a time limit)."
            )
        years = sorted({int(y) for y in self.relaxations["year"]})
        lines = [
            f"Pathway {self.scenario!r} is infeasible in "
            f"{', '.join(str(y) for y in years)}: the caps of "
            f"{'that year' if len(years) == 1 else 'those years'} cannot cover must-run "
            "production, hard demand, reserved use and the basin's minimums together.",
            "Cheapest repair (smallest total change over the years, each limit measured "
            "against its own size):"
            if self.mode == "cheapest"
            else "Cheapest repair (fewest limits changed over the years, then the smallest "
            "total change):",
        ]
        lines += [f"  - {t}" for t in self.relaxations["text"]]
        for left, alt in zip(self.left_out, self.alternatives, strict=True):
            lines.append(f"Or, leaving {left} as it is:")
            lines += [f"  - {t}" for t in alt["text"]]
        lines.append(
            "A [[change]] applies to every year of a pathway: relax the limit in the years "
            "named (its [[trajectory]]), or the case's limit if every year needs it."
        )
        return "\n".join(lines)

    def changes_toml(self, option: int = 0) -> str:
        """Not available for a pathway (a change applies to every year); raises."""
        msg = (
            "A pathway's repair is by year; a [[change]] would apply to every year. Relax "
            "the limits named in relaxations['year'] through the pathway's trajectories."
        )
        raise ResourceModelError(msg)


def _year_frame(
    records: list[tuple[int, float]], parts: list[tuple[Any, Items, int]], years: np.ndarray
) -> pd.DataFrame:
    """Describe stacked relaxations ``(item, multiple)``, each in its own year."""
    starts = [first for _, _, first in parts]
    rows = []
    for k, value in records:
        j = int(np.searchsorted(starts, k, side="right") - 1)
        inputs, items, first = parts[j]
        row = _describe(inputs, items, k - first, value)
        row["text"] = f"{int(years[j])}: {row['text']}"
        row["year"] = int(years[j])
        rows.append(row)
    columns = [*_frame([]).columns, "year"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("relative", ascending=False, kind="stable").reset_index(drop=True)


def explain_pathway(
    pathway: str | Path | Any,
    *,
    mode: str = "cheapest",
    alternatives: int = 3,
    backend: str = "highs",
) -> PathwayExplanation:
    """Explain an infeasible pathway by the cheapest limits to relax, year by year.

    Parameters
    ----------
    pathway : str, Path or Pathway
        A scenario file with a ``[pathway]`` table, or a loaded pathway.
    mode : {"cheapest", "fewest"}
        As :func:`resourcemodel.analyses.explain`.
    alternatives : int
        At most this many alternative repairs, each leaving out one relaxation of the
        cheapest repair.
    backend : str
        Solver backend.

    Returns
    -------
    PathwayExplanation
        ``relaxations`` with a ``year`` column; ``text()``.

    Raises
    ------
    InputError
        If ``mode`` is unknown.
    ResourceModelError
        If no relaxation makes the pathway feasible.
    """
    from resourcemodel.pathway import load_pathway, prepare, stack

    if mode not in MODES:
        msg = f"mode must be one of {list(MODES)}, got {mode!r}."
        raise InputError(msg)
    spec = pathway if not isinstance(pathway, str | Path) else load_pathway(pathway)
    name = spec.scenario.name
    inputs, lps = prepare(spec)
    years = np.array(spec.years, dtype=int)
    plain = stack(lps, inputs, spec)
    first = run(plain.lp, backend)
    status = str(first.status)
    objective_name = plain.lp.objective_name
    if first.status.is_ok:
        return PathwayExplanation(
            name,
            status,
            mode,
            _year_frame([], [], years),
            objective=first.objective,
            objective_name=objective_name,
            years=tuple(int(y) for y in years),
        )
    elastic_lps = []
    parts: list[tuple[Any, Items, int]] = []
    slack_local = []
    count = 0
    for ds, lp in zip(inputs, lps, strict=True):
        el, items, slack = elastic(lp, ds)
        # The elastic families may differ in size by year: stack them as plain columns.
        variables = {k: v for k, v in el.variables.items() if k not in _ELASTIC}
        constraints = {k: v for k, v in el.constraints.items() if k not in _ELASTIC}
        elastic_lps.append(replace(el, variables=variables, constraints=constraints))
        parts.append((ds, items, count))
        slack_local.append(slack)
        count += len(items)
    pp = stack(elastic_lps, inputs, spec)
    slack = np.concatenate([pp.col_start[j] + s for j, s in enumerate(slack_local)]).astype(
        np.int64
    )
    joined = Items()
    for _, items, _ in parts:
        for field_name in ("parameter", "labels", "current", "unit", "bound", "rows", "sign"):
            getattr(joined, field_name).extend(getattr(items, field_name))
    joined.scale = np.concatenate([items.scale for _, items, _ in parts])
    records, objective = repair(pp.lp, joined, slack, mode, backend, set())
    if records is None:
        msg = (
            f"Pathway {name!r} stays infeasible even with every cap, must-run, hard demand "
            "and reserved use relaxed in every year; check capacities and product inputs."
        )
        raise ResourceModelError(msg)
    frame = _year_frame(records, parts, years)
    alts: list[pd.DataFrame] = []
    left: list[str] = []
    for k, _ in sorted(records, key=lambda kv: -kv[1])[: max(alternatives, 0)]:
        alt, _ = repair(pp.lp, joined, slack, mode, backend, {k})
        if alt is None:
            continue
        alt_frame = _year_frame(alt, parts, years)
        if any(_same_by_year(alt_frame, f) for f in [frame, *alts]):
            continue
        alts.append(alt_frame)
        j = int(np.searchsorted([first for _, _, first in parts], k, side="right") - 1)
        where = ", ".join(joined.labels[k].values())
        left.append(f"{joined.parameter[k]}[{where}] in {int(years[j])}")
    return PathwayExplanation(
        name,
        status,
        mode,
        frame,
        alts,
        left,
        objective=pp.lp.objective_sign * objective,
        objective_name=objective_name,
        years=tuple(int(y) for y in years),
    )


def _same_by_year(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two repairs relax the same limits in the same years."""
    return _same(a, b) and sorted(
        zip(a["parameter"], a["where"], a["year"], strict=True)
    ) == sorted(zip(b["parameter"], b["where"], b["year"], strict=True))
