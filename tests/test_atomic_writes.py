"""No lost results: every file the package writes appears whole or not at all.

``resourcemodel.io.atomic_path`` writes to a hidden temporary file beside the target,
``.<name>.<random>.part``, and renames it over the target when complete. What a kill
leaves behind:

- an exception or Ctrl-C (SIGINT) mid-write: the previous file, nothing else (the
  temporary file is removed; Ctrl-C during a netCDF write takes effect when the library
  returns);
- SIGKILL or a power cut mid-write: the previous file, intact, plus the hidden ``.part``
  file, which nothing reads (``*.part`` is git-ignored) and which can be deleted.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import resourcemodel as rm

#: A writer process: saves a results Dataset grown to ~120 MB, so the write takes a while.
WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    import resourcemodel as rm

    res = rm.run(rm.examples.path("two_plants"))
    for i in range(5):  # a long sweep's worth of numbers
        res[f"outcome_{i}"] = (("run", "sample"), np.random.default_rng(i).random((3000, 1000)))
    print("writing", flush=True)
    rm.save(res, sys.argv[1])
    print("done", flush=True)
    """
)


def _start_writer(target: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_mid_write(proc: subprocess.Popen[str], folder: Path, at_least: int) -> Path:
    """Return the writer's temporary file once it holds ``at_least`` bytes."""
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        parts = list(folder.glob(".*.part"))
        if parts and parts[0].stat().st_size >= at_least:
            return parts[0]
        assert proc.poll() is None, "the writer finished before it could be interrupted"
        time.sleep(0.002)
    pytest.fail("the writer never started writing")


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, bytes]:
    """Results of an earlier run at the target path."""
    target = rm.save(rm.run(rm.examples.path("two_plants")), tmp_path / "sweep.nc")
    return target, target.read_bytes()


@pytest.mark.slow
def test_sigkill_mid_save_keeps_the_previous_file(previous: tuple[Path, bytes]) -> None:
    target, before = previous
    proc = _start_writer(target)
    part = _wait_mid_write(proc, target.parent, at_least=2**20)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_bytes() == before
    assert rm.load_results(target).attrs["objective"] == 2250  # and it loads cleanly
    # Left behind: the target and the one hidden temporary file, nothing else.
    assert sorted(p.name for p in target.parent.iterdir()) == sorted([target.name, part.name])
    assert re.fullmatch(r"\.sweep\.nc\..+\.part", part.name)


@pytest.mark.slow
def test_ctrl_c_mid_save_keeps_the_previous_file_and_cleans_up(
    previous: tuple[Path, bytes],
) -> None:
    """Ctrl-C takes effect when the netCDF library hands back control (raising it inside
    the library once left a lock held and the process hung): no file is replaced."""
    target, before = previous
    proc = _start_writer(target)
    _wait_mid_write(proc, target.parent, at_least=2**20)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert "KeyboardInterrupt" in err and "done" not in out
    assert proc.returncode != 0
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == [target.name]


#: Runs the command line with an audit hook recording every file opened for writing and
#: every rename inside the output folder (Python-level; netCDF's C writes go to the path
#: Python gave it).
AUDITED_CLI = textwrap.dedent(
    """
    import json, os, sys
    out = os.path.realpath(sys.argv[1])
    seen = []
    WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def inside(path):
        try:
            return os.path.realpath(os.fsdecode(path)).startswith(out + os.sep)
        except TypeError:
            return False

    def hook(event, args):
        if event == "open" and args[0] is not None and inside(args[0]):
            mode, flags = args[1] or "", args[2] or 0
            if any(c in mode for c in "wax+") or flags & WRITE:
                seen.append(["write", os.path.basename(os.fsdecode(args[0]))])
        elif event == "os.rename" and inside(args[1]):
            seen.append(["rename", os.path.basename(os.fsdecode(args[0])),
                         os.path.basename(os.fsdecode(args[1]))])

    sys.addaudithook(hook)
    from resourcemodel.cli import main
    code = main(sys.argv[2:])
    print(json.dumps({"code": code, "events": seen}))
    """
)


def test_every_file_the_cli_writes_goes_through_a_temporary_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [
        "run",
        str(rm.examples.path("two_plants")),
        str(rm.examples.path("product_chain")),
        "--out",
        str(out),
        "--write-lp",
        str(out / "model.lp"),
    ]
    proc = subprocess.run(
        [sys.executable, "-c", AUDITED_CLI, str(out), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    events = report["events"]
    written = {e[1] for e in events if e[0] == "write"}
    renamed = {e[2]: e[1] for e in events if e[0] == "rename"}
    final = {p.name for p in out.iterdir()}
    assert final == {"two_plants.nc", "product_chain.nc", "model.lp"}
    assert set(renamed) == final  # every file arrived by a rename ...
    for name, temp in renamed.items():  # ... from its own hidden temporary file
        assert re.fullmatch(rf"\.{re.escape(name)}\..+\.part(\.lp)?", temp), temp
    assert written and all(re.fullmatch(r"\..+\.part(\.lp)?", w) for w in written), written
