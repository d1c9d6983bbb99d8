"""Command line: ``resourcemodel run | validate | diff | template | examples`` and more.

Bad input gives one clear message and exit code 2, never a traceback (unless ``--debug``).
An infeasible scenario exits with code 3 after saying so.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import xarray as xr

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
        "paths",
        nargs="*",
        type=Path,
        help="scenario .toml files, folders of them, case folders or case workbooks (.xlsx)",
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
    br.add_argument(
        "--sensitivity",
        type=Path,
        action="append",
        default=None,
        metavar="FILE.nc",
        help="a sweep result (resourcemodel sweep) or cost curve (cost-curve --out): adds a "
        "sensitivity section (tornado or cost curve); repeat for several",
    )

    ex = sub.add_parser("export", help="export results as CSV, Excel or netCDF")
    ex.add_argument("results", nargs="+", type=Path, help="results .nc files")
    ex.add_argument(
        "--format",
        choices=["csv", "xlsx", "netcdf"],
        default=None,
        help="one file (or folder) per scenario in --out (default csv, unless --workbook)",
    )
    ex.add_argument("--out", type=Path, default=Path("export"), help="folder (default ./export)")
    ex.add_argument(
        "--workbook",
        type=Path,
        default=None,
        metavar="FILE.xlsx",
        help="one Excel workbook comparing the scenarios side by side, for planners",
    )

    sub.add_parser("examples", help="list the bundled example cases")
    tp = sub.add_parser(
        "template",
        help="write a case as an editable Excel workbook (or a workbook back as CSV tables)",
    )
    tp.add_argument(
        "case", help="case folder, case workbook (.xlsx), or bundled case name (isfahan)"
    )
    tp.add_argument(
        "--out",
        type=Path,
        required=True,
        help="FILE.xlsx for a workbook; any other path is a folder of CSV tables",
    )
    npl = sub.add_parser(
        "new-plant",
        help="write an overlay and a scenario for a new plant like an existing one, scaled",
    )
    npl.add_argument("--like", required=True, help="the existing plant to copy")
    npl.add_argument("--capacity", required=True, help="new capacity, e.g. '1 Mt/yr'")
    npl.add_argument("--id", required=True, dest="plant", help="label of the new plant")
    npl.add_argument("--name", required=True, help="name of the new plant")
    npl.add_argument("--name-fa", default="", help="Persian name")
    npl.add_argument("--out", type=Path, required=True, help="overlay folder to write")
    npl.add_argument(
        "--scenario",
        default="isfahan",
        help="scenario .toml to extend, or case folder/workbook/bundled name (default isfahan)",
    )
    npl.add_argument("--process", default=None, help="the process --capacity is for")
    npl.add_argument(
        "--market",
        choices=["own", "shared"],
        default="own",
        help="own products with their own demand (default) or the reference's products",
    )
    npl.add_argument(
        "--rights",
        choices=["scale", "omit"],
        default="scale",
        help="the reference's contracts, connection caps and permits: scaled or left out",
    )
    npl.add_argument("--scenario-out", type=Path, default=None, help="scenario file to write")
    from resourcemodel.analyses.cli import add_parsers

    add_parsers(sub)  # explain, pareto, cost-curve, permit, decree-cost
    from resourcemodel.portfolio.cli import add_parser as add_portfolio

    add_portfolio(sub)

    from resourcemodel.pathway.cli import add_parsers as add_pathway

    add_pathway(sub)
    return parser


def _finite(value: float) -> bool:
    return math.isfinite(value)


#: Numeric options: attribute -> (flag, test, what is expected).
_NUMBERS: dict[str, tuple[str, Callable[[float], bool], str]] = {
    "time_limit": ("--time-limit", lambda v: v > 0, "a number of seconds > 0"),
    "threads": ("--threads", lambda v: v >= 1, "a whole number >= 1"),
    "tolerance": ("--tolerance", lambda v: 0 < v < 1, "a number between 0 and 1, e.g. 1e-7"),
    "workers": ("--workers", lambda v: v >= 1, "a whole number >= 1 (1 runs in this process)"),
    "points": ("--points", lambda v: v >= 2, "a whole number >= 2 (the two ends and between)"),
    "alternatives": ("--alternatives", lambda v: v >= 0, "a whole number >= 0"),
    "resolution": ("--resolution", lambda v: 0 < v < 1, "a share between 0 and 1, e.g. 1e-3"),
    "max_cost": ("--max-cost", _finite, "a finite number"),
}
#: Output options naming a folder, by subcommand (every other ``--out`` names a file).
_FOLDER_OUT = ("run", "sweep", "export")
#: Suffixes of the files an option writes, by (subcommand or ``*``, option).
_SUFFIXES: dict[tuple[str, str], tuple[str, ...]] = {
    ("run", "write_lp"): (".lp", ".mps"),
    ("export", "workbook"): (".xlsx",),
    ("*", "plot"): (".png", ".svg", ".pdf"),
    ("explain", "out"): (".nc", ".csv"),
    ("pareto", "out"): (".nc", ".csv"),
    ("cost-curve", "out"): (".nc", ".csv"),
    ("permit", "out"): (".nc", ".csv"),
}


def _check_arguments(args: argparse.Namespace) -> None:
    """Refuse impossible numbers and output paths before anything is read or solved.

    Raises
    ------
    InputError
        Naming the option, what it needs and what was given.
    """
    from resourcemodel.exceptions import InputError

    for attr, (flag, test, expected) in _NUMBERS.items():
        value = getattr(args, attr, None)
        if value is not None and not test(value):
            raise InputError(f"{flag} {value:g}: expected {expected}.")
    for attr in ("out", "plot", "write_lp", "workbook"):
        path = getattr(args, attr, None)
        if path is None or (attr == "out" and getattr(args, "no_save", False)):
            continue
        flag = "--" + attr.replace("_", "-")
        folder = attr == "out" and args.command in _FOLDER_OUT
        problem = _output_problem(Path(path), folder)
        suffixes = _SUFFIXES.get((args.command, attr)) or _SUFFIXES.get(("*", attr))
        if not problem and suffixes and Path(path).suffix.lower() not in suffixes:
            problem = f"the file name must end in {' or '.join(suffixes)}"
        if problem:
            raise InputError(f"{flag} {str(path)!r}: {problem}.")


def _output_problem(path: Path, folder: bool) -> str:
    """Return why ``path`` cannot be the output folder (or file), or ``''``."""
    if folder and path.exists() and not path.is_dir():
        return "is a file; give a folder (it is created if needed)"
    if not folder and path.is_dir():
        return "is a folder; give a file name"
    for parent in path.parents:
        if parent.exists():
            return "" if parent.is_dir() else f"{str(parent)!r} is a file, not a folder"
    return ""


def _expand(paths: Sequence[Path]) -> list[Path]:
    """Scenario files in the order given; a folder of .toml files expands to baseline first."""
    from resourcemodel import excel

    out: list[Path] = []
    for path in paths:
        if path.is_dir() and not (path / "plants.csv").exists():
            files = sorted(path.glob("*.toml"), key=lambda p: (p.stem != "baseline", p.stem))
            if not files and any(excel.is_spreadsheet(p.name) for p in path.iterdir()):
                out.append(path)  # a workbook in a case folder: the loader says what to do
            elif not files:
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
            _save(res, result_path(args.out, name))
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
            report.number,
        ):
            print(table.to_string(index=False))
        print(f"\n{len(paths)} scenarios in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return worst


def _save(res: xr.Dataset, intended: Path) -> None:
    """Write a run's results; say so where optimal results there are kept."""
    from resourcemodel.io import save_run

    target = save_run(res, intended)
    if target != intended:
        print(
            f"kept the optimal results in {intended}; this run is {res.attrs['status']}, "
            f"so it went to {target}",
            file=sys.stderr,
        )
    print(f"wrote {target}", file=sys.stderr)


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
    """For several runs, refuse bad inputs and shared result files before anything is solved."""
    import resourcemodel as rm

    if len(paths) <= 1:
        return
    # A bad file found after hours of solving would leave half a sweep: check them all
    # first, reading each case folder once (scenarios usually share one).

    from resourcemodel.scenario import apply_changes, load_scenario
    from resourcemodel.validate import load_inputs

    cases: dict[tuple[Path, tuple[Path, ...]], xr.Dataset] = {}
    names: list[str] = []
    for path in paths:
        if not path.is_file():
            rm.load(path)  # a case folder, or a path that does not exist
            names.append(path.resolve().name)
            continue
        spec = load_scenario(path)
        key = (spec.data, spec.overlays)
        if key not in cases:
            cases[key] = load_inputs(spec.data, overlays=spec.overlays)
        apply_changes(cases[key], spec)
        names.append(spec.name)
    if not args.no_save:
        _check_distinct_targets(args.out, paths, names)


def _check_distinct_targets(out: Path, paths: list[Path], names: list[str]) -> None:
    """Refuse two runs that would write one results file (the first one's would be lost).

    File names are compared without case: on Windows and macOS ``Dry.nc`` is ``dry.nc``.
    """
    from resourcemodel.exceptions import InputError

    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        target = result_path(out, name)
        j = seen.setdefault(target.name.casefold(), i)
        if j == i:
            continue
        if paths[i].resolve() == paths[j].resolve():
            raise InputError(f"{str(paths[i])!r} is given twice; run it once.")
        raise InputError(
            f"{str(paths[j])!r} (scenario {names[j]!r}) and {str(paths[i])!r} (scenario "
            f"{names[i]!r}) would both write {str(target)!r}, and the second would replace "
            'the first; give each scenario its own name = "..." (or run them apart with '
            "different --out folders)."
        )


def _cmd_validate(args: argparse.Namespace) -> int:
    import resourcemodel as rm

    for path in _expand(args.paths):
        before = len(_PRINTED)
        inputs, _, diff = rm.load(path)
        sizes = ", ".join(f"{n} {d}" for d, n in inputs.sizes.items())
        warned = len(_PRINTED) - before
        more = f"; {warned} warning{'s' if warned > 1 else ''} above" if warned else ""
        print(f"{path}: OK ({sizes}; {len(diff)} values changed by the scenario{more})")
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    import resourcemodel as rm
    from resourcemodel.scenario import format_diff

    _, spec, diff = rm.load(args.scenario)
    chain = " -> ".join(spec.chain) if spec else str(args.scenario)
    print(f"Scenario chain: {chain}")
    if spec is not None and spec.year is not None:
        print(f"A pathway file: the values below are its first year, {spec.year}.")
    print(format_diff(diff))
    if spec is not None and spec.year is not None:
        from resourcemodel.pathway import load_pathway
        from resourcemodel.pathway.years import dated_diff

        text = dated_diff(load_pathway(args.scenario))
        if text:
            print("\n" + text)
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
    target = brief(
        args.results,
        lang=args.lang,
        format=fmt,
        out=out,
        baseline=baseline,
        sensitivity=args.sensitivity,
    )
    print(f"wrote {target}", file=sys.stderr)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from resourcemodel.export import export, export_workbook

    if args.workbook is not None:
        print(f"wrote {export_workbook(args.results, args.workbook)}", file=sys.stderr)
        if args.format is None:
            return 0
    written = export(args.results, format=args.format or "csv", out=args.out)
    folders = sorted({str(p.parent) for p in written})
    print(f"wrote {len(written)} files in {', '.join(folders)}", file=sys.stderr)
    return 0


def case_path(case: str) -> Path:
    """Return the folder or workbook of a case given by path or by bundled name."""
    from resourcemodel.exceptions import InputError
    from resourcemodel.scenario import BUNDLED

    path = Path(case)
    if path.exists():
        return path
    for folder in BUNDLED:
        if "/" not in case and (folder / case).is_dir():
            return folder / case
    names = sorted(p.name for b in BUNDLED for p in b.iterdir() if p.is_dir())
    msg = f"{case!r}: no such case folder or workbook, and no bundled case of that name ({names})."
    raise InputError(msg)


def _cmd_template(args: argparse.Namespace) -> int:
    from resourcemodel import excel

    case = case_path(args.case)
    if case.suffix.lower() == ".toml":
        from resourcemodel.exceptions import InputError
        from resourcemodel.scenario import load_scenario

        data = load_scenario(case).data
        msg = (
            f"{args.case!r} is a scenario file; template writes a case (its tables, not a "
            f"scenario's changes): give its case, {str(data)!r}."
        )
        raise InputError(msg)
    written = excel.convert(case, args.out)
    kind = "workbook" if excel.is_workbook(written) else "CSV tables in"
    print(f"wrote {kind} {written} from {case}", file=sys.stderr)
    return 0


def _cmd_new_plant(args: argparse.Namespace) -> int:
    from resourcemodel.newplant import new_plant

    base = Path(args.scenario)
    case = base if base.suffix.lower() == ".toml" else case_path(args.scenario)
    made = new_plant(
        case,
        args.like,
        args.capacity,
        plant=args.plant,
        name=args.name,
        name_fa=args.name_fa,
        out=args.out,
        process=args.process,
        market=args.market,
        rights=args.rights,
        scenario_out=args.scenario_out,
    )
    copies = ", ".join(f"{n} (as {o})" for n, o in made.processes.items())
    print(f"wrote overlay {made.overlay}: {copies}; capacity x{made.scale:.4g}", file=sys.stderr)
    print(f"wrote scenario {made.scenario}", file=sys.stderr)
    if made.dropped:
        print(
            f"note: {', '.join(made.dropped)} closed to new draw (source_closed): "
            f"{args.plant} is not connected to it, unlike {args.like}, and draws only on its "
            f"other sources; to give it water, add a row for an open source (e.g. reclaimed "
            f"wastewater under a contract) to {made.overlay / 'connections.csv'}.",
            file=sys.stderr,
        )
    if case.suffix.lower() == ".toml":
        print(f"compare: resourcemodel permit {case} {made.scenario}", file=sys.stderr)
    return 0


def _cmd_examples(args: argparse.Namespace) -> int:
    from resourcemodel import examples

    for name in examples.names():
        print(f"{name}: {examples.path(name)}")
    return 0


#: Warnings printed so far by this process (``validate`` counts them per path).
_PRINTED: list[str] = []


@contextlib.contextmanager
def _warnings_printed() -> Iterator[None]:
    """Print each model warning once as ``warning: ...`` on stderr (never as an error).

    A warning about the inputs names its file and row; the Python location of the
    ``warnings.warn`` call would only distract. Other warnings keep Python's format.
    """
    import warnings

    from resourcemodel.exceptions import ModelWarning

    with warnings.catch_warnings():
        warnings.simplefilter("default", ModelWarning)
        python_show = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *args: object) -> None:
            if not issubclass(category, ModelWarning):
                python_show(message, category, *args)  # type: ignore[arg-type]
                return
            _PRINTED.append(str(message))
            print(f"warning: {message}", file=sys.stderr)

        warnings.showwarning = show  # type: ignore[assignment]
        yield


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
        "template": _cmd_template,
        "new-plant": _cmd_new_plant,
    }
    from resourcemodel.analyses.cli import HANDLERS

    handlers.update(HANDLERS)
    from resourcemodel.portfolio.cli import HANDLERS as PORTFOLIO

    handlers.update(PORTFOLIO)

    from resourcemodel.pathway.cli import HANDLERS as PATHWAY

    handlers.update(PATHWAY)
    try:
        with _warnings_printed():
            _check_arguments(args)
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
