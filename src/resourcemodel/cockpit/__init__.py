"""The live what-if cockpit: sliders on the caps, charts updated in place, served by Voila.

:mod:`~resourcemodel.cockpit.levers` (what a slider changes) and
:mod:`~resourcemodel.cockpit.readout` (what the charts show) need numpy and xarray only;
:class:`~resourcemodel.cockpit.app.Cockpit` adds the widgets (ipywidgets and plotly, from
the ``notebooks`` extra). ``notebooks/00_cockpit.py`` displays it; ``make cockpit`` serves
that notebook as a web page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from resourcemodel.cockpit.levers import ISFAHAN, Lever, apply
from resourcemodel.cockpit.readout import Layout, Readout, layout, read

if TYPE_CHECKING:
    from resourcemodel.cockpit.app import Cockpit

__all__ = ["ISFAHAN", "Cockpit", "Layout", "Lever", "Readout", "apply", "layout", "read"]


def __getattr__(name: str) -> Any:
    """Import :class:`Cockpit` (and with it ipywidgets and plotly) on first use."""
    if name == "Cockpit":
        from resourcemodel.cockpit.app import Cockpit

        return Cockpit
    raise AttributeError(f"module 'resourcemodel.cockpit' has no attribute {name!r}")
