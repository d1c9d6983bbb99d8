"""``resourcemodel pathway FILE``: solve a pathway, print the build plan and totals.

:func:`add_parsers` adds the subcommand to the main parser of :mod:`resourcemodel.cli`;
:data:`HANDLERS` maps it to :func:`cmd_pathway`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import xarray as xr


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``pathway`` subcommand."""
    pw = sub.add_parser(
        "pathway", help="solve a pathway of years (a scenario with [pathway]): what to build when"
    )
    pw.add_argument("scenario", type=Path, help="scenario file with a [pathway] table")
    pw.add_argument(
        "--foresight", choices=["perfect", "myopic"], default=None, help="override the file's"
    )
    pw.add_argument("--backend", default="highs", help="solver backend (highs or pulp)")
    pw.add_argument("--out", type=Path, default=None, help="write the results (.nc)")
    pw.add_argument(
        "--brief",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the pathway's policy brief (.html, .pdf, .md or .docx)",
    )
    pw.add_argument("--lang", choices=["en", "fa"], default="en", help="language of --brief")


_SCALE = {"MUSD": 1e6, "USD": 1.0}


def _money(value: float, unit: str) -> str:
    return f"{value / _SCALE[unit]:,.1f}"


def report(res: xr.Dataset) -> str:
    """Return the planner's summary: totals, years and the build plan, in MUSD and Mm3."""
    unit = "MUSD" if abs(float(res.attrs["objective"])) >= 1e6 else "USD"
    wunit, wscale = ("Mm3", 1e6) if unit == "MUSD" else ("m3", 1.0)
    sign = "cost" if res.attrs.get("objective_name", "cost") == "cost" else "value added"
    lines = [
        f"Pathway {res.attrs.get('scenario', '')}: {res.attrs['status']}, "
        f"{res.attrs.get('foresight', 'perfect')} foresight, discount rate "
        f"{100 * float(res.attrs.get('discount_rate', 0.0)):g}%",
        f"  objective ({sign}), discounted:   {_money(res.attrs['objective'], unit)} {unit}",
        f"  objective ({sign}), undiscounted: "
        f"{_money(res.attrs['objective_undiscounted'], unit)} {unit}",
        "",
        f"year  stands for  operations {unit}/yr  capital charges {unit}/yr  "
        f"water drawn {wunit}/yr",
    ]
    water = (
        res["resource_supplied"].sel(resource="water").sum([d for d in ("plant", "period")])
        if "water" in res["resource"].values
        else xr.zeros_like(res["objective_year"])
    )
    weights = res.attrs.get("year_weights_list", [])
    for i, year in enumerate(res["year"].values):
        w = weights[i] if i < len(weights) else ""
        lines.append(
            f"{int(year):<5} {w!s:>10}  {_money(float(res['objective_year'][i]), unit):>18}  "
            f"{_money(float(res['capital_charge_year'][i]), unit):>23}  "
            f"{float(water[i]) / wscale:>18,.1f}"
        )
    lines += ["", "Build plan (decision year, plant, measure, share of the whole measure built):"]
    if "build" not in res:
        lines.append("  no candidates.")
        return "\n".join(lines)
    built = res["build"].fillna(0.0)
    hits = np.argwhere(built.values > 1e-6)
    if not len(hits):
        lines.append("  nothing is built.")
    names = res["measure"].values
    for p, m, y in hits:
        charge = float(res["capital_charge"].isel(plant=p, measure=m).max())
        lines.append(
            f"  {int(res['year'].values[y])}  {res['plant'].values[p]:<20} {names[m]:<6} "
            f"{float(built.values[p, m, y]):.3f}   "
            f"(the pair's charges: up to {_money(charge, unit)} {unit}/yr)"
        )
    return "\n".join(lines)


def cmd_pathway(args: argparse.Namespace) -> int:
    """Run ``resourcemodel pathway``."""
    from resourcemodel import io
    from resourcemodel.pathway import load_pathway, run_pathway

    pathway = load_pathway(args.scenario)
    res = run_pathway(pathway, args.backend, foresight=args.foresight)
    print(report(res))
    if args.out is not None:
        io.save(res, args.out)
        print(f"\nwrote {args.out}")
    ok = res.attrs["status"] == "optimal"
    if res.attrs["status"] == "infeasible":
        from resourcemodel.analyses.explain_pathway import explain_pathway

        print("\n" + explain_pathway(pathway, backend=args.backend).text())
    if args.brief is not None and ok:
        from resourcemodel.brief import FORMATS, brief

        by_suffix = {suffix: name for name, suffix in FORMATS.items()}
        fmt = by_suffix.get(args.brief.suffix.lower(), "html")
        target = brief(pathway=res, lang=args.lang, format=fmt, out=args.brief)
        print(f"wrote {target}")
    elif args.brief is not None:
        print(f"no brief: the pathway is {res.attrs['status']}.")
    return 0 if ok else 1


HANDLERS = {"pathway": cmd_pathway}
