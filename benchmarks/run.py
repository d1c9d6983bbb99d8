"""Province-scale benchmark: the package against raw highspy (the floor) and PuLP.

For each size, the synthetic generator (``synthetic.py``) writes a case in the package's
own CSV format; each route then runs in a fresh subprocess (so peak memory is its own):

- ``package``: ``load_inputs`` (read + validate + units), ``build``, solve (HiGHS through
  the package backend, ranging off so the work matches the floor), results assembly;
- ``package_ranging``: the same with HiGHS ranging of cap rows (what ``resourcemodel run``
  does by default);
- ``highspy``: the floor: the same matrix (built beforehand, not timed) handed straight to
  ``highspy`` (passModel, run, objective, primal and duals read back);
- ``pulp``: the package's PuLP backend: the same program (built beforehand, not timed)
  through PuLP 3.3 objects and CBC, duals read back (sizes up to ``--pulp-max``; it runs in
  the alternated rounds with the package and the floor);
- ``highspy_<method>``: the floor with HiGHS ``simplex``/``ipm``/``pdlp`` (``--methods``);
- ``whatif``: the province what-if: cold solve, then one cap cut by 10% and re-solved warm.

Usage::

    python benchmarks/run.py --sizes 10 100 1000 --repeat 3 --json docs/benchmark.json
    python benchmarks/run.py --sizes 8500 --methods simplex ipm   # about 30 minutes
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(route: str, case: Path, options: dict[str, Any]) -> dict[str, Any]:
    """Run one route in this process and return its timings (seconds) and peak memory."""
    import numpy as np

    out: dict[str, Any] = {"route": route}
    if route.startswith("highspy"):
        # The floor imports only numpy and highspy and reads the matrix from a .npz file.
        import highspy

        data = np.load(case / "lp.npz")
        t0 = time.perf_counter()
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        # The package's own automatic scaling options, so both solve the same way.
        for key in ("user_bound_scale", "user_objective_scale"):
            if key in data and key not in options:
                h.setOptionValue(key, int(data[key]))
        for key, value in options.items():
            h.setOptionValue({"method": "solver"}.get(key, key), value)
        model = highspy.HighsLp()
        model.num_col_ = int(data["c"].size)
        model.num_row_ = int(data["row_lower"].size)
        model.col_cost_ = data["c"]
        model.col_lower_ = data["col_lower"]
        model.col_upper_ = data["col_upper"]
        model.row_lower_ = data["row_lower"]
        model.row_upper_ = data["row_upper"]
        model.offset_ = float(data["c0"])
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = data["indptr"]
        model.a_matrix_.index_ = data["indices"]
        model.a_matrix_.value_ = data["data"]
        h.passModel(model)
        h.run()
        info = h.getInfo()
        sol = h.getSolution()
        _ = np.asarray(sol.col_value), np.asarray(sol.row_dual)
        out.update(
            total=time.perf_counter() - t0,
            objective=info.objective_function_value + 0,
            status=h.modelStatusToString(h.getModelStatus()),
            iterations=int(info.simplex_iteration_count),
            peak_mb=_peak_mb(),
        )
        return out

    import resourcemodel as rm
    from resourcemodel.backends.highs import HighsBackend, HighsModel
    from resourcemodel.results import assemble

    if route in ("package", "package_ranging"):
        t0 = time.perf_counter()
        inputs = rm.load_inputs(case)
        t1 = time.perf_counter()
        lp = rm.build(inputs)
        t2 = time.perf_counter()
        result = HighsBackend(ranging=route == "package_ranging", **options).solve(lp)
        t3 = time.perf_counter()
        assemble(inputs, lp, result)
        t4 = time.perf_counter()
        out.update(
            load=t1 - t0,
            build=t2 - t1,
            solve=t3 - t2,
            results=t4 - t3,
            total=t4 - t0,
            status=str(result.status),
            objective=result.objective,
            rows=lp.shape[0],
            cols=lp.shape[1],
            nnz=int(lp.A.nnz),
        )
    elif route == "pulp":
        from resourcemodel.backends.pulp import PulpBackend, to_pulp

        lp = rm.build(rm.load_inputs(case))
        t0 = time.perf_counter()
        to_pulp(lp)  # the build alone, timed apart (the solve below builds again)
        t1 = time.perf_counter()
        result = PulpBackend().solve(lp)
        t2 = time.perf_counter()
        out.update(
            build=t1 - t0,
            total=t2 - t1,
            objective=result.objective,
            status=str(result.status),
        )
    elif route == "whatif":
        inputs = rm.load_inputs(case)
        lp = rm.build(inputs)
        kept = HighsModel(lp, **options)
        t0 = time.perf_counter()
        cold = kept.solve()
        t1 = time.perf_counter()
        block = lp.constraints["source-cap"]
        rows = block.index[block.index >= 0]
        # The busiest regional cap: the first binding one, cut by 10%.
        activity = lp.A @ cold.x
        binding = rows[np.isclose(activity[rows], lp.row_upper[rows], rtol=1e-7)]
        row = int(binding[0] if binding.size else rows[0])
        upper = lp.row_upper.copy()
        upper[row] *= 0.9
        from dataclasses import replace

        kept.update(replace(lp, row_upper=upper))
        t2 = time.perf_counter()
        warm = kept.solve()
        t3 = time.perf_counter()
        out.update(
            cold=t1 - t0,
            warm=t3 - t2,
            ratio=(t3 - t2) / (t1 - t0),
            cold_iterations=cold.iterations,
            warm_iterations=warm.iterations,
            status=str(warm.status),
        )
    else:
        raise SystemExit(f"unknown route {route}")
    out["peak_mb"] = _peak_mb()
    return out


def _sub(route: str, case: Path, options: dict[str, Any], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__)), "--measure", route, str(case), json.dumps(options)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"route": route, "error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"route": route, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/resourcemodel-bench"))
    parser.add_argument("--pulp-max", type=int, default=1000)
    parser.add_argument("--methods", nargs="*", default=["simplex", "ipm"])
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument(
        "--repeat", type=int, default=1, help="alternated rounds of package and floor"
    )
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["package_ranging", "whatif"],
        help="routes not to run (each is a full solve at this size)",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        route, case, options = args.measure
        print(json.dumps(measure(route, Path(case), json.loads(options))))
        return
    sys.path.insert(0, str(HERE))
    import numpy as np
    from synthetic import generate

    table = []
    for size in args.sizes:
        case = args.workdir / f"synthetic_{size}"
        if not (case / "plants.csv").exists():
            generate(size, case, seed=0)
        if not (case / "lp.npz").exists() or "scaled" not in np.load(case / "lp.npz"):
            _dump(case)
        row: dict[str, Any] = {"plants": size}
        # The package and its floor alternate (--repeat rounds) so that drift in the
        # machine's speed hits both alike; each keeps its median round.
        rounds: dict[str, list[dict[str, Any]]] = {"package": [], "highspy": []}
        if size <= args.pulp_max:
            rounds["pulp"] = []
        for _ in range(max(args.repeat, 1)):
            for route in rounds:
                rounds[route].append(_sub(route, case, {}, args.timeout))
        for route, results in rounds.items():
            row[route] = _median(results)
        for route in ("package_ranging", "whatif"):
            if route not in args.skip:
                row[route] = _sub(route, case, {}, args.timeout)
        for method in args.methods:
            row[f"highspy_{method}"] = _sub(
                f"highspy_{method}", case, {"method": method}, args.timeout
            )
        table.append(row)
        _print_row(row)
    if args.json:
        args.json.write_text(json.dumps(table, indent=1))


def _median(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the round with the median total, listing every round's total."""
    ok = [r for r in results if "total" in r]
    if not ok:
        return results[0]
    ok.sort(key=lambda r: r["total"])
    pick = dict(ok[(len(ok) - 1) // 2])
    pick["totals"] = [r.get("total") for r in results]
    return pick


def _dump(case: Path) -> None:
    """Write the case's LP as arrays for the floor route (built once, not timed)."""
    import numpy as np

    import resourcemodel as rm
    from resourcemodel.backends.highs import scaling_options

    lp = rm.build(rm.load_inputs(case))
    csc = lp.A.tocsc()
    arrays: dict[str, Any] = {key: np.asarray(value) for key, value in scaling_options(lp).items()}
    arrays.update(
        scaled=np.asarray(True),  # marks a file written with the scaling options
        c=lp.c,
        col_lower=lp.col_lower,
        col_upper=lp.col_upper,
        row_lower=lp.row_lower,
        row_upper=lp.row_upper,
        c0=lp.c0,
        indptr=csc.indptr.astype(np.int32),
        indices=csc.indices.astype(np.int32),
        data=csc.data,
    )
    np.savez(case / "lp.npz", **arrays)


def _print_row(row: dict[str, Any]) -> None:
    pkg, floor = row["package"], row["highspy"]
    if "error" in pkg or "error" in floor:
        print(f"{row['plants']} plants: error {pkg.get('error')} {floor.get('error')}")
        return
    other = pkg["load"] + pkg["build"] + pkg["results"]
    print(
        f"{row['plants']} plants ({pkg['rows']} rows, {pkg['cols']} columns, "
        f"{pkg['nnz']} nonzeros):"
    )
    print(
        f"  package total {pkg['total']:.2f} s = load {pkg['load']:.2f} + build "
        f"{pkg['build']:.2f} + solve {pkg['solve']:.2f} + results {pkg['results']:.2f}; "
        f"not solver {100 * other / pkg['total']:.0f}%; peak {pkg['peak_mb']:.0f} MB"
    )
    if len(pkg.get("totals", [])) > 1:
        print(
            "  rounds (package / floor totals): "
            + ", ".join(
                f"{a:.2f}/{b:.2f}" for a, b in zip(pkg["totals"], floor["totals"], strict=False)
            )
        )
    print(
        f"  raw highspy   {floor['total']:.2f} s, peak {floor['peak_mb']:.0f} MB  -> "
        f"package/floor time {pkg['total'] / floor['total']:.2f}x, "
        f"memory {pkg['peak_mb'] / floor['peak_mb']:.2f}x"
    )
    rng = row.get("package_ranging", {})
    if "total" in rng:
        print(f"  with ranging  {rng['total']:.2f} s (solve {rng['solve']:.2f})")
    if "pulp" in row and "total" in row["pulp"]:
        pulp = row["pulp"]
        print(
            f"  PuLP + CBC    {pulp['total']:.2f} s, of which the PuLP model {pulp['build']:.2f}"
            f" s ({pulp['total'] / floor['total']:.1f}x the floor); objective "
            f"{pulp['objective']:.10g} (floor {floor['objective']:.10g})"
        )
        pairs = zip(pulp.get("totals", []), floor.get("totals", []), strict=False)
        ratios = [f"{a / b:.1f}x" for a, b in pairs if a is not None and b is not None]
        if len(ratios) > 1:
            print("  PuLP / floor by round: " + ", ".join(ratios))
    for key, value in row.items():
        if key.startswith("highspy_") and "total" in value:
            print(f"  HiGHS {key[8:]:8s} {value['total']:.2f} s")
    w = row.get("whatif", {})
    if "ratio" in w:
        print(
            f"  what-if: cold {w['cold']:.2f} s ({w['cold_iterations']} it), warm after a "
            f"10% cap cut {w['warm']:.2f} s ({w['warm_iterations']} it): {w['ratio']:.2f}x"
        )


if __name__ == "__main__":
    main()
