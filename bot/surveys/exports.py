"""Responses as a table with Thai headers, written as CSV (UTF-8 with BOM, for Excel) or XLSX.

One row per complete response; one column per question of every version the survey has had (current
ones first). No resident identifiers are exported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from sqlmodel import Session, col, select

from bot import thai
from bot.surveys import present, texts
from surveys.definition import Definition, Question
from surveys.flow import decode
from surveys.models import ResponseStatus, Survey, SurveyAnswer, SurveyResponse, SurveyVersion
from surveys.summary import WHOLE, Summary

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (a resident's answer "=HYPERLINK(…)") is kept as text:
    prefixed with an apostrophe, as OWASP advises for CSV injection. Numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe(row: list[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


FIXED = ["ลำดับ", "ปีงบประมาณ", "ไตรมาส", "วันที่ตอบ", "ช่องทาง", "หมู่บ้าน", "ฉบับที่", "เรื่องที่เกี่ยวข้อง"]
BATCH = 1000


def _questions(session: Session, survey: Survey) -> list[Question]:
    rows = session.exec(
        select(SurveyVersion).where(SurveyVersion.survey_id == survey.id).order_by(col(SurveyVersion.version).desc())
    ).all()
    seen: dict[str, Question] = {}
    for row in rows:
        for question in row.parsed().questions:
            seen.setdefault(question.key, question)
    return list(seen.values())


def _cell(question: Question, answer: SurveyAnswer) -> Any:
    value = decode(question, answer.score, answer.number, answer.text)
    if question.type in ("single", "multiple"):
        return texts.shown_answer(question, value)
    return value


def rows(
    session: Session, survey: Survey, definition: Definition, org: Any, fiscal_year: int | None
) -> Iterator[list[Any]]:
    """The header, then one row per complete response (read in batches, not all at once)."""
    questions = _questions(session, survey)
    quiz = definition.is_quiz
    yield FIXED + [f"ข้อ {q.key}: {q.text}" for q in questions] + (["คะแนน (ร้อยละ)"] if quiz else [])
    query = select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.status == ResponseStatus.COMPLETE
    )
    if fiscal_year is not None:
        query = query.where(SurveyResponse.fiscal_year == fiscal_year)
    last_id, number = 0, 0
    while True:
        batch = session.exec(
            query.where(col(SurveyResponse.id) > last_id).order_by(col(SurveyResponse.id)).limit(BATCH)
        ).all()
        if not batch:
            return
        last_id = batch[-1].id or 0
        answers: dict[int, dict[str, SurveyAnswer]] = {}
        for answer in session.exec(
            select(SurveyAnswer).where(col(SurveyAnswer.response_id).in_([r.id for r in batch]))
        ).all():
            answers.setdefault(answer.response_id, {})[answer.question_key] = answer
        for response in batch:
            number += 1
            given = answers.get(response.id or 0, {})
            village = org.village(response.village_no) if response.village_no else None
            row = [
                number,
                response.fiscal_year,
                response.quarter,
                thai.format_date(response.submitted_at) if response.submitted_at else "",
                present.CHANNELS.get(response.channel, response.channel),
                village.label if village else "",
                response.version,
                f"{response.link_type} {response.link_id}" if response.link_id else "",
            ]
            row += [_cell(q, given[q.key]) if q.key in given else "" for q in questions]
            if quiz:
                scored = [given[q.key].score for q in questions if q.scored and q.key in given]
                row.append(round(100 * sum(s or 0 for s in scored) / len(scored), 2) if scored else "")
            yield row


def to_csv(table: Iterator[list[Any]]) -> Iterator[str]:
    """CSV text in pieces; the BOM makes Excel read the Thai correctly."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table:
        writer.writerow(_safe(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def to_xlsx(table: Iterator[list[Any]], summary: Summary, org: Any) -> bytes:
    """A workbook: sheet คำตอบ (the responses) and sheet สรุป (the report figures)."""
    book = Workbook(write_only=True)
    answers = book.create_sheet("คำตอบ")
    for row in table:
        answers.append(_safe(row))
    report = book.create_sheet("สรุป")
    report.append(_safe([summary.title]))
    report.append(["ปีงบประมาณ", summary.fiscal_year or "ทุกปี"])
    report.append(["เป้าหมาย (ร้อยละ)", summary.target, "วิธีคิดทางการ", present.METHODS[summary.official_method]])
    report.append(["สถานะ", present.STATUS[summary.status], "ผลเบื้องต้น" if summary.provisional else "ผลสรุป"])
    report.append([])
    report.append(
        [
            "รายการ",
            "จำนวนผู้ตอบ",
            "ค่าเฉลี่ย",
            "ส่วนเบี่ยงเบนมาตรฐาน",
            "ระดับ",
            "ร้อยละ (ค่าเฉลี่ย÷5×100)",
            "ร้อยละผู้ตอบระดับ 4–5",
            "ร้อยละผู้ผ่านเกณฑ์",
        ]
    )
    lines = [(WHOLE, summary.overall)] + [(d.title, d.figures) for d in summary.dimensions]
    lines += [(i.text, i.figures) for i in summary.items]
    for name, f in lines:
        shown = present.figures(f)
        report.append(
            _safe(
                [
                    name,
                    f.n,
                    shown["mean"],
                    shown["sd"],
                    f.band,
                    shown["mean_percent"],
                    shown["top2_share"],
                    shown["pass_share"],
                ]
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
