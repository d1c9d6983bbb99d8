"""Command line: ``resourcemodel run | validate | diff | examples``.

Bad input gives one clear message and exit code 2, never a traceback (unless ``--debug``).
An infeasible scenario exits with code 3 after saying so.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

EXIT_INPUT = 2
EXIT_INFEASIBLE = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="resourcemodel",
        description="Allocate industrial water, energy and raw materials under caps.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="solve scenarios and print a summary")
    run.add_argument(
        "paths", nargs="*", type=Path, help="scenario .toml files, folders of them, or case folders"
    )
    run.add_argument("--examples", action="store_true", help="also run every bundled example")
    run.add_argument("--backend", default="highs", choices=["highs", "pulp"])
    run.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        help="folder for results files (default: ./results)",
    )
    run.add_argument("--no-save", action="store_true", help="do not write results files")
    run.add_argument("--objective", choices=["cost", "value_added"], default=None)
    run.add_argument("--time-limit", type=float, default=None, help="solver time limit (s)")
    run.add_argument(
        "--method",
        choices=["simplex", "ipm", "pdlp", "choose"],
        default=None,
        help="HiGHS algorithm (default: HiGHS chooses)",
    )
    run.add_argument("--presolve", choices=["on", "off", "choose"], default=None)
    run.add_argument("--threads", type=int, default=None, help="solver threads")
    run.add_argument(
        "--tolerance",
        type=float,
        default=None,
        help="primal and dual feasibility tolerance (HiGHS default 1e-7)",
    )
    run.add_argument(
        "--write-lp",
        type=Path,
        default=None,
        help="also write the LP as .lp or .mps (single scenario)",
    )

    val = sub.add_parser("validate", help="check input files without solving")
    val.add_argument("paths", nargs="+", type=Path)

    diff = sub.add_parser("diff", help="print every value a scenario changes")
    diff.add_argument("scenario", type=Path)

    sw = sub.add_parser("sweep", help="run a sensitivity sweep (sweeps/*.toml)")
    sw.add_argument("spec", type=Path, help="sweep specification (.toml)")
    sw.add_argument("--workers", type=int, default=2, help="local worker processes (default 2)")
    sw.add_argument("--scheduler", default=None, help="dask.distributed scheduler address")
    sw.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for checkpoints and sweep.nc (default: results/sweep-NAME)",
    )
    sw.add_argument("--resume", action="store_true", help="continue an interrupted sweep")
    sw.add_argument("--no-progress", action="store_true", help="no progress bar")

    br = sub.add_parser("brief", help="write a policy brief (HTML, PDF, Markdown, DOCX)")
    br.add_argument("results", nargs="+", type=Path, help="results .nc files (first: baseline)")
    br.add_argument("--lang", choices=["en", "fa"], default="en", help="English or Persian")
    br.add_argument(
        "--format",
        choices=["html", "pdf", "md", "docx"],
        default=None,
        help="output format (default: from --out's suffix, else html)",
    )
    br.add_argument("--out", type=Path, default=None, help="file to write")
    br.add_argument("--baseline", default=None, help="baseline: a results file or scenario name")

    ex = sub.add_parser("export", help="export results as CSV, Excel or netCDF")
    ex.add_argument("results", nargs="+", type=Path, help="results .nc files")
    ex.add_argument("--format", choices=["csv", "xlsx", "netcdf"], default="csv")
    ex.add_argument("--out", type=Path, default=Path("export"), help="folder (default ./export)")

    sub.add_parser("examples", help="list the bundled example cases")
    from resourcemodel.analyses.cli import add_parsers

    add_parsers(sub)  # explain, pareto, cost-curve, permit
    return parser


def _expand(paths: Sequence[Path]) -> list[Path]:
    """Scenario files in the order given; a folder of .toml files expands to baseline first."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir() and not (path / "plants.csv").exists():
            files = sorted(path.glob("*.toml"), key=lambda p: (p.stem != "baseline", p.stem))
            if not files:
                from resourcemodel.exceptions import InputError

                msg = f"{str(path)!r}: no scenario .toml files (and not a case folder)."
                raise InputError(msg)
            out.extend(files)
        else:
            out.append(path)
    return out


def _cmd_run(args: argparse.Namespace) -> int:
    import resourcemodel as rm
    from resourcemodel import report

    paths = _expand(args.paths)
    if args.examples:
        paths += [rm.examples.path(name) for name in rm.examples.names()]
    if not paths:
        from resourcemodel.exceptions import InputError

        msg = "Nothing to run: give scenario files or folders (or --examples)."
        raise InputError(msg)
    _check_before_solving(args, paths)
    options = {}
    if args.time_limit is not None:
        options["time_limit"] = args.time_limit
    if args.backend == "highs":
        for key in ("method", "presolve", "threads"):
            if getattr(args, key) is not None:
                options[key] = getattr(args, key)
        if args.tolerance is not None:
            options["primal_feasibility_tolerance"] = args.tolerance
            options["dual_feasibility_tolerance"] = args.tolerance
    results = []
    worst = 0
    start = time.perf_counter()
    for path in paths:
        res = rm.run(path, backend=args.backend, objective=args.objective, **options)
        results.append(res)
        if len(paths) == 1:
            print(report.summary(res))
        if res.attrs["status"] != "optimal" and len(paths) == 1:
            worst = EXIT_INFEASIBLE
        if res.attrs["status"] in ("infeasible", "infeasible_or_unbounded"):
            print(f"see why: resourcemodel explain {path}", file=sys.stderr)
        if not args.no_save:
            name = str(res.attrs.get("scenario", path.stem))
            target = rm.save(res, result_path(args.out, name))
            print(f"wrote {target}", file=sys.stderr)
    if args.write_lp is not None:
        from resourcemodel.backends import pulp as pulp_backend

        inputs, _, _ = rm.load(paths[0])
        pulp_backend.write(rm.build(inputs), args.write_lp)  # atomic: a temporary name, renamed
        print(f"wrote {args.write_lp}", file=sys.stderr)
    if len(paths) > 1:
        import pandas as pd

        table = report.comparison(results)
        with pd.option_context(
            "display.max_columns",
            None,
            "display.width",
            250,
            "display.float_format",
            lambda v: f"{v:,.3g}",
        ):
            print(table.to_string(index=False))
        print(f"\n{len(paths)} scenarios in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return worst


def result_path(out: Path, name: str) -> Path:
    """Return the results file of scenario ``name`` inside ``out``, never outside it.

    A scenario's ``name`` is free text: path separators, ``..``, control characters and
    characters Windows forbids become ``_``; letters of any script (Persian) stay.

    Examples
    --------
    >>> result_path(Path("results"), "../../evil").as_posix()
    'results/_.._evil.nc'
    >>> result_path(Path("results"), "آب-کم").as_posix()
    'results/آب-کم.nc'
    """
    import re

    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", name).strip().lstrip(".") or "scenario"
    target = out / f"{safe[:200]}.nc"
    assert target.parent == out
    return target


def _check_before_solving(args: argparse.Namespace, paths: list[Path]) -> None:
    """Refuse bad options and, for several runs, bad inputs before anything is written."""
    import resourcemodel as rm
    from resourcemodel.exceptions import InputError

    if args.write_lp is not None and args.write_lp.suffix.lower() not in (".lp", ".mps"):
        msg = f"--write-lp {str(args.write_lp)!r}: the file name must end in .lp or .mps."
        raise InputError(msg)
    if len(paths) <= 1:
        return
    # A bad file found after hours of solving would leave half a sweep: check them all
    # first, reading each case folder once (scenarios usually share one).
    import xarray as xr

    from resourcemodel.scenario import apply_changes, load_scenario
    from resourcemodel.validate import load_inputs

    cases: dict[tuple[Path, tuple[Path, ...]], xr.Dataset] = {}
    for path in paths:
        if not path.is_file():
            rm.load(path)  # a case folder, or a path that does not exist
            continue
        spec = load_scenario(path)
        key = (spec.data, spec.overlays)
        if key not in cases:
            cases[key] = load_inputs(spec.data, overlays=spec.overlays)
        apply_changes(cases[key], spec)


def _cmd_validate(args: argparse.Namespace) -> int:
    import resourcemodel as rm

    for path in _expand(args.paths):
        inputs, _, diff = rm.load(path)
        sizes = ", ".join(f"{n} {d}" for d, n in inputs.sizes.items())
        print(f"{path}: OK ({sizes}; {len(diff)} values changed by the scenario)")
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    import resourcemodel as rm
    from resourcemodel.scenario import format_diff

    _, spec, diff = rm.load(args.scenario)
    chain = " -> ".join(spec.chain) if spec else str(args.scenario)
    print(f"Scenario chain: {chain}")
    print(format_diff(diff))
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from resourcemodel.sweeps import load_sweep, sweep

    spec = load_sweep(args.spec)
    out = args.out or Path("results") / f"sweep-{_safe(spec.name)}"
    ds = sweep(
        spec,
        workers=args.workers,
        scheduler=args.scheduler,
        out=out,
        resume=args.resume,
        progress=not args.no_progress,
    )
    seconds = float(ds.attrs["seconds"])
    print(
        f"Sweep {spec.name!r}: {ds.attrs['runs']} runs, {ds.attrs['runs_optimal']} optimal, "
        f"{ds.attrs['runs_failed']} not ({ds.attrs['executor']}, {seconds:.1f} s, "
        f"{ds.attrs['runs'] / max(seconds, 1e-9):.0f} runs/s)"
    )
    statuses = {str(s): int((ds["status"] == s).sum()) for s in set(ds["status"].values)}
    print("  status: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    print(f"  results: {out / 'sweep.nc'}")
    return 0


def _safe(name: str) -> str:
    """Return ``name`` usable as one file name inside an output folder."""
    import re

    cleaned = re.sub(r"[^\w.-]+", "_", name).strip("._")
    return cleaned or "unnamed"


def _cmd_brief(args: argparse.Namespace) -> int:
    from resourcemodel.brief import FORMATS, brief

    fmt = args.format
    if fmt is None:
        by_suffix = {suffix: name for name, suffix in FORMATS.items()}
        fmt = by_suffix.get(args.out.suffix.lower(), "html") if args.out else "html"
    out = args.out
    if out is None:
        stem = args.results[0].stem if len(args.results) == 1 else "comparison"
        out = Path(f"brief-{stem}.{args.lang}{FORMATS[fmt]}")
    baseline = args.baseline
    if baseline is not None and Path(baseline).suffix == ".nc":
        baseline = Path(baseline)
    target = brief(args.results, lang=args.lang, format=fmt, out=out, baseline=baseline)
    print(f"wrote {target}", file=sys.stderr)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from resourcemodel.export import export

    written = export(args.results, format=args.format, out=args.out)
    folders = sorted({str(p.parent) for p in written})
    print(f"wrote {len(written)} files in {', '.join(folders)}", file=sys.stderr)
    return 0


def _cmd_examples(args: argparse.Namespace) -> int:
    from resourcemodel import examples

    for name in examples.names():
        print(f"{name}: {examples.path(name)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    from resourcemodel.exceptions import InfeasibleError, ResourceModelError

    handlers = {
        "run": _cmd_run,
        "validate": _cmd_validate,
        "diff": _cmd_diff,
        "examples": _cmd_examples,
        "sweep": _cmd_sweep,
        "brief": _cmd_brief,
        "export": _cmd_export,
    }
    from resourcemodel.analyses.cli import HANDLERS

    handlers.update(HANDLERS)
    try:
        return handlers[args.command](args)
    except InfeasibleError as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except ResourceModelError as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as err:  # e.g. --out is a file or not writable
        if args.debug:
            raise
        where = f" {str(err.filename)!r}" if err.filename else ""
        print(f"error: cannot read or write{where} ({err.strerror or err}).", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted; files already written are complete.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
