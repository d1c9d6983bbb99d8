"""Cockpit latency on the Isfahan case: a slider move to updated chart data, p50/p95.

Two measurements, both of the same kind of move (one lever to a new 5% step):

- ``in process`` (always): :class:`resourcemodel.cockpit.Cockpit` without a browser, each
  move through :meth:`Cockpit.move` with its breakdown measured in the same run: applying
  the changes, pushing them into the kept HiGHS model, the warm re-solve, the labelled
  results Dataset, the cockpit's readout (sector sums, water, cap values) and the chart
  update. The chart update is the traitlet assignment plus what ipywidgets does before it
  sends the new data to the page (``get_state`` of the changed marks and their JSON);
  outside a kernel nothing is sent, so that serialisation is timed explicitly.
- ``browser`` (``--browser``; needs Chromium): the served page (``python -m
  resourcemodel.cockpit.serve``) in headless Chromium; a key press on a slider handle, timed
  in the page until the headline shows the next solve (``data-solves``). The chart data
  travels in the same kernel reply, just before the headline.

Usage::

    python benchmarks/cockpit.py --moves 60 [--browser] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "baseline.toml"
PROJECT = ROOT / "scenarios" / "overlays" / "new_steel_plant"
STAGES = ("apply", "update", "solve", "results", "readout", "charts", "sync", "total")


def _moves(n: int, levers: list[str], seed: int = 16) -> list[tuple[str, float]]:
    """A seeded walk: each move steps one lever by 5% (within 30%..130%)."""
    rng = np.random.default_rng(seed)
    at = dict.fromkeys(levers, 100)
    out = []
    for _ in range(n):
        name = levers[int(rng.integers(len(levers)))]
        step = 5 if at[name] <= 30 else -5 if at[name] >= 130 else int(rng.choice([-5, 5]))
        at[name] += step
        out.append((name, at[name] / 100))
    return out


def in_process(n: int) -> dict[str, Any]:
    from ipywidgets.widgets.widget import _remove_buffers

    from resourcemodel.cockpit import Cockpit

    start = time.perf_counter()
    cockpit = Cockpit(SCENARIO, project=PROJECT)
    startup = time.perf_counter() - start
    rows: list[dict[str, float]] = []
    modes = []
    for name, share in _moves(n, list(cockpit.values)):
        t0 = time.perf_counter()
        cockpit.move(None, **{name: share})
        t1 = time.perf_counter()
        for mark in cockpit.marks.values():  # what ipywidgets sends for each changed mark
            state, _, buffers = _remove_buffers(mark.get_state(["y"]))
            json.dumps(state)
            sum(len(b) for b in buffers)
        t2 = time.perf_counter()
        row = {k: cockpit.timings[k] for k in ("apply", "update", "solve", "results")}
        row |= {k: cockpit.timings[k] for k in ("readout", "charts")}
        row["sync"] = t2 - t1
        row["total"] = t2 - t0
        rows.append(row)
        modes.append(cockpit.model.mode)
    return {
        "startup_s": startup,
        "moves": n,
        "modes": {m: modes.count(m) for m in set(modes)},
        "ms": {
            stage: {
                "p50": float(np.percentile([r[stage] for r in rows], 50) * 1e3),
                "p95": float(np.percentile([r[stage] for r in rows], 95) * 1e3),
                "max": float(max(r[stage] for r in rows) * 1e3),
            }
            for stage in STAGES
        },
    }


def browser(n: int, tmp: Path) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tests"))
    import jupytext
    from headless import browse

    notebook = jupytext.read(ROOT / "notebooks" / "00_cockpit.py")
    [cell] = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    cell.source = f"SCENARIO = {str(SCENARIO)!r}\nPROJECT = {str(PROJECT)!r}"
    jupytext.write(notebook, tmp / "00_cockpit.py", fmt="py:percent")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    command = [sys.executable, "-m", "resourcemodel.cockpit.serve", "00_cockpit.py"]
    with (tmp / "serve.log").open("wb") as log:
        proc = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=tmp,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://localhost:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                time.sleep(0.5)
        latencies = []
        with browse(url) as tab:
            tab.wait_until("document.querySelector('#rm-status')?.dataset.solves", 240)
            names = ["river", "groundwater", "grid_summer", "grid_rest", "gas"]
            at = dict.fromkeys(names, 100)
            for name, share in _moves(n, names):
                box = tab.evaluate(
                    f"(() => {{const r = document.querySelector('.rm-lever-{name} .noUi-handle')"
                    ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];})()"
                )
                tab.click(*box)  # focus the handle (a click on it does not move it)
                solves = int(tab.evaluate("document.querySelector('#rm-status').dataset.solves"))
                tab.evaluate(
                    "window.__rm = new Promise(done => { const t0 = performance.now(); "
                    "const seen = () => +document.querySelector('#rm-status').dataset.solves; "
                    "const obs = new MutationObserver(() => { if (seen() > "
                    f"{solves}) {{ obs.disconnect(); done(performance.now() - t0); }} }}); "
                    "obs.observe(document.body, {subtree: true, childList: true, "
                    "attributes: true, characterData: true}); }); true"
                )
                right = round(share * 100) > at[name]
                tab.key("ArrowRight" if right else "ArrowLeft", 39 if right else 37)
                latencies.append(float(tab.evaluate("window.__rm")))
                at[name] = round(share * 100)
            problems = tab.problems
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    return {
        "moves": n,
        "ms": {
            "p50": float(np.percentile(latencies, 50)),
            "p95": float(np.percentile(latencies, 95)),
            "max": float(max(latencies)),
        },
        "problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60)
    parser.add_argument("--browser", action="store_true", help="also time the served page")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report: dict[str, Any] = {"in_process": in_process(args.moves)}
    ip = report["in_process"]
    print(f"Cockpit, Isfahan baseline, {args.moves} slider moves (start-up {ip['startup_s']:.1f} s;"
          f" modes {ip['modes']})")  # fmt: skip
    print(f"{'stage':<10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for stage, ms in ip["ms"].items():
        print(f"{stage:<10}{ms['p50']:>9.1f}{ms['p95']:>9.1f}{ms['max']:>9.1f}")
    if args.browser:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="cockpit-bench-") as tmp:
            report["browser"] = browser(args.moves, Path(tmp))
        b = report["browser"]
        print(
            f"browser: key press to the page showing the next solve: p50 {b['ms']['p50']:.1f} ms, "
            f"p95 {b['ms']['p95']:.1f} ms, max {b['ms']['max']:.1f} ms; "
            f"browser problems: {b['problems'] or 'none'}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
