"""A public page as PDF (WeasyPrint, Thai fonts from Debian's fonts-thai-tlwg): the same HTML, printed.

The PDF's text layer (ToUnicode) needs one correction for Thai. WeasyPrint maps each glyph to the text at
its position in the shaped run, the first time the glyph is drawn, for the whole document. The tlwg fonts'
`ccmp` lookups rewrite a lower vowel followed by a tone mark ("อยู่": ู + ่) in place into the lowered tone
mark then the vowel (uni0E48.low, uni0E39), so the glyph at ู's position is the tone mark: the first "อยู่"
teaches the PDF that uni0E48.low reads "ู" and uni0E39 reads "่", and every later "ระหว่าง" or "ผู้"
then copies out garbled ("ระหวูาง"). Before the fonts are written, each Thai glyph whose own identity is
known — the font's cmap, or a `uniXXXX.suffix` variant name — is mapped to its own character; and in each
text run a zero-width tone mark followed by a zero-width vowel below is written vowel first (the page looks
the same: both are drawn at one pen position), so "อยู่" copies out as typed — also when a tall consonant's
tone mark is drawn shifted and the pen moved back ("ปู่"). Left as drawn: a pair split by offsets that do not
return the pen to the same point.
"""

from __future__ import annotations

import io
import re
from typing import Any

from bot.portal.render import STATIC_DIR, STATIC_URL

# Thai faces fontconfig finds on Debian (fonts-thai-tlwg); browsers keep the portal's own list.
PDF_CSS = (
    "@page{size:A4;margin:16mm 14mm}body{font-family:'Garuda','Loma','Sarabun','Noto Sans Thai',sans-serif;"
    "font-size:11pt}header.site nav,.skip,form{display:none}"
)


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


BELOW_VOWELS, TONE_MARKS = "\u0e38\u0e39\u0e3a", "\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
_HEX_RUN = re.compile(r"<([0-9a-f]+)>")
# "<…>X<tone>-X<vowel below>": a tone mark drawn shifted (a tall consonant's), the pen moved back, the vowel.
_SHIFTED_PAIR = re.compile(
    r"<((?:[0-9a-f]{4})*)>(-?[0-9.]+)<([0-9a-f]{4})>(-?[0-9.]+)<([0-9a-f]{4})((?:[0-9a-f]{4})*)>"
)


def logical_order(text: str, font: Any) -> str:
    """A TJ operand with each (tone mark, vowel below) glyph pair put back in Unicode order (vowel, tone).
    Both are zero-advance marks drawn at the same pen position, so the page looks the same; the text layer
    (copy, search, pypdf) then reads "อยู่", not "อยู่"."""
    own = own_text(font.file_content, font.index)

    def swap(match: re.Match[str]) -> str:
        run = match.group(1)
        if len(run) % 4:
            return match.group(0)
        gids = [int(run[i : i + 4], 16) for i in range(0, len(run), 4)]
        for i in range(len(gids) - 1):
            first, second = gids[i], gids[i + 1]
            if (
                own.get(first, "") in TONE_MARKS
                and own.get(second, "") in BELOW_VOWELS
                and own.get(first)
                and own.get(second)
                and font.widths.get(first) == 0
                and font.widths.get(second) == 0
            ):
                gids[i], gids[i + 1] = second, first
        return "<" + "".join(f"{g:04x}" for g in gids) + ">"

    def swap_shifted(match: re.Match[str]) -> str:
        before, there, tone, back, below, rest = match.groups()
        if not (
            own.get(int(tone, 16), "") in TONE_MARKS
            and own.get(int(below, 16), "") in BELOW_VOWELS
            and font.widths.get(int(tone, 16)) == 0
            and font.widths.get(int(below, 16)) == 0
            and abs(float(there) + float(back)) < 1.0
        ):  # back within 1/1000 em: the same point
            return match.group(0)
        # The tone mark is drawn shifted and the pen moved back: draw the vowel first, at the same point.
        return f"<{before}{below}>{there}<{tone}>{back}<{rest}>"

    return _SHIFTED_PAIR.sub(swap_shifted, _HEX_RUN.sub(swap, text))


def _install_text_layer_fix() -> None:
    """Wrap WeasyPrint's font dictionary builder and its text showing once (pinned below 70: the hooks are
    checked by tests/portal/test_pdf_text.py)."""
    import weasyprint.pdf as weasy_pdf
    from weasyprint.pdf.stream import Stream

    original = weasy_pdf.build_fonts_dictionary
    if getattr(original, "tambon_thai_fix", False):
        return
    show_text = Stream.show_text

    def show_text_in_logical_order(self: Any, text: str) -> None:
        current = getattr(self, "_current_font", None)
        font = next(
            (f for f in getattr(self, "_fonts", {}).values() if current and f.hash == current[0] and not f.bitmap), None
        )
        show_text(self, logical_order(text, font) if font is not None and isinstance(text, str) else text)

    Stream.show_text = show_text_in_logical_order

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
    return (
        HTML(string=html, base_url="http://portal.invalid/", url_fetcher=_fetch_static).write_pdf(
            stylesheets=[CSS(string=PDF_CSS)]
        )
        or b""
    )
