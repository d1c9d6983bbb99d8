"""The in-memory what-if: one scenario built once, changed and re-solved warm.

:class:`Model` loads a scenario (or a case folder), builds its program and keeps the HiGHS
model in memory. :meth:`Model.set` records a change exactly as a scenario file's
``[[change]]`` table would (same parser, same selectors, same units, same messages);
:meth:`Model.solve` applies the recorded changes to the scenario's inputs through the one
mechanism scenario files and sweeps use (:func:`resourcemodel.scenario.locate` and
:func:`resourcemodel.scenario.apply_located`), pushes only the numbers that moved into the
kept model (:func:`resourcemodel.formulation.update_program`) and re-solves from the last
basis. A change that alters the program's structure (a cap appearing or disappearing, a
parameter that is a matrix coefficient) rebuilds the program instead, transparently.
:meth:`Model.to_scenario` writes the changes as a scenario file that extends the original,
which :func:`resourcemodel.run` solves to the same optimum.

Examples
--------
>>> import resourcemodel as rm
>>> m = rm.Model(rm.examples.path("two_plants"))
>>> m.set("source_cap", where={"source": "river"}, scale=0.9)
Model('two_plants', 1 change)
>>> res = m.solve()
>>> round(res.attrs["objective"]), m.mode
(2475, 'warm')
>>> m.reset().solve().attrs["objective"]
2250.0
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from resourcemodel import pipeline, validate
from resourcemodel.backends.highs import HighsModel
from resourcemodel.exceptions import ScenarioError
from resourcemodel.formulation import Options, build, update_program
from resourcemodel.io import write_text
from resourcemodel.program import LinearProgram
from resourcemodel.results import assemble
from resourcemodel.scenario import (
    BUNDLED,
    Change,
    Scenario,
    apply_located,
    diff_records,
    load_scenario,
    locate,
    parse_change,
)
from resourcemodel.schema import PARAMETERS

#: How changes made in memory are named in messages, diffs and run cards.
ORIGIN = "what-if"


class Model:
    """A scenario kept in memory: change its parameters and re-solve warm.

    Parameters
    ----------
    scenario : str, Path or Scenario
        A scenario TOML file, a resolved :class:`~resourcemodel.scenario.Scenario` or a
        case folder. A file with a ``[pathway]`` table is its single year, as
        ``resourcemodel run`` solves it; the pathway's what-if is
        :class:`resourcemodel.PathwayModel`.
    overlays : sequence of str or Path, optional
        Overlay folders added on top of the scenario's own (a new plant or project), as a
        scenario file's ``overlay`` key adds them.
    ranging : bool, default False
        Compute HiGHS ranging (``<cap>_range_lower``/``_range_upper``) at every solve; off
        by default because a what-if wants the answer fast (the shadow prices themselves are
        always there).
    **solver_options
        HiGHS options (``time_limit``, ``threads``...), as for :func:`resourcemodel.run`.

    Attributes
    ----------
    scenario : Scenario or None
        The resolved scenario (``None`` for a bare case folder).
    base_inputs : xarray.Dataset
        The scenario's inputs before any change made here.
    mode : str
        How the last :meth:`solve` reached its answer: ``"warm"`` (numbers pushed into the
        kept model), ``"rebuilt"`` (a change altered the structure) or ``"cold"`` (first
        solve, or the model had to be loaded afresh).
    timings : dict of str to float
        Seconds the last :meth:`solve` spent applying changes, updating the model, solving
        and assembling the labelled results.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario,
        *,
        overlays: tuple[str | Path, ...] | list[str | Path] = (),
        ranging: bool = False,
        **solver_options: Any,
    ) -> None:
        if type(scenario).__name__ == "Pathway":
            msg = (
                "Model is the single-year what-if (a file with a [pathway] table is its "
                "first year, as 'resourcemodel run' solves it); for the pathway use "
                "resourcemodel.PathwayModel (changes by year, discount rate, foresight)."
            )
            raise TypeError(msg)
        spec: Scenario | None
        if isinstance(scenario, str | Path) and Path(scenario).is_file():
            spec = load_scenario(scenario)
        elif isinstance(scenario, Scenario):
            spec = scenario
        else:
            spec = None
        self.case = Path(scenario) if spec is None else spec.data  # type: ignore[arg-type]
        extra = tuple(Path(o).resolve() for o in overlays)
        for folder in extra:
            if not folder.is_dir():
                raise ScenarioError(f"overlay {str(folder)!r}: no such folder.")
        if extra:
            if spec is None:
                name = self.case.name
                spec = Scenario(name, "", None, self.case.resolve(), (), {}, (), (name,))
            spec = replace(spec, overlays=tuple(dict.fromkeys((*spec.overlays, *extra))))
        self.overlays = extra
        self.scenario = spec
        inputs, _, diff = pipeline.load(spec if spec is not None else scenario)
        self.base_inputs = inputs
        self._base_diff = diff
        self.options = Options.resolve(spec.options if spec else None)
        self._lp = build(inputs, self.options)
        self._base_values: dict[str, np.ndarray] = {}
        self._located: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._changes: list[Change] = []
        self._units: dict[str, np.ndarray] = {}  # canonical units, for the run card's diff
        self._highs = HighsModel(self._lp, ranging=ranging, one_sided=ranging, **solver_options)
        self.mode = "cold"
        self.timings: dict[str, float] = {}

    # -- what the model holds ------------------------------------------------------
    @property
    def name(self) -> str:
        """The scenario's name (the case folder's), with ``+overlay`` for added overlays."""
        spec = self.scenario
        base = spec.name if spec and spec.path is not None else self.case.name
        return base + "".join(f"+{o.name}" for o in self.overlays)

    @property
    def changes(self) -> list[dict[str, Any]]:
        """The changes made here, in order, each as its ``[[change]]`` table."""
        return [_as_table(c) for c in self._changes]

    def __repr__(self) -> str:
        n = len(self._changes)
        return f"Model({self.name!r}, {n} change{'' if n == 1 else 's'})"

    # -- changing it -----------------------------------------------------------------
    def set(
        self,
        parameter: str,
        where: dict[str, Any] | None = None,
        *,
        scale: float | None = None,
        value: float | None = None,
        add: float | None = None,
        unit: str | None = None,
    ) -> Model:
        """Record one change, as a scenario file's ``[[change]]`` table.

        Changes apply in the order they are made, on top of the scenario's own; nothing is
        solved until :meth:`solve`.

        Parameters
        ----------
        parameter : str
            A parameter of :data:`resourcemodel.schema.PARAMETERS` (``source_cap``,
            ``group_cap``, ``demand``...).
        where : dict, optional
            Selectors: dimension -> label, list of labels or fnmatch pattern; or
            ``{"source": {"resource": "electricity"}}`` to select by an attribute.
            Dimensions not given mean every label.
        scale, value, add : float
            Exactly one: multiply by ``scale``; set to ``value``; add ``add`` (``value``
            and ``add`` in ``unit``).
        unit : str, optional
            Unit of ``value``/``add`` (default: the parameter's canonical unit).

        Returns
        -------
        Model
            This model (calls chain).

        Raises
        ------
        ScenarioError
            With the message a scenario file would get (unknown parameter or selector, a
            label that matches nothing, a unit that does not fit...).
        """
        raw: dict[str, Any] = {"parameter": parameter, "where": dict(where or {})}
        for key, number in (("scale", scale), ("set", value), ("add", add)):
            if number is not None:
                raw[key] = number
        if unit is not None:
            raw["unit"] = unit
        change = parse_change(raw, f"{ORIGIN}, [[change]] #{len(self._changes) + 1}")
        mask, _ = self._locate(change)  # selectors and unit, with a scenario file's messages
        if change.op != "set":
            # 'scale' and 'add' need a value to change, in the inputs as they are now.
            arrays = self._apply(self._changes)[0]
            current = arrays.get(change.parameter, self._base(change.parameter))
            if not np.isfinite(current[mask]).any():
                locate(self._inputs(arrays), change)  # raises the file's message
        self._changes.append(change)
        return self

    def reset(self) -> Model:
        """Forget every change made here (the kept model and its basis stay)."""
        self._changes.clear()
        return self

    # -- solving ---------------------------------------------------------------------
    @property
    def inputs(self) -> xr.Dataset:
        """The inputs with every change made here applied."""
        return self._inputs(self._apply(self._changes)[0])

    def solve(self, *, ranging: bool | None = None) -> xr.Dataset:
        """Solve the scenario with the changes made here; re-solve warm where possible.

        Parameters
        ----------
        ranging : bool, optional
            Compute the ranges of the shadow prices (and the one-sided prices) for this
            solve only, e.g. for a brief; default: as the model was made.

        Returns
        -------
        xarray.Dataset
            The labelled results, as :func:`resourcemodel.run` returns them; the run card
            (``attrs``) names the scenario and lists every changed value, with the changes
            made here under the origin ``what-if, [[change]] #k``.

        Raises
        ------
        ScenarioError
            If the changes take a parameter out of its valid range.
        """
        start = time.perf_counter()
        changed, origins = self._apply(self._changes)
        self._check(changed, origins)
        inputs = self._inputs(changed)
        applied = time.perf_counter()
        lp = update_program(self._lp, self.base_inputs, changed, self._base_values)
        mode = "warm"
        if lp is None:
            problems: list[str] = []
            validate.check_values(inputs, problems, where=f"scenario {self.name!r} (what-if)")
            if problems:
                raise ScenarioError(problems, during=f"Errors in what-if on {self.name!r}")
            lp = build(inputs, self.options)
            mode = "rebuilt"
        if not self._highs.update(lp):
            mode = "cold" if mode == "warm" else mode
        updated = time.perf_counter()
        backend = self._highs.backend
        kept = backend.ranging, backend.one_sided
        if ranging is not None:
            backend.ranging = backend.one_sided = ranging
        try:
            result = self._highs.solve()
        finally:
            backend.ranging, backend.one_sided = kept
        solved = time.perf_counter()
        res = assemble(inputs, lp, result, self._card(inputs, origins))
        done = time.perf_counter()
        res.attrs["wall_seconds"] = done - start
        self.mode = mode
        self.timings = {
            "apply": applied - start,
            "update": updated - applied,
            "solve": solved - updated,
            "results": done - solved,
        }
        return res

    # -- saving ------------------------------------------------------------------------
    def to_scenario(
        self,
        path: str | Path,
        *,
        name: str | None = None,
        title: str | None = None,
        summary: str | None = None,
        description: str | None = None,
        **texts: str,
    ) -> Path:
        """Write the changes made here as a scenario file that extends this scenario.

        :func:`resourcemodel.run` of the file gives the inputs this model solves, value for
        value. The file is written atomically; nothing else is written.

        Parameters
        ----------
        path : str or Path
            The ``.toml`` file to write. It must lie in the folder of the scenario file this
            model was made from, or in a folder above it (a scenario file may refer only to
            files in its own folder tree).
        name : str, optional
            Defaults to the file's stem.
        title, summary, description : str, optional
            Planner-facing texts; a title and a summary listing the changes are written when
            not given.
        **texts : str
            ``title_fa``, ``summary_fa``, ``description_fa``; a Persian title and summary
            naming the scenario it extends are written when it has a Persian title.

        Returns
        -------
        Path
            ``path``.

        Raises
        ------
        ScenarioError
            If ``path`` is not a ``.toml`` file or lies where it could not refer to this
            scenario.
        """
        target = Path(path)
        if target.suffix.lower() != ".toml":
            raise ScenarioError(f"{str(target)!r}: a scenario file must end in .toml.")
        unknown = set(texts) - {"title_fa", "summary_fa", "description_fa"}
        if unknown:
            raise ScenarioError(f"to_scenario: unknown text(s) {sorted(unknown)}.")
        folder = target.resolve().parent
        lines = [
            "# Written by resourcemodel.Model.to_scenario: the changes of a what-if session.",
            f"name = {_toml(name or target.stem)}",
            f"title = {_toml(title or self._title())}",
            f"summary = {_toml(summary or self._summary())}",
        ]
        if description:
            lines.append(f"description = {_toml(description)}")
        texts = {**self._texts_fa(), **texts}
        lines += [f"{key} = {_toml(text)}" for key, text in texts.items()]
        spec = self.scenario
        if spec is not None and spec.path is not None:
            self._check_is_its_file(spec)
            lines.append(f"extends = [{_toml(_reference(spec.path, folder, 'extends'))}]")
        else:
            lines.append(f"data = {_toml(_case_reference(self.case, folder))}")
        if self.overlays:
            refs = ", ".join(_toml(_reference(o, folder, "overlay")) for o in self.overlays)
            lines.append(f"overlay = [{refs}]")
        for change in self.changes:
            lines += ["", "[[change]]"]
            lines += [f"{key} = {_toml(v)}" for key, v in change.items()]
        return write_text(target, "\n".join(lines) + "\n")

    # -- internals ---------------------------------------------------------------------
    def _check_is_its_file(self, spec: Scenario) -> None:
        """Refuse to extend a file that does not hold this scenario (e.g. a combination)."""
        assert spec.path is not None
        own = load_scenario(spec.path)
        if (own.changes, own.overlays, own.options) != (spec.changes, spec.overlays, spec.options):
            extra = set(spec.overlays) - set(own.overlays)
            if not self.overlays or set(self.overlays) != extra or own.changes != spec.changes:
                msg = (
                    f"this model's scenario {spec.name!r} is not what {str(spec.path)!r} holds "
                    "(a combination of files, or changed in memory), so a file extending it "
                    "would not reproduce the what-if; make the model from one scenario file."
                )
                raise ScenarioError(msg)

    def _base(self, name: str) -> np.ndarray:
        values = self._base_values.get(name)
        if values is None:
            values = self._base_values[name] = np.asarray(
                self.base_inputs[name].values, dtype=float
            )
        return values

    def _apply(self, changes: list[Change]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Return the changed parameters' arrays and, per element, the change that set it."""
        arrays: dict[str, np.ndarray] = {}
        origins: dict[str, np.ndarray] = {}
        for change in changes:
            mask, per_unit = self._locate(change)
            data = arrays.get(change.parameter)
            if data is None:
                data = arrays[change.parameter] = self._base(change.parameter).copy()
                origins[change.parameter] = np.full(data.shape, "", dtype=object)
            hit = apply_located(data, change, mask, per_unit)
            origins[change.parameter][hit] = change.origin
        return arrays, origins

    def _locate(self, change: Change) -> tuple[np.ndarray, np.ndarray]:
        """Where a change applies and its unit factor there (found once per selector)."""
        key = (change.parameter, json.dumps(change.where, sort_keys=True), change.unit)
        if key not in self._located:
            probe = replace(change, op="set", value=1.0)
            self._located[key] = locate(self.base_inputs, probe)
        return self._located[key]

    def _inputs(self, changed: dict[str, np.ndarray]) -> xr.Dataset:
        base = self.base_inputs
        if not changed:
            return base
        # A shallow copy with new arrays for the changed parameters (no merge, no alignment).
        data = {name: changed.get(str(name), var.data) for name, var in base.data_vars.items()}
        return base.copy(deep=False, data=data)

    def _check(self, changed: dict[str, np.ndarray], origins: dict[str, np.ndarray]) -> None:
        problems = []
        for name, values in changed.items():
            spec = PARAMETERS[name]
            finite = ~np.isnan(values)
            for word, bound, out in (
                ("at least", spec.lower, finite & (values < spec.lower)),
                ("at most", spec.upper, finite & (values > spec.upper)),
            ):
                for culprit in dict.fromkeys(origins[name][out]):
                    first = np.argwhere(out & (origins[name] == culprit))[0]
                    labels = {
                        d: str(self.base_inputs[d].values[i])
                        for d, i in zip(spec.dims, first, strict=True)
                    }
                    problems.append(
                        f"{culprit}: {name!r} must be {word} {bound:g}, but it becomes "
                        f"{values[tuple(first)]:g} for {labels}."
                    )
        if problems:
            raise ScenarioError(problems, during=f"Errors in what-if on {self.name!r}")

    def _card(self, inputs: xr.Dataset, origins: dict[str, np.ndarray]) -> dict[str, Any]:
        spec = self.scenario
        own = diff_records(self.base_inputs, inputs, origins, self._units)
        mine = {(r["parameter"], tuple(r["labels"].items())) for r in own}
        kept = [
            r for r in self._base_diff if (r["parameter"], tuple(r["labels"].items())) not in mine
        ]
        texts = dict(spec.texts) if spec else {}
        name, description = self.name, spec.description if spec else ""
        if self._changes or self.overlays:
            # Not the scenario any more: its own titles would mislabel a brief.
            name += "-what-if" if self._changes else ""
            texts = {"title": self._title(), "summary": self._summary(), **self._texts_fa()}
            description = f"{self._summary()} On top of: {description}".strip()
        return {
            "scenario": name,
            "description": description,
            **texts,
            "scenario_chain": list(spec.chain) if spec else [],
            "scenario_diff": kept + own,
            "what_if": json.dumps(self.changes),
            "backend": "highs",
            "integer_measures": int(self.options.integer_measures),
            "build_years": float(self.options.build_years),
        }

    def _title(self) -> str:
        spec = self.scenario
        base = spec.texts.get("title", spec.name) if spec else self.case.name
        base += "".join(f" + {o.name.replace('_', ' ')}" for o in self.overlays)
        return f"{base}, what-if" if self._changes else base

    def _texts_fa(self) -> dict[str, str]:
        """Persian title and summary, when the scenario has a Persian title to build on.

        The changes themselves are listed in English only (in the summary and the file).
        """
        spec = self.scenario
        base = spec.texts.get("title_fa") if spec else None
        if not base or not (self._changes or self.overlays):
            return {}
        return {
            "title_fa": f"{base} (چه می‌شود اگر)",
            "summary_fa": f"بر پایهٔ «{base}»؛ تغییرها در همین فایل آمده است.",
        }

    def _summary(self) -> str:
        parts = [f"with the overlay {o.name}" for o in self.overlays]
        parts += [_describe(c) for c in self._changes]
        return ("; ".join(parts) or "No change to the scenario") + "."

    @property
    def program(self) -> LinearProgram:
        """The program of the last solve (or the scenario's, before any)."""
        return self._highs.lp


def _as_table(change: Change) -> dict[str, Any]:
    """Return a change as its ``[[change]]`` table (what :func:`parse_change` reads)."""
    where: dict[str, Any] = {}
    for key, labels in change.where.items():
        dim, _, attr = key.partition(".")
        if attr:
            where.setdefault(dim, {})[attr] = list(labels)
        else:
            where[dim] = list(labels)
    table: dict[str, Any] = {"parameter": change.parameter, "where": where}
    table[change.op] = change.value
    if change.unit is not None:
        table["unit"] = change.unit
    return table


def _describe(change: Change) -> str:
    where = ", ".join(f"{k} {'/'.join(v)}" for k, v in change.where.items()) or "everywhere"
    unit = f" {change.unit}" if change.unit else ""
    what = {
        "scale": f"x {change.value:g}",
        "set": f"set to {change.value:g}{unit}",
        "add": f"{change.value:+g}{unit}",
    }[change.op]
    return f"{change.parameter} ({where}) {what}"


def _toml(value: Any) -> str:
    """Return ``value`` as TOML (strings, numbers, lists and tables of them).

    Examples
    --------
    >>> _toml({"source": ["river"], "period": ["tir"]}), _toml(float("inf")), _toml(0.7)
    ('{ source = ["river"], period = ["tir"] }', 'inf', '0.7')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number):
            raise ScenarioError("A scenario file cannot hold NaN.")
        return "inf" if number == math.inf else "-inf" if number == -math.inf else repr(number)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def _reference(file: Path, folder: Path, key: str) -> str:
    """Return ``file`` relative to ``folder`` for a scenario file there, or raise."""
    file = file.resolve()
    if not file.is_relative_to(folder):
        msg = (
            f"cannot save the what-if in {str(folder)!r}: its {key} {str(file)!r} lies "
            "outside that folder, and a scenario file may refer only to files in its own "
            f"folder tree; save it in {str(file.parent)!r} or a folder above it."
        )
        raise ScenarioError(msg)
    return file.relative_to(folder).as_posix()


def _case_reference(case: Path, folder: Path) -> str:
    case = case.resolve()
    for bundled in BUNDLED:
        if case.parent == bundled.resolve():
            return case.name
    return _reference(case, folder, "case folder")
