"""The command line: summaries, exit codes, no tracebacks on bad input."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import resourcemodel as rm
from resourcemodel.cli import main


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "resourcemodel", *args],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_run_prints_summary_and_writes_file(tmp_path: Path) -> None:
    proc = _cli("run", str(rm.examples.path("two_plants")), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "Scenario 'two_plants': optimal" in proc.stdout
    assert "source_cap" in proc.stdout and "USD/m3" in proc.stdout
    assert "Running HiGHS" not in proc.stdout
    back = rm.load_results(tmp_path / "two_plants.nc")
    assert back.attrs["objective"] == 2250


def test_bad_input_exit_2_without_traceback(
    tmp_path: Path, case_copy: Callable[[str], Path]
) -> None:
    case = case_copy("two_plants")
    (case / "capacity.csv").write_text(
        "process,value,unit,reference,confidence\n"
        "a_mill,-1,t/yr,x,sourced\nb_mill,1,t/yr,x,sourced\n"
    )
    out = tmp_path / "out"
    proc = _cli("run", str(case), "--out", str(out))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "'capacity.csv', line 2" in proc.stderr
    assert not out.exists()


def test_missing_path_exit_2() -> None:
    proc = _cli("run", "/nonexistent/scenario.toml")
    assert proc.returncode == 2
    assert "no such scenario file or case folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_infeasible_exit_3(tmp_path: Path) -> None:
    assert main(["run", str(rm.examples.path("infeasible")), "--out", str(tmp_path)]) == 3


def test_validate_command(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["validate", str(rm.examples.path("product_chain"))]) == 0
    assert "OK" in capsys.readouterr().out


def test_write_lp(tmp_path: Path) -> None:
    target = tmp_path / "m.lp"
    code = main(
        ["run", str(rm.examples.path("two_plants")), "--no-save", "--write-lp", str(target)]
    )
    assert code == 0
    assert "Subject To" in target.read_text() or "SUBJECT TO" in target.read_text().upper()


def test_run_examples_comparison(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Several runs: one comparison table; an infeasible one is a row, not a failure."""
    assert main(["run", "--examples", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "infeasible" in out and "two_plants" in out
    assert "source_cap[river, year] 5 USD/m3" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{n}.nc" for n in sorted(rm.examples.names())
    ]


def test_nothing_to_run() -> None:
    proc = _cli("run")
    assert proc.returncode == 2
    assert "Nothing to run" in proc.stderr


def test_solver_options_reach_highs(tmp_path: Path) -> None:
    proc = _cli(
        "run",
        str(rm.examples.path("two_plants")),
        "--out",
        str(tmp_path),
        "--method",
        "ipm",
        "--presolve",
        "off",
        "--threads",
        "1",
        "--tolerance",
        "1e-8",
    )
    assert proc.returncode == 0, proc.stderr
    back = rm.load_results(tmp_path / "two_plants.nc")
    assert '"method": "ipm"' in back.attrs["solver_options"]
    assert back.attrs["objective"] == 2250


def test_sweep_command(tmp_path: Path) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'name = "cli"\nbase = "{rm.examples.path("two_plants")}"\n'
        '[[lever]]\nname = "river"\nparameter = "source_cap"\nscale = [0.9, 1.0]\n'
    )
    out = tmp_path / "out"
    proc = _cli("sweep", str(spec), "--workers", "1", "--out", str(out), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert "2 runs, 2 optimal" in proc.stdout
    ds = rm.load_results(out / "sweep.nc")
    assert ds["objective"].values.round(1).tolist() == [2475.0, 2250.0]
    again = _cli("sweep", str(spec), "--workers", "1", "--out", str(out), "--no-progress")
    assert again.returncode == 2 and "--resume" in again.stderr


def test_run_path_keeps_heavy_imports_out(tmp_path: Path) -> None:
    """`resourcemodel run` imports neither plotting, PuLP, the PDF stack nor sweeps.

    (Dask is not on the list: with the dask extra installed, pint imports ``dask`` and
    xarray imports ``dask.array`` and, in ``to_netcdf``, ``distributed`` by themselves.)
    """
    code = (
        "import sys\n"
        "from resourcemodel.cli import main\n"
        "try:\n"
        f"    main(['run', {str(rm.examples.path('two_plants'))!r}, '--out', {str(tmp_path)!r}])\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "heavy = ('matplotlib', 'pulp', 'resourcemodel.sweeps', 'weasyprint')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout


def test_lazy_public_names() -> None:
    """The sweep and analysis parts of the API load on first use and are listed by dir()."""
    assert {"sweep", "load_sweep", "analyses"} <= set(dir(rm))
    assert rm.sweep.__module__ == "resourcemodel.sweeps.runner"
    assert callable(rm.load_sweep) and callable(rm.analyses.explain)
    assert callable(rm.brief)
    # ``import resourcemodel`` alone reaches the pathway and portfolio packages.
    assert {"pathway", "portfolio"} <= set(dir(rm))
    assert callable(rm.portfolio.schedule) and callable(rm.pathway.run_pathway)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = rm.nothing  # type: ignore[attr-defined]
