"""Sweep specifications: factors (levers and uncertainties), a sampler, outcomes.

A sweep is a TOML file (``sweeps/*.toml``) or a dict::

    name = "river-and-grid"
    base = "../scenarios/baseline.toml"     # scenario file (relative to this file)
    sampler = "grid"                        # grid | one_at_a_time | latin_hypercube | sobol
    samples = 64                            # for latin_hypercube (runs) and sobol (base N)
    seed = 42
    outcomes = ["objective", "unmet", { variable = "supply", sum = ["plant", "period"] }]

    [[lever]]                               # a policy choice
    name = "river"
    parameter = "source_cap"
    where = { source = "river_*" }
    scale = [0.5, 0.7, 0.9, 1.0]           # values (grid, one_at_a_time) ...

    [[uncertainty]]                         # something the planner does not control
    name = "gas_price"
    parameter = "source_cost"
    where = { source = "gas_*" }
    scale = { low = 0.8, high = 1.5, levels = 3 }   # ... or a range

Each factor changes one parameter like a scenario ``[[change]]`` (``scale``, ``set`` or
``add``, with an optional ``unit`` for set/add). ``base`` is the factor's value in
one-at-a-time runs (default: 1 for scale, 0 for add, the middle of the range for set).

Levers shared by several sweeps are defined once, in a lever file (``sweeps/levers.toml``:
a table per lever with ``label``, ``parameter``, ``where`` and ``note``), which a sweep
names with ``levers = "levers.toml"`` and picks from with ``use``::

    levers = "levers.toml"

    [[lever]]
    use = "summer_grid"                     # name, parameter and where from levers.toml
    scale = [0.25, 0.5, 0.75, 1.0]

Every key is described in ``docs/sweeps.md``.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from resourcemodel.exceptions import SweepError
from resourcemodel.scenario import toml_error
from resourcemodel.schema import PARAMETERS

SAMPLERS = ("grid", "one_at_a_time", "latin_hypercube", "sobol")
OPS = ("scale", "set", "add")
_TOP = (
    "name",
    "description",
    "base",
    "sampler",
    "samples",
    "seed",
    "outcomes",
    "lever",
    "uncertainty",
    "chunk_size",
    "solver",
    "levers",
)
_FACTOR = ("name", "parameter", "where", "unit", "base", "note", "label", "use", *OPS)
#: Keys of a lever file's entry (the definition a factor's ``use`` picks).
_DEFINITION = ("label", "parameter", "where", "note")
#: Keys a factor with ``use`` may not give: the lever file defines them, once.
_DEFINED = ("name", "parameter", "where", "label", "note")
DEFAULT_OUTCOMES: tuple[Any, ...] = (
    "objective",
    {"variable": "unmet", "sum": ["period"]},
    {"variable": "resource_supplied", "sum": ["plant", "period"]},
)


@dataclass(frozen=True)
class Factor:
    """One swept input.

    Attributes
    ----------
    name : str
        Short name; becomes a coordinate of the results along ``run``.
    kind : {"lever", "uncertainty"}
        A policy choice or an uncertain input.
    parameter : str
        Parameter changed (see :data:`resourcemodel.schema.PARAMETERS`).
    where : dict
        Selector over the parameter's dims, as in scenario changes.
    op : {"scale", "set", "add"}
        How the sampled value changes the parameter.
    values : tuple of float
        Explicit values (grid and one-at-a-time), empty if a range is given.
    low, high : float
        Range for samplers that draw values; for grids with ``levels`` the range is split
        evenly.
    unit : str or None
        Unit of ``set``/``add`` values.
    base : float
        Value in one-at-a-time runs when another factor varies.
    label : str
        How charts name the factor (default: ``name``).
    """

    name: str
    kind: str
    parameter: str
    where: dict[str, tuple[str, ...]]
    op: str
    values: tuple[float, ...] = ()
    low: float = float("nan")
    high: float = float("nan")
    unit: str | None = None
    base: float = float("nan")
    label: str = ""

    @property
    def units(self) -> str:
        """What the factor's values measure: ``'x scenario value'`` for a scale, else the unit."""
        if self.op == "scale":
            return "x scenario value"
        return self.unit or f"canonical unit of {self.parameter}"

    @property
    def bounds(self) -> tuple[float, float]:
        """``(low, high)``: the range, or the extremes of the values."""
        if self.values:
            return min(self.values), max(self.values)
        return self.low, self.high


@dataclass(frozen=True)
class SweepSpec:
    """A whole sweep: base scenario, factors, sampler, seed and outcomes."""

    name: str
    base: Path
    factors: tuple[Factor, ...]
    sampler: str = "grid"
    samples: int = 0
    seed: int | None = None
    outcomes: tuple[Any, ...] = DEFAULT_OUTCOMES
    description: str = ""
    chunk_size: int = 0
    solver: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (for checkpoints and the results' attrs)."""
        data = asdict(self)
        data["base"] = str(self.base)
        return data

    @property
    def digest(self) -> str:
        """Hash identifying the sweep's runs (name, base, factors, sampler, seed)."""
        key = {k: v for k, v in self.to_dict().items() if k not in ("description", "chunk_size")}
        return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[
            :16
        ]


def load_sweep(spec: str | Path | dict[str, Any], *, root: Path | None = None) -> SweepSpec:
    """Read and check a sweep specification (TOML file or dict).

    Parameters
    ----------
    spec : str, Path or dict
        A ``.toml`` file or the same structure as a dict.
    root : Path, optional
        Folder that a relative ``base`` is resolved against for a dict (default: cwd).

    Raises
    ------
    SweepError
        Listing every problem found.
    """
    if isinstance(spec, dict):
        raw, where, root = spec, "sweep", root or Path.cwd()
    else:
        path = Path(spec)
        where = repr(path.name)
        if not path.is_file():
            raise SweepError(f"{str(path)!r}: sweep file not found.")
        try:
            text = path.read_text(encoding="utf-8")
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise SweepError(toml_error(where, text, err)) from None
        except UnicodeDecodeError as err:
            raise SweepError(f"{where}: not UTF-8 text ({err.reason}).") from err
        root = path.parent
    bad: list[str] = []
    for key in raw:
        if key not in _TOP:
            bad.append(f"{where}: unknown key {key!r}; allowed: {list(_TOP)}.")
    sampler = raw.get("sampler", "grid")
    if sampler not in SAMPLERS:
        bad.append(f"{where}, sampler: {sampler!r} is not one of {list(SAMPLERS)}.")
    base_ref = raw.get("base")
    if not isinstance(base_ref, str):
        bad.append(f"{where}, base: give the base scenario file (a string), found {base_ref!r}.")
        base = Path()
    else:
        base = (root / base_ref).resolve()
        if not base.exists():
            bad.append(f"{where}, base: {base_ref!r} not found (looked at {str(base)!r}).")
    library = _levers(raw.get("levers"), root, where, bad)
    factors = []
    names: set[str] = set()
    for kind in ("lever", "uncertainty"):
        blocks = raw.get(kind, [])
        if not isinstance(blocks, list):
            bad.append(f"{where}: [[{kind}]] must be an array of tables.")
            continue
        for i, block in enumerate(blocks, 1):
            at = f"{where}, [[{kind}]] #{i}"
            block = _resolve_use(block, library, raw.get("levers"), at, bad)
            factor = _factor(block, kind, at, sampler, bad) if block is not None else None
            if factor is None:
                continue
            if factor.name in names:
                bad.append(f"{where}, [[{kind}]] #{i}: duplicate factor name {factor.name!r}.")
            names.add(factor.name)
            factors.append(factor)
    if not factors and not bad:
        bad.append(f"{where}: no [[lever]] or [[uncertainty]]; a sweep needs at least one.")
    samples = raw.get("samples", 0)
    if sampler in ("latin_hypercube", "sobol") and (not isinstance(samples, int) or samples < 1):
        bad.append(f"{where}, samples: {sampler} needs a positive integer, found {samples!r}.")
    seed = raw.get("seed")
    if seed is not None and not isinstance(seed, int):
        bad.append(f"{where}, seed: expected an integer, found {seed!r}.")
    outcomes = tuple(raw.get("outcomes", DEFAULT_OUTCOMES))
    for j, outcome in enumerate(outcomes, 1):
        if isinstance(outcome, str):
            continue
        if not isinstance(outcome, dict) or "variable" not in outcome:
            bad.append(
                f"{where}, outcomes #{j}: expected a name or "
                f"{{ variable = ..., sum = [...] }}, found {outcome!r}."
            )
    solver = raw.get("solver", {})
    if not isinstance(solver, dict):
        bad.append(f"{where}, solver: expected a table of solver options.")
    if bad:
        raise SweepError(bad)
    return SweepSpec(
        name=str(raw.get("name", "sweep" if isinstance(spec, dict) else Path(spec).stem)),
        description=str(raw.get("description", "")),
        base=base,
        factors=tuple(factors),
        sampler=sampler,
        samples=int(samples),
        seed=seed,
        outcomes=outcomes,
        chunk_size=int(raw.get("chunk_size", 0)),
        solver=dict(solver),
    )


def load_levers(path: str | Path) -> dict[str, dict[str, Any]]:
    """Read a lever file: lever name -> its definition (label, parameter, where, note).

    Raises
    ------
    SweepError
        If the file is missing, not TOML, or an entry is not a definition.

    Examples
    --------
    >>> from pathlib import Path
    >>> levers = load_levers(Path(__file__).parents[3] / "sweeps" / "levers.toml")
    >>> levers["summer_grid"]["where"]
    {'source': 'grid_electricity', 'period': ['tir', 'mordad']}
    """
    bad: list[str] = []
    path = Path(path)
    found = _levers(path.name, path.parent, repr(path.name), bad)
    if bad:
        raise SweepError(bad)
    return found


def _levers(ref: Any, root: Path, where: str, bad: list[str]) -> dict[str, dict[str, Any]]:
    """Read the lever file a sweep names (``levers = "levers.toml"``), or ``{}``."""
    if ref is None:
        return {}
    if not isinstance(ref, str):
        bad.append(f"{where}, levers: give the lever file (a string), found {ref!r}.")
        return {}
    path = (root / ref).resolve()
    if not path.is_file():
        bad.append(f"{where}, levers: {ref!r} not found (looked at {str(path)!r}).")
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        bad.append(toml_error(path.name, text, err))
        return {}
    out: dict[str, dict[str, Any]] = {}
    for name, entry in raw.items():
        at = f"{path.name}, [{name}]"
        if not isinstance(entry, dict):
            bad.append(f"{at}: expected a table (label, parameter, where, note).")
            continue
        unknown = [k for k in entry if k not in _DEFINITION]
        if unknown:
            bad.append(
                f"{at}: unknown key(s) {unknown}; a lever file defines {list(_DEFINITION)}; "
                "the values (scale, set or add) belong in the sweep."
            )
            continue
        out[str(name)] = dict(entry)
    return out


def _resolve_use(
    block: Any, library: dict[str, dict[str, Any]], ref: Any, at: str, bad: list[str]
) -> Any:
    """Return a factor block with ``use`` replaced by the lever file's definition."""
    if not isinstance(block, dict) or "use" not in block:
        return block
    use = block["use"]
    if not library:
        bad.append(f'{at}, use: {use!r} needs a lever file; add levers = "levers.toml".')
        return None
    if use not in library:
        import difflib

        near = difflib.get_close_matches(str(use), list(library), n=2)
        hint = f"did you mean {' or '.join(repr(n) for n in near)}? " if near else ""
        bad.append(f"{at}, use: no lever {use!r} in {ref!r}; {hint}levers: {sorted(library)}.")
        return None
    given = [k for k in _DEFINED if k in block]
    if given:
        bad.append(
            f"{at}: {given} given with use = {use!r}; the lever file {ref!r} defines them, "
            "once for every sweep. Give only its values (scale, set or add), unit and base, "
            "or define a new lever there."
        )
        return None
    out = {k: v for k, v in block.items() if k != "use"}
    out.update(name=str(use), **library[use])
    return out


def _factor(raw: Any, kind: str, at: str, sampler: str, bad: list[str]) -> Factor | None:
    if not isinstance(raw, dict):
        bad.append(f"{at}: expected a table.")
        return None
    n = len(bad)
    for key in raw:
        if key not in _FACTOR:
            bad.append(f"{at}: unknown key {key!r}; allowed: {list(_FACTOR)}.")
    name, parameter = raw.get("name"), raw.get("parameter")
    if not isinstance(name, str) or not name:
        bad.append(f"{at}, name: give the factor a name.")
    if parameter not in PARAMETERS:
        bad.append(
            f"{at}, parameter: unknown parameter {parameter!r}; known: {sorted(PARAMETERS)}."
        )
    where_raw = raw.get("where", {})
    where: dict[str, tuple[str, ...]] = {}
    if not isinstance(where_raw, dict):
        bad.append(f"{at}, where: expected a table of selectors.")
    else:
        for dim, sel in where_raw.items():
            items = [sel] if isinstance(sel, str) else sel
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                bad.append(f"{at}, where.{dim}: expected a label or a list of labels.")
                continue
            where[str(dim)] = tuple(items)
    ops = [op for op in OPS if op in raw]
    if len(ops) != 1:
        bad.append(f"{at}: give exactly one of {list(OPS)}, found {ops or 'none'}.")
        return None
    op = ops[0]
    spec = raw[op]
    values: tuple[float, ...] = ()
    low = high = float("nan")
    if isinstance(spec, list):
        if not spec or not all(isinstance(v, int | float) for v in spec):
            bad.append(f"{at}, {op}: expected a non-empty list of numbers, found {spec!r}.")
        else:
            values = tuple(float(v) for v in spec)
    elif isinstance(spec, dict):
        raw_low, raw_high = spec.get("low"), spec.get("high")
        if (
            not isinstance(raw_low, int | float)
            or not isinstance(raw_high, int | float)
            or raw_low > raw_high
        ):
            bad.append(f"{at}, {op}: a range needs numbers low <= high, found {spec!r}.")
        else:
            low, high = float(raw_low), float(raw_high)
        levels = spec.get("levels")
        if levels is not None:
            if not isinstance(levels, int) or levels < 2:
                bad.append(f"{at}, {op}.levels: expected an integer >= 2, found {levels!r}.")
            elif low == low:
                step = (float(high) - float(low)) / (levels - 1)
                values = tuple(float(low) + step * i for i in range(levels))
        elif sampler in ("grid", "one_at_a_time"):
            bad.append(
                f"{at}, {op}: the {sampler} sampler needs a list of values or "
                "'levels' in the range."
            )
    else:
        bad.append(f"{at}, {op}: expected a list of values or {{ low, high }}, found {spec!r}.")
    if op == "scale" and any(v < 0 for v in (*values, low, high) if v == v):
        bad.append(f"{at}, scale: factors must be >= 0.")
    unit = raw.get("unit")
    if unit is not None and (op == "scale" or not isinstance(unit, str)):
        bad.append(f"{at}, unit: only set/add take a unit (a string).")
    default_base = {"scale": 1.0, "add": 0.0}.get(op)
    if default_base is None:
        lo, hi = (min(values), max(values)) if values else (low, high)
        default_base = (lo + hi) / 2
    base = raw.get("base", default_base)
    if len(bad) > n:
        return None
    return Factor(
        name=str(name),
        kind=kind,
        parameter=str(parameter),
        where=where,
        op=op,
        values=values,
        low=float(low),
        high=float(high),
        unit=unit,
        base=float(base),
        label=str(raw.get("label", "")),
    )
