"""The optional system packages the tests use, and how the tests can pretend they are missing.

``make test`` passes whatever the machine has: a test marked ``@pytest.mark.system("pdftotext")``
is skipped, with the ``apt-get install`` line, when one of its needs is missing (``conftest.py``
does this at collection). With ``RESOURCEMODEL_REQUIRE_SYSTEM_PACKAGES=1``, set by ``.ci/run``,
such a test fails instead, so CI cannot skip silently. ``PACKAGES`` is the one list the README
and ``.ci/run`` install (``test_system_packages.py`` checks that they agree).

``RESOURCEMODEL_HIDE_LIBRARIES=harfbuzz-subset,pango`` makes cffi fail to open every shared
library whose name contains one of the words, as ``dlopen`` does when the Debian package is not
installed. weasyprint then takes its own path for that case (fontTools instead of HarfBuzz's
subsetter, with its warning; or no PDF at all without Pango). ``conftest.py`` imports this
module before anything imports weasyprint.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cffi

REQUIRE_ENV = "RESOURCEMODEL_REQUIRE_SYSTEM_PACKAGES"
HIDE_ENV = "RESOURCEMODEL_HIDE_LIBRARIES"


@dataclass(frozen=True)
class Need:
    """Something a test needs from the system: the Debian package(s) and how to tell."""

    packages: tuple[str, ...]
    purpose: str
    present: Callable[[], bool]


def _command(name: str) -> Callable[[], bool]:
    return lambda: shutil.which(name) is not None


@functools.cache
def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: a shared library weasyprint needs is missing
        return False
    return True


POPPLER = ("poppler-utils",)
PANGO = ("libpango-1.0-0", "libpangoft2-1.0-0")

#: What ``@pytest.mark.system(...)`` accepts.
NEEDS: dict[str, Need] = {
    "pdftotext": Need(POPPLER, "reads a PDF brief's text back", _command("pdftotext")),
    "pdfinfo": Need(POPPLER, "counts a PDF brief's pages", _command("pdfinfo")),
    "pdftoppm": Need(POPPLER, "renders a PDF page to an image", _command("pdftoppm")),
    "pango": Need(PANGO, "weasyprint lays PDF briefs out with Pango", _weasyprint_loads),
    "chromium": Need(
        ("chromium",),
        "opens HTML briefs and the served cockpit in a headless browser",
        _command("chromium"),
    ),
}

#: Used when present, needed by no test: without it weasyprint embeds fonts through fontTools
#: and warns (the warning is ignored in pyproject.toml; the PDF is the same).
OPTIONAL = {"libharfbuzz-subset0": "weasyprint's font subsetter for PDF briefs"}

#: Every optional Debian package, as the README and .ci/run install them.
PACKAGES: tuple[str, ...] = tuple(
    dict.fromkeys(p for need in NEEDS.values() for p in need.packages)
) + tuple(OPTIONAL)


def missing(needs: tuple[str, ...]) -> str | None:
    """Say what of ``needs`` is missing and how to install it, or None if nothing is."""
    unknown = [name for name in needs if name not in NEEDS]
    if unknown:
        raise ValueError(f"unknown system need(s) {unknown}; known: {sorted(NEEDS)}")
    absent = [name for name in needs if not NEEDS[name].present()]
    if not absent:
        return None
    packages = dict.fromkeys(p for name in absent for p in NEEDS[name].packages)
    what = "; ".join(f"{name} ({NEEDS[name].purpose})" for name in absent)
    return f"missing {what}: apt-get install {' '.join(packages)}"


def hidden_libraries() -> tuple[str, ...]:
    """The words of ``RESOURCEMODEL_HIDE_LIBRARIES``."""
    return tuple(w.strip() for w in os.environ.get(HIDE_ENV, "").split(",") if w.strip())


def _hide(words: tuple[str, ...]) -> None:
    opened = cffi.FFI.dlopen

    def dlopen(self: cffi.FFI, name: Any, flags: int = 0) -> Any:
        if isinstance(name, str) and any(word in name for word in words):
            raise OSError(f"{name}: cannot open shared object file (hidden: {HIDE_ENV})")
        return opened(self, name, flags)

    cffi.FFI.dlopen = dlopen  # type: ignore[method-assign]


if hidden_libraries():
    _hide(hidden_libraries())
