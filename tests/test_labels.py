"""The shared labels module: charts and maps read their words without importing the brief."""

from __future__ import annotations

import subprocess
import sys

from resourcemodel import labels
from resourcemodel.brief import i18n


def test_charts_and_maps_do_not_import_the_brief() -> None:
    """``plots``, ``plots_maps``, ``export`` and the sweep charts take their labels from
    :mod:`resourcemodel.labels`: none of the brief's modules is loaded with them (the
    package ``resourcemodel.brief`` itself is, by ``resourcemodel/__init__``: ``rm.brief``)."""
    code = (
        "import sys\n"
        "import resourcemodel.plots, resourcemodel.plots_maps, resourcemodel.export\n"
        "import resourcemodel.sweeps.plots\n"
        "print(sorted(m for m in sys.modules if m.startswith('resourcemodel.brief.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_old_name_gives_the_same_objects() -> None:
    assert i18n.STRINGS is labels.STRINGS
    assert i18n.text is labels.text and i18n.display_name is labels.display_name
    assert i18n.MissingTranslationError is labels.MissingTranslationError
    assert i18n.text("cap_decree_limit", "en") == "plant's limit under the decree"


def test_units_are_spelled_out_in_one_place() -> None:
    from resourcemodel import export, units
    from resourcemodel.sweeps import plots as sweep_plots

    assert export._UNIT_TEXT is units.SPELLED_OUT
    assert sweep_plots.SPELLED is units.SPELLED_OUT
    assert labels.unit_name("Mm3", "en") == units.SPELLED_OUT["Mm3"] == "million m3"
