"""A public page as PDF (WeasyPrint, Thai fonts from Debian's fonts-thai-tlwg): the same HTML, printed.

The PDF's text layer (ToUnicode) needs one correction for Thai. WeasyPrint maps each glyph to the text at
its position in the shaped run, the first time the glyph is drawn, for the whole document. The tlwg fonts'
`ccmp` lookups rewrite a lower vowel followed by a tone mark ("อยู่": ู + ่) in place into the lowered tone
mark then the vowel (uni0E48.low, uni0E39), so the glyph at ู's position is the tone mark: the first "อยู่"
teaches the PDF that uni0E48.low reads "ู" and uni0E39 reads "่", and every later "ระหว่าง" or "ผู้"
then copies out garbled ("ระหวูาง"). Before the fonts are written, each Thai glyph whose own identity is
known — the font's cmap, or a `uniXXXX.suffix` variant name — is mapped to its own character.
"""

from __future__ import annotations

import io
import re
from typing import Any

from bot.portal.render import STATIC_DIR, STATIC_URL

# Thai faces fontconfig finds on Debian (fonts-thai-tlwg); browsers keep the portal's own list.
PDF_CSS = ("@page{size:A4;margin:16mm 14mm}body{font-family:'Garuda','Loma','Sarabun','Noto Sans Thai',sans-serif;"
           "font-size:11pt}header.site nav,.skip,form{display:none}")


def _fetch_static(url: str) -> dict[str, Any]:
    from weasyprint import default_url_fetcher

    marker = STATIC_URL + "/"
    if marker in url:  # the portal's stylesheets, read from disk, never over the network
        name = url.split(marker, 1)[1].split("?")[0]
        path = (STATIC_DIR / name).resolve()
        if path.is_file() and STATIC_DIR.resolve() in path.parents:
            return {"string": path.read_bytes(), "mime_type": "text/css"}
    if url.startswith("data:"):
        return dict(default_url_fetcher(url))
    return {"string": b"", "mime_type": "text/plain"}  # no other fetches while printing


THAI = range(0x0E00, 0x0E80)
_VARIANT = re.compile(r"^uni([0-9A-F]{4})(?:\.[A-Za-z0-9_.]+)?$")
_own_text_cache: dict[Any, dict[int, str]] = {}


def own_text(font_file: bytes, index: int = 0) -> dict[int, str]:
    """Glyph id → the one Thai character the glyph itself stands for (from the cmap and variant names)."""
    from fontTools.ttLib import TTFont

    key = (hash(font_file), index)
    if key not in _own_text_cache:
        ttfont = TTFont(io.BytesIO(font_file), fontNumber=index, lazy=True)
        order = ttfont.getGlyphOrder()
        ids = {name: gid for gid, name in enumerate(order)}
        found: dict[int, str] = {}
        for codepoint, name in sorted((ttfont.getBestCmap() or {}).items()):
            if codepoint in THAI and name in ids:
                found.setdefault(ids[name], chr(codepoint))
        for gid, name in enumerate(order):
            match = _VARIANT.match(name)
            if match and int(match.group(1), 16) in THAI:
                found.setdefault(gid, chr(int(match.group(1), 16)))
        _own_text_cache[key] = found
    return _own_text_cache[key]


def correct_thai_text_layer(fonts: Any) -> int:
    """Map each drawn Thai glyph to its own character where the shaped run mapped it to a neighbour's;
    returns how many mappings changed. `fonts` are WeasyPrint's fonts of one document."""
    changed = 0
    for font in fonts.values():
        if getattr(font, "bitmap", False) or not getattr(font, "to_unicode", None):
            continue
        own = own_text(font.file_content, font.index)
        for gid, text in list(font.to_unicode.items()):
            right = own.get(gid)
            if right is not None and len(text) == 1 and ord(text) in THAI and text != right:
                font.to_unicode[gid] = right
                changed += 1
    return changed


def _install_text_layer_fix() -> None:
    """Wrap WeasyPrint's font dictionary builder once (pinned below 70: the hook is checked by the tests)."""
    import weasyprint.pdf as weasy_pdf

    original = weasy_pdf.build_fonts_dictionary
    if getattr(original, "tambon_thai_fix", False):
        return

    def build_fonts_dictionary(pdf: Any, fonts: Any, *args: Any, **kwargs: Any) -> Any:
        correct_thai_text_layer(fonts)
        return original(pdf, fonts, *args, **kwargs)

    build_fonts_dictionary.tambon_thai_fix = True  # type: ignore[attr-defined]
    weasy_pdf.build_fonts_dictionary = build_fonts_dictionary


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: the web app starts without the PDF libraries loaded

    _install_text_layer_fix()

    # SARA AM is drawn as NIKHAHIT + SARA AA anyway; spelled so, the PDF's text layer maps each glyph to one
    # character (otherwise the shared SARA AA glyph reads back as ำ or า depending on which came first).
    html = html.replace("\u0e33", "\u0e4d\u0e32")
    return HTML(string=html, base_url="http://portal.invalid/", url_fetcher=_fetch_static).write_pdf(
        stylesheets=[CSS(string=PDF_CSS)]) or b""
