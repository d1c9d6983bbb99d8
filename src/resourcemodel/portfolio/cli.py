"""``resourcemodel portfolio SCENARIO REGISTER``: select the projects to complete."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resourcemodel.exceptions import InputError

if TYPE_CHECKING:
    from resourcemodel.portfolio.select import Portfolio, Rules


def _pairs(items: list[str] | None, flag: str, kind: type) -> dict[str, Any] | None:
    if not items:
        return None
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep or not name:
                raise ValueError
            out[name] = kind(value)
        except ValueError:
            msg = f"{flag} expects NAME=VALUE (e.g. {flag} isfahan=40), got {item!r}."
            raise InputError(msg) from None
    return out


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``portfolio`` subcommand."""
    p = sub.add_parser("portfolio", help="select half-finished projects to complete under the caps")
    p.add_argument("scenario", type=Path, help="scenario .toml or case folder")
    p.add_argument("register", type=Path, help="project register CSV")
    p.add_argument("--objective", choices=["value_added", "jobs", "mix"], default="value_added")
    p.add_argument("--job-value", type=float, default=0.0, help="USD per job per year (mix)")
    p.add_argument("--budget", type=float, default=None, help="remaining investment, MUSD")
    p.add_argument("--county-quota", action="append", metavar="COUNTY=N", help="at most N")
    p.add_argument(
        "--sector-min-share", action="append", metavar="SECTOR=SHARE", help="0-1 of investment"
    )
    p.add_argument(
        "--partial", action="store_true", help="completed projects may run below capacity"
    )
    p.add_argument(
        "--complete-by", type=float, default=None, help="only projects completed by this year"
    )
    p.add_argument("--discount-rate", type=float, default=None, help="default 0.08")
    p.add_argument("--lifetime", type=float, default=None, help="years, default 20")
    p.add_argument("--gap", type=float, default=1e-4, help="relative MIP gap (default 1e-4)")
    p.add_argument("--time-limit", type=float, default=None, help="seconds")
    p.add_argument("--of", default="freshwater", help="resource reported (default freshwater)")
    p.add_argument(
        "--contributions",
        choices=["marginal", "exact"],
        default="marginal",
        help="exact: re-solve without each selected project (one warm LP each)",
    )
    p.add_argument(
        "--no-start",
        action="store_true",
        help="HiGHS alone, without the start built from the LP relaxation",
    )
    p.add_argument("--out", type=Path, default=None, help="write the per-project table (CSV)")
    p.add_argument("--top", type=int, default=10, help="lines per list (default 10)")
    p.add_argument(
        "--brief",
        type=Path,
        default=None,
        metavar="FILE",
        help="write a policy brief with a portfolio section (.html, .pdf, .md or .docx)",
    )
    p.add_argument("--lang", choices=["en", "fa"], default="en", help="language of --brief")
    p.add_argument(
        "--pathway",
        action="store_true",
        help="choose when: completion years over the scenario's [pathway] (value added)",
    )
    p.add_argument(
        "--year-budget",
        action="append",
        metavar="[YEAR=]MUSD",
        help="with --pathway: remaining investment completed in a representative year",
    )
    p.add_argument(
        "--front",
        type=int,
        default=0,
        metavar="POINTS",
        help="with --brief: draw the trade-off front with this many caps (e.g. 20)",
    )


def cmd_portfolio(args: argparse.Namespace) -> int:
    """Run the ``portfolio`` subcommand."""
    from resourcemodel.portfolio.screen import DISCOUNT_RATE, LIFETIME
    from resourcemodel.portfolio.select import Rules, select_portfolio

    if args.pathway:
        return _cmd_schedule(args)
    if _has_pathway(args.scenario):
        print(
            f"note: {args.scenario} has a [pathway] table; this is the single-year selection "
            "(add --pathway to choose completion years).",
            file=sys.stderr,
        )
    rules = Rules(
        budget=args.budget,
        county_quota=_pairs(args.county_quota, "--county-quota", int),
        sector_min_share=_pairs(args.sector_min_share, "--sector-min-share", float),
        partial=args.partial,
        complete_by=args.complete_by,
    )
    p = select_portfolio(
        args.scenario,
        args.register,
        objective=args.objective,
        job_value=args.job_value,
        rules=rules,
        discount_rate=DISCOUNT_RATE if args.discount_rate is None else args.discount_rate,
        lifetime=LIFETIME if args.lifetime is None else args.lifetime,
        backend=getattr(args, "backend", None) or "highs",
        mip_rel_gap=args.gap,
        time_limit=args.time_limit,
        of=args.of,
        start=not args.no_start,
        contributions=args.contributions,
    )
    print(p.text(args.top))
    if args.out is not None:
        table = p.projects.drop_vars("charge_by_family").drop_dims("family").to_dataframe()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    if args.brief is not None:
        _write_brief(args, p, rules)
    return 0


def _has_pathway(path: Path) -> bool:
    """Whether a scenario file carries a ``[pathway]`` table."""
    import tomllib

    if path.suffix != ".toml" or not path.is_file():
        return False
    with path.open("rb") as handle:
        return isinstance(tomllib.load(handle).get("pathway"), dict)


def _year_budget(items: list[str] | None) -> float | dict[int, float] | None:
    """``--year-budget 5`` (every year) or ``--year-budget 1404=5`` (repeatable)."""
    if not items:
        return None
    if len(items) == 1 and "=" not in items[0]:
        try:
            return float(items[0])
        except ValueError:
            pass
    pairs = _pairs(items, "--year-budget", float) or {}
    try:
        return {int(year): value for year, value in pairs.items()}
    except ValueError:
        msg = f"--year-budget expects YEAR=MUSD (e.g. --year-budget 1404=500), got {items!r}."
        raise InputError(msg) from None


def _cmd_schedule(args: argparse.Namespace) -> int:
    """``portfolio --pathway``: which projects to complete and when."""
    from resourcemodel.portfolio.screen import LIFETIME
    from resourcemodel.portfolio.select import Rules
    from resourcemodel.portfolio.timing import schedule, schedule_text

    unsupported = [
        flag
        for flag, on in (
            ("--partial", args.partial),
            ("--brief", args.brief is not None),
        )
        if on
    ]
    if unsupported:
        msg = f"--pathway chooses at full capacity, without a brief: drop {', '.join(unsupported)}."
        raise InputError(msg)
    rules = Rules(
        budget=args.budget,
        county_quota=_pairs(args.county_quota, "--county-quota", int),
        sector_min_share=_pairs(args.sector_min_share, "--sector-min-share", float),
        complete_by=args.complete_by,
    )
    ds = schedule(
        args.scenario,
        args.register,
        rules=rules,
        year_budget=_year_budget(args.year_budget),
        discount_rate=args.discount_rate,
        lifetime=LIFETIME if args.lifetime is None else args.lifetime,
        backend=getattr(args, "backend", None) or "highs",
        mip_rel_gap=args.gap,
        time_limit=args.time_limit,
        of=args.of,
        objective=args.objective,
        job_value=args.job_value,
    )
    print(schedule_text(ds, args.top))
    if args.out is not None:
        columns = ["completion", "expected_completion", "remaining_investment", "best_year"]
        columns += ["net_value", "reason", "why_not"]
        table = ds[columns].to_dataframe()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _write_brief(args: argparse.Namespace, p: Portfolio, rules: Rules) -> None:
    """Write the brief of the scenario with the portfolio (and its front when asked)."""
    from resourcemodel.brief import FORMATS, brief
    from resourcemodel.portfolio.front import front
    from resourcemodel.portfolio.screen import DISCOUNT_RATE, LIFETIME

    by_suffix = {suffix: name for name, suffix in FORMATS.items()}
    fmt = by_suffix.get(args.brief.suffix.lower(), "html")
    tradeoff = None
    if args.front > 0:
        tradeoff = front(
            args.scenario,
            args.register,
            points=args.front,
            objective=args.objective,
            job_value=args.job_value,
            rules=rules,
            discount_rate=DISCOUNT_RATE if args.discount_rate is None else args.discount_rate,
            lifetime=LIFETIME if args.lifetime is None else args.lifetime,
            backend=getattr(args, "backend", None) or "highs",
            time_limit=args.time_limit,
            of=args.of,
        )
    target = brief(
        p.results,
        lang=args.lang,
        format=fmt,
        out=args.brief,
        portfolio=p,
        portfolio_front=tradeoff,
    )
    print(f"wrote {target}", file=sys.stderr)


HANDLERS = {"portfolio": cmd_portfolio}
