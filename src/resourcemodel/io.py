"""Save and load results (and inputs) Datasets as netCDF, atomically.

Every file is written to a temporary name in the destination folder and renamed over the
target only once complete, so an exception or Ctrl-C mid-write leaves the previous file
intact. Attributes netCDF cannot hold (bool, None, dict, list) are stored as JSON text
with a marker and restored on load, so ``load(save(ds))`` is identical to ``ds``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import xarray as xr

_JSON_PREFIX = "json:"
ENGINE = "netcdf4"


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str = ".part") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    On any exception (including ``KeyboardInterrupt``) the temporary file is removed and
    ``target`` is left as it was. If the process is killed outright (SIGKILL, power
    loss) ``target`` is still intact and a hidden ``.<name>.<random><suffix>`` file may
    remain beside it.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def write_text(target: str | Path, text: str) -> Path:
    """Write ``text`` to ``target`` atomically (UTF-8)."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


@contextlib.contextmanager
def _ctrl_c_after() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) until the block ends, then raise ``KeyboardInterrupt``.

    A ``KeyboardInterrupt`` raised inside a C library's write (netCDF/HDF5) can leave a
    lock held that the clean-up then waits for forever; deferring it to the end of the
    write keeps Ctrl-C working. Only the main thread receives signals; elsewhere this
    does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def write_with(target: str | Path, writer: Callable[[Path], Any]) -> Path:
    """Call ``writer(tmp_path)`` and move the result over ``target`` atomically.

    Ctrl-C during ``writer`` takes effect when it returns: the temporary file is then
    removed and ``target`` keeps its previous content.
    """
    with atomic_path(target) as tmp, _ctrl_c_after():
        writer(tmp)
    return Path(target)


def _encode_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in attrs.items():
        if isinstance(value, bool) or value is None or isinstance(value, dict | list | tuple):
            out[key] = _JSON_PREFIX + json.dumps(value, ensure_ascii=False)
        else:
            out[key] = value
    return out


def _decode_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in attrs.items():
        if isinstance(value, str) and value.startswith(_JSON_PREFIX):
            out[key] = json.loads(value[len(_JSON_PREFIX) :])
        else:
            out[key] = value
    return out


def save(ds: xr.Dataset, path: str | Path) -> Path:
    """Write a Dataset to netCDF (netCDF4 engine) atomically; return the path.

    Parameters
    ----------
    ds : xarray.Dataset
        Results or inputs.
    path : str or Path
        Destination ``.nc`` file; its folder is created if needed.
    """
    enc = ds.copy()
    enc.attrs = _encode_attrs(dict(ds.attrs))
    for name in list(enc.variables):
        enc[name].attrs = _encode_attrs(dict(ds[name].attrs))
    return write_with(path, lambda tmp: enc.to_netcdf(str(tmp), engine="netcdf4"))


def results_status(path: str | Path) -> str | None:
    """Return the ``status`` of a results file, or ``None`` if it is not one or unreadable.

    Only the attributes are read, not the arrays.
    """
    try:
        with xr.open_dataset(path, engine=ENGINE) as handle:
            status = handle.attrs.get("status")
    except (OSError, ValueError):
        return None
    return None if status is None else str(status)


def save_run(ds: xr.Dataset, path: str | Path) -> Path:
    """Save results like :func:`save`, but never over optimal results with worse ones.

    A run that is not optimal (infeasible, time limit...) whose target holds optimal
    results is written beside it as ``NAME.<status>.nc``: the earlier optimum is kept.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, resourcemodel as rm
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = save_run(rm.run(rm.examples.path("two_plants")), folder / "case.nc")
    >>> save_run(rm.run(rm.examples.path("infeasible")), folder / "case.nc").name
    'case.infeasible.nc'
    """
    path = Path(path)
    status = str(ds.attrs.get("status", "")) or "unknown"
    if status != "optimal" and path.exists() and results_status(path) == "optimal":
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in status)
        path = path.with_name(f"{path.stem}.{safe}.nc")
    return save(ds, path)


def load(path: str | Path) -> xr.Dataset:
    """Read a Dataset written by :func:`save` fully into memory (the file is closed)."""
    with xr.open_dataset(path, engine=ENGINE) as handle:
        ds = handle.load()
    ds.attrs = _decode_attrs(dict(ds.attrs))
    for name in list(ds.variables):
        ds[name].attrs = _decode_attrs(dict(ds[name].attrs))
        ds[name].encoding = {}
    ds.encoding = {}
    return ds
