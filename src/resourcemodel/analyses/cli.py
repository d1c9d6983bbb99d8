"""Command-line subcommands of the analyses: explain, pareto, cost-curve, permit, decree-cost.

:func:`add_parsers` adds them to the main parser of :mod:`resourcemodel.cli`;
:data:`HANDLERS` maps each to its function. Each prints a planner-readable report and can
write its Dataset (``--out FILE.nc``, or ``.csv`` for tables) and a plot (``--plot FILE``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import xarray as xr


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the analysis subcommands to ``sub``."""
    ex = sub.add_parser(
        "explain",
        help="why a scenario is infeasible: the cheapest caps, must-run or demand to relax",
    )
    ex.add_argument("scenario", type=Path, help="scenario .toml file or case folder")
    ex.add_argument(
        "--mode",
        choices=["cheapest", "fewest"],
        default="cheapest",
        help="smallest total relaxation (default) or fewest limits changed (slower)",
    )
    ex.add_argument("--alternatives", type=int, default=3, help="alternative repairs to show")
    ex.add_argument("--backend", default="highs", choices=["highs", "pulp"])
    ex.add_argument("--out", type=Path, default=None, help="write the repairs (.nc or .csv)")

    pa = sub.add_parser("pareto", help="front of cost (or value added) against a resource")
    pa.add_argument("scenario", type=Path, help="scenario .toml file or case folder")
    pa.add_argument("--of", default="freshwater", help="source group, resource or resource group")
    pa.add_argument("--points", type=int, default=11, help="number of points (default 11)")
    pa.add_argument("--objective", choices=["cost", "value_added"], default=None)
    pa.add_argument("--unit", default=None, help="unit of the resource (e.g. Mm3)")
    pa.add_argument("--backend", default="highs", choices=["highs", "pulp"])
    pa.add_argument("--out", type=Path, default=None, help="write the front (.nc or .csv)")
    pa.add_argument("--plot", type=Path, default=None, help="save a plot (.png, .svg, .pdf)")

    cc = sub.add_parser("cost-curve", help="marginal cost curve of saving water or energy")
    cc.add_argument("scenario", type=Path, help="scenario .toml file or case folder")
    cc.add_argument("--of", default="water", help="resource to save (water, electricity...)")
    cc.add_argument(
        "--allow-output-cut",
        action="store_true",
        help="let output fall too (default: output held at the reference)",
    )
    cc.add_argument(
        "--resolution",
        type=float,
        default=1e-3,
        help="steps below this share of the total saving are not split (default 1e-3)",
    )
    cc.add_argument("--objective", choices=["cost", "value_added"], default=None)
    cc.add_argument("--unit", default=None, help="unit of the saving (e.g. Mm3, GJ)")
    cc.add_argument("--backend", default="highs", choices=["highs", "pulp"])
    cc.add_argument("--out", type=Path, default=None, help="write the curve (.nc or .csv)")
    cc.add_argument("--plot", type=Path, default=None, help="save a plot (.png, .svg, .pdf)")
    cc.add_argument(
        "--max-cost", type=float, default=None, help="top of the plot's cost axis (USD/unit)"
    )

    pe = sub.add_parser(
        "permit", help="a scenario without and with a project: footprint, displacement, prices"
    )
    pe.add_argument("scenario", type=Path, help="scenario .toml file or case folder")
    pe.add_argument(
        "projects",
        nargs="+",
        type=Path,
        help="overlay folders or scenario files with the project; several are ranked",
    )
    pe.add_argument("--of", default="freshwater", help="resource for the ranking")
    pe.add_argument("--objective", choices=["cost", "value_added"], default=None)
    pe.add_argument("--backend", default="highs", choices=["highs", "pulp"])
    pe.add_argument(
        "--out", type=Path, default=None, help="write the delta (.nc) or the ranking (.csv)"
    )

    de = sub.add_parser(
        "decree-cost",
        help="a cut shared pro rata (as decrees are written) against optimal allocation",
    )
    de.add_argument("scenario", type=Path, help="scenario .toml file with a curtailment or cap cut")
    de.add_argument(
        "--reference",
        type=Path,
        default=None,
        help="scenario whose draws are normal use (default: the scenario without its cut)",
    )
    de.add_argument("--objective", choices=["cost", "value_added"], default=None)
    de.add_argument("--backend", default="highs", choices=["highs", "pulp"])
    de.add_argument("--out", type=Path, default=None, help="write the comparison (.nc)")


def _write(ds: xr.Dataset, path: Path | None) -> None:
    if path is None:
        return
    from resourcemodel.io import save, write_with

    if path.suffix.lower() == ".csv":
        frame = ds.drop_vars([v for v in ds.data_vars if ds[v].ndim > 1]).to_dataframe()
        target = write_with(path, lambda tmp: frame.to_csv(tmp))
    else:
        target = save(ds, path)
    print(f"wrote {target}", file=sys.stderr)


def _plot(plotter: Callable[..., object], ds: xr.Dataset, path: Path | None) -> None:
    if path is None:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from resourcemodel.io import write_with

    ax = plotter(ds)
    fig = ax.figure  # type: ignore[attr-defined]
    fig.tight_layout()
    target = write_with(path, lambda tmp: fig.savefig(tmp, format=path.suffix.lstrip(".")))
    plt.close(fig)
    print(f"wrote {target}", file=sys.stderr)


def _cmd_explain(args: argparse.Namespace) -> int:
    from resourcemodel.analyses.explain import explain

    result = explain(
        args.scenario, mode=args.mode, alternatives=args.alternatives, backend=args.backend
    )
    print(result.text())
    if not result.feasible:
        _write(result.to_dataset(), args.out)
    return 0


def _cmd_pareto(args: argparse.Namespace) -> int:
    from resourcemodel.analyses.pareto import front_table, pareto
    from resourcemodel.analyses.plots import plot_pareto

    front = pareto(
        args.scenario,
        args.of,
        points=args.points,
        objective=args.objective,
        unit=args.unit,
        backend=args.backend,
    )
    print(front_table(front))
    _write(front, args.out)
    _plot(plot_pareto, front, args.plot)
    return 0


def _cmd_cost_curve(args: argparse.Namespace) -> int:
    from resourcemodel.analyses.cost_curve import cost_curve, curve_table
    from resourcemodel.analyses.plots import plot_cost_curve

    curve = cost_curve(
        args.scenario,
        args.of,
        keep_output=not args.allow_output_cut,
        resolution=args.resolution,
        unit=args.unit,
        objective=args.objective,
        backend=args.backend,
    )
    print(curve_table(curve))
    _write(curve, args.out)
    if args.max_cost is not None:
        low = min(0.0, float(curve["unit_cost"].min())) if curve.sizes["step"] else 0.0
        _plot(lambda ds: plot_cost_curve(ds, ylim=(low, args.max_cost)), curve, args.plot)
    else:
        _plot(plot_cost_curve, curve, args.plot)
    return 0


def _cmd_permit(args: argparse.Namespace) -> int:
    from resourcemodel.analyses.permit import permit_impact, rank_projects

    if len(args.projects) == 1:
        impact = permit_impact(
            args.scenario,
            args.projects[0],
            of=args.of,
            objective=args.objective,
            backend=args.backend,
        )
        print(impact.text())
        _write(impact.delta, args.out)
        return 0
    table = rank_projects(
        args.scenario, args.projects, of=args.of, objective=args.objective, backend=args.backend
    )
    unit = str(table["unit"].iloc[0]) if len(table) else ""
    print(f"Projects ranked by value added per {unit} of {args.of} they use (best first):")
    shown = table.drop(columns=["unit"]).rename(
        columns={
            "value_added_change": "value added change [USD]",
            "project_use": f"{args.of} use [{unit}]",
            "value_per_unit": f"USD per {unit}",
            "unmet_change_total": "unmet demand change",
        }
    )
    print(shown.to_string(index=False, float_format=lambda v: f"{v:,.4g}"))
    if args.out is not None:
        from resourcemodel.io import write_with

        target = write_with(args.out, lambda tmp: table.to_csv(tmp, index=False))
        print(f"wrote {target}", file=sys.stderr)
    return 0


def _cmd_decree(args: argparse.Namespace) -> int:
    from resourcemodel.analyses.decree import decree_cost, decree_table

    ds = decree_cost(
        args.scenario, reference=args.reference, objective=args.objective, backend=args.backend
    )
    print(decree_table(ds))
    _write(ds, args.out)
    return 0


#: Subcommand -> handler.
HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "explain": _cmd_explain,
    "pareto": _cmd_pareto,
    "cost-curve": _cmd_cost_curve,
    "permit": _cmd_permit,
    "decree-cost": _cmd_decree,
}
