"""Serve the cockpit notebook as a web page with Voila: ``python -m resourcemodel.cockpit.serve``.

``make cockpit`` runs this. The page shows the notebook's output only (no code), with the
cockpit's own Voila template (:data:`TEMPLATES`: the lab template without the stylesheets it
would fetch from a CDN) and only the front-end extensions the cockpit uses
(:data:`EXTENSIONS`), so that it loads with no failed request and no console error on a
machine without internet. Voila itself runs as root without complaint (unlike JupyterLab),
so no ``--allow-root`` is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

#: The folder that holds ``voila/templates/cockpit`` (put on ``JUPYTER_PATH``).
TEMPLATES = Path(__file__).parent / "jupyter"
#: Front-end extensions the page loads: the widget managers and bqplot's charts.
EXTENSIONS = (
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "bqplot",
    "bqscales",
)
DEFAULT_PORT = 8866


def voila_command(notebook: str | Path, port: int = DEFAULT_PORT, *extra: str) -> list[str]:
    """Return the command that serves ``notebook`` (a ``.ipynb``) on ``port``.

    Examples
    --------
    >>> voila_command("notebooks/00_cockpit.ipynb", 8870)[1:6]  # doctest: +NORMALIZE_WHITESPACE
    ['notebooks/00_cockpit.ipynb', '--port=8870', '--no-browser', '--template=cockpit',
     '--VoilaConfiguration.extension_allowlist=@jupyter-widgets/jupyterlab-manager']
    """
    voila = Path(sys.executable).with_name("voila")
    return [
        str(voila),
        str(notebook),
        f"--port={port}",
        "--no-browser",
        "--template=cockpit",
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in EXTENSIONS),
        *extra,
    ]


def environment() -> dict[str, str]:
    """Return this process's environment with the cockpit template on ``JUPYTER_PATH``."""
    env = dict(os.environ)
    paths = [str(TEMPLATES), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    return env


def main(argv: Sequence[str] | None = None) -> int:
    """Write the notebook's ``.ipynb`` from its ``.py`` source; become Voila serving it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", default="notebooks/00_cockpit.py")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args, extra = parser.parse_known_args(argv)
    source = Path(args.notebook)
    notebook = source.with_suffix(".ipynb")
    if source.suffix == ".py":
        import jupytext

        jupytext.write(jupytext.read(source), notebook)
    print(
        f"Serving the cockpit on http://localhost:{args.port}/ (open it in a browser; the "
        "first page takes a few seconds to solve). Ctrl-C stops it.",
        flush=True,
    )
    command = voila_command(notebook, args.port, *extra)
    os.execve(command[0], command, environment())  # Voila replaces this process
    return 0  # pragma: no cover - not reached


if __name__ == "__main__":
    raise SystemExit(main())
