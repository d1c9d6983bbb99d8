"""The unit registry shared by every module, and the unit names a planner may write.

pint's default registry has traps for this field: ``kt`` is a knot, ``ton`` a US short ton
(907 kg), ``bbl`` a 31.5-gallon barrel, ``Mm3`` a cubic megametre, ``unit`` a micro-nit and
``mt`` a milli-tonne; and because ``m3`` is one unit, an SI prefix attaches to it (``mm3``
would be a thousandth of a m3, ``MMm3`` a million Mm3). This module therefore accepts only
the names in :data:`ACCEPTED`, each with one meaning (tonnes are metric, ``km3`` is a cubic
kilometre), and refuses every other name with the reason and the nearest accepted names.
Currency is its own dimension.

The year is :data:`DAYS_PER_YEAR` (365) days, the model's year: pint's own ``year``/``yr``/
``a`` is the Julian year of 365.25 days, with which a capacity of ``1 t/d`` became
365.25 t/yr and a period of ``1 yr`` got 1.000685 of a year's capacity. ``month`` follows
(a twelfth of 365 days); ``julian_year`` keeps 365.25 days.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import Any

import pint

#: Planner units spelled out for a reader (``Mm3`` is a megametre cubed to a physicist):
#: one place for exports, sweep charts and briefs.
SPELLED_OUT = {
    "Mm3": "million m3",
    "bcm": "billion m3",
    "kUSD": "thousand USD",
    "MUSD": "million USD",
    "BUSD": "billion USD",
}

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
    "job = [employment] = jobs",
]


def _names(expression: str, *names: str) -> dict[str, str]:
    return dict.fromkeys(names, expression)


#: Every unit name an input may use -> the registry expression it stands for. A unit text
#: is names from here joined by ``*``, ``/``, ``**`` and parentheses (``m3/t``, ``USD/MWh``,
#: ``Mt/yr``). A ton is a metric tonne (1,000 kg), as planners mean it.
ACCEPTED: dict[str, str] = {
    # mass
    **_names("metric_ton", "t", "tonne", "tonnes", "ton", "tons", "metric_ton"),
    **_names("kt", "kt", "kton", "ktons", "ktonne", "ktonnes", "kilotonne", "kilotonnes"),
    **_names("megametric_ton", "Mt", "Mton", "Mtons", "Mtonne", "Mtonnes", "megatonne"),
    **_names("gigametric_ton", "Gt"),
    **_names("kilogram", "kg"),
    # volume
    **_names("m3", "m3"),
    **_names("Mm3", "Mm3", "MCM", "million_m3", "hm3"),
    **_names("bcm", "bcm", "km3"),
    **_names("liter", "L", "l", "litre", "litres", "liter", "liters"),
    **_names("kiloliter", "kL"),
    **_names("megaliter", "ML"),
    **_names("gigaliter", "GL"),
    **_names("Nm3", "Nm3"),
    **_names("bbl", "bbl", "barrel", "barrels"),
    **_names("kbbl", "kbbl"),
    **_names("Mbbl", "Mbbl"),
    # energy and power
    **{name: name for name in ("J", "kJ", "MJ", "GJ", "TJ", "PJ", "EJ")},
    **{name: name for name in ("Wh", "kWh", "MWh", "GWh", "TWh")},
    **{name: name for name in ("toe", "ktoe", "Mtoe")},
    **{name: name for name in ("W", "kW", "MW", "GW")},
    # time (a year is whatever the registry's ``yr`` is)
    **_names("second", "s"),
    **_names("hour", "h", "hr", "hour", "hours"),
    **_names("day", "d", "day", "days"),
    **_names("week", "week", "weeks"),
    **_names("month", "month", "months"),
    **_names("yr", "yr", "year", "years", "a"),
    **_names("julian_year", "julian_year"),  # 365.25 d, for a source that uses it
    # money
    **_names("USD", "USD", "usd"),
    **{name: name for name in ("kUSD", "MUSD", "million_USD", "BUSD", "US_cent", "USc")},
    # employment (jobs per unit of annual output)
    **_names("job", "job", "jobs"),
    # shares
    **_names("fraction", "fraction", "frac"),
    **_names("percent", "%", "percent"),
    **_names("dimensionless", "dimensionless"),
}

#: Names a planner types meaning something other than what the unit library would read.
SLIPS: dict[str, str] = {
    "mm3": "it would be a thousandth of a m3 (a cubic millimetre, read literally); "
    "did you mean 'Mm3' (million m3)?",
    "cm3": "it would be a cubic centimetre; did you mean 'm3', or 'Mm3' (million m3)?",
    "MMm3": "'MM' is not a prefix here; did you mean 'Mm3' (million m3)?",
    "Gm3": "did you mean 'bcm' (billion m3)?",
    "mcm": "it is a thousand m3 in the gas trade but a million m3 in water reports; "
    "write 'Mm3' (million m3) or 'm3'",
    "MMbbl": "'MM' is not a prefix here; did you mean 'Mbbl' (million barrels)?",
    "mt": "it would be a milli-tonne (1 kg); write 't' for tonnes or 'Mt' for million tonnes",
    "MT": "it would be a mega-tesla; write 't' for tonnes or 'Mt' for million tonnes",
    "m": "it is a metre (a length); volumes are 'm3', 'Mm3' or 'bcm', and 'million' is "
    "the prefix M joined to the unit ('Mm3', 'MUSD', 'Mt')",
    "M": "a prefix must be joined to its unit: 'Mm3', 'MUSD', 'Mt', 'MWh'",
    "gal": "US and imperial gallons differ; give the volume in 'L' or 'm3'",
    "gallon": "US and imperial gallons differ; give the volume in 'L' or 'm3'",
    "short_ton": "a short ton is 907 kg; give the mass in 't' (metric tonnes)",
    "long_ton": "a long ton is 1,016 kg; give the mass in 't' (metric tonnes)",
}

#: Shown when a name is refused and no accepted name is close.
_SAMPLE = "t, kt, Mt, m3, Mm3, bcm, L, MWh, GWh, GJ, PJ, toe, bbl, USD, MUSD, d, yr, fraction, %"

_SUPERSCRIPTS = str.maketrans({"³": "**3", "²": "**2"})
#: A metre with a prefix, cubed: ``km**3``, ``Mm^3``, ``mm³`` are read as the names
#: ``km3``, ``Mm3``, ``mm3`` so that both spellings mean (or are refused as) the same.
_CUBED = re.compile(r"(?<![\w.])([A-Za-zµ]{0,2}m)\s*(?:\*\*|\^)\s*3(?![\w.])")
#: A name inside a unit text (not the exponent of a number such as ``1e6``), or ``%``.
_NAME = re.compile(r"(?<![\w.])[^\W\d]\w*|%")


class UnitRefused(ValueError):
    """A unit text that is not accepted; the message says why and what to write instead."""


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
    """Return a unit string pint can parse (``m³`` -> ``m3``, ``-`` -> dimensionless).

    Examples
    --------
    >>> normalise(" Mm³ / yr "), normalise("km**3"), normalise("-")
    ('Mm3 / yr', 'km3', 'dimensionless')
    """
    text = str(unit).strip().translate(_SUPERSCRIPTS)
    if text in {"", "-", "1", "none", "None"}:
        return "dimensionless"
    return _CUBED.sub(r"\g<1>3", re.sub(r"\s+", " ", text))


def refusal(name: str) -> str:
    """Return why a unit name is not accepted and what to write instead.

    Examples
    --------
    >>> refusal("unit")
    "'unit' is not a unit of this model (the unit library would read it as micro-nit)"
    >>> refusal("Tonnes")
    "'Tonnes' is not a unit of this model; did you mean 'tonnes'?"
    """
    if name in SLIPS:
        return f"{name!r} is not accepted: {SLIPS[name]}"
    text = f"{name!r} is not a unit of this model"
    reading = _library_reading(name)
    if reading:
        text += f" (the unit library would read it as {reading})"
    same_letters = [a for a in ACCEPTED if a.lower() == name.lower()]
    near = same_letters or difflib.get_close_matches(name, ACCEPTED, n=3, cutoff=0.75)
    if near:
        return text + "; did you mean " + " or ".join(repr(n) for n in near) + "?"
    return text if reading else f"{text}; units include {_SAMPLE}"


def _library_reading(name: str) -> str:
    """Return how pint would read ``name`` (``'micro-nit'``), or ``''`` if it would not."""
    try:
        readings = registry().parse_unit_name(name)
    except Exception:  # a name pint's own parser chokes on
        return ""
    if not readings:
        return ""
    prefix, unit, _ = readings[0]
    return f"{prefix}-{unit}" if prefix else unit


def screen(unit: str) -> str:
    """Return the registry expression of a unit text, refusing names not in :data:`ACCEPTED`.

    Raises
    ------
    UnitRefused
        Naming the first name refused and why.

    Examples
    --------
    >>> screen("tons/yr")
    '(metric_ton)/(yr)'
    >>> screen("mm3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resourcemodel.units.UnitRefused: 'mm3' is not accepted: it would be a thousandth of a m3 ...
    """

    def swap(match: re.Match[str]) -> str:
        name = match.group(0)
        if name not in ACCEPTED:
            raise UnitRefused(refusal(name))
        return f"({ACCEPTED[name]})"

    return _NAME.sub(swap, normalise(unit))


@functools.cache
def parse(unit: str) -> Any:
    """Parse a unit string into a pint ``Unit``.

    Raises
    ------
    UnitRefused
        If it holds a name that is not accepted (see :func:`screen`).
    pint.errors.PintError, ValueError
        If pint cannot parse the expression.
    """
    return registry().Unit(screen(unit))


@functools.cache
def factor(from_unit: str, to_unit: str) -> float:
    """Return the multiplier converting a value in ``from_unit`` into ``to_unit``.

    Raises
    ------
    UnitRefused
        If either unit holds a name that is not accepted.
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
