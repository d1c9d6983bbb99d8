"""What every family of the formulation shares: the options, the build context, helpers.

:class:`Options` are the scenario's ``[options]``; :class:`_Context` carries the inputs,
the :class:`~resourcemodel.program.ProgramBuilder`, the coordinates, the index arrays of
the families added so far (``ctx.idx``) and arrays derived once (which plant each process
belongs to, the production ceiling ``xmax``...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from resourcemodel.program import Coords, ProgramBuilder
from resourcemodel.seasons import seasonal_intensity
from resourcemodel.units import DAYS_PER_YEAR as _DAYS

#: Objectives understood by :func:`build`.
OBJECTIVES = ("cost", "value_added")

#: Allocation modes understood by :func:`build` (scenario ``[options] allocation``).
ALLOCATIONS = ("decree", "basin")

#: Days in the year used to turn annual capacities and costs into per-period amounts (the
#: unit registry's ``yr``, :data:`resourcemodel.units.DAYS_PER_YEAR`).
DAYS_PER_YEAR = float(_DAYS)


@dataclass
class Options:
    """Formulation options (set in a scenario's ``[options]`` table or as keywords).

    Attributes
    ----------
    objective : {"cost", "value_added"}
        ``cost`` minimises production, supply and measure costs plus the value of
        unmet demand (its price unless an ``unmet_penalty`` is set, see
        :func:`lost_output_value`); ``value_added`` maximises revenue minus those costs.
    integer_measures : bool
        Adoption is all-or-nothing (a MILP) instead of a continuous share: a measure is
        adopted at its ``max_adoption`` or not at all (``adoption = max_adoption * b`` with
        ``b`` binary; see :func:`add_measures`).
    build_years : float
        Years between the decision and the modelled year: a measure whose ``lead_time``
        is longer cannot be adopted (its adoption is bounded at 0). The default, 0, lets a
        one-year scenario adopt only measures that take effect at once.
    allocation : {"decree", "basin"}
        ``decree`` (default) keeps industry's caps on every source (the decree's share);
        ``basin`` lifts ``source_cap`` and ``source_cap_annual`` on sources that have a
        reservoir or other users, so the LP shares their water among industry and the
        users by priority and value (see :mod:`resourcemodel.formulation.water`).
    """

    objective: str = "cost"
    integer_measures: bool = False
    build_years: float = 0.0
    allocation: str = "decree"
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def resolve(
        cls,
        settings: Mapping[str, object] | None = None,
        *,
        objective: str | None = None,
        integer_measures: bool | None = None,
        build_years: float | None = None,
        allocation: str | None = None,
    ) -> Options:
        """Return the options of a scenario's ``[options]`` table, keywords winning.

        >>> o = Options.resolve({"objective": "value_added"}, integer_measures=True)
        >>> o.objective, o.integer_measures, o.build_years, o.allocation
        ('value_added', True, 0.0, 'decree')
        """
        settings = settings or {}
        years = build_years if build_years is not None else settings.get("build_years", 0.0)
        return cls(
            objective=str(
                objective if objective is not None else settings.get("objective", "cost")
            ),
            integer_measures=bool(
                integer_measures
                if integer_measures is not None
                else settings.get("integer_measures", False)
            ),
            build_years=float(years),  # type: ignore[arg-type]
            allocation=str(
                allocation if allocation is not None else settings.get("allocation", "decree")
            ),
        )


@dataclass
class _Context:
    ds: xr.Dataset
    b: ProgramBuilder
    coords: Coords
    idx: dict[str, np.ndarray] = field(default_factory=dict)
    # Derived arrays shared by several families.
    proc_plant: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    proc_product: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    src_resource: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    xmax: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    year_share: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _v(ds: xr.Dataset, name: str) -> np.ndarray:
    return np.asarray(ds[name].values, dtype=float)


def _positive_use(ctx: _Context) -> np.ndarray:
    return np.clip(_v(ctx.ds, "intensity"), 0.0, None)


def _positive_use_t(ctx: _Context) -> np.ndarray:
    """Positive intensities in each period, ``[process, resource, period]`` (seasons)."""
    return np.clip(seasonal_intensity(ctx.ds), 0.0, None)


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Return ``concatenate([arange(a, b) for a, b in zip(lo, hi)])`` without a loop.

    >>> _ranges(np.array([2, 7, 0]), np.array([4, 7, 1])).tolist()
    [2, 3, 0]
    """
    counts = hi - lo
    if counts.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    # Position within the output minus the output position where each range starts.
    starts = np.cumsum(counts) - counts
    return np.arange(counts.sum()) - np.repeat(starts - lo, counts)
