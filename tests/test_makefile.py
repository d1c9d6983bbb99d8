"""``make notebooks`` starts JupyterLab as any user, root included (``make -n``: nothing runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")


def dry_run(target: str, tmp_path: Path, user: list[str] | None = None) -> list[str]:
    """The commands ``make TARGET`` would run, with a venv that needs no installing."""
    venv = tmp_path / "venv"
    cmd = [*(user or []), "make", "--no-print-directory", "-n", target, f"VENV={venv}"]
    cmd += ["-o", f"{venv}/.installed"]
    # Under `make test` this runs inside make: its variables would make the inner make a
    # sub-make (which prints "Entering directory" lines and shares the outer one's flags).
    outer = {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"}
    env = {k: v for k, v in os.environ.items() if k not in outer}
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True, env=env).stdout
    return out.splitlines()


def jupyter_line(lines: list[str], venv: Path) -> str:
    [line] = [line for line in lines if f"{venv}/bin/jupyter lab" in line]
    return line


def test_notebooks_allows_root_only_as_root(tmp_path: Path) -> None:
    lines = dry_run("notebooks", tmp_path)
    assert lines[0] == f"{tmp_path}/venv/bin/jupytext --sync notebooks/[0-9]*.py"
    line = jupyter_line(lines, tmp_path / "venv")
    assert line.endswith(" notebooks/")
    assert "open the http://localhost:PORT/lab?token=... URL it prints" in line
    assert ("--allow-root" in line) == (os.geteuid() == 0)


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv"
)
def test_notebooks_as_another_user_has_no_allow_root(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    line = jupyter_line(dry_run("notebooks", tmp_path, nobody), tmp_path / "venv")
    assert "--allow-root" not in line


def test_extra_jupyter_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_ARGS", "--port 8890 --no-browser")
    line = jupyter_line(dry_run("notebooks", tmp_path), tmp_path / "venv")
    assert "--port 8890 --no-browser notebooks/" in line


def test_cockpit_serves_the_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``make cockpit`` hands the notebook to Voila (as any user: Voila needs no --allow-root);
    the serving itself is driven in Chromium by test_cockpit_browser.py."""
    monkeypatch.setenv("COCKPIT_ARGS", "--port 8870")
    [line] = dry_run("cockpit", tmp_path)
    venv = tmp_path / "venv"
    assert line == (
        f"{venv}/bin/python -m resourcemodel.cockpit.serve notebooks/00_cockpit.py --port 8870"
    )
