"""Scenario files: a case folder, parent scenarios and changes to its parameters.

A scenario is a TOML file (design section 5). :func:`load_scenario` resolves its parents
(``extends``), case folder (``data``), overlays, options and changes into a frozen
:class:`Scenario`; :func:`apply_changes` applies the changes to a loaded inputs Dataset and
returns every effective value that differs from the case, with the change it came from.
All problems in one file are raised together as one
:class:`~resourcemodel.exceptions.ScenarioError`, each naming the file and the key
(``water-crisis.toml, [[change]] #2, where.source``), what was expected and what was found.
"""

from __future__ import annotations

import difflib
import fnmatch
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pint
import xarray as xr

from resourcemodel import checks, excel, tables, units, validate
from resourcemodel.exceptions import ScenarioError
from resourcemodel.schema import PARAMETERS, ParameterSpec

#: Folders searched for a bundled case named by ``data = "<name>"``.
BUNDLED = (Path(__file__).parent / "data", Path(__file__).parent / "examples_data")
#: Planner-facing texts a scenario file may carry besides ``name`` and ``description`` (for
#: briefs and tables): a short title and a one-line summary, each also in Persian.
TEXT_KEYS = ("title", "title_fa", "summary", "summary_fa", "description_fa")
_KEYS = (
    "name",
    "description",
    *TEXT_KEYS,
    "extends",
    "reference",
    "data",
    "overlay",
    "options",
    "change",
    "curtailment",
    "retirement",
    # Read by resourcemodel.pathway (a single-year run ignores them):
    "pathway",
    "trajectory",
    "candidate",
)
_CHANGE_KEYS = ("parameter", "where", "scale", "set", "add", "unit", "years", "note")
_RETIRE_KEYS = ("process", "plant", "year", "remaining", "note")
#: A year selector: ``"1409.."``, ``"..1414"``, ``"1404..1409"`` or ``"1409"``.
_YEARS = re.compile(r"\s*(\d+)?\s*(\.\.)?\s*(\d+)?\s*")
_CURTAIL_KEYS = ("source", "resource", "periods", "available", "rule", "plants", "sectors", "note")
#: How a curtailment is shared among the plants drawing on the curtailed sources:
#: ``optimal`` (the LP shares the cut cap) or ``pro_rata`` (every plant keeps the same share
#: of its normal draw, as Iranian decrees are written; see :mod:`resourcemodel.decree`).
RULES = ("optimal", "pro_rata")
_OPS = ("scale", "set", "add")
#: Curtailment key -> selector of ``source_cap`` it becomes.
_CURTAIL_WHERE = {"source": "source", "resource": "source.resource", "periods": "period"}
_RECORD = ("parameter", "labels", "before", "after", "unit", "origin")
_OPTIONS: dict[str, tuple[object, ...]] = {"objective": ("cost", "value_added")}
_OPTIONS["integer_measures"] = (True, False)
_OPTIONS["allocation"] = ("decree", "basin")
#: Numeric options and their largest value.
_NUMBER_OPTIONS: dict[str, float] = {"build_years": 50.0}
_OPTIONS["build_years"] = ()
#: Unit-template token -> (dim it varies along, coord mapping to the entity, entity, unit coord).
_TOKENS = {
    "{process.product}": ("process", "process_product", "product", "product_unit"),
    "{source.resource}": ("source", "source_resource", "resource", "resource_unit"),
    "{group.resource}": ("group", "group_resource", "resource", "resource_unit"),
    "{reservoir.resource}": ("reservoir", "reservoir_resource", "resource", "resource_unit"),
    "{user.resource}": ("user", "user_resource", "resource", "resource_unit"),
    "{resource}": ("resource", "resource", "resource", "resource_unit"),
    "{product}": ("product", "product", "product", "product_unit"),
}
_UNIT_ERRORS = validate.UNIT_ERRORS
#: Largest scenario file accepted (a scenario is a page of text, not data).
MAX_SCENARIO_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Change:
    """One change to one parameter.

    Attributes
    ----------
    parameter : str
        Parameter name (a key of :data:`resourcemodel.schema.PARAMETERS`).
    where : dict of str to tuple of str
        Selectors: dimension (or ``dim.attr``, e.g. ``source.resource``) -> labels or
        fnmatch patterns. Dimensions not given mean every label.
    op : {"scale", "set", "add"}
        What to do with the selected values.
    value : float
        Factor (``scale``, dimensionless) or amount (``set``/``add``, in ``unit``).
    unit : str or None
        Unit of ``value`` for set/add; ``None`` means the canonical unit.
    origin : str
        File and key, e.g. ``"water-crisis.toml, [[change]] #2"``.
    curtailment : bool
        Made from a ``[[curtailment]]`` entry (no cap to curtail is then an error).
    rule : {"optimal", "pro_rata"}
        How a curtailment is shared: ``pro_rata`` also limits every plant drawing on the
        curtailed sources to ``value`` times its normal draw in those periods.
    plants : tuple of (str, tuple of str)
        For a decree that names plants (``plants = [...]`` or ``sectors = [...]``): the
        selector (``("plant", patterns)`` or ``("plant.sector", patterns)``). Only those
        plants are cut, and the cap falls by what they give up, which needs their normal
        draw: the pipeline cuts the cap (:mod:`resourcemodel.decree`), not :func:`_apply`.
    years : tuple of (int or None, int or None)
        A pathway's year selector: the change applies in a year inside any of these
        inclusive ranges (``None``: open end). Empty: every year.
    """

    parameter: str
    where: dict[str, tuple[str, ...]]
    op: str
    value: float
    unit: str | None
    origin: str
    curtailment: bool = False
    rule: str = "optimal"
    plants: tuple[tuple[str, tuple[str, ...]], ...] = ()
    years: tuple[tuple[int | None, int | None], ...] = ()

    def applies(self, year: int | None) -> bool:
        """Return whether the change applies in ``year`` (``None``: a single-year run).

        >>> c = Change("capacity", {}, "scale", 0.0, None, "x", years=((1409, None),))
        >>> [c.applies(y) for y in (1404, 1409, 1424)]
        [False, True, True]
        """
        if not self.years:
            return True
        if year is None:
            return False
        return any(
            (lo is None or lo <= year) and (hi is None or year <= hi) for lo, hi in self.years
        )


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: the case to load and the changes to apply, parents first.

    Attributes
    ----------
    name, description : str
        From the top-level file (``name`` defaults to the file stem; neither is inherited).
    path : Path or None
        The top-level scenario file.
    data : Path
        Case folder or workbook (the nearest file in the chain that gives ``data`` wins).
    overlays : tuple of Path
        Overlay folders, accumulated down the chain, root first.
    options : dict
        ``objective`` and ``integer_measures``; a child overrides its parents.
    changes : tuple of Change
        Every change in the order it is applied.
    chain : tuple of str
        Names of the scenarios in inheritance order, root first, this one last.
    texts : dict of str to str
        The top-level file's optional ``title``, ``title_fa``, ``summary``, ``summary_fa``
        and ``description_fa`` (not inherited; absent keys are left out).
    reference : Path or None
        The scenario whose draws are the plants' normal use for ``pro_rata`` curtailments
        (``reference = "..."``; the nearest file in the chain that gives it wins). ``None``:
        this scenario without its ``pro_rata`` curtailments.
    own : int
        How many of ``changes`` (the last ones) the top-level file itself makes.
    year : int or None
        For a pathway file (a top-level ``[pathway]`` table): the year ``changes`` are for,
        the pathway's first year unless given to :func:`load_scenario`. ``None`` otherwise.
    dated : tuple of Change
        Every change of the chain with a ``years`` selector, whether it applies in ``year``
        or not (a pathway loads each year's changes with ``load_scenario(path, year)``).
    """

    name: str
    description: str
    path: Path | None
    data: Path
    overlays: tuple[Path, ...]
    options: dict[str, object]
    changes: tuple[Change, ...]
    chain: tuple[str, ...]
    texts: dict[str, str] = field(default_factory=dict)
    reference: Path | None = None
    own: int = 0
    year: int | None = None
    dated: tuple[Change, ...] = ()


@dataclass(frozen=True)
class _File:
    name: str
    description: str
    texts: dict[str, str]
    parents: tuple[Path, ...]
    data: Path | None
    overlays: tuple[Path, ...]
    options: dict[str, object]
    changes: tuple[Change, ...]
    reference: Path | None = None
    pathway: bool = False
    first_year: int | None = None


def load_scenario(path: str | Path, year: int | None = None) -> Scenario:
    """Read a scenario file and resolve its parents, case folder, overlays and changes.

    Parameters
    ----------
    path : str or Path
        The scenario TOML file. Every file it refers to (parents, ``data``, overlays) must
        lie inside this file's folder tree or be a bundled case.
    year : int, optional
        For a pathway file: keep the changes whose ``years`` selector holds this year
        (default: the pathway's first year, which a single-year run of the file models).

    Returns
    -------
    Scenario
        With the changes of the whole chain in the order they are applied.

    Raises
    ------
    ScenarioError
        Listing every problem in the first file that has one (syntax, keys, types,
        unknown parameters, units, missing or escaping paths, inheritance cycles).
    """
    top = Path(path).resolve()
    if not top.is_file():
        raise ScenarioError(f"{str(path)!r}: scenario file not found.")
    if top.suffix.lower() != ".toml":
        raise ScenarioError(not_a_scenario(Path(path)))
    resolver = _Resolver(top.parent)
    files = [resolver.files[p] for p in resolver.linearise(top, ())]
    own = files[-1]
    data = next((f.data for f in reversed(files) if f.data is not None), None)
    chain = tuple(f.name for f in files)
    if data is None:
        msg = f"{resolver.label(top)}, data: no case folder given in the file or its parents "
        raise ScenarioError(msg + f'({" -> ".join(chain)}); add e.g. data = "isfahan".')
    options = {k: v for f in files for k, v in f.options.items()}
    overlays = tuple(dict.fromkeys(o for f in files for o in f.overlays))
    changes = tuple(c for f in files for c in f.changes)
    reference = next((f.reference for f in reversed(files) if f.reference is not None), None)
    dated = tuple(c for c in changes if c.years)
    if dated and not own.pathway:
        raise ScenarioError(
            [
                f"{c.origin}, years: a year selector needs a pathway, but "
                f"{resolver.label(top)} has no [pathway] table (it runs as one year); add "
                "[pathway] years = [...] to it, or remove 'years'."
                for c in dated
            ],
            during=f"Errors in scenario file {resolver.label(top)}",
        )
    # A pathway file's first year: its own, else the nearest parent's (a variant that
    # extends a pathway inherits its years).
    first = next((f.first_year for f in reversed(files) if f.first_year is not None), None)
    year = (first if year is None else year) if own.pathway else None
    if dated and year is None:
        msg = f"{resolver.label(top)}, [pathway], years: expected a list of whole years (the "
        raise ScenarioError(msg + "changes with a 'years' selector need the first year).")
    own_changes = [c for c in own.changes if c.applies(year)]
    changes = tuple(c for c in changes if c.applies(year))
    return Scenario(
        own.name,
        own.description,
        top,
        data,
        overlays,
        options,
        changes,
        chain,
        dict(own.texts),
        reference,
        len(own_changes),
        year,
        dated,
    )


def not_a_scenario(
    path: Path, role: str = "a scenario", wanted: str = "a scenario .toml file or a case folder"
) -> str:
    """Return the message for a file that is not a scenario file, given as ``role``.

    Examples
    --------
    >>> print(not_a_scenario(Path("case/capacity.csv")))
    'case/capacity.csv' is a CSV table, not a scenario; give a scenario .toml file or a case \
folder (the table's folder is 'case').
    """
    kinds = {".csv": "a CSV table", ".nc": "a results file", ".xlsx": "an Excel workbook"}
    kind = kinds.get(path.suffix.lower(), "a file that is not .toml")
    hint = f" (the table's folder is {str(path.parent)!r})" if path.suffix.lower() == ".csv" else ""
    return f"{str(path)!r} is {kind}, not {role}; give {wanted}{hint}."


class _Problems(list[str]):
    """Problems found in one file; :meth:`add` prefixes the file name and the key."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def add(self, key: str, msg: str) -> None:
        self.append(f"{self.label}, {key}: {msg}")


class _Resolver:
    """Parses the files of one scenario chain; ``files`` caches each file once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bundled = tuple(b.resolve() for b in BUNDLED)
        self.files: dict[Path, _File] = {}

    def label(self, path: Path) -> str:
        if path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        for base in self.bundled:
            if path.is_relative_to(base):
                return f"resourcemodel/{base.name}/{path.relative_to(base).as_posix()}"
        return str(path)

    def linearise(self, path: Path, stack: tuple[Path, ...]) -> list[Path]:
        if path in stack:
            cycle = " -> ".join(self.label(p) for p in (*stack[stack.index(path) :], path))
            raise ScenarioError(f"{self.label(stack[-1])}, extends: inheritance cycle {cycle}.")
        if path not in self.files:
            self.files[path] = self.parse(path)
        order: list[Path] = []
        for parent in self.files[path].parents:
            order += [p for p in self.linearise(parent, (*stack, path)) if p not in order]
        return [*order, path]

    def parse(self, path: Path) -> _File:
        label = self.label(path)
        content, problem = tables.read_text(path, label, MAX_SCENARIO_BYTES, "a TOML scenario file")
        if content is None:
            raise ScenarioError(str(problem))
        try:
            raw = tomllib.loads(content)
        except tomllib.TOMLDecodeError as err:
            raise ScenarioError(toml_error(label, content, err)) from None
        bad = _Problems(label)
        _unknown_keys(raw, _KEYS, "", bad)
        text = {"name": raw.get("name", path.stem), "description": raw.get("description", "")}
        text |= {key: raw[key] for key in TEXT_KEYS if key in raw}
        for key, value in text.items():
            if not isinstance(value, str):
                bad.add(key, f"expected a string, found {_show(value)}.")
        parents = [self.path(path, ref, "extends", bad) for ref in _strs(raw, "extends", bad)]
        reference = None
        if isinstance(raw.get("reference"), str):
            reference = self.path(path, raw["reference"], "reference", bad)
        elif "reference" in raw:
            found = _show(raw["reference"])
            bad.add(
                "reference", f"expected a scenario file name such as 'baseline', found {found}."
            )
        data = None
        if isinstance(raw.get("data"), str):
            data = self.path(path, raw["data"], "data", bad)
        elif "data" in raw:
            bad.add(
                "data",
                f"expected a case name, folder or workbook path, found {_show(raw['data'])}.",
            )
        overlays = [self.path(path, ref, "overlay", bad) for ref in _strs(raw, "overlay", bad)]
        options = raw.get("options", {})
        if not isinstance(options, dict):
            bad.add("options", f"expected a table, found {_show(options)}.")
            options = {}
        _unknown_keys(options, tuple(_OPTIONS), "options.", bad)
        for key, value in options.items():
            if key in _NUMBER_OPTIONS:
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                if not ok or not 0 <= value <= _NUMBER_OPTIONS[key]:
                    bad.add(
                        f"options.{key}",
                        f"expected a number of years from 0 to {_NUMBER_OPTIONS[key]:g}, "
                        f"found {_show(value)}.",
                    )
                continue
            allowed = _OPTIONS.get(key, (value,))
            if not any(value is a or (isinstance(a, str) and value == a) for a in allowed):
                bad.add(f"options.{key}", f"expected one of {allowed}, found {_show(value)}.")
        changes = [
            _parse_change(e, f"[[change]] #{i}", bad, dated=True)
            for i, e in _tables(raw, "change", bad)
        ]
        changes += [
            _parse_curtailment(e, f"[[curtailment]] #{i}", bad)
            for i, e in _tables(raw, "curtailment", bad)
        ]
        changes += [
            _parse_retirement(e, f"[[retirement]] #{i}", bad)
            for i, e in _tables(raw, "retirement", bad)
        ]
        pathway = raw.get("pathway")
        first = None
        if isinstance(pathway, dict):
            given = pathway.get("years", [pathway.get("start")])
            first = given[0] if isinstance(given, list) and given else None
            first = first if isinstance(first, int) and not isinstance(first, bool) else None
        if bad:
            raise ScenarioError(bad, during=f"Errors in scenario file {label}")
        return _File(
            name=text["name"],
            description=text["description"],
            texts={k: " ".join(str(text[k]).split()) for k in TEXT_KEYS if k in text},
            parents=tuple(p for p in parents if p is not None),
            data=data,
            overlays=tuple(p for p in overlays if p is not None),
            options=dict(options),
            changes=tuple(c for c in changes if c is not None),
            reference=reference,
            pathway=isinstance(pathway, dict),
            first_year=first,
        )

    def path(self, file: Path, ref: str, key: str, bad: _Problems) -> Path | None:
        """Resolve ``ref`` (a parent, case or overlay) relative to ``file`` and check it."""
        if key in ("extends", "reference") and not ref.endswith(".toml"):
            ref += ".toml"
        target = (file.parent / ref).resolve()
        if key == "data" and not target.exists() and not re.search(r"[/\\]", ref):
            target = next((b / ref for b in self.bundled if (b / ref).is_dir()), target)
        if not any(target.is_relative_to(r) for r in (self.root, *self.bundled)):
            bad.add(
                key,
                f"{ref!r} resolves to {str(target)!r}, outside the scenario's folder "
                f"{str(self.root)!r}; refer only to files inside it (no '..' or absolute "
                "paths leading elsewhere) or to a bundled case by name.",
            )
            return None
        files = ("extends", "reference")
        workbook = key not in files and excel.is_workbook(target) and target.is_file()
        if not (target.is_file() if key in files else target.is_dir() or workbook):
            what = {"extends": "parent scenario", "reference": "reference scenario"}.get(
                key, "folder"
            )
            what = "workbook" if excel.is_workbook(target) and key not in files else what
            extra = " and no bundled case of that name" if key == "data" else ""
            hint = self.alternatives(target, key)
            msg = f"{what} {ref!r} not found (looked for {self.label(target)!r}{extra}){hint}."
            bad.add(key, msg)
            return None
        return target

    def alternatives(self, target: Path, key: str) -> str:
        """Return ``; did you mean ...? There are ...`` for a missing parent, case or overlay.

        Looks beside the missing path: scenario files for ``extends``, folders for ``data``
        and ``overlay`` (and the bundled cases for ``data``).
        """
        folder = target.parent
        if not folder.is_dir():
            return f"; the folder {self.label(folder)!r} does not exist either"
        if key in ("extends", "reference"):
            names = sorted(p.stem for p in folder.glob("*.toml") if p.is_file())
            listing = {"scenario files there": names}
        else:
            names = sorted(p.name for p in folder.iterdir() if p.is_dir())
            names = [n for n in names if not n.startswith((".", "_"))]
            listing = {"folders there": names}
            books = sorted(p.name for p in folder.iterdir() if excel.is_workbook(p))
            if books:
                listing["workbooks there"] = books
                names = names + books
            if key == "data":
                bundled = sorted(p.name for b in self.bundled for p in b.iterdir() if p.is_dir())
                listing["bundled cases"] = bundled
                names = names + bundled
        wanted = target.stem if key in ("extends", "reference") else target.name
        near = [n for n in names if n.lower() == wanted.lower()]
        near += [n for n in difflib.get_close_matches(wanted, names, n=3) if n not in near]
        text = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        for kind, shown in listing.items():
            if shown:
                more = f", ... ({len(shown)} in all)" if len(shown) > 12 else ""
                text += f" {kind.capitalize()}: {', '.join(shown[:12])}{more}."
        return text.removesuffix(".")


def toml_error(label: str, content: str, err: tomllib.TOMLDecodeError) -> str:
    r"""Return a TOML syntax error naming the file, the line and any typographic characters.

    Examples
    --------
    >>> import tomllib
    >>> text = 'name = "dry"\ndata = “isfahan”\n'
    >>> try:
    ...     tomllib.loads(text)
    ... except tomllib.TOMLDecodeError as err:
    ...     print(toml_error("dry.toml", text, err))  # doctest: +ELLIPSIS
    dry.toml, line 2: TOML syntax error: Invalid value ...; it holds curly quotes (“ ” « »); ...
    """
    found = re.search(r"at line (\d+)", str(err))
    lines = content.splitlines()
    line = int(found.group(1)) if found else 0
    text = lines[line - 1] if 0 < line <= len(lines) else content
    advice = tables.lookalikes(text)
    where = f"{label}, line {line}" if line else label
    return f"{where}: TOML syntax error: {err}" + (f"; {advice}." if advice else ".")


def _unknown_keys(raw: dict[str, Any], allowed: tuple[str, ...], at: str, bad: _Problems) -> None:
    for key in raw:
        if key not in allowed:
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            bad.add(f"{at}{key}", f"unknown key {key!r}{hint}; allowed: {list(allowed)}.")


def _show(value: object) -> str:
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    kind = kinds.get(type(value), "a table" if isinstance(value, dict) else "a list")
    return f"{value!r} ({kind})"


def _labels(value: object, key: str, bad: _Problems) -> tuple[str, ...]:
    """Return a selector as a tuple of labels/patterns (a string or a list of strings)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    bad.add(key, f"expected a label, a list of labels or a pattern, found {_show(value)}.")
    return ()


def _strs(raw: dict[str, Any], key: str, bad: _Problems) -> tuple[str, ...]:
    return _labels(raw[key], key, bad) if raw.get(key, []) != [] else ()


def _tables(raw: dict[str, Any], kind: str, bad: _Problems) -> list[tuple[int, dict[str, Any]]]:
    entries = raw.get(kind, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        bad.add(kind, f"expected [[{kind}]] tables, found {_show(entries)}.")
        return []
    return list(enumerate(entries, start=1))


def _number(raw: dict[str, Any], key: str, at: str, bad: _Problems, inf: bool = False) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        bad.add(f"{at}, {key}", f"expected a number, found {_show(value)}.")
    elif math.isnan(value) or (math.isinf(value) and not inf):
        bad.add(f"{at}, {key}", f"expected a finite number, found {value!r}.")
    return float(value) if isinstance(value, int | float) else math.nan


def parse_change(raw: dict[str, Any], origin: str) -> Change:
    """Read one change given as a ``[[change]]`` table would be (a dict), or raise.

    Parameters
    ----------
    raw : dict
        ``parameter``, ``where``, one of ``scale``/``set``/``add``, optional ``unit`` and
        ``note``, exactly as in a scenario file.
    origin : str
        What to call it in messages and diffs (e.g. ``"what-if, [[change]] #1"``).

    Raises
    ------
    ScenarioError
        With the same messages a scenario file gets.

    Examples
    --------
    >>> parse_change({"parameter": "source_cap", "where": {"source": "river"}, "scale": 0.7},
    ...              "what-if, [[change]] #1")  # doctest: +NORMALIZE_WHITESPACE
    Change(parameter='source_cap', where={'source': ('river',)}, op='scale', value=0.7,
           unit=None, origin='what-if, [[change]] #1', curtailment=False, rule='optimal',
           plants=(), years=())
    """
    label, _, at = origin.rpartition(", ")
    bad = _Problems(label or origin)
    change = _parse_change(raw, at if label else "[[change]]", bad)
    if bad or change is None:
        raise ScenarioError(bad, during=f"Errors in {origin}")
    return change


def _parse_change(
    raw: dict[str, Any], at: str, bad: _Problems, dated: bool = False
) -> Change | None:
    """Parse one ``[[change]]`` table; return ``None`` if it has problems.

    ``dated``: a ``years`` selector is allowed (a scenario file's ``[[change]]``).
    """
    n = len(bad)
    _unknown_keys(raw, _CHANGE_KEYS, f"{at}, ", bad)
    years: tuple[tuple[int | None, int | None], ...] = ()
    if "years" in raw and not dated:
        bad.add(f"{at}, years", "a year selector belongs in a pathway scenario file.")
    elif "years" in raw:
        years = _parse_years(raw["years"], f"{at}, years", bad)
    param = raw.get("parameter")
    spec = PARAMETERS.get(param) if isinstance(param, str) else None
    if spec is None:
        near = difflib.get_close_matches(str(param), PARAMETERS, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        found = "no 'parameter' key" if param is None else _show(param)
        msg = f"expected a known parameter{hint}, found {found}; known: {list(PARAMETERS)}."
        bad.add(f"{at}, parameter", msg)
    where_raw = raw.get("where", {})
    if not isinstance(where_raw, dict):
        bad.add(
            f"{at}, where",
            f"expected a table like {{ source = 'river_*' }}, found {_show(where_raw)}.",
        )
        where_raw = {}
    where = {}
    for dim, sel in where_raw.items():
        items = (
            [(f"{dim}.{a}", v) for a, v in sel.items()] if isinstance(sel, dict) else [(dim, sel)]
        )
        for key, value in items:
            if spec is not None and key.partition(".")[0] not in spec.dims:
                msg = f"{param!r} has no dimension {key.partition('.')[0]!r}; its dimensions are "
                msg += f"{list(spec.dims)}."
                bad.add(f"{at}, where.{key}", msg)
            where[key] = _labels(value, f"{at}, where.{key}", bad)
    ops = [k for k in _OPS if k in raw]
    if len(ops) != 1:
        bad.add(at, f"give exactly one of 'scale', 'set' or 'add', found {ops or 'none'}.")
    op = ops[0] if ops else "scale"
    value = _number(raw, op, at, bad, inf=op == "set") if len(ops) == 1 else math.nan
    if math.isinf(value) and spec is not None and not validate.no_cap_allowed(spec):
        caps = [n for n, p in PARAMETERS.items() if validate.no_cap_allowed(p)]
        msg = f"{param!r} cannot be set to {value!r}: 'inf' means 'no cap' and only caps "
        bad.add(f"{at}, {op}", msg + f"take it ({', '.join(caps)}).")
    unit = raw.get("unit")
    if unit is not None and not isinstance(unit, str):
        bad.add(f"{at}, unit", f"expected a unit such as 'Mm3', found {_show(unit)}.")
    elif unit is not None and op == "scale":
        bad.add(f"{at}, unit", "'scale' is a dimensionless factor; remove 'unit' or use set/add.")
    elif unit is not None:
        try:
            validate.parse_unit(unit)
        except _UNIT_ERRORS as err:
            msg = f"unknown unit {unit!r}{validate.why(err)} (expected e.g. m3, Mm3, MWh, t, USD)."
            bad.add(f"{at}, unit", msg)
    if len(bad) > n:
        return None
    if op == "scale":
        checks.warn(_odd_scale(value, str(param), f"{bad.label}, {at}, scale"))
    return Change(str(param), where, op, value, unit, f"{bad.label}, {at}", years=years)


def _parse_years(
    value: object, at: str, bad: _Problems
) -> tuple[tuple[int | None, int | None], ...]:
    """Return a year selector as inclusive ranges, or add a problem.

    ``1409``, ``"1409"``, ``"1409.."`` (from 1409 on), ``"..1414"`` (up to 1414),
    ``"1404..1409"`` or a list of these.

    Examples
    --------
    >>> bad = _Problems("pw.toml")
    >>> _parse_years(["..1405", "1409..1414", 1420, "1423.."], "[[change]] #1, years", bad)
    ((None, 1405), (1409, 1414), (1420, 1420), (1423, None))
    >>> _parse_years("1414..1409", "[[change]] #1, years", bad)
    ()
    >>> bad
    ["pw.toml, [[change]] #1, years: expected start <= end, found '1414..1409'."]
    """
    items = value if isinstance(value, list) and value else [value]
    out: list[tuple[int | None, int | None]] = []
    expected = "expected a year (1409), a range ('1409..', '..1414', '1404..1409') or a list"
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            out.append((item, item))
            continue
        found = _YEARS.fullmatch(item) if isinstance(item, str) else None
        if found is None or not (found[1] or found[3]) or (found[1] and found[3] and not found[2]):
            bad.add(at, f"{expected} of them, found {_show(item)}.")
            return ()
        lo = int(found[1]) if found[1] else None
        hi = int(found[3]) if found[3] else (None if found[2] else lo)
        if lo is not None and hi is not None and lo > hi:
            bad.add(at, f"expected start <= end, found {item!r}.")
            return ()
        out.append((lo, hi))
    return tuple(out)


def _parse_retirement(raw: dict[str, Any], at: str, bad: _Problems) -> Change | None:
    """Parse one ``[[retirement]]`` table into a dated ``scale`` change of ``capacity``.

    ``process`` (or ``plant``: all its processes) keeps ``remaining`` (default 0) of its
    capacity from ``year`` on: the change ``capacity x remaining`` with ``years = "year.."``.
    """
    n = len(bad)
    _unknown_keys(raw, _RETIRE_KEYS, f"{at}, ", bad)
    given = [k for k in ("process", "plant") if k in raw]
    if len(given) != 1:
        bad.add(at, f"give exactly one of 'process' or 'plant', found {given or 'neither'}.")
    where = {
        ("process" if k == "process" else "process.plant"): _labels(raw[k], f"{at}, {k}", bad)
        for k in given
    }
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        bad.add(
            f"{at}, year", f"expected the first year without the capacity, found {_show(year)}."
        )
    remaining = _number(raw, "remaining", at, bad) if "remaining" in raw else 0.0
    if not 0 <= remaining < 1 and len(bad) == n:
        bad.add(
            f"{at}, remaining", f"expected a share of the capacity in [0, 1), found {remaining:g}."
        )
    if len(bad) > n:
        return None
    origin = f"{bad.label}, {at}"
    return Change("capacity", where, "scale", remaining, None, origin, years=((int(year), None),))  # type: ignore[arg-type]


#: A scale at or above this is more likely a percentage than a factor.
_SCALE_AS_PERCENT = 10.0


def _odd_scale(value: float, parameter: str, at: str) -> list[str]:
    """Warn of a ``scale`` that looks like a percentage (70 for 70%) or flips the sign.

    Examples
    --------
    >>> _odd_scale(70, "source_cap", "dry.toml, [[change]] #1, scale")
    ["dry.toml, [[change]] #1, scale: scale = 70 multiplies 'source_cap' by 70; if you meant \
70%, write scale = 0.7."]
    """
    if value >= _SCALE_AS_PERCENT:
        return [
            f"{at}: scale = {value:g} multiplies {parameter!r} by {value:g}; if you meant "
            f"{value:g}%, write scale = {value / 100:g}."
        ]
    if value < 0:
        return [
            f"{at}: scale = {value:g} turns the sign of {parameter!r}; to cut it by "
            f"{-value:.0%} write scale = {1 + value:g}."
            if value > -1
            else f"{at}: scale = {value:g} turns the sign of {parameter!r}."
        ]
    return []


def _parse_curtailment(raw: dict[str, Any], at: str, bad: _Problems) -> Change | None:
    """Parse one ``[[curtailment]]`` table into a ``scale`` change of ``source_cap``."""
    n = len(bad)
    _unknown_keys(raw, _CURTAIL_KEYS, f"{at}, ", bad)
    given = [k for k in ("source", "resource") if k in raw]
    if len(given) != 1:
        bad.add(at, f"give exactly one of 'source' or 'resource', found {given or 'neither'}.")
    where = {_CURTAIL_WHERE[k]: _labels(raw[k], f"{at}, {k}", bad) for k in given}
    if "periods" not in raw:
        bad.add(at, "missing 'periods' (the periods of the curtailment, e.g. ['jul', 'aug']).")
    else:
        where["period"] = _labels(raw["periods"], f"{at}, periods", bad)
    available = _number(raw, "available", at, bad)
    if not 0 <= available <= 1 and len(bad) == n:
        bad.add(f"{at}, available", f"expected a share of the cap in [0, 1], found {available:g}.")
    rule = raw.get("rule", "optimal")
    if rule not in RULES:
        near = difflib.get_close_matches(str(rule), RULES, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        bad.add(f"{at}, rule", f"expected one of {list(RULES)}{hint}, found {_show(rule)}.")
    named = [k for k in ("plants", "sectors") if k in raw]
    plants: tuple[tuple[str, tuple[str, ...]], ...] = ()
    if len(named) > 1:
        bad.add(at, "give 'plants' or 'sectors', not both.")
    elif named and rule != "pro_rata":
        bad.add(
            f"{at}, {named[0]}",
            f"'{named[0]}' names the plants a decree cuts to a share of their normal use; "
            'add rule = "pro_rata".',
        )
    elif named:
        selector = "plant" if named[0] == "plants" else "plant.sector"
        plants = ((selector, _labels(raw[named[0]], f"{at}, {named[0]}", bad)),)
    if len(bad) > n:
        return None
    origin = f"{bad.label}, {at}"
    return Change("source_cap", where, "scale", available, None, origin, True, str(rule), plants)


def apply_changes(inputs: xr.Dataset, scenario: Scenario) -> tuple[xr.Dataset, list[dict]]:
    """Apply a scenario's changes to a copy of an inputs Dataset.

    Parameters
    ----------
    inputs : xarray.Dataset
        Validated inputs (:func:`resourcemodel.validate.load_inputs`); not modified.
    scenario : Scenario
        From :func:`load_scenario`.

    Returns
    -------
    inputs : xarray.Dataset
        A copy with every change applied in order.
    diff : list of dict
        One record per element whose value differs from ``inputs``: ``parameter``,
        ``labels`` ({dim: label}), ``before`` and ``after`` (``None`` if absent), ``unit``
        (canonical) and ``origin`` (file and key of the last change that touched it).

    Raises
    ------
    ScenarioError
        If a selector matches nothing, a unit does not fit, a value becomes invalid...
    """
    ds = inputs.copy(deep=True)
    problems: list[str] = []
    origins: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for change in scenario.changes:
        _apply(ds, change, origins, problems, notes)
    for name, origin in origins.items():
        spec, values = PARAMETERS[name], ds[name].values
        for word, bound, out in (
            ("at least", spec.lower, values < spec.lower),
            ("at most", spec.upper, values > spec.upper),
        ):
            wrong = [tuple(i) for i in np.argwhere(out & origin.astype(bool))]
            for culprit in dict.fromkeys(origin[i] for i in wrong):
                mine = [i for i in wrong if origin[i] == culprit]
                msg = f"{name!r} must be {word} {bound:g} (in {_unit(ds, spec, mine[0])}), but "
                more = f" and {len(mine) - 1} more" if len(mine) > 1 else ""
                problems.append(
                    f"{culprit}: {msg}it becomes {values[mine[0]]:g} for "
                    f"{_labels_at(ds, spec, mine[0])}{more}."
                )
    if not problems:
        validate.check_values(ds, problems, where=f"scenario {scenario.name!r}")
    if problems:
        raise ScenarioError(problems, during=f"Errors in scenario {scenario.name!r}")
    if origins:
        notes += _new_findings(inputs, ds, scenario, origins)
    checks.warn(notes)
    ds.attrs["scenario"] = scenario.name
    return ds, diff_records(inputs, ds, origins)


def diff_records(
    before: xr.Dataset,
    after: xr.Dataset,
    origins: dict[str, np.ndarray],
    units: dict[str, np.ndarray] | None = None,
) -> list[dict[str, Any]]:
    """Return one record per element of the ``origins`` parameters that differs.

    Parameters
    ----------
    before, after : xarray.Dataset
        Inputs before and after some changes (same coordinates).
    origins : dict of str to numpy.ndarray
        Parameter -> object array of its shape naming the change that last set each element.
    units : dict, optional
        A cache of each parameter's canonical units (filled here; reuse it for inputs with
        the same coordinates, e.g. the solves of one what-if model).

    Returns
    -------
    list of dict
        ``parameter``, ``labels``, ``before``, ``after`` (``None`` if absent), ``unit``
        (canonical) and ``origin``, as :func:`apply_changes` returns them.
    """
    records = []
    for name, origin in origins.items():
        spec, old, new = PARAMETERS[name], before[name].values, after[name].values
        canonical = None if units is None else units.get(name)
        if canonical is None:
            index = {d: np.arange(after.sizes[d]) for d in spec.dims}
            canonical = _canonical(after, spec, index)
            if units is not None:
                units[name] = canonical
        labels = [after[d].values.astype(str) for d in spec.dims]
        for i in map(tuple, np.argwhere((old != new) & ~(np.isnan(old) & np.isnan(new)))):
            at = {d: str(x[j]) for d, x, j in zip(spec.dims, labels, i, strict=True)}
            row = (name, at, _num(old[i]), _num(new[i]))
            records.append(
                dict(zip(_RECORD, (*row, _pretty(canonical[i]), origin[i]), strict=True))
            )
    return records


def _new_findings(
    before: xr.Dataset, after: xr.Dataset, scenario: Scenario, origins: dict[str, np.ndarray]
) -> list[str]:
    """Return warnings of :mod:`checks` that the scenario's changes brought in.

    Each names the change that set the element concerned, else the scenario.
    """
    known = {f.message for f in checks.inspect(before)}
    notes = []
    for finding in checks.inspect(after):
        if finding.message in known:
            continue
        origin = origins.get(finding.parameter)
        where = f"scenario {scenario.name!r}"
        if origin is not None:
            index = tuple(
                int(np.flatnonzero(after[d].values.astype(str) == label)[0])
                for d, label in finding.labels.items()
            )
            where = str(origin[index]) or where
        notes.append(f"{where}: {finding.message}")
    return notes


def locate(inputs: xr.Dataset, change: Change) -> tuple[np.ndarray, np.ndarray]:
    """Return where a change applies and what one unit of its value is there.

    Sweeps use this to compile a lever once and then apply any value with numpy alone.

    Parameters
    ----------
    inputs : xarray.Dataset
        Validated inputs; not modified.
    change : Change
        The change (its ``value`` is ignored).

    Returns
    -------
    mask : numpy.ndarray of bool
        Shape of the parameter: the elements the selectors match.
    per_unit : numpy.ndarray of float
        Where ``mask``: for ``set``/``add``, one unit of ``change.unit`` in the element's
        canonical unit; for ``scale``, the current value. Elsewhere 1.

    Raises
    ------
    ScenarioError
        If the parameter is unknown, a selector matches nothing or the unit does not fit.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> ds = rm.load_inputs(rm.examples.path("two_plants"))
    >>> mask, per_unit = locate(
    ...     ds, Change("source_cap", {"source": ("river",)}, "set", 0.0, "Mm3", "example")
    ... )
    >>> int(mask.sum()), float(per_unit[mask][0])
    (1, 1000000.0)
    """
    probe = inputs.copy(deep=False)
    if change.parameter in inputs:
        probe[change.parameter] = inputs[change.parameter].copy(deep=True)
    one = replace(change, value=1.0)
    origins: dict[str, np.ndarray] = {}
    bad: list[str] = []
    _apply(probe, one, origins, bad)
    if bad:
        raise ScenarioError(bad)
    mask = origins[change.parameter] != ""
    if change.op == "scale":
        return mask, np.where(mask, inputs[change.parameter].values, 1.0)
    if change.op == "add":  # the factor itself, not (old + factor) - old
        probe[change.parameter] = inputs[change.parameter].copy(deep=True)
        _apply(probe, replace(one, op="set"), {}, bad)
    return mask, np.where(mask, probe[change.parameter].values, 1.0)


def _apply(
    ds: xr.Dataset,
    change: Change,
    origins: dict[str, np.ndarray],
    bad: list[str],
    notes: list[str] | None = None,
) -> None:
    """Apply one change in place; append problems to ``bad`` and warnings to ``notes``."""
    spec = PARAMETERS.get(change.parameter)
    if spec is None or change.parameter not in ds:
        bad.append(f"{change.origin}: parameter {change.parameter!r} is not in the inputs.")
        return
    n = len(bad)
    index = {dim: np.arange(ds.sizes[dim]) for dim in spec.dims}
    for name, patterns in change.where.items():
        dim, _, attr = name.partition(".")
        coord = f"{dim}_{attr}" if attr else dim
        key = {v: k for k, v in _CURTAIL_WHERE.items()}[name] if change.curtailment else ""
        at = f"{change.origin}, {key or 'where.' + name}"
        if dim not in spec.dims or coord not in ds.coords:
            bad.append(f"{at}: {change.parameter!r} has no selector {name!r}.")
            continue
        labels = ds[coord].values.astype(str)
        hit = np.zeros(len(labels), dtype=bool)
        for pattern in patterns:
            match = np.array([fnmatch.fnmatchcase(x, pattern) for x in labels], dtype=bool)
            if not match.any():
                what = f"{attr} of any {dim}" if attr else dim
                known = list(dict.fromkeys(labels.tolist()))
                bad.append(f"{at}: {pattern!r} matches no {what}; there are {known}.")
            hit |= match
        index[dim] = np.intersect1d(index[dim], np.flatnonzero(hit))
        if hit.any() and not index[dim].size:
            bad.append(f"{at}: the selectors together match no {dim}.")
    if len(bad) > n:
        return
    sel = np.ix_(*(index[d] for d in spec.dims))
    data = ds[change.parameter].values
    old = data[sel]
    factor = np.ones(old.shape)
    if change.unit is not None:
        canonical = _canonical(ds, spec, index)
        for target in set(canonical.ravel()):
            try:
                factor[canonical == target] = units.factor(change.unit, target)
            except pint.errors.DimensionalityError:
                msg = f"{change.unit!r} ({units.dimensionality(change.unit)}) cannot measure "
                bad.append(
                    f"{change.origin}, unit: {msg}{change.parameter!r}; expected a unit "
                    f"convertible to {_pretty(target)} ({units.dimensionality(target)})."
                )
            except _UNIT_ERRORS as err:
                reason = validate.why(err)
                bad.append(f"{change.origin}, unit: unknown unit {change.unit!r}{reason}.")
    present = np.ones(old.shape, dtype=bool) if change.op == "set" else np.isfinite(old)
    if change.curtailment and np.isinf(old).any():
        uncapped = [str(x) for x in ds.source.values[index["source"][np.isinf(old).any(1)]]]
        bad.append(
            f"{change.origin}: no cap to curtail: source(s) {uncapped} have no 'source_cap' "
            "(unlimited) in these periods; set 'source_cap' first with a [[change]] "
            "set = ... (in this file or a parent)."
        )
    elif not present.any():
        bad.append(
            f"{change.origin}: matches only absent values of {change.parameter!r} "
            f"(no row in the case, or unlimited); '{change.op}' would change nothing. "
            "Use 'set' to give them values."
        )
    if len(bad) > n:
        return
    if notes is not None and change.unit is None and change.op != "scale":
        first = {d: i[:1] for d, i in index.items()}
        unit = _pretty(str(_canonical(ds, spec, first).ravel()[0]))
        notes += _unit_forgotten(change, old[present], unit)
    mask = np.zeros(data.shape, dtype=bool)
    mask[sel] = True
    per_unit = np.ones(data.shape)
    per_unit[sel] = factor
    # A decree naming plants cuts the cap by what they give up (decree.py), not here.
    hit = apply_located(
        data,
        replace(change, value=1.0) if change.plants and change.op == "scale" else change,
        mask,
        per_unit,
    )
    origin = origins.setdefault(change.parameter, np.full(data.shape, "", dtype=object))
    origin[hit] = change.origin


def apply_located(
    data: np.ndarray, change: Change, mask: np.ndarray, per_unit: np.ndarray
) -> np.ndarray:
    """Apply a located change to a parameter's values in place; return where it applied.

    The one place where a ``[[change]]``'s operation meets the numbers: scenario files
    (:func:`apply_changes`), sweep levers and :class:`resourcemodel.model.Model` all apply
    their changes here, after :func:`locate` found the elements and their unit factor.

    Parameters
    ----------
    data : numpy.ndarray
        The parameter's values (canonical units); changed in place.
    change : Change
        Its ``op`` and ``value`` are used.
    mask : numpy.ndarray of bool
        Shape of ``data``: the elements the selectors match.
    per_unit : numpy.ndarray of float
        Shape of ``data``: one unit of ``change.unit`` in each element's canonical unit
        (used by ``set`` and ``add``).

    Returns
    -------
    numpy.ndarray of bool
        The elements changed: all of ``mask`` for ``set``; for ``scale`` and ``add`` only
        those that hold a value (absent and unlimited values are left alone).

    Examples
    --------
    >>> caps = np.array([10.0, np.nan, 4.0])
    >>> change = Change("source_cap", {}, "add", 2.0, "Mm3", "example")
    >>> apply_located(caps, change, np.array([True, True, False]), np.full(3, 1e6)).tolist()
    [True, False, False]
    >>> caps.tolist()
    [2000010.0, nan, 4.0]
    """
    old = data[mask]
    present = np.ones(old.shape, dtype=bool) if change.op == "set" else np.isfinite(old)
    value = change.value * per_unit[mask]
    new = {"set": value, "scale": old * change.value, "add": old + value}[change.op]
    data[mask] = np.where(present, new, old)
    hit = np.zeros(data.shape, dtype=bool)
    hit[mask] = present
    return hit


#: A set/add without a unit this much smaller than the values it changes lost its unit.
_TINY_CHANGE = 1e-4


def _unit_forgotten(change: Change, old: np.ndarray, unit: str) -> list[str]:
    """Warn when a ``set``/``add`` without a unit is tiny next to the values it changes.

    ``add = -2`` on a cap of 30 million m3 is two cubic metres: almost surely ``Mm3`` was
    meant.
    """
    from resourcemodel.report import planner_unit

    sizes = np.abs(old[np.isfinite(old) & (old != 0)])
    if not sizes.size or change.value == 0:
        return []
    typical = float(np.median(sizes))
    if abs(change.value) >= _TINY_CHANGE * typical:
        return []
    shown, factor = planner_unit(unit, typical)
    hint = (
        f'did you mean {change.op} = {change.value:g} with unit = "{shown}"?'
        if shown != unit
        else "is a unit missing?"
    )
    return [
        f"{change.origin}, {change.op}: {change.op} = {change.value:g} has no unit, so it is "
        f"in {unit}, but the values of {change.parameter!r} it changes are about "
        f"{typical * factor:,.4g} {shown}, so it changes them by a share of "
        f"{abs(change.value) / typical:.1g}; {hint}"
    ]


def _canonical(ds: xr.Dataset, spec: ParameterSpec, index: dict[str, np.ndarray]) -> np.ndarray:
    """Return the canonical unit of every selected element (object array, parenthesised)."""
    out = np.full(tuple(len(index[d]) for d in spec.dims), spec.unit, dtype=object)
    for token, (dim, via, entity, unit_coord) in _TOKENS.items():
        if token not in spec.unit:
            continue
        table = dict(zip(ds[entity].values.astype(str), ds[unit_coord].values, strict=True))
        along = [f"({table.get(str(x), '?')})" for x in ds[via].values[index[dim]]]
        shape = [-1 if d == dim else 1 for d in spec.dims]
        tokens = np.asarray(along, dtype=object).reshape(shape)
        out = np.vectorize(lambda t, u, k=token: t.replace(k, u), otypes=[object])(out, tokens)
    return out


def _unit(ds: xr.Dataset, spec: ParameterSpec, i: tuple[int, ...]) -> str:
    index = {d: np.array([j]) for d, j in zip(spec.dims, i, strict=True)}
    return _pretty(str(_canonical(ds, spec, index).ravel()[0]))


def _pretty(unit: str) -> str:
    return re.sub(r"\(([\w.]+)\)", r"\1", unit)


def _labels_at(ds: xr.Dataset, spec: ParameterSpec, i: tuple[int, ...]) -> dict[str, str]:
    return {d: str(ds[d].values[j]) for d, j in zip(spec.dims, i, strict=True)}


def _num(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def combine(paths: list[str | Path]) -> Scenario:
    """Return one scenario with the overlays and changes of several scenario files.

    Changes apply in the order of the files; a change inherited by several of them (their
    common parents) applies once. All files must use the same case data.

    Raises
    ------
    ScenarioError
        If the files name different case folders.
    """
    specs = [load_scenario(p) for p in paths]
    if not specs:
        raise ScenarioError("combine: give at least one scenario file.")
    cases = {s.data for s in specs}
    if len(cases) > 1:
        names = ", ".join(f"{s.name!r} ({s.data})" for s in specs)
        raise ScenarioError(f"combine: scenarios must share one case; they use {names}.")
    changes: list[Change] = []
    for spec in specs:
        changes += [c for c in spec.changes if c not in changes]
    return replace(
        specs[0],
        name=" + ".join(s.name for s in specs),
        description="Combination of " + ", ".join(s.name for s in specs),
        overlays=tuple(dict.fromkeys(o for s in specs for o in s.overlays)),
        changes=tuple(changes),
        chain=tuple(dict.fromkeys(n for s in specs for n in s.chain)),
        own=0,  # no single file of its own (a combination's changes are all inherited)
    )


def _distinct(before: float | None, after: float | None) -> tuple[str, str]:
    """Return two values as text with 6 significant digits, or more until they differ.

    Examples
    --------
    >>> _distinct(31_000_000.0, 30_999_998.0)
    ('31000000', '30999998')
    >>> _distinct(1000.0, 700.0), _distinct(None, 5.0)
    (('1000', '700'), ('absent', '5'))
    """
    for digits in range(6, 18):
        texts = tuple("absent" if x is None else f"{x:.{digits}g}" for x in (before, after))
        if texts[0] != texts[1] or before == after:
            break
    return texts[0], texts[1]


def format_diff(records: list[dict]) -> str:
    """Return diff records (from :func:`apply_changes`) as an aligned text table.

    Examples
    --------
    >>> rec = {"parameter": "source_cap", "labels": {"source": "river", "period": "jul"},
    ...        "before": 1000.0, "after": 700.0, "unit": "m3", "origin": "dry.toml, [[change]] #1"}
    >>> print(format_diff([rec]))
    value                                 before  after  unit  origin
    source_cap[source=river, period=jul]    1000    700  m3    dry.toml, [[change]] #1
    """
    if not records:
        return "No value differs from the case data."

    rows = [("value", "before", "after", "unit", "origin")]
    for r in records:
        labels = ", ".join(f"{d}={x}" for d, x in r["labels"].items())
        numbers = _distinct(r["before"], r["after"])
        rows.append((f"{r['parameter']}[{labels}]", *numbers, r["unit"], r["origin"]))
    widths = [max(len(row[k]) for row in rows) for k in range(4)]
    return "\n".join(
        f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}  {u:<{widths[3]}}  {o}".rstrip()
        for a, b, c, u, o in rows
    )
