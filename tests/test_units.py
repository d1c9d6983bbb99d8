"""Unit names: every name a planner may write means what a planner means, or is refused.

The audit: each accepted name with its value in SI base units (kg, m3, J, W, s, USD), and
names a planner might type that the unit library would read another way (``ton`` as a US
short ton, ``mm3`` as a thousandth of a m3, ``unit`` as a micro-nit), each refused with a
hint. A new name in :data:`resourcemodel.units.ACCEPTED` fails :func:`test_audit_is_complete`
until its meaning is added here.
"""

from __future__ import annotations

import pytest

from resourcemodel import units

YEAR = units.factor("yr", "s")  # whatever the registry's year is (365 or 365.25 days)

#: name -> (SI base unit it converts to, factor)
AUDIT: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("t", "tonne", "tonnes", "ton", "tons", "metric_ton"), ("kg", 1e3)),
    **dict.fromkeys(
        ("kt", "kton", "ktons", "ktonne", "ktonnes", "kilotonne", "kilotonnes"), ("kg", 1e6)
    ),
    **dict.fromkeys(("Mt", "Mton", "Mtons", "Mtonne", "Mtonnes", "megatonne"), ("kg", 1e9)),
    "Gt": ("kg", 1e12),
    "kg": ("kg", 1.0),
    "m3": ("m3", 1.0),
    "Nm3": ("m3", 1.0),
    **dict.fromkeys(("Mm3", "MCM", "million_m3", "hm3"), ("m3", 1e6)),
    **dict.fromkeys(("bcm", "km3"), ("m3", 1e9)),
    **dict.fromkeys(("L", "l", "litre", "litres", "liter", "liters"), ("m3", 1e-3)),
    "kL": ("m3", 1.0),
    "ML": ("m3", 1e3),
    "GL": ("m3", 1e6),
    **dict.fromkeys(("bbl", "barrel", "barrels"), ("m3", 0.158987294928)),
    "kbbl": ("m3", 158.987294928),
    "Mbbl": ("m3", 158987.294928),
    "J": ("J", 1.0),
    "kJ": ("J", 1e3),
    "MJ": ("J", 1e6),
    "GJ": ("J", 1e9),
    "TJ": ("J", 1e12),
    "PJ": ("J", 1e15),
    "EJ": ("J", 1e18),
    "Wh": ("J", 3.6e3),
    "kWh": ("J", 3.6e6),
    "MWh": ("J", 3.6e9),
    "GWh": ("J", 3.6e12),
    "TWh": ("J", 3.6e15),
    "toe": ("J", 41.868e9),
    "ktoe": ("J", 41.868e12),
    "Mtoe": ("J", 41.868e15),
    "W": ("W", 1.0),
    "kW": ("W", 1e3),
    "MW": ("W", 1e6),
    "GW": ("W", 1e9),
    "s": ("s", 1.0),
    **dict.fromkeys(("h", "hr", "hour", "hours"), ("s", 3600.0)),
    **dict.fromkeys(("d", "day", "days"), ("s", 86400.0)),
    **dict.fromkeys(("week", "weeks"), ("s", 7 * 86400.0)),
    **dict.fromkeys(("month", "months"), ("s", YEAR / 12)),
    **dict.fromkeys(("yr", "year", "years", "a"), ("s", YEAR)),
    "julian_year": ("s", 365.25 * 86400),
    **dict.fromkeys(("USD", "usd"), ("USD", 1.0)),
    "kUSD": ("USD", 1e3),
    **dict.fromkeys(("MUSD", "million_USD"), ("USD", 1e6)),
    "BUSD": ("USD", 1e9),
    **dict.fromkeys(("US_cent", "USc"), ("USD", 0.01)),
    **dict.fromkeys(("fraction", "frac", "dimensionless"), ("fraction", 1.0)),
    **dict.fromkeys(("%", "percent"), ("fraction", 0.01)),
}


def test_audit_is_complete() -> None:
    assert set(AUDIT) == set(units.ACCEPTED)


@pytest.mark.parametrize("name", sorted(AUDIT))
def test_accepted_name_means_what_a_planner_means(name: str) -> None:
    base, value = AUDIT[name]
    assert units.factor(name, base) == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize(
    ("text", "base", "value"),
    [
        ("kton/yr", "t/yr", 1e3),  # was 907 t: a prefixed US short ton
        ("tons", "kg", 1e3),  # was 907 kg
        ("km**3", "m3", 1e9),  # a cubic kilometre, written as a power
        ("Mm³", "m3", 1e6),  # million m3 with a superscript
        ("Mm^3", "m3", 1e6),  # not a cubic megametre (1e18 m3)
        ("m³/t", "m3/t", 1.0),
        ("US_cent/kWh", "USD/MWh", 10.0),
        ("Mt / yr", "t/yr", 1e6),
        ("-", "fraction", 1.0),
    ],
)
def test_compound_texts(text: str, base: str, value: float) -> None:
    assert units.factor(text, base) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("mm3", "did you mean 'Mm3' (million m3)?"),
        ("mm**3", "did you mean 'Mm3' (million m3)?"),
        ("cm3", "cubic centimetre"),
        ("MMm3", "did you mean 'Mm3' (million m3)?"),
        ("Gm3", "'bcm'"),
        ("kMm3/yr", "'kMm3' is not a unit of this model"),
        ("unit", "micro-nit"),
        ("mt", "milli-tonne"),
        ("MT", "mega-tesla"),
        ("mWh", "did you mean 'MWh'?"),
        ("mwh", "did you mean 'MWh'?"),
        ("Tonnes", "did you mean 'tonnes'?"),
        ("gal", "gallons differ"),
        ("short_ton", "907 kg"),
        ("MMbbl", "'Mbbl' (million barrels)"),
        ("mcm", "'Mm3'"),
        ("m", "a metre"),
        ("M USD", "joined to its unit"),
        ("kn", "knot"),  # pint knows it; a planner does not mean it
        ("tonnez", "did you mean"),
    ],
)
def test_refused_names(text: str, hint: str) -> None:
    with pytest.raises(units.UnitRefused) as info:
        units.parse(text)
    assert hint in str(info.value)


def test_refusal_of_an_unknown_name_lists_units() -> None:
    assert "units include t, kt, Mt, m3, Mm3" in units.refusal("zorkmid")
