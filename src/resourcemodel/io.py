"""Save and load results (and inputs) Datasets as netCDF, atomically.

Every file is written to a temporary name in the destination folder and renamed over the
target only once complete, so an exception or Ctrl-C mid-write leaves the previous file
intact. The file then has the mode a plain ``open(path, "w")`` would give it, ``0o666``
less the umask (``0644`` by default), not the ``0600`` of the temporary file.

Attributes netCDF cannot hold (bool, None, dict, list) are stored as JSON text with a
marker and restored on load, so ``load(save(ds))`` is identical to ``ds``.
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
_UMASK_LOCK = threading.Lock()


def _umask_from_proc() -> int | None:
    """Return the umask from ``/proc/self/status`` (Linux 4.7+), or None where there is none."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        return None
    return None


def current_umask() -> int:
    """Return the process's umask without changing it for other threads where possible.

    Linux reports it in ``/proc/self/status``. Elsewhere it can only be read by setting it
    (``os.umask``) and setting it back; a lock keeps two readers here from interleaving, but
    a file created by another thread in between would get the mode ``0o077`` asks for.

    Examples
    --------
    >>> old = os.umask(0o027)
    >>> oct(current_umask())
    '0o27'
    >>> _ = os.umask(old)
    """
    found = _umask_from_proc()
    if found is not None:
        return found
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def file_mode() -> int:
    """Return the mode of a new file under the current umask: ``0o666 & ~umask``."""
    return 0o666 & ~current_umask()


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str = ".part") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    On any exception (including ``KeyboardInterrupt``) the temporary file is removed and
    ``target`` is left as it was. If the process is killed outright (SIGKILL, power
    loss) ``target`` is still intact and a hidden ``.<name>.<random><suffix>`` file may
    remain beside it. The finished file gets :func:`file_mode` (readable by the group and
    others under the usual umask ``022``) before it is renamed, so it never appears with
    the temporary file's ``0600``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, file_mode())  # os.fchmod is POSIX-only before Python 3.13
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
