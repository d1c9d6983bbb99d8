"""Errors raised by resourcemodel.

Every error a planner can cause derives from :class:`ResourceModelError`. Input problems
also derive from :class:`ValueError` so callers can catch either. Messages name the file,
the row or key, what was expected and what was found.
"""

from __future__ import annotations

from collections.abc import Iterable


class ResourceModelError(Exception):
    """Base class of every error resourcemodel raises on purpose."""


class InputError(ResourceModelError, ValueError):
    """A problem with input files that a planner can fix.

    Parameters
    ----------
    problems : iterable of str
        One line per problem. All problems found are reported together.
    during : str
        The stage that found them, used as the heading.
    """

    heading = "Errors during input validation"

    def __init__(self, problems: Iterable[str] | str, during: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [problems]
        self.problems: list[str] = list(problems)
        self.during = during or self.heading
        if len(self.problems) == 1:
            msg = self.problems[0]
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            msg = f"{self.during} ({len(self.problems)} problems):\n{lines}"
        super().__init__(msg)


class ValidationError(InputError):
    """Input data tables are invalid (units, values, references, duplicates)."""

    heading = "Errors during input validation"


class ScenarioError(InputError):
    """A scenario file is invalid (syntax, unknown parameter, selector, inheritance)."""

    heading = "Errors in scenario"


class SweepError(InputError):
    """A sweep specification is invalid (factors, sampler, outcomes, output folder)."""

    heading = "Errors in sweep specification"


class BackendError(ResourceModelError):
    """A solver backend is unknown, missing or failed in a way that is not a status."""


class InfeasibleError(ResourceModelError):
    """A scenario has no feasible solution (raised only with ``strict=True``)."""

    def __init__(self, scenario: str, status: str, hint: str = "") -> None:
        self.scenario = scenario
        self.status = status
        msg = f"Scenario {scenario!r} has no optimal solution: the solver reported {status!r}."
        if hint:
            msg += f" {hint}"
        super().__init__(msg)


class ModelWarning(UserWarning):
    """Something suspicious in the inputs or the solution that is not an error."""


class InputWarning(ModelWarning):
    """Input that is valid but probably not what was meant.

    A unit slip, a process that cannot run, a scenario factor given as a percentage. The
    message names the file and row, or the scenario file and block.
    """
