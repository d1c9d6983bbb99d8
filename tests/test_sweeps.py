"""Sweeps: equal to separate solves, warm = cold, failures as data, resume, executors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.scenario import Change, Scenario
from resourcemodel.sweeps import load_sweep, sample, sweep

TWO = rm.examples.path("two_plants")


def _spec(**extra: object) -> dict[str, object]:
    spec: dict[str, object] = {
        "name": "river-and-cost",
        "base": str(TWO),
        "lever": [{"name": "river", "parameter": "source_cap", "scale": [0.8, 0.9, 1.0, 1.1]}],
        "uncertainty": [
            {
                "name": "cost_a",
                "parameter": "production_cost",
                "where": {"process": "a_mill"},
                "add": [0.0, 3.0, 8.0],
                "unit": "USD/t",
            }
        ],
    }
    spec.update(extra)
    return spec


def _separately(changes: list[Change]) -> float:
    scenario = Scenario(
        name="x",
        description="",
        path=None,
        data=TWO,
        overlays=(),
        options={},
        changes=tuple(changes),
        chain=("x",),
    )
    return float(rm.run(scenario).attrs["objective"])


def test_grid_equals_separate_solves() -> None:
    ds = sweep(_spec(), progress=False)
    assert ds.sizes["run"] == 12
    assert (ds["status"] == "optimal").all()
    assert set(ds["mode"].values) == {"warm"}
    for i in range(12):
        river, cost = float(ds["river"][i]), float(ds["cost_a"][i])
        expected = _separately(
            [
                Change("source_cap", {}, "scale", river, None, "t"),
                Change("production_cost", {"process": ("a_mill",)}, "add", cost, "USD/t", "t"),
            ]
        )
        assert float(ds["objective"][i]) == pytest.approx(expected, rel=1e-6)


def test_rebuild_path_agrees_with_separate_solves() -> None:
    """Intensity changes the matrix: rebuilt runs must still be right."""
    spec = {
        "base": str(TWO),
        "lever": [
            {
                "name": "b_water",
                "parameter": "intensity",
                "where": {"process": "b_mill"},
                "set": [1.0, 1.2, 1.5],
                "unit": "m3/t",
            }
        ],
    }
    ds = sweep(spec, progress=False)
    assert set(ds["mode"].values) == {"rebuilt"}
    for i, value in enumerate([1.0, 1.2, 1.5]):
        expected = _separately(
            [Change("intensity", {"process": ("b_mill",)}, "set", value, "m3/t", "t")]
        )
        assert float(ds["objective"][i]) == pytest.approx(expected, rel=1e-6)


def test_infeasible_and_invalid_runs_are_data() -> None:
    spec = {
        "base": str(TWO),
        "lever": [
            {"name": "must", "parameter": "must_run", "set": [0.0, 1.0]},
            {"name": "river", "parameter": "source_cap", "add": [0.0, -1000.0], "unit": "m3"},
        ],
    }
    ds = sweep(spec, progress=False)
    status = dict(
        zip(
            zip(ds["must"].values, ds["river"].values, strict=True),
            ds["status"].values,
            strict=True,
        )
    )
    assert status[(0.0, 0.0)] == "optimal"
    assert status[(1.0, 0.0)] == "infeasible"
    assert status[(0.0, -1000.0)] == "error"
    bad = ds["message"].values[list(ds["river"].values).index(-1000.0)]
    assert "'source_cap' left its valid range" in bad
    assert np.isnan(float(ds["objective"].where(ds["status"] != "optimal").max()))
    assert ds.attrs["runs_failed"] == 3


def test_samplers_are_seeded(tmp_path: Path) -> None:
    spec = load_sweep(
        {
            "base": str(TWO),
            "sampler": "latin_hypercube",
            "samples": 20,
            "seed": 4,
            "lever": [{"name": "r", "parameter": "source_cap", "scale": {"low": 0.5, "high": 1.5}}],
        }
    )
    a, b = sample(spec), sample(spec)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (20, 1) and a.min() >= 0.5 and a.max() <= 1.5
    # One value per stratum of width 0.05.
    assert sorted(np.floor((a[:, 0] - 0.5) / 0.05).astype(int)) == list(range(20))
    reseeded = load_sweep(
        {
            "base": str(TWO),
            "sampler": "latin_hypercube",
            "samples": 20,
            "seed": 5,
            "lever": [{"name": "r", "parameter": "source_cap", "scale": {"low": 0.5, "high": 1.5}}],
        }
    )
    assert not np.array_equal(sample(reseeded), a)


def test_one_at_a_time_and_sobol() -> None:
    oat = load_sweep(_spec(sampler="one_at_a_time"))
    values = sample(oat)
    # base, then river through 3 non-base values, then cost through 2 non-base values
    assert values.shape == (1 + 3 + 2, 2)
    np.testing.assert_array_equal(values[0], [1.0, 0.0])
    pytest.importorskip("SALib")
    sob = load_sweep(
        {
            "base": str(TWO),
            "sampler": "sobol",
            "samples": 8,
            "seed": 1,
            "lever": [
                {"name": "r", "parameter": "source_cap", "scale": {"low": 0.8, "high": 1.2}},
                {"name": "c", "parameter": "production_cost", "scale": {"low": 0.5, "high": 1.5}},
            ],
        }
    )
    s1, s2 = sample(sob), sample(sob)
    np.testing.assert_array_equal(s1, s2)
    assert s1.shape == (8 * (2 * 2 + 2), 2)


def test_process_pool_matches_serial() -> None:
    serial = sweep(_spec(), progress=False)
    pooled = sweep(_spec(), workers=2, progress=False, chunk_size=2)
    xr.testing.assert_allclose(serial.drop_attrs(), pooled.drop_attrs())
    assert pooled.attrs["executor"] == "process-pool-2"


def test_dask_local_cluster() -> None:
    distributed = pytest.importorskip("dask.distributed")
    serial = sweep(_spec(), progress=False)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        ds = sweep(_spec(), client=client, progress=False, chunk_size=3)
    xr.testing.assert_allclose(serial.drop_attrs(), ds.drop_attrs())
    assert ds.attrs["executor"] == "dask"


def test_checkpoints_and_resume_guard(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    first = sweep(_spec(), out=out, progress=False, chunk_size=5)
    assert (out / "sweep.nc").exists()
    assert len(list((out / "chunks").glob("chunk_*.json"))) == 3
    with pytest.raises(rm.ResourceModelError, match="already holds checkpoints"):
        sweep(_spec(), out=out, progress=False)
    again = sweep(_spec(), out=out, resume=True, progress=False)
    xr.testing.assert_allclose(first.drop_attrs(), again.drop_attrs())
    with pytest.raises(rm.ResourceModelError, match="different sweep"):
        sweep(_spec(name="other", seed=3), out=out, resume=True, progress=False)


def test_resume_after_kill_recomputes_nothing_finished(tmp_path: Path) -> None:
    """Kill a sweep process mid-way (SIGKILL), resume, and check finished chunks are kept."""
    out = tmp_path / "killed"
    spec_file = tmp_path / "sweep.toml"
    spec_file.write_text(
        textwrap.dedent(f"""
        name = "slow"
        base = "{TWO}"
        chunk_size = 1
        [[lever]]
        name = "river"
        parameter = "source_cap"
        scale = {{ low = 0.5, high = 1.5, levels = 40 }}
    """)
    )
    code = (
        "import time, resourcemodel.sweeps.evaluate as ev\n"
        "orig = ev.Evaluator.run\n"
        "def slow(self, v):\n    time.sleep(0.1)\n    return orig(self, v)\n"
        "ev.Evaluator.run = slow\n"
        "from resourcemodel.sweeps import sweep\n"
        f"sweep({str(spec_file)!r}, out={str(out)!r}, progress=False)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    chunks = out / "chunks"
    deadline = time.time() + 60
    while time.time() < deadline and len(list(chunks.glob("chunk_*.json"))) < 5:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = {p.name: p.stat().st_mtime_ns for p in chunks.glob("chunk_*.json")}
    assert 5 <= len(finished) < 40
    assert not (out / "sweep.nc").exists()
    resumed = sweep(spec_file, out=out, resume=True, progress=False)
    for name, mtime in finished.items():
        assert (chunks / name).stat().st_mtime_ns == mtime  # not recomputed
    assert len(list(chunks.glob("chunk_*.json"))) == 40
    full = sweep(spec_file, progress=False)
    xr.testing.assert_allclose(full.drop_attrs(), resumed.drop_attrs())


def test_spec_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'base = "nowhere.toml"\nsampler = "magic"\n[[lever]]\nname = "x"\n'
        'parameter = "capacityy"\nscale = [1]\nset = [2]\n'
    )
    with pytest.raises(rm.ResourceModelError) as info:
        load_sweep(bad)
    text = str(info.value)
    assert "'bad.toml', sampler: 'magic' is not one of" in text
    assert "'bad.toml', base: 'nowhere.toml' not found" in text
    assert "unknown parameter 'capacityy'" in text
    assert "give exactly one of ['scale', 'set', 'add']" in text
    with pytest.raises(rm.ResourceModelError, match="matches no source"):
        sweep(
            {
                "base": str(TWO),
                "lever": [
                    {
                        "name": "x",
                        "parameter": "source_cap",
                        "where": {"source": "lake"},
                        "scale": [1.0],
                    }
                ],
            },
            progress=False,
        )


def test_warm_runs_release_their_memory() -> None:
    """Python/numpy memory held by an evaluator does not grow with the number of runs."""
    import tracemalloc

    from resourcemodel.sweeps.evaluate import Evaluator

    spec = load_sweep(_spec(sampler="latin_hypercube", samples=3300, seed=3))
    values = sample(spec)
    evaluator = Evaluator(spec)
    tracemalloc.start()
    try:
        # The first runs under tracing fill CPython's free lists (up to 2,000 freed small
        # tuples per size are kept for reuse and still count as traced); after that, what
        # grows is a leak.
        statuses = {evaluator.run(row)["status"] for row in values[:2500]}
        before, _ = tracemalloc.get_traced_memory()
        statuses |= {evaluator.run(row)["status"] for row in values[2500:]}
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert statuses == {"optimal"}
    # Keeping one solution per run would hold 800 x (x, duals) arrays, hundreds of kB.
    assert after - before < 16 * 1024, f"{after - before} bytes kept by 800 more runs"
