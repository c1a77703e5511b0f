"""The PDF reports' text layer reads back as the Thai that was printed: after a word such as "อยู่" (whose
lowered tone mark the tlwg fonts draw in place of the vowel below), "ระหว่าง" and "ผู้" are no longer
garbled ("ระหวูาง", "ผู่"), and "อยู่" itself copies out in Unicode order (vowel below, then tone)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from bot.portal.pdf import correct_thai_text_layer, html_to_pdf

TEXT = "อยู่ระหว่างดำเนินการ 4 เรื่อง ผู้ใหญ่บ้าน ปู่ ตู้ ระหว่าง น้ำ ป้ายประกาศ ญี่ปุ่น สิ่งของ ปุ๊ ฝุ่น ฟุ้ง"


def _logical(extracted: str) -> str:
    """Spaces pypdf guesses dropped, SARA AM as drawn (NIKHAHIT + SARA AA) put back."""
    return extracted.replace(" ", "").replace("\n", "").replace("\u0e4d\u0e32", "\u0e33")


def test_thai_reads_back_from_the_pdf_after_a_lowered_tone_mark() -> None:
    pdf = html_to_pdf(f"<p>{TEXT}</p><p>{TEXT}</p>")
    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "ระหวูาง" not in extracted and "ผู่" not in extracted
    assert "ระหว่าง" in extracted.replace(" ", "")  # every glyph maps to its own character
    assert "อยู่ระหว่าง" in extracted  # the vowel below before its tone mark, as typed
    assert _logical(extracted) == TEXT.replace(" ", "") * 2


def test_only_zero_width_tone_and_vowel_pairs_are_reordered() -> None:
    from bot.line.richmenu import find_thai_font
    from bot.portal.pdf import logical_order, own_text

    class FakeFont:
        index = 0
        file_content = find_thai_font().read_bytes()

    font = FakeFont()
    own = own_text(font.file_content)
    tone = next(g for g, c in own.items() if c == "\u0e48")
    below = next(g for g, c in own.items() if c == "\u0e39")
    base = next(g for g, c in own.items() if c == "\u0e22")
    run = f"<{base:04x}{tone:04x}{below:04x}>"
    font.widths = {base: 500, tone: 0, below: 0}  # type: ignore[attr-defined]
    assert logical_order(run, font) == f"<{base:04x}{below:04x}{tone:04x}>"
    font.widths = {base: 500, tone: 0, below: 120}  # type: ignore[attr-defined]  # an advancing glyph: left alone
    assert logical_order(run, font) == run
    split = f"<{base:04x}{tone:04x}>-12<{below:04x}>"  # an offset between them: left alone
    assert logical_order(split, font) == split
    font.widths = {base: 500, tone: 0, below: 0}  # type: ignore[attr-defined]
    shifted = f"<{base:04x}>101.3<{tone:04x}>-101<{below:04x}{base:04x}>"  # a tall consonant's shifted tone
    assert logical_order(shifted, font) == f"<{base:04x}{below:04x}>101.3<{tone:04x}>-101<{base:04x}>"
    away = f"<{base:04x}>101.3<{tone:04x}>-50<{below:04x}>"  # the pen not back at the same point: left alone
    assert logical_order(away, font) == away


def test_the_correction_leaves_glyphs_alone_that_it_cannot_identify() -> None:
    class FakeFont:
        bitmap = False
        index = 0

        def __init__(self) -> None:
            from bot.line.richmenu import find_thai_font

            self.file_content = find_thai_font().read_bytes()
            self.to_unicode = {3: " ", 99999: "ู", 5: "fi"}

    font = FakeFont()
    assert correct_thai_text_layer({"f": font}) == 0
    assert font.to_unicode == {3: " ", 99999: "ู", 5: "fi"}
