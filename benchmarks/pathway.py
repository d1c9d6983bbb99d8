"""Pathway solve times on the Isfahan case: 20 years x 12 months, LP and integer builds.

The shipped ``scenarios/pathway-1404-1424.toml`` with every year 1404-1423 modelled (weight
1 each) instead of its five representative years. Measured, each the median of
``--repeat`` runs:

- ``prepare``: every year's inputs and program (``pathway.prepare``);
- ``stack``: the stacked program (``pathway.stack``);
- ``lp``: the HiGHS backend on the stacked LP without ranging (the solve itself);
- ``lp+ranging``: the backend as a pathway run uses it (ranging and one-sided duals);
- ``raw highspy``: ``highspy.Highs`` on the same matrix (``to_highs_lp``), default options;
- ``milp``: every candidate all-or-nothing (``integer = true``);
- ``myopic``: one year per step, view 2, plus the final fixed-build solve.

Usage::

    python benchmarks/pathway.py [--years 20] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import highspy

from resourcemodel.backends import get_backend
from resourcemodel.backends.highs import to_highs_lp
from resourcemodel.pathway import load_pathway, prepare, solve_pathway, stack

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
SCENARIO = ROOT / "scenarios" / "pathway-1404-1424.toml"


def _median(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out  # repeat >= 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    base = load_pathway(SCENARIO)
    years = tuple(range(1404, 1404 + args.years))
    pathway = dataclasses.replace(base, years=years, weights=(1,) * len(years))
    out: dict[str, Any] = {"years": len(years), "periods": 12}
    out["prepare_s"], (inputs, lps) = _median(lambda: prepare(pathway), 1)
    out["stack_s"], pp = _median(lambda: stack(lps, inputs, pathway), args.repeat)
    lp = pp.lp
    out["rows"], out["columns"], out["nonzeros"] = lp.shape[0], lp.shape[1], lp.A.nnz
    plain = get_backend("highs", ranging=False)
    out["lp_s"], res = _median(lambda: plain.solve(lp), args.repeat)
    out["status"] = str(res.status)
    out["lp_ranging_s"], _ = _median(lambda: get_backend("highs").solve(lp), args.repeat)

    def raw() -> float:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(to_highs_lp(lp))
        h.run()
        return h.getInfo().objective_function_value

    out["raw_highspy_s"], _ = _median(raw, args.repeat)
    out["lp_over_raw"] = out["lp_s"] / out["raw_highspy_s"]
    lumpy = dataclasses.replace(
        pathway, candidates=tuple(dataclasses.replace(c, integer=True) for c in pathway.candidates)
    )
    mip = stack(lps, inputs, lumpy).lp
    out["binaries"] = int(mip.integrality.sum())
    out["milp_s"], res = _median(lambda: plain.solve(mip), 1)
    out["milp_status"] = str(res.status)
    myopic = dataclasses.replace(pathway, foresight="myopic", block=1, view=2)
    out["myopic_s"], _ = _median(lambda: solve_pathway(myopic, inputs, lps, ranging=False), 1)
    out["myopic_over_lp"] = out["myopic_s"] / out["lp_s"]
    for key, value in out.items():
        print(f"{key:>16}: {value:.3f}" if isinstance(value, float) else f"{key:>16}: {value}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
