"""The frame of every public page (no login, stable URLs, Thai, B.E. dates): usable as ITA evidence."""

from __future__ import annotations

from html import escape

from bot import thai
from bot.organisation import Organisation

STYLE = """
body{font-family:'Sarabun','Noto Sans Thai','Loma',sans-serif;margin:0;background:#f5f6f8;color:#222}
header{background:#1f4e79;color:#fff;padding:16px 20px}header h1{margin:0;font-size:1.3rem}
header p{margin:4px 0 0;opacity:.85}main{max-width:960px;margin:0 auto;padding:16px}
section{background:#fff;border-radius:8px;padding:16px;margin-bottom:16px;box-shadow:0 1px 2px #0001}
h2{font-size:1.1rem;margin-top:0}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e3e3e3;padding:6px 8px;text-align:left}td.n{text-align:right}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 140px;background:#eef3f8;border-radius:8px;padding:12px}
.card b{display:block;font-size:1.6rem}footer{color:#666;font-size:.85rem;text-align:center;padding:16px}
form{margin:0}select,button{font-size:1rem;padding:4px 8px}
"""


def page(org: Organisation, title: str, body: str, now_text: str | None = None) -> str:
    """A whole HTML document; `body` must already be escaped."""
    stamp = now_text or thai.format_datetime(thai.utcnow())
    return (
        "<!doctype html><html lang='th'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)} | {escape(org.short_name)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(org.name)}</p></header><main>{body}</main>"
        f"<footer>ข้อมูล ณ {escape(stamp)} · {escape(org.contact.address)} · โทร {escape(org.contact.phone)}</footer>"
        "</body></html>"
    )


def fiscal_year_selector(action: str, selected: int, years: list[int]) -> str:
    options = "".join(f"<option value='{y}'{' selected' if y == selected else ''}>ปีงบประมาณ {y}</option>"
                      for y in years)
    return (f"<form method='get' action='{escape(action)}'><select name='fiscal_year'>{options}</select> "
            "<button type='submit'>แสดง</button></form>")


def table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(
        f"<td class='n'>{escape(str(c))}</td>" if isinstance(c, int | float) else f"<td>{escape(str(c))}</td>"
        for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
