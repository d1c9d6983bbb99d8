"""Lay a brief out as one self-contained HTML page, and print it to PDF with weasyprint.

The page references nothing outside itself: charts are inline SVG (text as paths), and a
Persian page embeds the vendored Vazirmatn font as base64 ``@font-face`` rules (licence:
``fonts/OFL.txt`` beside the font files).
"""

from __future__ import annotations

import base64
import functools
from importlib import resources
from pathlib import Path

from markupsafe import Markup

from resourcemodel.brief.document import Document
from resourcemodel.labels import text

FONT_FILES = {"normal": "Vazirmatn-Regular.ttf", "bold": "Vazirmatn-Bold.ttf"}


def _package_file(*parts: str) -> Path:
    return Path(str(resources.files("resourcemodel.brief").joinpath(*parts)))


@functools.cache
def font_css() -> str:
    """``@font-face`` rules embedding Vazirmatn (regular and bold) as base64 data."""
    rules = []
    for weight, name in FONT_FILES.items():
        data = base64.b64encode(_package_file("fonts", name).read_bytes()).decode("ascii")
        rules.append(
            "@font-face { font-family: Vazirmatn; font-style: normal; "
            f"font-weight: {weight}; "
            f'src: url("data:font/ttf;base64,{data}") format("truetype"); }}'
        )
    return "\n".join(rules)


@functools.cache
def _environment() -> object:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_package_file("templates"))),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render(doc: Document) -> str:
    """Return the brief as a self-contained HTML page."""
    import jinja2

    env = _environment()
    assert isinstance(env, jinja2.Environment)
    template = env.get_template("brief.html.j2")
    persian = doc.lang == "fa"
    # CSS values are marked safe: autoescaping would turn their quotes into entities and
    # the browser (or weasyprint) would silently drop the declarations.
    return template.render(
        doc=doc,
        t=lambda key, **kw: text(key, doc.lang, **kw),
        css=Markup(_package_file("templates", "brief.css").read_text(encoding="utf-8")),
        font_css=Markup(font_css() if persian else ""),
        page_font=Markup(
            'Vazirmatn, "DejaVu Sans", sans-serif' if persian else '"DejaVu Sans", sans-serif'
        ),
        counter_style="persian" if persian else "decimal",
        png_data=lambda png: base64.b64encode(png).decode("ascii"),
    )


def write_pdf(html: str, target: Path) -> None:
    """Print an HTML page to PDF at ``target`` with weasyprint."""
    from resourcemodel.brief import BriefError

    try:
        import weasyprint
    except (ImportError, OSError) as err:
        msg = (
            f"PDF briefs need weasyprint and the Pango libraries ({err}). Install them with "
            "'pip install weasyprint' and, on Debian/Ubuntu, 'apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0'; or write format='html'."
        )
        raise BriefError(msg) from err
    weasyprint.HTML(string=html).write_pdf(str(target))
