"""The PDF reports' text layer reads back as the Thai that was printed: after a word such as "อยู่" (whose
lowered tone mark the tlwg fonts draw in place of the vowel below), "ระหว่าง" and "ผู้" are no longer
garbled ("ระหวูาง", "ผู่"). What remains, and is asserted here as such: in a vowel-below + tone pair the
text layer follows the drawing order (tone, then vowel), which reads the same on screen."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from bot.portal.pdf import correct_thai_text_layer, html_to_pdf

TEXT = "อยู่ระหว่างดำเนินการ 4 เรื่อง ผู้ใหญ่บ้าน ปู่ ตู้ ระหว่าง น้ำ ป้ายประกาศ ญี่ปุ่น สิ่งของ"
BELOW, TONES = "\u0e38\u0e39\u0e3a", "\u0e48\u0e49\u0e4a\u0e4b\u0e4c"


def _logical(extracted: str) -> str:
    """Spaces pypdf guesses dropped, SARA AM as drawn put back, tone-before-vowel-below put in Unicode order."""
    text = extracted.replace(" ", "").replace("\n", "").replace("\u0e4d\u0e32", "\u0e33")
    return re.sub(f"([{TONES}])([{BELOW}])", r"\2\1", text)


def test_thai_reads_back_from_the_pdf_after_a_lowered_tone_mark() -> None:
    pdf = html_to_pdf(f"<p>{TEXT}</p><p>{TEXT}</p>")
    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "ระหวูาง" not in extracted and "ผู่" not in extracted
    assert "ระหว่าง" in extracted.replace(" ", "")  # every glyph maps to its own character
    assert _logical(extracted) == TEXT.replace(" ", "") * 2


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
