"""Options and outputs are checked before any work, and results already written are kept.

Every refusal: exit code 2, one ``error:`` line naming the option or file, no traceback,
nothing written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import resourcemodel as rm
from resourcemodel.cli import EXIT_INFEASIBLE, EXIT_INPUT, main
from resourcemodel.exceptions import BackendError, InputError, SweepError

TWO = str(rm.examples.path("two_plants"))
SWEEP = str(Path(__file__).parents[1] / "sweeps" / "river-and-grid.toml")


def _refused(capsys: pytest.CaptureFixture[str], args: list[str], *needles: str) -> str:
    capsys.readouterr()
    assert main(args) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", TWO, "--time-limit", "-1"], "--time-limit -1: expected a number of seconds > 0"),
        (["run", TWO, "--time-limit", "nan"], "--time-limit nan"),
        (["run", TWO, "--threads", "0"], "--threads 0: expected a whole number >= 1"),
        (["run", TWO, "--tolerance", "2"], "--tolerance 2: expected a number between 0 and 1"),
        (["sweep", SWEEP, "--workers", "-2"], "--workers -2: expected a whole number >= 1"),
        (["pareto", TWO, "--of", "water", "--points", "0"], "--points 0: expected a whole"),
        (["pareto", TWO, "--of", "water", "--points", "1"], "--points 1"),
        (["explain", TWO, "--alternatives", "-1"], "--alternatives -1"),
        (["cost-curve", TWO, "--resolution", "0"], "--resolution 0: expected a share"),
        (["cost-curve", TWO, "--max-cost", "inf"], "--max-cost inf: expected a finite number"),
    ],
)
def test_impossible_numbers(
    args: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    _refused(capsys, [*args, "--out", str(out / ("x.nc" if args[0] != "run" else ""))], needle)
    assert not out.exists()


def test_run_out_naming_a_file_is_refused_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "results.nc"
    blocker.write_text("an earlier file")
    _refused(capsys, ["run", TWO, "--out", str(blocker)], "--out", "is a file; give a folder")
    _refused(capsys, ["run", TWO, "--out", str(blocker / "sub")], "is a file, not a folder")
    _refused(capsys, ["sweep", SWEEP, "--out", str(blocker)], "is a file; give a folder")
    _refused(capsys, ["export", str(blocker), "--out", str(blocker)], "is a file; give a folder")
    assert blocker.read_text() == "an earlier file"
    assert main(["run", TWO, "--out", str(blocker), "--no-save"]) == 0


@pytest.mark.parametrize(
    ("option", "name", "needle"),
    [
        ("--out", "front", "is a folder; give a file name"),
        ("--out", "front.txt", "the file name must end in .nc or .csv"),
        ("--plot", "front.txt", "the file name must end in .png or .svg or .pdf"),
    ],
)
def test_analysis_output_files(
    option: str, name: str, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "front").mkdir()
    args = ["pareto", TWO, "--of", "water", "--points", "2", option, str(tmp_path / name)]
    _refused(capsys, args, f"{option} ", needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["front"]


def test_same_scenario_name_twice_is_refused_naming_both_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for stem in ("dry", "drier"):
        (tmp_path / f"{stem}.toml").write_text(f'name = "drought"\ndata = "{TWO}"\n')
    shutil.copytree(rm.examples.path("two_plants"), tmp_path / "two_plants")
    out = tmp_path / "out"
    dry, drier = str(tmp_path / "dry.toml"), str(tmp_path / "drier.toml")
    err = _refused(capsys, ["run", dry, drier, "--out", str(out)], "would both write")
    assert dry in err and drier in err and "drought.nc" in err
    _refused(capsys, ["run", dry, dry, "--out", str(out)], "is given twice")
    # A case folder named like a scenario, and names equal but for case (one file on Windows).
    (tmp_path / "other.toml").write_text(f'name = "Two_Plants"\ndata = "{TWO}"\n')
    args = ["run", str(tmp_path / "two_plants"), str(tmp_path / "other.toml"), "--out", str(out)]
    _refused(capsys, args, "would both write")
    assert not out.exists()
    assert main(["run", dry, drier, "--no-save"]) == 0


def test_infeasible_rerun_keeps_the_optimal_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["run", TWO, "--out", str(out)]) == 0
    optimal = (out / "two_plants.nc").read_bytes()
    broken = tmp_path / "later" / "two_plants"  # the same name, now infeasible
    shutil.copytree(rm.examples.path("infeasible"), broken)
    capsys.readouterr()
    assert main(["run", str(broken), "--out", str(out)]) == EXIT_INFEASIBLE
    err = capsys.readouterr().err
    assert "kept the optimal results in" in err and "two_plants.infeasible.nc" in err
    assert (out / "two_plants.nc").read_bytes() == optimal
    assert rm.load_results(out / "two_plants.infeasible.nc").attrs["status"] == "infeasible"
    # An infeasible file is replaced by an optimal one as before.
    assert main(["run", str(broken), "--out", str(tmp_path / "b")]) == EXIT_INFEASIBLE
    assert main(["run", TWO, "--out", str(tmp_path / "b")]) == 0
    assert rm.load_results(tmp_path / "b" / "two_plants.nc").attrs["status"] == "optimal"


def test_a_table_or_results_file_is_not_a_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = str(rm.examples.path("two_plants") / "capacity.csv")
    _refused(capsys, ["run", table, "--no-save"], "is a CSV table, not a scenario")
    _refused(capsys, ["permit", TWO, table], "is a CSV table, not a project", "overlay folder")
    results = rm.save(rm.run(TWO), tmp_path / "r.nc")
    _refused(capsys, ["validate", str(results)], "is a results file, not a scenario")


def test_brief_baseline_lists_the_scenarios_held(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = rm.save(rm.run(TWO), tmp_path / "r.nc")
    args = ["brief", str(results), "--baseline", "two_plant", "--out", str(tmp_path / "b.md")]
    _refused(capsys, args, "baseline 'two_plant'", "scenarios 'two_plants'", "did you mean")
    assert not (tmp_path / "b.md").exists()


def test_api_refuses_impossible_settings() -> None:
    with pytest.raises(BackendError, match="time_limit=-1"):
        rm.run(TWO, time_limit=-1)
    with pytest.raises(BackendError, match="tim_limit"):
        rm.run(TWO, tim_limit=5)  # a misspelt option is not ignored
    with pytest.raises(SweepError, match="workers=0"):
        rm.sweep(SWEEP, workers=0)
    with pytest.raises(InputError, match="at least 2"):
        rm.analyses.pareto(TWO, "water", points=0)


def test_bad_unit_options_are_input_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["pareto", TWO, "--of", "water", "--points", "2", "--unit", "mm3"]
    _refused(capsys, args, "unit 'mm3'", "did you mean 'Mm3' (million m3)?")
    _refused(capsys, ["cost-curve", TWO, "--of", "water", "--unit", "unit"], "micro-nit")


def test_sweep_with_a_bad_lever_writes_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'name = "u"\nbase = "{TWO}"\n[[lever]]\nname = "river"\nparameter = "source_cap"\n'
        'set = [400, 450]\nunit = "mm3"\n'
    )
    out = tmp_path / "out"
    _refused(capsys, ["sweep", str(spec), "--out", str(out), "--no-progress"], "'mm3'")
    assert not out.exists()  # a re-run needs no --resume
