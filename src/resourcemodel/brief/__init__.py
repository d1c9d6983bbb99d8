"""Policy briefs: 2-4 pages for a director, in English or Persian, from results.

:func:`brief` writes one scenario, or several compared with a baseline, as HTML (one
self-contained page), PDF (weasyprint), Markdown (PNG charts beside it) or DOCX (the
optional ``docx`` extra). Content: key messages, key figures in planner units, charts,
binding caps with the value of one more unit and where it holds, measures, caveats from
the data's confidence labels, the scenario's changes, and the run card as an appendix.

Importing this package is cheap; matplotlib, Jinja2 and weasyprint load on first use.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from resourcemodel.exceptions import ResourceModelError

if TYPE_CHECKING:
    import xarray as xr

#: Output formats and their file suffixes.
FORMATS = {"html": ".html", "pdf": ".pdf", "md": ".md", "docx": ".docx"}


class BriefError(ResourceModelError):
    """A brief cannot be written (bad arguments, missing optional library, bad results)."""


def load_results(results_or_paths: object) -> list[xr.Dataset]:
    """Return a list of results Datasets from Datasets and/or netCDF paths.

    Raises
    ------
    BriefError
        If a path does not exist or is not a results file, or nothing is given.
    """
    import xarray as xr

    from resourcemodel.io import load

    given = _listed(results_or_paths)
    if not given:
        msg = "No results given: pass at least one results Dataset or .nc file."
        raise BriefError(msg)
    out = []
    for item in given:
        if isinstance(item, xr.Dataset):
            ds = item
        else:
            path = Path(str(item))
            if not path.is_file():
                msg = f"{str(path)!r}: no such results file (write one with 'resourcemodel run')."
                raise BriefError(msg)
            try:
                ds = load(path)
            except (OSError, ValueError) as err:
                msg = f"{str(path)!r} is not a results file written by resourcemodel ({err})."
                raise BriefError(msg) from err
        if "status" not in ds.attrs or "production" not in ds:
            name = ds.attrs.get("scenario", "") or str(item)[:60]
            msg = (
                f"{name!r} is not a results Dataset of resourcemodel.run (no run card or "
                "production); a brief needs solved results."
            )
            raise BriefError(msg)
        out.append(ds)
    return out


def _listed(results_or_paths: object) -> list[object]:
    import xarray as xr

    if isinstance(results_or_paths, xr.Dataset | str | Path):
        return [results_or_paths]
    if isinstance(results_or_paths, Sequence):
        return list(results_or_paths)
    msg = (
        "Give a results Dataset, a path to a results .nc file, or a list of them; "
        f"got {type(results_or_paths).__name__}."
    )
    raise BriefError(msg)


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _order(items: list[xr.Dataset], baseline: object) -> list[xr.Dataset]:
    """Put the baseline first: an index, a scenario name, a Dataset or a path."""
    if baseline is None:
        return items
    names = [str(r.attrs.get("scenario", "")) for r in items]
    if isinstance(baseline, int) and not isinstance(baseline, bool):
        if not -len(items) <= baseline < len(items):
            msg = f"baseline={baseline} is out of range for {len(items)} results."
            raise BriefError(msg)
        base = items[baseline]
    elif isinstance(baseline, str) and baseline in names:
        base = items[names.index(baseline)]
    elif isinstance(baseline, str | Path) and not Path(baseline).is_file():
        near = difflib.get_close_matches(str(baseline), names, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else "."
        msg = (
            f"baseline {str(baseline)!r} is neither a scenario of the results given nor a "
            f"results file; the results hold the scenarios "
            f"{', '.join(repr(n) for n in names)}{hint}"
        )
        raise BriefError(msg)
    else:
        base = load_results(baseline)[0]
    rest = [r for r in items if r is not base]
    return [base, *rest]


def brief(
    results_or_paths: object = None,
    lang: str = "en",
    format: str = "html",
    out: str | Path | None = None,
    baseline: object = None,
    sensitivity: object = None,
    portfolio: object = None,
    portfolio_front: object = None,
    pathway: object = None,
) -> Path | str:
    """Write a policy brief of one scenario, or of several compared with a baseline.

    Parameters
    ----------
    results_or_paths : xarray.Dataset, path, or a list of them, optional
        Results of :func:`resourcemodel.run` or ``.nc`` files written by
        ``resourcemodel run``. Several give a comparison brief against the first. Only
        optional with ``pathway``: then the brief is the pathway's alone.
    lang : {"en", "fa"}
        English, or Persian (right to left, Persian digits, Jalali dates).
    format : {"html", "pdf", "md", "docx"}
        Output format. Markdown writes its charts as PNG files into ``<out stem>_charts/``
        beside it; DOCX needs the optional ``docx`` extra (python-docx).
    out : str or Path, optional
        File to write (atomically). Without it an HTML brief is returned as text; the
        other formats need a file.
    baseline : int, str, Dataset or path, optional
        The baseline of a comparison: a position, a scenario name, or results not in
        ``results_or_paths`` (then put first). Default: the first results.
    sensitivity : Dataset, path, or a list of them, optional
        Sweep results (:func:`resourcemodel.sweep`) and/or cost curves
        (:func:`resourcemodel.analyses.cost_curve`): the brief gets a sensitivity section
        with a tornado of the objective or the curve's steps.
    portfolio : Portfolio or Dataset, optional
        A portfolio selection (:func:`resourcemodel.portfolio.select_portfolio`, or its
        ``projects``): a section with the completed projects by contribution, and the map
        of those with coordinates. Titled SYNTHETIC for a synthetic register.
    portfolio_front : Dataset, optional
        The trade-off front (:func:`resourcemodel.portfolio.front`), drawn in that section.
    pathway : Dataset or path, optional
        Pathway results (:func:`resourcemodel.pathway.run_pathway`, or the ``.nc`` of
        ``resourcemodel pathway --out``): a section with the headline (freshwater drawn in
        the last year against the first, discounted cost, value added and jobs), the build
        plan and the three pathway charts.

    Returns
    -------
    Path or str
        The file written, or the HTML text when ``out`` is not given.

    Raises
    ------
    BriefError
        Bad arguments, unreadable results, or a missing optional library.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> res = rm.run(rm.examples.path("two_plants"))
    >>> html = rm.brief(res)
    >>> "Policy brief: two_plants" in html and "http://" not in html
    True
    >>> rm.brief(res, format="pdf")
    Traceback (most recent call last):
    ...
    resourcemodel.brief.BriefError: A 'pdf' brief is a file: give out=PATH.
    """
    from resourcemodel import labels as i18n

    try:
        i18n.check_language(lang)
    except ValueError as err:
        raise BriefError(str(err)) from None
    if format not in FORMATS:
        msg = f"Unknown brief format {format!r}; use one of {', '.join(FORMATS)}."
        raise BriefError(msg)
    if out is None and format != "html":
        msg = f"A {format!r} brief is a file: give out=PATH."
        raise BriefError(msg)
    if format == "docx":
        from resourcemodel.brief.to_docx import _require

        _require()
    drawn = None
    if pathway is not None:
        from resourcemodel.brief import pathway as pw

        drawn = pw.check(pathway)
        if results_or_paths is None:
            return _write([], lang, format, None if out is None else Path(out), pathway=drawn)
    given = _listed(results_or_paths)
    if isinstance(baseline, str | Path):
        # A baseline given as one of the files: move it first instead of loading it twice.
        for i, item in enumerate(given):
            if isinstance(item, str | Path) and _same_file(item, baseline):
                given = [given[i], *given[:i], *given[i + 1 :]]
                baseline = None
                break
    items = _order(load_results(given), baseline)
    extra = None
    if sensitivity is not None:
        from resourcemodel.brief import sensitivity as sens

        extra = sens.load(sensitivity)
    chosen = None
    if portfolio is not None:
        from resourcemodel.brief import portfolio as pf

        chosen = (
            pf.projects_of(portfolio),
            None if portfolio_front is None else pf.check_front(portfolio_front),
        )
    elif portfolio_front is not None:
        msg = "portfolio_front= needs portfolio= (the selection the front belongs to)."
        raise BriefError(msg)
    return _write(items, lang, format, None if out is None else Path(out), extra, chosen, drawn)


def _write(
    items: list[xr.Dataset],
    lang: str,
    fmt: str,
    target: Path | None,
    sensitivity: list[xr.Dataset] | None = None,
    portfolio: tuple[xr.Dataset, xr.Dataset | None] | None = None,
    pathway: xr.Dataset | None = None,
) -> Path | str:
    from resourcemodel.brief.document import build
    from resourcemodel.io import write_text, write_with

    # PDF charts are PNG: weasyprint draws SVG glyph paths one <use> at a time (slow).
    doc = build(items, lang, "svg" if fmt == "html" else "png", sensitivity, portfolio, pathway)
    if fmt in ("html", "pdf"):
        from resourcemodel.brief import to_html

        html = to_html.render(doc)
        if target is None:
            return html
        if fmt == "html":
            return write_text(target, html)
        return write_with(target, lambda tmp: to_html.write_pdf(html, tmp))
    assert target is not None
    if fmt == "md":
        from resourcemodel.brief import to_markdown

        return write_text(target, to_markdown.render(doc, target))
    from resourcemodel.brief import to_docx

    return write_with(target, lambda tmp: to_docx.write(doc, tmp))


__all__ = ["FORMATS", "BriefError", "brief", "load_results"]
