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

from typing import TYPE_CHECKING, Any

from resourcemodel import examples
from resourcemodel.backends import SolveResult, TerminationCondition, available_backends
from resourcemodel.brief import brief
from resourcemodel.exceptions import (
    BackendError,
    InfeasibleError,
    InputWarning,
    ResourceModelError,
    ScenarioError,
    ValidationError,
)
from resourcemodel.formulation import Options, build
from resourcemodel.io import load as load_results
from resourcemodel.io import save
from resourcemodel.model import Model
from resourcemodel.pipeline import load, run, solve
from resourcemodel.program import LinearProgram
from resourcemodel.validate import load_inputs

if TYPE_CHECKING:
    from resourcemodel import analyses
    from resourcemodel.pathway.model import PathwayModel
    from resourcemodel.sweeps import load_sweep, sweep

#: Parts imported on first use, so that ``resourcemodel run`` does not pay for the sweep
#: and analysis machinery. (``brief`` stays eager: the function shares its name with its
#: subpackage, and importing the subpackage first would otherwise shadow the function.)
_LAZY = {
    "analyses": ("resourcemodel.analyses", None),
    "PathwayModel": ("resourcemodel.pathway.model", "PathwayModel"),
    "load_sweep": ("resourcemodel.sweeps", "load_sweep"),
    "pathway": ("resourcemodel.pathway", None),
    "portfolio": ("resourcemodel.portfolio", None),
    "sweep": ("resourcemodel.sweeps", "sweep"),
}


def __getattr__(name: str) -> Any:
    """Import the lazy parts of the public API on first access (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'resourcemodel' has no attribute {name!r}")
    import importlib

    module_name, attr = _LAZY[name]
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "BackendError",
    "InfeasibleError",
    "InputWarning",
    "LinearProgram",
    "Model",
    "Options",
    "PathwayModel",
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
    "pathway",
    "portfolio",
    "run",
    "save",
    "solve",
    "sweep",
]
