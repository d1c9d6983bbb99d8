"""Each year's inputs: the case with the pathway's trajectories applied.

The trajectories go through the one change mechanism of scenario files
(:func:`resourcemodel.scenario.locate` and :func:`resourcemodel.scenario.apply_located`),
so a selector that matches nothing or a value that becomes invalid is reported as a
scenario file's would be.
"""

from __future__ import annotations

from dataclasses import replace

import xarray as xr

from resourcemodel import validate
from resourcemodel.exceptions import ScenarioError
from resourcemodel.pathway.spec import Pathway
from resourcemodel.scenario import apply_located, locate


def year_inputs(base: xr.Dataset, pathway: Pathway) -> list[xr.Dataset]:
    """Return the inputs of every representative year, in order.

    Parameters
    ----------
    base : xarray.Dataset
        The scenario's validated inputs (the first year's before its trajectories).
    pathway : Pathway
        Years and trajectories.

    Returns
    -------
    list of xarray.Dataset
        One per year of ``pathway.years``, each with ``attrs["year"]``.

    Raises
    ------
    ScenarioError
        If a trajectory's selectors match nothing or a value becomes invalid.
    """
    located = [(t, *locate(base, t.change)) for t in pathway.trajectories]
    first = pathway.years[0]
    out = []
    for year in pathway.years:
        ds = base.copy(deep=True)
        for trajectory, mask, per_unit in located:
            name = trajectory.change.parameter
            values = ds[name].values.copy()
            change = replace(trajectory.change, value=trajectory.factor(year, first))
            apply_located(values, change, mask, per_unit)
            ds[name] = ds[name].copy(data=values)
        problems: list[str] = []
        validate.check_values(ds, problems, where=f"pathway year {year}")
        if problems:
            raise ScenarioError(problems, during=f"Errors in pathway year {year}")
        ds.attrs["year"] = int(year)
        out.append(ds)
    return out
