"""A public page as PDF (WeasyPrint, Thai fonts from Debian's fonts-thai-tlwg): the same HTML, printed."""

from __future__ import annotations

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


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: the web app starts without the PDF libraries loaded

    # SARA AM is drawn as NIKHAHIT + SARA AA anyway; spelled so, the PDF's text layer maps each glyph to one
    # character (otherwise the shared SARA AA glyph reads back as ำ or า depending on which came first).
    html = html.replace("\u0e33", "\u0e4d\u0e32")
    return HTML(string=html, base_url="http://portal.invalid/", url_fetcher=_fetch_static).write_pdf(
        stylesheets=[CSS(string=PDF_CSS)]) or b""
