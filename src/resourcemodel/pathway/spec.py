"""The ``[pathway]``, ``[[trajectory]]`` and ``[[candidate]]`` tables of a scenario file.

A scenario file that carries a ``[pathway]`` table describes a horizon of years on top of
its single-year case (a single-year run of the same file ignores these tables)::

    [pathway]
    years = [1404, 1409, 1414]   # representative years (or start / end / step)
    weights = [5, 5, 10]         # years each stands for (default: the gap to the next)
    discount_rate = 0.05         # per year, for the objective weights and annuities
    foresight = "perfect"        # or "myopic"
    block = 1                    # representative years decided per myopic step
    view = 2                     # representative years each step sees (>= block)

    [[trajectory]]               # a factor on the case's values, by year
    parameter = "source_cap"
    where = { source = "river_zayandeh" }
    path = { 1404 = 1.0, 1414 = 0.6 }   # linear between points, flat outside
    # growth = -0.02                    # or (1 + growth) ** (year - first year)
    # step = { 1409 = 0.8 }             # or this factor from that year on (1 before)

    [[candidate]]                # or a source's capacity: source = "desal_transfer",
                                 # capacity = 51.1, unit = "Mm3" (per year), capital_cost,
                                 # lifetime, lead_time, earliest, integer
    [[candidate]]                # a measure built by decision, not rented each year
    plant = "mill"               # a label or a pattern ("*": every plant with the
    measure = "recycling"        # measure's max_adoption)
    lifetime = 20                # years in service
    capital_cost = 800           # USD for the full measure, optional (see stack.py)
    lead_time = 1                # years from decision to service (default: lead_time.csv)
    earliest = 1405              # first year in service, optional
    integer = false              # all-or-nothing builds

A ``[[change]]`` of the file may carry ``years = "1409.."`` (or ``"..1414"``,
``"1404..1409"``, a year, a list) and ``[[retirement]]`` takes capacity away from a year on
(:mod:`resourcemodel.scenario`); each year's inputs take the changes that apply in it
(:mod:`~resourcemodel.pathway.years`). A selector holding none of the representative years
is an error here.

A file that ``extends`` a pathway file and has a ``[pathway]`` table (empty, or the keys it
changes) inherits the parent's pathway: its trajectories are added, and a candidate naming
the same plant and measure (or source) changes the parent's key by key
(``scenarios/pathway-1404-1424-lumpy.toml`` marks candidates ``integer = true`` so).

Every problem is reported at once, naming the file, the table and its number, and the key.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from resourcemodel.exceptions import ScenarioError
from resourcemodel.scenario import Change, Scenario, load_scenario, parse_change

FORESIGHTS = ("perfect", "myopic")
_PATHWAY_KEYS = (
    "years",
    "weights",
    "start",
    "end",
    "step",
    "discount_rate",
    "foresight",
    "block",
    "view",
)
_TRAJECTORY_KEYS = ("parameter", "where", "path", "growth", "step", "note")
_CANDIDATE_KEYS = (
    "plant",
    "measure",
    "lifetime",
    "capital_cost",
    "lead_time",
    "earliest",
    "integer",
    "source",
    "capacity",
    "unit",
    "note",
)


@dataclass(frozen=True)
class Trajectory:
    """A factor on a parameter's case values that changes with the year.

    Attributes
    ----------
    change : Change
        The parameter and selectors (a ``scale`` change whose value is replaced each year).
    kind : {"path", "growth", "step"}
        How the factor follows the years.
    points : dict of int to float
        ``path``/``step``: year -> factor. ``growth``: ``{0: rate}``.
    """

    change: Change
    kind: str
    points: dict[int, float]

    def factor(self, year: int, first: int) -> float:
        """Return the factor in ``year`` (``first`` is the horizon's first year).

        >>> t = Trajectory(Change("demand", {}, "scale", 1.0, None, "x"), "path",
        ...                {1404: 1.0, 1414: 0.6})
        >>> [round(t.factor(y, 1404), 3) for y in (1400, 1404, 1409, 1414, 1420)]
        [1.0, 1.0, 0.8, 0.6, 0.6]
        >>> Trajectory(t.change, "growth", {0: 0.1}).factor(1406, 1404)
        1.2100000000000002
        >>> Trajectory(t.change, "step", {1409: 0.8}).factor(1408, 1404)
        1.0
        """
        if self.kind == "growth":
            return (1.0 + self.points[0]) ** (year - first)
        years = sorted(self.points)
        if self.kind == "step":
            reached = [y for y in years if y <= year]
            return self.points[reached[-1]] if reached else 1.0
        return float(np.interp(year, years, [self.points[y] for y in years]))


@dataclass(frozen=True)
class Candidate:
    """A measure at a plant, or a source's capacity, built by decision.

    A measure candidate (``plant``, ``measure``) is built instead of adopted year by year.
    A source candidate (``source``, ``capacity`` per year in ``unit``) adds capacity to the
    source's caps (``source_cap`` spread over the periods by duration, and
    ``source_cap_annual``) while in service.
    """

    plant: str
    measure: str
    lifetime: float
    capital_cost: float | None
    lead_time: float | None
    earliest: float | None
    integer: bool
    origin: str
    source: str = ""
    capacity: float = 0.0
    unit: str | None = None


@dataclass(frozen=True)
class Pathway:
    """A resolved pathway: the years, their weights, trajectories and candidates.

    Attributes
    ----------
    scenario : Scenario
        The single-year scenario the years start from.
    years : tuple of int
        Representative years, increasing.
    weights : tuple of int
        Years each representative year stands for.
    discount_rate : float
        Per year.
    foresight : {"perfect", "myopic"}
    block : int
        Representative years decided per myopic step.
    view : int
        Representative years each myopic step sees (TEMOA's ``view_depth``; at least
        ``block``): a step also models the next ``view - block`` years, so a build with a
        lead time can be decided for them, but only its own ``block`` years' builds are kept.
    trajectories, candidates : tuple
    """

    scenario: Scenario
    years: tuple[int, ...]
    weights: tuple[int, ...]
    discount_rate: float = 0.0
    foresight: str = "perfect"
    block: int = 1
    view: int = 1
    trajectories: tuple[Trajectory, ...] = ()
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)

    def objective_weights(self) -> np.ndarray:
        """Discounted years each representative year stands for.

        ``sum over t in [y, y + weight) of (1 + r) ** -(t - first year)``: the weight of the
        year's costs in the pathway objective (the weight itself when ``r = 0``; 1 for the
        first year of weight 1, whatever ``r``).
        """
        first = self.years[0]
        out = []
        for year, weight in zip(self.years, self.weights, strict=True):
            t = np.arange(year, year + weight) - first
            out.append(float(np.sum((1.0 + self.discount_rate) ** -t.astype(float))))
        return np.array(out)


def load_pathway(path: str | Path) -> Pathway:
    """Read the pathway of a scenario file, or raise :class:`ScenarioError`.

    Raises
    ------
    ScenarioError
        Listing every problem, each naming the file, table and key.
    """
    path = Path(path)
    scenario = load_scenario(path)
    label = path.name
    bad: list[str] = []
    table, trajectory_tables, candidate_tables = _inherited(path)
    if table is None:
        msg = f"{label}: no [pathway] table; add one with years = [...] to run a pathway."
        raise ScenarioError(msg)
    years, weights = _years(table, label, bad)
    rate = table.get("discount_rate", 0.0)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate < 1:
        bad.append(f"{label}, [pathway], discount_rate: expected a number in [0, 1), got {rate!r}.")
        rate = 0.0
    foresight = table.get("foresight", "perfect")
    if foresight not in FORESIGHTS:
        bad.append(
            f"{label}, [pathway], foresight: expected one of {list(FORESIGHTS)}, got {foresight!r}."
        )
    block = table.get("block", 1)
    if isinstance(block, bool) or not isinstance(block, int) or block < 1:
        bad.append(f"{label}, [pathway], block: expected a whole number >= 1, got {block!r}.")
        block = 1
    view = table.get("view", block)
    if isinstance(view, bool) or not isinstance(view, int) or view < block:
        bad.append(
            f"{label}, [pathway], view: expected a whole number >= block ({block}), got {view!r}."
        )
        view = block
    _unknown(table, _PATHWAY_KEYS, f"{label}, [pathway]", bad)
    bad += [
        f"{c.origin}, years: selects none of the pathway's years {list(years)}; a change "
        "applies in the representative years its selector holds."
        for c in scenario.dated
        if not any(c.applies(y) for y in years)
    ]
    trajectories = [_trajectory(entry, at, bad) for entry, at in trajectory_tables]
    candidates = [_candidate(entry, at, bad) for entry, at in candidate_tables]
    if bad:
        raise ScenarioError(bad, during=f"Errors in the pathway of {label}")
    return Pathway(
        scenario=scenario,
        years=years,
        weights=weights,
        discount_rate=float(rate),
        foresight=str(foresight),
        block=int(block),
        view=int(view),
        trajectories=tuple(t for t in trajectories if t is not None),
        candidates=tuple(c for c in candidates if c is not None),
    )


#: Keys of ``[pathway]`` that set the years; a file giving any replaces them all.
_YEAR_KEYS = ("years", "start", "end", "step", "weights")


def _inherited(
    path: Path,
) -> tuple[dict[str, Any] | None, list[tuple[Any, str]], list[tuple[Any, str]]]:
    """Return the pathway tables of ``path`` and the files it extends, root first, merged.

    ``[pathway]``: a child's keys win (one that sets the years, ``years`` or ``start``,
    drops the parent's years and weights). ``[[trajectory]]``: every file's, root first.
    ``[[candidate]]``: every file's, root first, except that a child's candidate naming the
    same ``plant`` and ``measure`` (as written) or the same ``source`` as an earlier one
    changes that one, key by key (a variant marking a candidate ``integer = true`` needs
    no other key). Each table is returned with where it comes from, for messages.
    """
    from resourcemodel.scenario import _Resolver

    top = path.resolve()
    files = _Resolver(top.parent).linearise(top, ())
    table: dict[str, Any] | None = None
    trajectories: list[tuple[Any, str]] = []
    candidates: list[tuple[Any, str]] = []
    keys: dict[tuple[str, ...], int] = {}
    for file in files:
        with file.open("rb") as handle:
            raw = tomllib.load(handle)
        label = file.name
        own = raw.get("pathway")
        if isinstance(own, dict):
            table = dict(table or {})
            if any(k in own for k in ("years", "start")):
                table = {k: v for k, v in table.items() if k not in _YEAR_KEYS}
            table.update(own)
        elif file == top and "pathway" in raw:
            table = None  # not a table: reported as missing
        trajectories += [
            (entry, f"{label}, [[trajectory]] #{i}")
            for i, entry in enumerate(raw.get("trajectory", []), start=1)
        ]
        for i, entry in enumerate(raw.get("candidate", []), start=1):
            at = f"{label}, [[candidate]] #{i}"
            key = _candidate_key(entry)
            if key is not None and key in keys:
                k = keys[key]
                earlier, where = candidates[k]
                candidates[k] = ({**earlier, **entry}, f"{at} (changing {where})")
                continue
            if key is not None:
                keys[key] = len(candidates)
            candidates.append((entry, at))
    return table, trajectories, candidates


def _candidate_key(entry: object) -> tuple[str, ...] | None:
    if not isinstance(entry, dict):
        return None
    if "source" in entry:
        return ("source", str(entry["source"]))
    return ("measure", str(entry.get("plant")), str(entry.get("measure")))


def _unknown(raw: dict[str, Any], allowed: tuple[str, ...], at: str, bad: list[str]) -> None:
    for key in raw:
        if key not in allowed:
            bad.append(f"{at}, {key}: unknown key; allowed: {list(allowed)}.")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _years(table: dict[str, Any], label: str, bad: list[str]) -> tuple[tuple[int, ...], tuple]:
    at = f"{label}, [pathway]"
    if "years" in table:
        years = table["years"]
        if not (isinstance(years, list) and years and all(_whole(y) for y in years)):
            bad.append(f"{at}, years: expected a list of whole years, got {years!r}.")
            return (0,), (1,)
        if any(b <= a for a, b in itertools.pairwise(years)):
            bad.append(f"{at}, years: expected increasing years, got {years}.")
            return (0,), (1,)
        gaps = [b - a for a, b in itertools.pairwise(years)]
        default = [*gaps, gaps[-1] if gaps else 1]
    elif all(k in table for k in ("start", "end")):
        start, end, step = table["start"], table["end"], table.get("step", 1)
        if not (_whole(start) and _whole(end) and _whole(step) and step >= 1 and end >= start):
            bad.append(
                f"{at}: expected whole start <= end and step >= 1, got {start}, {end}, {step}."
            )
            return (0,), (1,)
        years = list(range(start, end + 1, step))
        default = [min(step, end + 1 - y) for y in years]
    else:
        bad.append(f"{at}: give years = [...] or start and end (and step).")
        return (0,), (1,)
    weights = table.get("weights", default)
    if not (
        isinstance(weights, list)
        and len(weights) == len(years)
        and all(_whole(w) and w >= 1 for w in weights)
    ):
        bad.append(
            f"{at}, weights: expected {len(years)} whole numbers >= 1 (years each stands "
            f"for), got {weights!r}."
        )
        weights = default
    return tuple(years), tuple(weights)


def _points(value: object, at: str, key: str, bad: list[str]) -> dict[int, float] | None:
    if not isinstance(value, dict) or not value:
        bad.append(f"{at}, {key}: expected a table of year = factor, got {value!r}.")
        return None
    out: dict[int, float] = {}
    for year, factor in value.items():
        ok = isinstance(factor, int | float) and not isinstance(factor, bool)
        if not year.isdigit() or not ok or not math.isfinite(factor) or factor < 0:
            bad.append(f"{at}, {key}: expected year = factor >= 0, got {year} = {factor!r}.")
            return None
        out[int(year)] = float(factor)
    return out


def _trajectory(raw: object, at: str, bad: list[str]) -> Trajectory | None:
    if not isinstance(raw, dict):
        bad.append(f"{at}: expected a table, got {raw!r}.")
        return None
    _unknown(raw, _TRAJECTORY_KEYS, at, bad)
    kinds = [k for k in ("path", "growth", "step") if k in raw]
    if len(kinds) != 1:
        bad.append(
            f"{at}: give exactly one of 'path', 'growth' or 'step', found {kinds or 'none'}."
        )
        return None
    try:
        change = parse_change(
            {"parameter": raw.get("parameter"), "where": raw.get("where", {}), "scale": 1.0}, at
        )
    except ScenarioError as err:
        bad.extend(err.problems if hasattr(err, "problems") else [str(err)])
        return None
    kind = kinds[0]
    if kind == "growth":
        rate = raw["growth"]
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not -1 < rate < 1:
            bad.append(f"{at}, growth: expected a yearly rate in (-1, 1), got {rate!r}.")
            return None
        return Trajectory(change, kind, {0: float(rate)})
    points = _points(raw[kind], at, kind, bad)
    return None if points is None else Trajectory(change, kind, points)


def _candidate(raw: object, at: str, bad: list[str]) -> Candidate | None:
    if not isinstance(raw, dict):
        bad.append(f"{at}: expected a table, got {raw!r}.")
        return None
    n = len(bad)
    _unknown(raw, _CANDIDATE_KEYS, at, bad)
    is_source = "source" in raw
    keys = ("source",) if is_source else ("plant", "measure")
    for key in keys:
        if not isinstance(raw.get(key), str):
            bad.append(f"{at}, {key}: expected a label, got {raw.get(key)!r}.")
    wrong = ("plant", "measure") if is_source else ("capacity", "unit")
    for key in wrong:
        if key in raw:
            kind = "a source candidate" if is_source else "a measure candidate (no 'source')"
            bad.append(f"{at}, {key}: not a key of {kind}.")

    def number(key: str, low: float, required: bool = False) -> float | None:
        value = raw.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= low:
            bad.append(f"{at}, {key}: expected a number >= {low:g}, got {value!r}.")
            return None
        return float(value)

    lifetime = number("lifetime", 1.0, required=True)
    capacity = number("capacity", 0.0, required=True) if is_source else 0.0
    unit = raw.get("unit")
    if unit is not None and not isinstance(unit, str):
        bad.append(f"{at}, unit: expected a unit such as 'Mm3', got {unit!r}.")
    # A source's build needs its capital cost: without a charge an unused build is free and
    # its size is not determined.
    capital = number("capital_cost", 0.0, required=is_source)
    lead = number("lead_time", 0.0)
    earliest = number("earliest", 0.0)
    integer = raw.get("integer", False)
    if not isinstance(integer, bool):
        bad.append(f"{at}, integer: expected true or false, got {integer!r}.")
    if len(bad) > n:
        return None
    return Candidate(
        str(raw.get("plant", "")),
        str(raw.get("measure", "")),
        float(lifetime or 0.0),
        capital,
        lead,
        earliest,
        bool(integer),
        at,
        source=str(raw.get("source", "")),
        capacity=float(capacity or 0.0),
        unit=unit,
    )
