"""Embed a TrueType font in a DOCX file, so a Persian brief reads the same on any machine.

Word keeps embedded fonts as obfuscated parts (ECMA-376 Part 1, 17.8.1): the first 32
bytes of the font are XORed with a key made from a GUID, the GUID is written in the font
table (``w:embedRegular w:fontKey``), and ``w:embedTrueTypeFonts`` in the settings asks
Word to use them. python-docx has no API for this, so the saved package is rewritten.
Vazirmatn's licence (SIL OFL 1.1, ``fonts/OFL.txt``) allows embedding.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"


def font_key(name: str) -> str:
    """Return a stable GUID for a font file (same document bytes for the same font)."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"resourcemodel-font:{name}")).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """XOR the first 32 bytes of a font with the GUID key (its own inverse).

    The key is the GUID's 16 bytes read from its hex digits backwards, pair by pair.
    """
    digits = key.strip("{}").replace("-", "")
    mask = bytes(int(digits[i : i + 2], 16) for i in range(30, -2, -2))
    head = bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def embed(package: bytes, family: str, faces: dict[str, Path]) -> bytes:
    """Return the DOCX ``package`` with the font ``family`` embedded.

    Parameters
    ----------
    package : bytes
        A DOCX file as written by python-docx.
    family : str
        Font family name the document's runs use (``Vazirmatn``).
    faces : dict
        ``{"Regular": path, "Bold": path}``: TrueType files of the faces to embed.

    Returns
    -------
    bytes
    """
    from lxml import etree

    src = zipfile.ZipFile(io.BytesIO(package))
    parts = {name: src.read(name) for name in src.namelist()}
    table = etree.fromstring(parts["word/fontTable.xml"])
    rels_name = "word/_rels/fontTable.xml.rels"
    rels = (
        etree.fromstring(parts[rels_name])
        if rels_name in parts
        else etree.Element(f"{{{PKG_RELS}}}Relationships", nsmap={None: PKG_RELS})
    )
    types = etree.fromstring(parts["[Content_Types].xml"])
    if not any(d.get("Extension") == "odttf" for d in types):
        etree.SubElement(types, f"{{{TYPES}}}Default", Extension="odttf", ContentType=ODTTF)
    font = next((f for f in table if f.get(f"{{{W}}}name") == family), None)
    if font is None:
        font = etree.SubElement(table, f"{{{W}}}font", {f"{{{W}}}name": family})
        etree.SubElement(font, f"{{{W}}}charset", {f"{{{W}}}val": "00"})
        etree.SubElement(font, f"{{{W}}}family", {f"{{{W}}}val": "auto"})
        etree.SubElement(font, f"{{{W}}}pitch", {f"{{{W}}}val": "variable"})
    for n, (face, path) in enumerate(faces.items(), start=1):
        key = font_key(path.name)
        target = f"fonts/{family.lower()}{n}.odttf"
        parts[f"word/{target}"] = obfuscate(path.read_bytes(), key)
        rid = f"rIdFont{n}"
        etree.SubElement(rels, f"{{{PKG_RELS}}}Relationship", Id=rid, Type=FONT_REL, Target=target)
        # The embed elements close a font entry (schema order), Regular before Bold.
        etree.SubElement(font, f"{{{W}}}embed{face}", {f"{{{R}}}id": rid, f"{{{W}}}fontKey": key})
    settings = etree.fromstring(parts["word/settings.xml"])
    if settings.find(f"{{{W}}}embedTrueTypeFonts") is None:
        zoom = settings.find(f"{{{W}}}zoom")
        position = settings.index(zoom) + 1 if zoom is not None else 0
        settings.insert(position, etree.Element(f"{{{W}}}embedTrueTypeFonts"))
    xml = {"xml_declaration": True, "encoding": "UTF-8", "standalone": True}
    parts["word/fontTable.xml"] = etree.tostring(table, **xml)
    parts[rels_name] = etree.tostring(rels, **xml)
    parts["[Content_Types].xml"] = etree.tostring(types, **xml)
    parts["word/settings.xml"] = etree.tostring(settings, **xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in ["[Content_Types].xml", *[p for p in parts if p != "[Content_Types].xml"]]:
            dst.writestr(name, parts[name])
    return out.getvalue()
