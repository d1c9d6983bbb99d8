"""Portfolio benchmark: 5,430 SYNTHETIC projects on the Isfahan baseline.

Times the register, the screening, the selection MILP with rules to a 1e-4 relative gap
(HiGHS) and the 20-point front, in wall-clock and CPU seconds of this process (all
threads). The load average is printed: on a shared machine the wall time overstates the
work. Targets of issue #18: selection <= 10 s, front <= 60 s.

Usage::

    python benchmarks/portfolio.py [--projects 5430] [--seed 0] [--repeats 3] [--skip-front]
        [--compare]

Each selection runs ``--repeats`` times and the median is reported (the load average is
printed before each). ``--compare`` also times HiGHS alone (``start=False``, the code
before the relaxation start) in the same run and prints the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import resourcemodel as rm
from resourcemodel.portfolio import Rules, front, register_from_frame, synthetic_register
from resourcemodel.portfolio.screen import screening, setting
from resourcemodel.portfolio.select import select_portfolio

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"


def main() -> None:
    """Run the benchmark and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=5430)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--skip-front", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    t = time.perf_counter()
    inputs, _, _ = rm.pipeline.load(BASELINE)
    reg = register_from_frame(synthetic_register(args.projects, seed=args.seed), inputs)
    print(f"register ({args.projects} SYNTHETIC projects): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    s = setting(BASELINE, reg)
    screen = screening(s)
    print(
        f"screening (scenario solve + pricing): {time.perf_counter() - t:.2f} s; "
        f"{int((screen['net_value'] > 0).sum())} projects with a positive net value"
    )
    for label, rules in (
        ("no rules", Rules(exclusive=False, precedence=False)),
        (
            "rules (budget 2,000 MUSD, exclusive sites, precedence, county quota, "
            "steel >= 10% of investment)",
            Rules(budget=2000, county_quota={"isfahan": 100}, sector_min_share={"steel": 0.1}),
        ),
    ):
        medians = {}
        for start in (True, False) if args.compare else (True,):
            walls = []
            for _ in range(args.repeats):
                load = os.getloadavg()[0]
                t, cpu = time.perf_counter(), time.process_time()
                p = select_portfolio(
                    BASELINE, reg, rules=rules, prepared=s, mip_rel_gap=1e-4, start=start
                )
                walls.append(time.perf_counter() - t)
                parts = ", ".join(f"{k} {v:.2f}" for k, v in p.timing.items())
                print(
                    f"selection, {label}, {'relaxation start' if start else 'HiGHS alone'}: "
                    f"{walls[-1]:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, load "
                    f"{load:.1f} ({parts}); {len(p.selected)} completed; objective "
                    f"{p.objective / 1e6:,.2f} MUSD, HiGHS bound {p.mip_bound / 1e6:,.2f}, "
                    f"gap {p.mip_gap:.1e}, relaxation bound {p.relaxation_bound / 1e6:,.2f}",
                    flush=True,
                )
            medians[start] = statistics.median(walls)
            print(f"  median of {args.repeats}: {medians[start]:.2f} s", flush=True)
        if args.compare:
            print(f"  HiGHS alone / relaxation start: {medians[False] / medians[True]:.1f}x")
    if not args.skip_front:
        t, cpu = time.perf_counter(), time.process_time()
        f = front(BASELINE, reg, points=args.points, prepared=s, mip_rel_gap=1e-3)
        print(
            f"front ({args.points} points, gap 1e-3): {time.perf_counter() - t:.2f} s wall, "
            f"{time.process_time() - cpu:.2f} s CPU; "
            f"statuses {sorted({str(v) for v in f['status'].values})}"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
