"""The what-if on a pathway: change parameters (in every year or some), re-solve.

:class:`PathwayModel` keeps a pathway's year inputs and year programs in memory.
:meth:`PathwayModel.set` records a change as a scenario file's ``[[change]]`` table does
(same parser, selectors, units and messages), applied to each year's inputs after the
pathway's trajectories, in every year or only in ``years``;
:meth:`PathwayModel.set_pathway` changes the discount rate or the foresight.
:meth:`PathwayModel.solve` rebuilds only the programs of the years a change touches
(:func:`resourcemodel.formulation.build`, unchanged), re-stacks and solves the pathway
(:func:`resourcemodel.pathway.solve_pathway`) and returns its results on a ``year`` dim,
as :func:`resourcemodel.pathway.run_pathway` does, with the changes in the run card.

The single-year :class:`resourcemodel.Model` keeps one HiGHS model warm; a pathway is
re-solved cold (its stacked program is rebuilt from the year programs, which takes a
fraction of the solve).

Examples
--------
>>> from resourcemodel import examples
>>> from resourcemodel.pathway.model import PathwayModel
>>> m = PathwayModel(examples.path("measure_payoff").parent / "pathways" / "two_years.toml")
>>> round(m.solve().attrs["objective"], 2)
586.36
>>> m.set("source_cap", where={"source": "river"}, scale=1 / 0.9, years=[1405])
PathwayModel('two_years', 1 change)
>>> round(m.solve().attrs["objective"], 2), m.rebuilt
(545.45, [1405])
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from resourcemodel import validate
from resourcemodel.exceptions import ScenarioError
from resourcemodel.formulation import Options, build
from resourcemodel.pathway.run import assemble_pathway, prepare, run_card, solve_pathway
from resourcemodel.pathway.spec import FORESIGHTS, Pathway, load_pathway
from resourcemodel.scenario import Change, apply_located, locate, parse_change

#: How changes made here are named in messages and the run card.
ORIGIN = "what-if"


class PathwayModel:
    """A pathway kept in memory: change its parameters or levers and re-solve.

    Parameters
    ----------
    pathway : str, Path or Pathway
        A scenario file with a ``[pathway]`` table, or a loaded pathway.
    backend : str
        Solver backend (``highs`` or ``pulp``); ``solver_options`` go to it.

    Attributes
    ----------
    pathway : Pathway
        The pathway with the levers set here (discount rate, foresight).
    rebuilt : list of int
        The years whose programs the last :meth:`solve` rebuilt.
    """

    def __init__(
        self, pathway: str | Path | Pathway, backend: str = "highs", **solver_options: Any
    ):
        self.base = pathway if isinstance(pathway, Pathway) else load_pathway(pathway)
        self.pathway = self.base
        self.backend = backend
        self.solver_options = solver_options
        self.options = Options.resolve(self.base.scenario.options)
        self._inputs, self._lps = prepare(self.base, self.options)
        self._changes: list[tuple[Change, tuple[int, ...] | None]] = []
        self.rebuilt: list[int] = []

    @property
    def name(self) -> str:
        """The pathway's scenario name."""
        return self.base.scenario.name

    @property
    def changes(self) -> list[dict[str, Any]]:
        """The changes made here, in order: the ``[[change]]`` table and its years."""
        out = []
        for change, years in self._changes:
            table: dict[str, Any] = {"parameter": change.parameter, "where": dict(change.where)}
            table[change.op] = change.value
            if change.unit is not None:
                table["unit"] = change.unit
            table["years"] = list(years) if years is not None else "all"
            out.append(table)
        return out

    def __repr__(self) -> str:
        n = len(self._changes)
        return f"PathwayModel({self.name!r}, {n} change{'' if n == 1 else 's'})"

    def set(
        self,
        parameter: str,
        where: dict[str, Any] | None = None,
        *,
        scale: float | None = None,
        value: float | None = None,
        add: float | None = None,
        unit: str | None = None,
        years: list[int] | tuple[int, ...] | None = None,
    ) -> PathwayModel:
        """Record one change, as a ``[[change]]`` table, in every year or in ``years``.

        Parameters
        ----------
        parameter, where, scale, value, add, unit
            As :meth:`resourcemodel.Model.set`.
        years : list of int, optional
            Representative years of the pathway the change applies to (default: all).
            The change applies to the year's inputs after its trajectories: ``value``
            is the value in that year.

        Returns
        -------
        PathwayModel
            This model (calls chain).

        Raises
        ------
        ScenarioError
            With a scenario file's message (unknown parameter, selector that matches
            nothing, wrong unit), or naming a year that is not one of the pathway's.
        """
        raw: dict[str, Any] = {"parameter": parameter, "where": dict(where or {})}
        for key, number in (("scale", scale), ("set", value), ("add", add)):
            if number is not None:
                raw[key] = number
        if unit is not None:
            raw["unit"] = unit
        origin = f"{ORIGIN}, [[change]] #{len(self._changes) + 1}"
        change = parse_change(raw, origin)
        chosen = None
        if years is not None:
            chosen = tuple(int(y) for y in years)
            unknown = [y for y in chosen if y not in self.base.years]
            if unknown or not chosen:
                msg = (
                    f"{origin}, years: {unknown or 'none given'} not among the pathway's "
                    f"representative years {list(self.base.years)}."
                )
                raise ScenarioError([msg])
        locate(self._inputs[0], change)  # the file's message for a selector or unit
        self._changes.append((change, chosen))
        return self

    def set_pathway(
        self, *, discount_rate: float | None = None, foresight: str | None = None
    ) -> PathwayModel:
        """Change the pathway's discount rate or foresight (``"perfect"``, ``"myopic"``)."""
        if discount_rate is not None:
            if not 0.0 <= float(discount_rate) < 1.0:
                msg = f"{ORIGIN}: discount_rate must be in [0, 1), got {discount_rate!r}."
                raise ScenarioError([msg])
            self.pathway = replace(self.pathway, discount_rate=float(discount_rate))
        if foresight is not None:
            if foresight not in FORESIGHTS:
                msg = f"{ORIGIN}: foresight must be one of {list(FORESIGHTS)}, got {foresight!r}."
                raise ScenarioError([msg])
            self.pathway = replace(self.pathway, foresight=foresight)
        return self

    def reset(self) -> PathwayModel:
        """Forget every change and lever set here."""
        self._changes.clear()
        self.pathway = self.base
        return self

    def year_inputs(self) -> list[xr.Dataset]:
        """Return every year's inputs with the changes made here applied."""
        return self._apply()[0]

    def _apply(self) -> tuple[list[xr.Dataset], list[bool]]:
        out, touched = [], []
        for year, base in zip(self.base.years, self._inputs, strict=True):
            mine = [c for c, years in self._changes if years is None or year in years]
            if not mine:
                out.append(base)
                touched.append(False)
                continue
            ds = base.copy(deep=True)
            for change in mine:
                mask, per_unit = locate(ds, change)
                values = np.array(ds[change.parameter].values, dtype=float, copy=True)
                apply_located(values, change, mask, per_unit)
                ds[change.parameter] = ds[change.parameter].copy(data=values)
            problems: list[str] = []
            validate.check_values(ds, problems, where=f"pathway year {year} ({ORIGIN})")
            if problems:
                raise ScenarioError(problems, during=f"Errors in what-if on {self.name!r}")
            out.append(ds)
            touched.append(True)
        return out, touched

    def solve(self) -> xr.Dataset:
        """Solve the pathway with the changes and levers set here.

        Returns
        -------
        xarray.Dataset
            As :func:`resourcemodel.pathway.run_pathway`; ``attrs["what_if"]`` lists the
            changes (JSON) and ``attrs["rebuilt_years"]`` the years rebuilt.

        Raises
        ------
        ScenarioError
            If the changes take a parameter out of its valid range in a year.
        """
        inputs, touched = self._apply()
        lps = [
            build(ds, replace(self.options)) if hit else lp
            for ds, lp, hit in zip(inputs, self._lps, touched, strict=True)
        ]
        self.rebuilt = [int(y) for y, hit in zip(self.base.years, touched, strict=True) if hit]
        pp, result, info = solve_pathway(
            self.pathway, inputs, lps, backend=self.backend, **self.solver_options
        )
        card = run_card(self.pathway, self.backend, self.name)
        ds = assemble_pathway(pp, result, inputs, self.pathway, card)
        ds.attrs["foresight"] = info["foresight"]
        ds.attrs["solve_steps"] = json.dumps(info["steps"])
        ds.attrs["what_if"] = json.dumps(self.changes)
        ds.attrs["rebuilt_years"] = json.dumps(self.rebuilt)
        return ds
