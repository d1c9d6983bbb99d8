"""Run a sweep: chunks of runs on a serial loop, a process pool or a Dask cluster.

Finished chunks are checkpointed to ``OUT/chunks/`` (atomic writes) so that running the
same sweep again with ``resume=True`` after a crash or Ctrl-C recomputes nothing that
finished. The result is one Dataset with a ``run`` dimension, the factor values as
coordinates, the kept outcomes, and ``status``/``message``/``mode`` per run.
"""

from __future__ import annotations

import json
import math
import numbers
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from resourcemodel import io
from resourcemodel.exceptions import SweepError
from resourcemodel.sweeps.evaluate import (
    Evaluator,
    init_worker,
    outcome_name,
    register,
    run_chunk,
)
from resourcemodel.sweeps.sampling import sample
from resourcemodel.sweeps.spec import SweepSpec, load_sweep

_MANIFEST = "sweep.json"


def sweep(
    spec: str | Path | dict[str, Any] | SweepSpec,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    client: Any = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = True,
    chunk_size: int | None = None,
) -> xr.Dataset:
    """Run every sample of a sweep and return the results along a ``run`` dimension.

    Parameters
    ----------
    spec : str, Path, dict or SweepSpec
        The sweep (see :mod:`resourcemodel.sweeps.spec`).
    workers : int, default 1
        Worker processes of the local pool; 1 runs serially in this process.
    scheduler : str, optional
        Address of a ``dask.distributed`` scheduler (``tcp://host:8786``); used only when
        given. Needs the ``dask`` extra.
    client : dask.distributed.Client, optional
        An existing Dask client (instead of ``scheduler``).
    out : str or Path, optional
        Folder for checkpoints and ``sweep.nc``. Without it nothing is written.
    resume : bool
        Reuse the finished chunks in ``out`` (the folder must hold the same sweep).
    progress : bool
        Show a tqdm progress bar (a widget in notebooks).
    chunk_size : int, optional
        Runs sent to a worker at a time (default: the spec's, else about 4 chunks per
        worker, at most 50 runs).

    Returns
    -------
    xarray.Dataset
        ``status``, ``message`` and ``mode`` (warm / rebuilt / cold) per run, one
        variable per outcome, factor values as coordinates along ``run``.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> ds = rm.sweep({"base": str(rm.examples.path("two_plants")),
    ...                "lever": [{"name": "river", "parameter": "source_cap",
    ...                           "scale": [0.9, 1.0, 1.1]}]}, progress=False)
    >>> ds["objective"].values.round(1).tolist()
    [2475.0, 2250.0, 2025.0]
    """
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
        msg = f"workers={workers!r}: expected a whole number >= 1 (1 runs in this process)."
        raise SweepError(msg)
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec)
    values = sample(spec)
    n = len(values)
    if n == 0:
        raise SweepError("The sweep has no runs (empty sample).")
    width = int(workers)
    size = chunk_size or spec.chunk_size or max(1, min(50, math.ceil(n / (4 * width))))
    chunks = [np.arange(i, min(i + size, n)) for i in range(0, n, size)]
    # Compiling the base and levers checks the inputs: do it before the folder is written.
    main = Evaluator(spec)  # coordinates and outcome dims; also the serial worker
    done: dict[int, dict[str, Any]] = {}
    folder = Path(out) if out is not None else None
    if folder is not None:
        done = _prepare(folder, spec, n, size, resume)
    todo = [(k, runs) for k, runs in enumerate(chunks) if k not in done]
    start = time.perf_counter()
    from tqdm.auto import tqdm

    register(main)  # forked pool workers start from a copy instead of reloading
    bar = tqdm(
        total=n,
        initial=sum(len(chunks[k]) for k in done),
        disable=not progress,
        desc=f"sweep {spec.name}",
        unit="run",
    )
    try:
        for k, payload in _execute(spec, todo, values, workers, scheduler, client, main):
            done[k] = payload
            if folder is not None:
                _save_chunk(folder, k, payload)
            bar.update(len(payload["runs"]))
    finally:
        bar.close()
    elapsed = time.perf_counter() - start
    ds = _assemble(
        spec, values, [done[k] for k in sorted(done)], elapsed, workers, scheduler, client, main
    )
    if folder is not None:
        io.save(ds, folder / "sweep.nc")
    return ds


def _execute(
    spec: SweepSpec,
    todo: list[tuple[int, np.ndarray]],
    values: np.ndarray,
    workers: int,
    scheduler: str | None,
    client: Any,
    evaluator: Evaluator,
) -> Iterator[tuple[int, dict[str, Any]]]:
    if not todo:
        return
    if scheduler is not None or client is not None:
        yield from _dask(spec, todo, values, scheduler, client)
        return
    if workers <= 1:
        for k, runs in todo:
            yield k, {"runs": runs, "results": [evaluator.run(values[i]) for i in runs]}
        return
    with ProcessPoolExecutor(
        max_workers=workers, initializer=init_worker, initargs=(spec,)
    ) as pool:
        futures: dict[Future[dict[str, Any]], int] = {
            pool.submit(run_chunk, spec, runs, values[runs]): k for k, runs in todo
        }
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _dask(
    spec: SweepSpec,
    todo: list[tuple[int, np.ndarray]],
    values: np.ndarray,
    scheduler: str | None,
    client: Any,
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError as err:
        msg = "A Dask scheduler needs the dask extra: pip install 'resourcemodel[dask]'."
        raise SweepError(msg) from err
    own = client is None
    if own:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as err:
            raise SweepError(f"Cannot reach the Dask scheduler {scheduler!r}: {err}.") from err
    try:
        futures = {
            client.submit(run_chunk, spec, runs, values[runs], pure=False): k for k, runs in todo
        }
        for future in dask_completed(list(futures)):
            yield futures[future], future.result()
    finally:
        if own:
            client.close()


# -- checkpoints --------------------------------------------------------------------------
def _prepare(
    folder: Path, spec: SweepSpec, n: int, size: int, resume: bool
) -> dict[int, dict[str, Any]]:
    manifest = folder / _MANIFEST
    chunks_dir = folder / "chunks"
    info = {"digest": spec.digest, "runs": n, "chunk_size": size, "spec": spec.to_dict()}
    if manifest.exists():
        old = json.loads(manifest.read_text(encoding="utf-8"))
        if old.get("digest") != spec.digest:
            other = old.get("spec", {}).get("name")
            raise SweepError(
                f"{str(folder)!r} holds results of a different sweep ({other!r}); "
                "choose another --out folder or delete it."
            )
        if not resume:
            raise SweepError(
                f"{str(folder)!r} already holds checkpoints of this sweep; pass --resume "
                "(resume=True) to continue it, or choose another --out folder."
            )
        size = int(old["chunk_size"])
    elif chunks_dir.exists() and any(chunks_dir.iterdir()):
        raise SweepError(f"{str(chunks_dir)!r} holds files but no {_MANIFEST}; not a sweep folder.")
    folder.mkdir(parents=True, exist_ok=True)
    chunks_dir.mkdir(exist_ok=True)
    if not manifest.exists():
        io.write_text(manifest, json.dumps(info, indent=1, default=str))
    done = {}
    for path in sorted(chunks_dir.glob("chunk_*.json")):
        k = int(path.stem.split("_")[1])
        payload = json.loads(path.read_text(encoding="utf-8"))
        payload["runs"] = np.asarray(payload["runs"], dtype=int)
        for result in payload["results"]:
            result["outcomes"] = {
                key: np.asarray(val, dtype=float) for key, val in result["outcomes"].items()
            }
        done[k] = payload
    return done


def _save_chunk(folder: Path, k: int, payload: dict[str, Any]) -> None:
    data = {
        "runs": [int(i) for i in payload["runs"]],
        "results": [
            {**r, "outcomes": {key: np.asarray(val).tolist() for key, val in r["outcomes"].items()}}
            for r in payload["results"]
        ],
    }
    io.write_text(folder / "chunks" / f"chunk_{k:06d}.json", json.dumps(data))


# -- results ------------------------------------------------------------------------------
def _assemble(
    spec: SweepSpec,
    values: np.ndarray,
    payloads: list[dict[str, Any]],
    elapsed: float,
    workers: int,
    scheduler: str | None,
    client: Any,
    main: Evaluator,
) -> xr.Dataset:
    n = len(values)
    status = np.full(n, "not_run", dtype=object)
    message = np.full(n, "", dtype=object)
    mode = np.full(n, "", dtype=object)
    per_run: list[dict[str, np.ndarray]] = [{} for _ in range(n)]
    for payload in payloads:
        for i, result in zip(payload["runs"], payload["results"], strict=True):
            status[i], message[i], mode[i] = result["status"], result["message"], result["mode"]
            per_run[i] = result["outcomes"]
    inputs = main.inputs
    dims = main.dims_of()
    data: dict[str, Any] = {
        "status": ("run", status.astype(str)),
        "message": ("run", message.astype(str)),
        "mode": ("run", mode.astype(str)),
    }
    for outcome in spec.outcomes:
        name = outcome_name(outcome)
        keep = dims[name]
        shape = tuple(inputs.sizes[d] for d in keep)
        stacked = np.full((n, *shape), np.nan)
        for i, outs in enumerate(per_run):
            if name in outs:
                stacked[i] = outs[name]
        data[name] = (("run", *keep), stacked)
    coords: dict[str, Any] = {"run": np.arange(n)}
    for j, factor in enumerate(spec.factors):
        coords[factor.name] = ("run", values[:, j])
    used = {d for name in dims for d in dims[name]}
    for d in used:
        coords[d] = inputs[d].values
    for d, per_label in label_units(inputs, used).items():  # to read templated outcome units
        coords[f"{d}_unit"] = (d, per_label)
    ds = xr.Dataset(data, coords)
    for name, template in main.units_of().items():
        if name in ds:
            ds[name].attrs["units"] = template
    for factor in spec.factors:
        ds[factor.name].attrs.update(
            {
                "kind": factor.kind,
                "parameter": factor.parameter,
                "op": factor.op,
                "where": json.dumps(factor.where),
                "units": factor.units,
                "long_name": factor.label or factor.name,
            }
        )
    ok = int((status == "optimal").sum())
    ds.attrs.update(
        {
            "sweep": spec.name,
            "description": spec.description,
            "sampler": spec.sampler,
            "seed": -1 if spec.seed is None else int(spec.seed),
            "spec": json.dumps(spec.to_dict(), default=str),
            "digest": spec.digest,
            "runs": n,
            "runs_optimal": ok,
            "runs_failed": n - ok,
            "seconds": elapsed,
            "executor": "dask"
            if (scheduler or client)
            else ("serial" if workers <= 1 else f"process-pool-{workers}"),
        }
    )
    return ds


def label_units(inputs: xr.Dataset, dims: set[str] | list[str]) -> dict[str, np.ndarray]:
    """Return the unit of every label of each dim that has one (``product`` -> ``t``, ...).

    A ``source`` or ``group`` is measured in the unit of its resource, a ``process`` in
    that of its product; sweep outcomes keep these as ``<dim>_unit`` coordinates so that a
    unit template such as ``{source.resource}`` can be read for any label.
    """
    resource_unit = dict(
        zip(inputs["resource"].values, inputs["resource_unit"].values, strict=True)
    )
    product_unit = dict(zip(inputs["product"].values, inputs["product_unit"].values, strict=True))
    lookups = {
        "product": lambda: [product_unit[p] for p in inputs["product"].values],
        "resource": lambda: [resource_unit[r] for r in inputs["resource"].values],
        "source": lambda: [resource_unit[r] for r in inputs["source_resource"].values],
        "group": lambda: [resource_unit.get(r, "") for r in inputs["group_resource"].values],
        "process": lambda: [product_unit[p] for p in inputs["process_product"].values],
    }
    return {
        d: np.asarray(lookups[d](), dtype=str) for d in dims if d in lookups and d in inputs.dims
    }
