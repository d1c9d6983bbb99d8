"""``make test`` passes whatever optional system packages the machine has.

The PDF tests run in a fresh pytest with the project's settings (warning filters included) as
on a machine without the packages: a PATH without poppler-utils' commands, and weasyprint's
libraries hidden from cffi (``system_packages.py``). This run itself uses what the machine has;
``.ci/run`` installs everything, so CI sees both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import system_packages

ROOT = Path(__file__).resolve().parents[1]
POPPLER_COMMANDS = ("pdftotext", "pdfinfo", "pdftoppm")


def run_pdf_tests(
    hide: tuple[str, ...], path: str, *options: str
) -> subprocess.CompletedProcess[str]:
    """Run the brief tests marked ``system`` in a new pytest; libraries ``hide`` are hidden."""
    env = {k: v for k, v in os.environ.items() if k != system_packages.REQUIRE_ENV}
    python_path = [str(Path(p).resolve()) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env.update(
        PATH=path,
        PYTHONPATH=os.pathsep.join(python_path),
        COLUMNS="250",
        **{system_packages.HIDE_ENV: ",".join(hide)},
    )
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-m", "system"]
    cmd += [*options, "tests/test_brief.py"]
    return subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def path_without_poppler() -> str:
    """PATH without the folders holding pdftotext, pdfinfo or pdftoppm."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    kept = [f for f in folders if not any((Path(f) / c).exists() for c in POPPLER_COMMANDS)]
    assert all(shutil.which(c, path=os.pathsep.join(kept)) is None for c in POPPLER_COMMANDS)
    return os.pathsep.join(kept)


def test_readme_and_ci_install_the_same_packages() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"^apt-get update && apt-get install -y (.+)$", readme, flags=re.MULTILINE)
    assert len(lines) == 1, lines
    assert tuple(lines[0].split()) == system_packages.PACKAGES
    for package in system_packages.PACKAGES:
        assert f"`{package}`" in readme, f"README does not say what {package} is for"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    listed = re.search(r'^PACKAGES="([^"]+)"$', ci, flags=re.MULTILINE)
    assert listed is not None
    assert tuple(listed[1].split()) == system_packages.PACKAGES
    assert f"export {system_packages.REQUIRE_ENV}=1" in ci
    assert ci.rstrip().endswith("make test")


def test_missing_need_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    reason = system_packages.missing(("pdftotext", "pdfinfo"))
    assert reason == (
        "missing pdftotext (reads a PDF brief's text back); pdfinfo (counts a PDF brief's "
        "pages): apt-get install poppler-utils"
    )
    with pytest.raises(ValueError, match="unknown system need"):
        system_packages.missing(("libreoffice",))


def test_only_weasyprint_missing_package_warning_is_ignored() -> None:
    """pyproject.toml ignores weasyprint's warning about libharfbuzz-subset0, no other one."""
    message = (
        "HarfBuzz-Subset will be required by future versions of WeasyPrint. "
        "Please install this library with your package manager."
    )

    def warn(text: str, module: str, category: type[Warning] = DeprecationWarning) -> None:
        warnings.warn_explicit(text, category, "ffi.py", 1, module=module)

    warn(message, "weasyprint.text.ffi")  # ignored: no exception
    with pytest.raises(DeprecationWarning, match="Something else"):
        warn("Something else is deprecated", "weasyprint.text.ffi")
    with pytest.raises(DeprecationWarning, match="HarfBuzz-Subset"):
        warn(message, "resourcemodel.brief")
    with pytest.raises(UserWarning, match="HarfBuzz-Subset"):
        warn(message, "weasyprint.text.ffi", UserWarning)


def test_pdf_tests_skip_without_optional_packages() -> None:
    proc = run_pdf_tests(("harfbuzz-subset", "pango"), path_without_poppler())
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"\b3 skipped, \d+ deselected in", out), out
    install = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 poppler-utils"
    skipped = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 3 and all(line.endswith(install) for line in skipped), out
    assert "missing pango (weasyprint lays PDF briefs out with Pango); pdftotext" in skipped[0]


@pytest.mark.slow
@pytest.mark.system("pango", "pdftotext", "pdfinfo")
def test_pdf_tests_pass_with_weasyprint_fonttools_fallback() -> None:
    """As on a machine with poppler-utils but not libharfbuzz-subset0 (issue #20).

    English and Persian (both fonts) only: the Isfahan brief adds 8 s, not another path.
    """
    proc = run_pdf_tests(("harfbuzz-subset",), os.environ["PATH"], "-k", "not isfahan")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"\b2 passed, \d+ deselected in", out), out
    assert "weasyprint: libharfbuzz-subset0 missing, fonts subset with fontTools" in out
