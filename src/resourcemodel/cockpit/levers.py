"""The cockpit's levers: each a share of one set of caps, applied to a :class:`Model`.

A lever is a ``[[change]]`` with ``scale`` whose value the planner sets with a slider (100%
is the scenario's own cap). :data:`ISFAHAN` are the levers of the Isfahan case: the
Zayandeh Rud and groundwater caps, grid power to heavy industry in summer (Tir-Mordad, the
months the summer-grid scenarios cut) and in the rest of the year, and pipeline gas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from resourcemodel.model import Model

#: The Jalali months of summer grid cuts (as ``scenarios/summer-grid-*.toml``).
SUMMER = ("tir", "mordad")
#: The other months of the Isfahan case.
REST_OF_YEAR = (
    "farvardin",
    "ordibehesht",
    "khordad",
    "shahrivar",
    "mehr",
    "aban",
    "azar",
    "dey",
    "bahman",
    "esfand",
)


@dataclass(frozen=True)
class Lever:
    """A slider on a set of caps.

    Attributes
    ----------
    name : str
        Key of the lever (``river``).
    label : str
        What the planner reads beside the slider.
    parameter : str
        The parameter scaled (``source_cap``).
    where : dict
        Selectors, as in a ``[[change]]`` table.
    low, high, step : float
        Slider range and step, as shares of the scenario's value (1 = unchanged).
    """

    name: str
    label: str
    parameter: str
    where: dict[str, str | list[str]] = field(default_factory=dict)
    low: float = 0.0
    high: float = 1.5
    step: float = 0.05


ISFAHAN: tuple[Lever, ...] = (
    Lever("river", "Zayandeh Rud river", "source_cap", {"source": "river_zayandeh"}),
    Lever("groundwater", "Groundwater (all plains)", "source_cap", {"source": "groundwater_*"}),
    Lever(
        "grid_summer",
        "Grid power, Tir-Mordad",
        "source_cap",
        {"source": "grid_electricity", "period": list(SUMMER)},
    ),
    Lever(
        "grid_rest",
        "Grid power, other months",
        "source_cap",
        {"source": "grid_electricity", "period": list(REST_OF_YEAR)},
    ),
    Lever("gas", "Pipeline gas", "source_cap", {"source": "gas_pipeline"}),
)


def apply(model: Model, levers: Sequence[Lever], values: Mapping[str, float]) -> Model:
    """Set ``model``'s changes to the levers at ``values`` (shares; 1 leaves a lever out).

    The model's earlier changes are dropped, so a lever moved twice is applied once.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> m = rm.Model(rm.examples.path("two_plants"))
    >>> river = Lever("river", "River", "source_cap", {"source": "river"})
    >>> apply(m, [river], {"river": 0.9}).changes
    [{'parameter': 'source_cap', 'where': {'source': ['river']}, 'scale': 0.9}]
    >>> apply(m, [river], {"river": 1.0}).changes
    []
    """
    model.reset()
    for lever in levers:
        share = float(values.get(lever.name, 1.0))
        if share != 1.0:
            model.set(lever.parameter, lever.where, scale=share)
    return model
