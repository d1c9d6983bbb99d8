"""Tiny bundled cases whose optimum can be derived by hand.

Each case folder has a ``README.md`` with the derivation. They serve tests, doctests and
the tour in the README.

Examples
--------
>>> from resourcemodel import examples
>>> examples.names()  # doctest: +NORMALIZE_WHITESPACE
['decree', 'emission_cap', 'infeasible', 'measure_payoff', 'permit_choice',
 'product_chain', 'summer_shortfall', 'two_plants', 'water_measures']
"""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).parent / "examples_data"


def names() -> list[str]:
    """Return the names of the bundled example cases."""
    return sorted(p.name for p in _ROOT.iterdir() if (p / "plants.csv").exists())


def path(name: str) -> Path:
    """Return the folder of example case ``name``.

    Raises
    ------
    KeyError
        If there is no such example (the message lists the examples).
    """
    folder = _ROOT / name
    if not (folder / "plants.csv").exists():
        msg = f"No example named {name!r}; examples: {names()}."
        raise KeyError(msg)
    return folder
