"""Pathway solve times on the Isfahan case: 20 years x 12 months, LP and integer builds.

The shipped ``scenarios/pathway-1404-1424.toml`` with every year 1404-1423 modelled (weight
1 each) instead of its five representative years. Measured, each the median of
``--repeat`` runs, with the machine's load average beside it (2 shared cores):

- ``prepare``: every year's inputs and program (``pathway.prepare``);
- ``stack``: the stacked program (``pathway.stack``);
- ``lp``: the HiGHS backend on the stacked LP without ranging (the solve itself);
- ``lp+ranging``: the backend as a pathway run uses it (ranging and one-sided duals);
- ``raw highspy``: ``highspy.Highs`` on the same matrix (``to_highs_lp``), default options;
- ``milp``: the candidates of ``scenarios/pathway-1404-1424-lumpy.toml`` (plant-scale
  equipment all-or-nothing, :data:`LUMPY_SCENARIO`), solved as a pathway run does
  (relaxation, rounded start, HiGHS MIP to ``mip_rel_gap`` 1e-4, duals with builds
  fixed), and ``raw highspy`` on the same MILP without the start (``--raw-mip-limit``);
- ``milp_all``: every candidate all-or-nothing (a stress case), within ``--all-limit``
  seconds: the status, and the start's gap to the relaxation (a bound on its distance
  from the optimum);
- ``myopic``: one year per step, view 2, plus the final fixed-build solve; each run
  paired with an LP solve just before it, the median ratio reported with its pair.

Usage::

    python benchmarks/pathway.py [--years 20] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import highspy

from resourcemodel.backends import get_backend
from resourcemodel.backends.highs import scaling_options, to_highs_lp
from resourcemodel.pathway import Pathway, load_pathway, prepare, solve_pathway, stack

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
SCENARIO = ROOT / "scenarios" / "pathway-1404-1424.toml"
#: The shipped variant with the plant-scale measures integer (the reasons are in the file).
LUMPY_SCENARIO = ROOT / "scenarios" / "pathway-1404-1424-lumpy.toml"


def _median(fn: Callable[[], T], repeat: int) -> tuple[float, T, float]:
    """Return the median time of ``repeat`` calls, the last output and the mean load."""
    times: list[float] = []
    loads: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
        loads.append(os.getloadavg()[0])
    return statistics.median(times), out, statistics.mean(loads)  # repeat >= 1


def lumpy(pathway: Pathway, every: bool = False) -> Pathway:
    """Return ``pathway`` with the candidates of :data:`LUMPY_SCENARIO` (or ``every`` one
    all-or-nothing)."""
    if every:
        candidates = tuple(dataclasses.replace(c, integer=True) for c in pathway.candidates)
    else:
        candidates = load_pathway(LUMPY_SCENARIO).candidates
    return dataclasses.replace(pathway, candidates=candidates)


def raw_highspy(lp: Any, time_limit: float | None = None) -> dict[str, Any]:
    """Solve ``lp`` with ``highspy`` defaults (its scaling options as the backend's)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in scaling_options(lp).items():
        h.setOptionValue(key, value)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    h.passModel(to_highs_lp(lp))
    h.run()
    info = h.getInfo()
    return {
        "status": h.modelStatusToString(h.getModelStatus()),
        "objective": info.objective_function_value,
        "gap": info.mip_gap if lp.is_mip else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--raw-mip-limit", type=float, default=120.0)
    parser.add_argument("--all-limit", type=float, default=60.0)
    parser.add_argument("--skip", nargs="*", default=[], help="lp, milp, milp_all, myopic")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    base = load_pathway(SCENARIO)
    years = tuple(range(1404, 1404 + args.years))
    pathway = dataclasses.replace(base, years=years, weights=(1,) * len(years))
    out: dict[str, Any] = {"years": len(years), "periods": 12, "cores": os.cpu_count()}
    out["prepare_s"], (inputs, lps), _ = _median(lambda: prepare(pathway), 1)
    out["stack_s"], pp, _ = _median(lambda: stack(lps, inputs, pathway), args.repeat)
    lp = pp.lp
    out["rows"], out["columns"], out["nonzeros"] = lp.shape[0], lp.shape[1], lp.A.nnz
    plain = get_backend("highs", ranging=False)
    if "lp" not in args.skip:
        out["lp_s"], res, out["lp_load"] = _median(lambda: plain.solve(lp), args.repeat)
        out["status"] = str(res.status)
        out["raw_highspy_s"], _, out["raw_load"] = _median(lambda: raw_highspy(lp), args.repeat)
        out["lp_over_raw"] = out["lp_s"] / out["raw_highspy_s"]
        out["lp_ranging_s"], _, _ = _median(lambda: get_backend("highs").solve(lp), args.repeat)
    if "milp" not in args.skip:
        mip_pathway = lumpy(pathway)
        mip = stack(lps, inputs, mip_pathway).lp
        out["binaries"] = int(mip.integrality.sum())
        out["milp_s"], (_, res, info), out["milp_load"] = _median(
            lambda: solve_pathway(mip_pathway, inputs, lps, ranging=False), args.repeat
        )
        out["milp_status"] = str(res.status)
        out["milp_gap"] = res.mip_gap
        out["milp_objective"], out["milp_bound"] = res.objective, res.mip_bound
        out["milp_start"] = info["mip_start"]
        out["raw_milp_s"], raw, _ = _median(lambda: raw_highspy(mip, args.raw_mip_limit), 1)
        out["raw_milp"] = raw
        out["milp_over_raw"] = out["milp_s"] / out["raw_milp_s"]
    if "milp_all" not in args.skip:
        every = lumpy(pathway, every=True)
        out["binaries_all"] = int(stack(lps, inputs, every).lp.integrality.sum())
        out["milp_all_s"], (_, res, info), out["milp_all_load"] = _median(
            lambda: solve_pathway(every, inputs, lps, ranging=False, time_limit=args.all_limit),
            1,
        )
        out["milp_all_status"] = str(res.status)
        start = info["mip_start"]
        out["milp_all_start_gap"] = (start["start"] - start["relaxation"]) / abs(start["start"])
    if "myopic" not in args.skip:
        # Each myopic run right after an LP solve, so the two share the machine's load.
        myopic = dataclasses.replace(pathway, foresight="myopic", block=1, view=2)
        pairs = []
        for _ in range(args.repeat):
            lp_s, _, _ = _median(lambda: plain.solve(lp), 1)
            my_s, (_, _, info), load = _median(
                lambda: solve_pathway(myopic, inputs, lps, ranging=False), 1
            )
            pairs.append((my_s / lp_s, my_s, lp_s, info["steps"][-1]["seconds"], load))
        ratio, my_s, lp_s, final_s, load = sorted(pairs)[len(pairs) // 2]
        out["myopic_s"], out["myopic_paired_lp_s"], out["myopic_final_s"] = my_s, lp_s, final_s
        out["myopic_over_lp"], out["myopic_load"] = ratio, load
    for key, value in out.items():
        text = f"{value:.3g}" if isinstance(value, float) and abs(value) < 0.01 else None
        text = text or (f"{value:.3f}" if isinstance(value, float) else str(value))
        print(f"{key:>20}: {text}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
