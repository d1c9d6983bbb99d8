"""resourcemodel: industrial water, energy and raw-material allocation under caps.

A linear program allocates production, water, energy and raw materials across plants and
periods under resource caps, picks resource-saving measures, and reports what each cap
costs (shadow prices). The pipeline runs one way::

    scenario files -> load_inputs -> build -> solve -> results Dataset

Examples
--------
>>> import resourcemodel as rm
>>> res = rm.run(rm.examples.path("two_plants"))
>>> float(res["production"].sum())
300.0
"""

from __future__ import annotations

__version__ = "0.1.0"

from resourcemodel import analyses, examples
from resourcemodel.backends import SolveResult, TerminationCondition, available_backends
from resourcemodel.brief import brief
from resourcemodel.exceptions import (
    BackendError,
    InfeasibleError,
    ResourceModelError,
    ScenarioError,
    ValidationError,
)
from resourcemodel.formulation import Options, build
from resourcemodel.io import load as load_results
from resourcemodel.io import save
from resourcemodel.pipeline import load, run, solve
from resourcemodel.program import LinearProgram
from resourcemodel.sweeps import load_sweep, sweep
from resourcemodel.validate import load_inputs

__all__ = [
    "BackendError",
    "InfeasibleError",
    "LinearProgram",
    "Options",
    "ResourceModelError",
    "ScenarioError",
    "SolveResult",
    "TerminationCondition",
    "ValidationError",
    "__version__",
    "analyses",
    "available_backends",
    "brief",
    "build",
    "examples",
    "load",
    "load_inputs",
    "load_results",
    "load_sweep",
    "run",
    "save",
    "solve",
    "sweep",
]
