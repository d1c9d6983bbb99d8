"""The half-finished projects: a register, screening, and portfolio selection under the caps.

- :func:`read_register`: a register CSV resolved against a case (one row per project);
- :func:`synthetic_register`: a seeded SYNTHETIC register for benchmarks and demos;
- :func:`screen`: every project's footprint and value at the scenario's shadow prices;
- :func:`select_portfolio`: which projects to complete (the province LP plus binaries);
- :func:`front`: the portfolio's value against freshwater drawn (epsilon constraint);
- :func:`schedule`: which projects to complete and when, over a pathway's years.
"""

from resourcemodel.portfolio.front import front
from resourcemodel.portfolio.register import SECTOR_DEFAULTS, read_register, register_from_frame
from resourcemodel.portfolio.screen import screen
from resourcemodel.portfolio.select import Portfolio, Rules, select_portfolio
from resourcemodel.portfolio.synthetic import synthetic_register
from resourcemodel.portfolio.timing import schedule, schedule_text

__all__ = [
    "SECTOR_DEFAULTS",
    "Portfolio",
    "Rules",
    "front",
    "read_register",
    "register_from_frame",
    "schedule",
    "schedule_text",
    "screen",
    "select_portfolio",
    "synthetic_register",
]
