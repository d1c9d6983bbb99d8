"""Choosing *when*: SYNTHETIC projects over the Isfahan pathway's representative years.

Times :func:`resourcemodel.portfolio.schedule` on ``scenarios/pathway-1404-1424.toml``
(representative years 1404, 1409, 1414, 1419, 1424; its trajectories and its 12 measure
build candidates stay in the program) with a SYNTHETIC register: preparing (the scenario's
single-year solve, the register, every year's program and the stack), building the
completion columns and rules, the LP relaxation and the MILP to a relative gap (HiGHS), in
wall-clock and CPU seconds of this process, each case with and without the MIP start
from the LP relaxation (``--start``). No target (issue #18 sets none for "when").

Usage::

    python benchmarks/portfolio_timing.py [--projects 500] [--seed 0] [--gap 1e-4]
        [--start both] [--form producing]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

import resourcemodel as rm
from resourcemodel.portfolio import Rules, register_from_frame, synthetic_register
from resourcemodel.portfolio.timing import schedule

PATHWAY = Path(__file__).resolve().parents[1] / "scenarios" / "pathway-1404-1424.toml"


def main() -> None:
    """Run the benchmark and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gap", type=float, default=1e-4)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument(
        "--start",
        choices=["both", "on", "off"],
        default="both",
        help="MIP start from the LP relaxation: each case with and without (both), or one",
    )
    parser.add_argument(
        "--form",
        choices=["producing", "completion"],
        default="completion",
        help="binaries of the program: producing v[p, year] or completion x[p, year]",
    )
    args = parser.parse_args()
    starts = {"both": (True, False), "on": (True,), "off": (False,)}[args.start]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    inputs, _, _ = rm.pipeline.load(PATHWAY)
    reg = register_from_frame(synthetic_register(args.projects, seed=args.seed), inputs)
    budget = 0.2 * float(reg["remaining_investment"].sum())
    cases = (
        ("no rules", Rules(exclusive=False, precedence=False), None),
        (
            f"rules (budget {budget:,.0f} MUSD over the horizon, a fifth of it per "
            "representative year, exclusive sites, precedence, isfahan <= 20 projects)",
            Rules(budget=budget, county_quota={"isfahan": 20}),
            budget / 5,
        ),
    )
    for (label, rules, year_budget), start in ((c, st) for c in cases for st in starts):
        t, cpu = time.perf_counter(), time.process_time()
        ds = schedule(
            PATHWAY,
            reg,
            rules=rules,
            year_budget=year_budget,
            mip_rel_gap=args.gap,
            time_limit=args.time_limit,
            start=start,
            form=args.form,
        )
        parts = ", ".join(
            f"{k.removeprefix('seconds_')} {v:.2f}"
            for k, v in ds.attrs.items()
            if k.startswith("seconds_")
        )
        done = np.isfinite(ds["completion"].values)
        by_year = ", ".join(
            f"{int(y)}: {int(n)}"
            for y, n in zip(ds["year"].values, ds["complete"].sum("project").values, strict=True)
        )
        print(
            f"{args.projects} projects x {ds.sizes['year']} years, {label}, "
            f"{args.form}, start {'on' if start else 'off'}: "
            f"{time.perf_counter() - t:.2f} s wall, {time.process_time() - cpu:.2f} s CPU "
            f"({parts}); {ds.attrs['lp_rows']:,} x {ds.attrs['lp_columns']:,}, "
            f"{ds.attrs['binaries']:,} binaries; {ds.attrs['status']}, gap "
            f"{ds.attrs['mip_gap']:.1e}; {int(done.sum())} completed ({by_year})"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
