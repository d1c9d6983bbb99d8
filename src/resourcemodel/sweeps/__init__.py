"""Sensitivity sweeps: sample factors, re-solve warm, keep outcomes, analyse.

See :func:`sweep` (run), :func:`load_sweep` (read a spec), :func:`sample` (the runs'
factor values) and :mod:`resourcemodel.sweeps.analysis` (tornado data, Sobol indices) and
:mod:`resourcemodel.sweeps.plots`; :func:`sweep_pathway` re-solves a pathway for each value
of a pathway lever (discount rate, target, foresight), outcomes by scenario and year.
"""

from resourcemodel.sweeps.pathway import sweep_pathway
from resourcemodel.sweeps.runner import sweep
from resourcemodel.sweeps.sampling import sample
from resourcemodel.sweeps.spec import Factor, SweepSpec, load_sweep

__all__ = ["Factor", "SweepSpec", "load_sweep", "sample", "sweep", "sweep_pathway"]
