"""The cockpit as a director opens it: served by Voila, driven in headless Chromium.

``python -m resourcemodel.cockpit.serve`` (what ``make cockpit`` runs) serves a copy of
``notebooks/00_cockpit.py``; Chromium loads the page, waits for the first solve, moves the
river slider with the keyboard as a person would (six steps of 5% to the left: 70%), and
checks that the value added shown becomes what the model gives for a river cap at 70%,
and that the browser reported no console error, uncaught exception or failed request.
Skipped without Chromium (``apt-get install chromium``); CI installs it.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import jupytext
import pytest
from headless import browse
from PIL import Image

import resourcemodel as rm
from resourcemodel.cockpit import ISFAHAN, apply, layout, read

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "baseline.toml"
PROJECT = ROOT / "scenarios" / "overlays" / "new_steel_plant"
#: Seconds the served page may take to show its first solve (a kernel starts, the case
#: loads and two models are built and solved).
FIRST_SOLVE = 240.0
VALUE = "document.querySelector('#rm-value-added')?.textContent"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_server(url: str, log: Path, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"no answer from {url} in 60 s: {log.read_text()}")


def _expected_value_added(river: float) -> str:
    """The headline number for the river lever at ``river``, from the model itself."""
    m = rm.Model(SCENARIO)
    lay = layout([m.solve()], m.base_inputs)
    out = read(apply(m, ISFAHAN, {"river": river}).solve(), lay)
    return f"{out.totals['value_added']:,.0f}"


@pytest.mark.system("chromium")
def test_served_cockpit_moves_with_its_slider(tmp_path: Path) -> None:
    notebook = jupytext.read(ROOT / "notebooks" / "00_cockpit.py")
    [cell] = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    cell.source = f"SCENARIO = {str(SCENARIO)!r}\nPROJECT = {str(PROJECT)!r}"
    jupytext.write(notebook, tmp_path / "00_cockpit.py", fmt="py:percent")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "resourcemodel.cockpit.serve",
                "00_cockpit.py",
                "--port",
                str(port),
            ],
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Voila and its kernels end together below
        )
    try:
        url = f"http://localhost:{port}/"
        _wait_for_server(url, log, proc)
        assert f"Serving the cockpit on {url}" in log.read_text()
        expected = _expected_value_added(0.7)
        with browse(url) as tab:
            before = tab.wait_until(VALUE, FIRST_SOLVE)
            assert before == _expected_value_added(1.0)
            handle = "document.querySelector('.rm-lever-river .noUi-handle')"
            box = tab.evaluate(f"(() => {{const r = {handle}.getBoundingClientRect(); "
                               "return [r.x + r.width / 2, r.y + r.height / 2];})()")  # fmt: skip
            tab.click(*box)
            for _ in range(6):
                tab.key("ArrowLeft", 37)
            # Each step is a move the kernel solves in turn; the last one is 70%.
            after = tab.wait_until(f"{VALUE} === {json.dumps(expected)} && {VALUE}", 60)
            readout = tab.evaluate("document.querySelector('.rm-lever-river .widget-readout')"
                                   ".textContent")  # fmt: skip
            status = tab.evaluate("document.querySelector('#rm-status').textContent")
            charts = tab.evaluate("document.querySelectorAll('.bqplot svg').length")
            tab.pipe.drain(1.0)
            shot = Image.open(io.BytesIO(tab.screenshot())).convert("L")
            problems = tab.problems
        assert readout.strip() == "70"
        assert after == expected != before
        assert "(warm)" in status, status
        assert charts >= 5
        ink = 1 - sum(shot.histogram()[245:]) / (shot.size[0] * shot.size[1])
        assert 0.03 < ink < 0.6
        assert problems == []
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
