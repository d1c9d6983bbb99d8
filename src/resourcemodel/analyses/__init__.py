"""Planner analyses built on the linear program.

- :func:`explain`: why a scenario is infeasible and the cheapest limits to relax;
  :func:`explain_pathway` the same for a pathway, by year.
- :func:`pareto`: the front between cost (or value added) and the draw of a resource.
- :func:`decree_cost`: a cut shared pro rata (as decrees are written) against optimal
  allocation.
"""

from __future__ import annotations

from resourcemodel.analyses.cost_curve import cost_curve, curve_table
from resourcemodel.analyses.decree import decree_cost, decree_table
from resourcemodel.analyses.explain import Explanation, apply_relaxations, explain
from resourcemodel.analyses.explain_pathway import PathwayExplanation, explain_pathway
from resourcemodel.analyses.pareto import front_table, pareto
from resourcemodel.analyses.permit import PermitImpact, permit_impact, rank_projects
from resourcemodel.analyses.plots import plot_cost_curve, plot_pareto

__all__ = [
    "Explanation",
    "PathwayExplanation",
    "PermitImpact",
    "apply_relaxations",
    "cost_curve",
    "curve_table",
    "decree_cost",
    "decree_table",
    "explain",
    "explain_pathway",
    "front_table",
    "pareto",
    "permit_impact",
    "plot_cost_curve",
    "plot_pareto",
    "rank_projects",
]
