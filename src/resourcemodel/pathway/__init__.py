"""Pathways: a horizon of years over the single-year model, with builds and foresight.

The single-year formulation is reused as it is: each year's inputs (the case with the
pathway's trajectories applied, :mod:`~resourcemodel.pathway.years`) are built into that
year's program, and :mod:`~resourcemodel.pathway.stack` puts the programs side by side
with build decisions linking them. :mod:`~resourcemodel.pathway.run` solves with perfect or
myopic foresight and returns results on a ``year`` dim.
"""

from resourcemodel.pathway.run import assemble_pathway, prepare, run_pathway, solve_pathway
from resourcemodel.pathway.spec import Candidate, Pathway, Trajectory, load_pathway
from resourcemodel.pathway.stack import PathwayProgram, annuity, stack
from resourcemodel.pathway.years import year_inputs

__all__ = [
    "Candidate",
    "Pathway",
    "PathwayProgram",
    "Trajectory",
    "annuity",
    "assemble_pathway",
    "load_pathway",
    "prepare",
    "run_pathway",
    "solve_pathway",
    "stack",
    "year_inputs",
]
