"""Samplers: each returns a ``(runs, factors)`` array of factor values, seeded."""

from __future__ import annotations

import itertools

import numpy as np

from resourcemodel.exceptions import SweepError
from resourcemodel.sweeps.spec import SweepSpec


def sample(spec: SweepSpec) -> np.ndarray:
    """Return the factor values of every run of ``spec`` (rows: runs; columns: factors).

    ``grid``: every combination of the factors' values. ``one_at_a_time``: the base run,
    then each factor through its values with the others at their base (for tornado
    charts). ``latin_hypercube``: ``samples`` runs, scipy's seeded Latin hypercube over
    the factors' ranges. ``sobol``: Saltelli's scheme through SALib with ``samples`` base
    points (needs the ``salib`` extra).
    """
    factors = spec.factors
    if spec.sampler == "grid":
        return np.array(list(itertools.product(*(f.values for f in factors))), dtype=float)
    if spec.sampler == "one_at_a_time":
        base = np.array([f.base for f in factors], dtype=float)
        rows = [base]
        for j, f in enumerate(factors):
            for value in f.values:
                if value == f.base:
                    continue
                row = base.copy()
                row[j] = value
                rows.append(row)
        return np.array(rows, dtype=float)
    lows = np.array([f.bounds[0] for f in factors], dtype=float)
    highs = np.array([f.bounds[1] for f in factors], dtype=float)
    if spec.sampler == "latin_hypercube":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(factors), seed=spec.seed).random(spec.samples)
        return np.asarray(
            qmc.scale(unit, lows, highs)
            if np.any(highs > lows)
            else np.broadcast_to(lows, unit.shape).copy(),
            dtype=float,
        )
    if spec.sampler == "sobol":
        try:
            from SALib.sample import sobol as salib_sobol
        except ImportError as err:
            msg = "The sobol sampler needs SALib: pip install 'resourcemodel[salib]'."
            raise SweepError(msg) from err
        problem = salib_problem(spec)
        return np.asarray(salib_sobol.sample(problem, spec.samples, seed=spec.seed), dtype=float)
    raise SweepError(f"Unknown sampler {spec.sampler!r}.")


def salib_problem(spec: SweepSpec) -> dict[str, object]:
    """Return the SALib problem dict (names and bounds) of a sweep."""
    return {
        "num_vars": len(spec.factors),
        "names": [f.name for f in spec.factors],
        "bounds": [list(f.bounds) for f in spec.factors],
    }
