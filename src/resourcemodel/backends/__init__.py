"""Solver backends, chosen by name.

Each solver library is imported only inside its backend module, and only when that
backend is used: importing :mod:`resourcemodel` does not import PuLP.
"""

from __future__ import annotations

import importlib

from resourcemodel.backends.base import (
    Backend,
    Ranging,
    SolveResult,
    TerminationCondition,
)
from resourcemodel.exceptions import BackendError

_REGISTRY = {
    "highs": ("resourcemodel.backends.highs", "HighsBackend"),
    "pulp": ("resourcemodel.backends.pulp", "PulpBackend"),
}


def available_backends() -> list[str]:
    """Return the names of backends whose solver library can be imported."""
    names = []
    for name, (module, _) in _REGISTRY.items():
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        names.append(name)
    return names


def get_backend(name: str, **options: object) -> Backend:
    """Return a backend instance by name.

    Raises
    ------
    BackendError
        If the name is unknown or its solver library is not installed.
    """
    if name not in _REGISTRY:
        msg = f"Unknown backend {name!r}; available backends: {sorted(_REGISTRY)}."
        raise BackendError(msg)
    module_name, cls_name = _REGISTRY[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        msg = f"Backend {name!r} needs a library that is not installed: {err}."
        raise BackendError(msg) from err
    cls = getattr(module, cls_name)
    return cls(**options)  # type: ignore[no-any-return]


__all__ = [
    "Backend",
    "Ranging",
    "SolveResult",
    "TerminationCondition",
    "available_backends",
    "get_backend",
]
