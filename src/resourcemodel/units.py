"""The unit registry shared by every module.

pint's default registry has traps for this field: ``kt`` is a knot, ``bbl`` a 31.5-gallon
barrel, ``Mm3`` a cubic megametre and ``c`` the speed of light. This registry redefines
them the way planners read them and adds currency as its own dimension.

The year is :data:`DAYS_PER_YEAR` (365) days, the model's year: pint's own ``year``/``yr``/
``a`` is the Julian year of 365.25 days, with which a capacity of ``1 t/d`` became
365.25 t/yr and a period of ``1 yr`` got 1.000685 of a year's capacity. ``month`` follows
(a twelfth of 365 days); ``julian_year`` keeps 365.25 days.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import pint

#: Days in the model's year: annual capacities, costs and caps are spread over periods by
#: ``duration / DAYS_PER_YEAR``, and ``year``/``yr``/``a`` in the unit registry is this long.
DAYS_PER_YEAR = 365

_DEFINITIONS = [
    f"year = {DAYS_PER_YEAR} * day = a = yr",
    "julian_year = 365.25 * day",
    "USD = [currency] = usd",
    "kUSD = 1e3 * USD",
    "MUSD = 1e6 * USD = million_USD",
    "BUSD = 1e9 * USD",
    "US_cent = 0.01 * USD = USc",
    "m3 = meter ** 3",
    "Mm3 = 1e6 * meter ** 3 = MCM = million_m3",
    "bcm = 1e9 * meter ** 3",
    "kt = 1000 * metric_ton",
    "bbl = oil_barrel",
    "kbbl = 1000 * oil_barrel",
    "Mbbl = 1e6 * oil_barrel",
    "Nm3 = meter ** 3",
    "fraction = [] = frac",
]

_SUPERSCRIPTS = str.maketrans({"³": "**3", "²": "**2"})


@functools.cache
def registry() -> pint.UnitRegistry:  # type: ignore[type-arg]
    """Return the package's unit registry (created once per process).

    pint's parsed default definitions are cached on disk (``cache_folder=":auto:"``,
    the user's cache folder), which cuts the registry's start-up from about 0.5 s to
    0.07 s; where that folder cannot be written, or a cache file is corrupt (a run killed
    while writing it), the registry is built without it.
    """
    try:
        ureg: pint.UnitRegistry = pint.UnitRegistry(  # type: ignore[type-arg]
            cache_folder=":auto:", on_redefinition="ignore"
        )
    except Exception:  # an unwritable folder, or a cache truncated by a killed run
        ureg = pint.UnitRegistry(on_redefinition="ignore")
    ureg._on_redefinition = "ignore"
    for definition in _DEFINITIONS:
        names = [part.strip() for part in definition.split("=")]
        # Remove the default meaning of the name and its aliases first so ours wins.
        for name in [names[0], *names[2:]]:
            ureg._units.pop(name, None)
        ureg.define(definition)
    return ureg


def normalise(unit: str) -> str:
    """Return a unit string pint can parse (``m³`` -> ``m**3``, ``-`` -> dimensionless)."""
    text = str(unit).strip().translate(_SUPERSCRIPTS)
    if text in {"", "-", "1", "none", "None"}:
        return "dimensionless"
    return re.sub(r"\s+", " ", text)


@functools.cache
def parse(unit: str) -> Any:
    """Parse a unit string into a pint ``Unit``; raises ``pint`` errors on failure."""
    return registry().Unit(normalise(unit))


@functools.cache
def factor(from_unit: str, to_unit: str) -> float:
    """Return the multiplier converting a value in ``from_unit`` into ``to_unit``.

    Raises
    ------
    pint.errors.UndefinedUnitError
        If either unit is unknown.
    pint.errors.DimensionalityError
        If the units measure different things.
    """
    ureg = registry()
    return float(ureg.Quantity(1.0, parse(from_unit)).to(parse(to_unit)).magnitude)


def dimensionality(unit: str) -> str:
    """Return a readable dimensionality of ``unit`` (for error messages)."""
    return str(parse(unit).dimensionality)
