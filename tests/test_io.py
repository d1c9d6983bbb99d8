"""Results files: exact netCDF round trip and atomic writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr

import resourcemodel as rm


@pytest.mark.parametrize("name", ["two_plants", "product_chain", "measure_payoff", "infeasible"])
def test_netcdf_round_trip_identical(name: str, tmp_path: Path) -> None:
    res = rm.run(rm.examples.path(name))
    path = rm.save(res, tmp_path / "out" / f"{name}.nc")
    back = rm.load_results(path)
    xr.testing.assert_identical(back, res)


def test_failed_write_keeps_previous_file(tmp_path: Path) -> None:
    res = rm.run(rm.examples.path("two_plants"))
    target = rm.save(res, tmp_path / "r.nc")
    before = target.read_bytes()
    broken = res.copy()
    broken.attrs["bad"] = object()  # netCDF cannot store this: the write fails midway
    with pytest.raises(Exception):  # noqa: B017
        rm.save(broken, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.nc"]


def test_killed_writer_leaves_previous_file(tmp_path: Path) -> None:
    """A writer killed mid-write (SIGKILL) leaves the old file intact."""
    target = tmp_path / "big.txt"
    target.write_text("old")
    code = (
        "import os, signal, sys\n"
        "from resourcemodel.io import atomic_path\n"
        f"with atomic_path({str(target)!r}) as tmp:\n"
        "    tmp.write_text('partial')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False, env=os.environ.copy())
    assert proc.returncode != 0
    assert target.read_text() == "old"
