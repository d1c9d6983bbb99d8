"""Every file the package writes is readable as the user's umask says, not 0600.

Files are written to a temporary file (``mkstemp``: mode 0600) and renamed over the target;
the rename keeps the temporary file's mode, so each writer has to set ``0o666 & ~umask``
itself. These tests write every kind of output under umask 022 (colleagues can read it:
0644) and 077 (private: 0600).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel import io
from resourcemodel.backends.pulp import write as write_model
from resourcemodel.export import FORMATS, export, export_workbook

UMASKS = {0o022: 0o644, 0o077: 0o600}


@pytest.fixture(params=sorted(UMASKS), ids=lambda m: f"umask{m:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under a umask, then put the previous one back."""
    previous = os.umask(request.param)
    try:
        yield int(request.param)
    finally:
        os.umask(previous)


@pytest.fixture(scope="module")
def two_plants() -> xr.Dataset:
    return rm.run(rm.examples.path("two_plants"))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes(paths: list[Path]) -> dict[str, int]:
    return {p.name: _mode(p) for p in paths}


def _all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_current_umask_reads_without_changing_it(umask: int) -> None:
    assert io.current_umask() == umask
    assert os.umask(umask) == umask  # unchanged by the read
    assert io.file_mode() == UMASKS[umask]


def test_umask_fallback_where_proc_is_missing(umask: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Off Linux (no /proc/self/status) the umask is read by setting it and setting it back."""
    monkeypatch.setattr(io, "_umask_from_proc", lambda: None)
    assert io.current_umask() == umask
    assert os.umask(umask) == umask


def test_save_and_write_text(umask: int, two_plants: xr.Dataset, tmp_path: Path) -> None:
    nc = rm.save(two_plants, tmp_path / "results.nc")
    text = io.write_text(tmp_path / "note.txt", "hello")
    assert _modes([nc, text]) == {"results.nc": UMASKS[umask], "note.txt": UMASKS[umask]}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_replacing_a_private_file_gives_the_umask_mode(
    two_plants: xr.Dataset, tmp_path: Path
) -> None:
    """A results file written 0600 by an earlier version becomes 0644 when rewritten."""
    previous = os.umask(0o022)
    try:
        target = tmp_path / "results.nc"
        target.write_bytes(b"old")
        target.chmod(0o600)
        rm.save(two_plants, target)
    finally:
        os.umask(previous)
    assert _mode(target) == 0o644


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
def test_brief_files(umask: int, fmt: str, two_plants: xr.Dataset, tmp_path: Path) -> None:
    target = rm.brief(two_plants, format=fmt, out=tmp_path / f"brief.{fmt}")
    assert isinstance(target, Path)
    files = _all_files(tmp_path)
    assert target in files
    if fmt == "md":  # and its PNG charts
        assert any(p.suffix == ".png" for p in files)
    assert set(_modes(files).values()) == {UMASKS[umask]}, _modes(files)


@pytest.mark.system("pango")
def test_pdf_brief(umask: int, two_plants: xr.Dataset, tmp_path: Path) -> None:
    target = rm.brief(two_plants, lang="fa", format="pdf", out=tmp_path / "brief.pdf")
    assert isinstance(target, Path)
    assert _mode(target) == UMASKS[umask]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_format(umask: int, fmt: str, two_plants: xr.Dataset, tmp_path: Path) -> None:
    written = export(two_plants, fmt, tmp_path / "out")
    assert written and set(written) == set(_all_files(tmp_path / "out"))
    assert set(_modes(written).values()) == {UMASKS[umask]}


def test_comparison_workbook(umask: int, two_plants: xr.Dataset, tmp_path: Path) -> None:
    export_workbook([two_plants, two_plants], tmp_path / "compare.xlsx")
    assert _modes(_all_files(tmp_path)) == {"compare.xlsx": UMASKS[umask]}


@pytest.mark.parametrize("suffix", [".lp", ".mps"])
def test_model_file(umask: int, suffix: str, tmp_path: Path) -> None:
    inputs, _, _ = rm.load(rm.examples.path("two_plants"))
    target = write_model(rm.build(inputs), tmp_path / f"model{suffix}")
    assert _mode(target) == UMASKS[umask]


def test_command_line_run_under_a_shell_umask(tmp_path: Path) -> None:
    """The umask as a shell sets it for the process (``umask 027; resourcemodel run ...``)."""
    script = (
        "import os, sys\n"
        "os.umask(0o027)\n"
        "from resourcemodel.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    out = tmp_path / "out"
    args = ["run", str(rm.examples.path("two_plants")), "--out", str(out)]
    subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True)
    assert _modes(_all_files(out)) == {"two_plants.nc": 0o640}
