"""Exact contributions of the selected projects: one warm re-solve without each.

A selected project's ``net_value`` is its contribution at the margin, priced at the duals
of the LP with the choices fixed; where its draw moves those prices (a large project) or
the duals are degenerate (a cap binding with the displaced plant at zero output) it is
not what the province would lose without it. The exact figure is

``contribution_p = objective(portfolio) - objective(portfolio without p)``,

the second with every other choice kept and the province LP re-optimised (the water p
freed goes to whoever values it most). One LP per project, solved warm from the previous
one's basis (HiGHS); the other choices stay fixed, so it answers "what does this project
add to this portfolio", not "what would the best portfolio without it be".
"""

from __future__ import annotations

import highspy
import numpy as np

from resourcemodel.analyses.common import replace
from resourcemodel.program import LinearProgram

#: Values of ``contributions=``.
CONTRIBUTIONS = ("marginal", "exact")


def exact_contributions(
    lp: LinearProgram,
    u: np.ndarray,
    x: np.ndarray,
    candidates: np.ndarray,
) -> np.ndarray:
    """Return, per project, the objective lost without it (``nan`` where not computed).

    Parameters
    ----------
    lp : LinearProgram
        The portfolio program (minimised; ``objective_sign`` gives the reported sign).
    u : numpy.ndarray
        Column of each project's completion binary.
    x : numpy.ndarray
        The MILP's solution.
    candidates : numpy.ndarray
        Indices of the (selected) projects to re-solve without.

    Returns
    -------
    numpy.ndarray
        ``[project]`` in the objective's unit (USD or jobs), reported sign (a positive
        number: the project adds that much).
    """
    from resourcemodel.backends.highs import HighsModel

    integer = lp.integrality.astype(bool)
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[integer] = upper[integer] = np.round(x[integer])
    fixed = replace(lp, col_lower=lower, col_upper=upper, integrality=np.zeros_like(integer))
    model = HighsModel(fixed)
    h = model.h
    h.run()
    out = np.full(len(u), np.nan)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return out
    with_all = float(h.getInfo().objective_function_value)
    for p in np.asarray(candidates, dtype=int):
        col = int(u[p])
        h.changeColBounds(col, 0.0, 0.0)
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            without = float(h.getInfo().objective_function_value)
            out[p] = (without - with_all) * (1.0 if lp.objective_sign < 0 else -1.0)
        h.changeColBounds(col, float(lower[col]), float(upper[col]))
    return out
