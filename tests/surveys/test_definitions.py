"""Definitions as data: the six shipped surveys load; mistakes are named clearly; the question flow."""

from __future__ import annotations

from typing import Any

import pytest

from surveys import flow
from surveys.definition import DefinitionError, parse_definition, parse_toml, shipped_definitions
from tests.surveys.helpers import satisfaction_data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data)
    return caught.value.problems


def test_the_six_shipped_surveys_load_with_their_targets() -> None:
    found = {d.key: d for d in shipped_definitions("อบต.พนา")}
    assert list(found) == [
        "public_disclosure",
        "info_centre",
        "complaint_handling",
        "law_knowledge",
        "conflict_of_interest",
        "no_gift",
    ]
    assert [found[k].plan_measure for k in found] == [5, 8, 16, 13, 14, 1]
    assert {k: (d.target, d.official_method) for k, d in found.items() if d.audience == "staff"} == {
        "law_knowledge": (80, "mean_percent"),
        "conflict_of_interest": (80, "pass_share"),
        "no_gift": (100, "pass_share"),
    }
    assert not found["complaint_handling"].listed and found["complaint_handling"].rating_target().key == "overall"
    assert found["public_disclosure"].anonymous and not found["complaint_handling"].anonymous
    info = found["info_centre"]
    assert [d.title for d in info.dimensions] == [
        "ขั้นตอนการให้บริการ",
        "ช่องทางการให้บริการ",
        "เจ้าหน้าที่ผู้ให้บริการ",
        "สิ่งอำนวยความสะดวก",
        "ภาพรวม",
    ]


def test_duplicate_keys_are_named() -> None:
    data = satisfaction_data(2)
    data["questions"].append(dict(data["questions"][1]))
    data["dimensions"].append({"key": "a", "title": "ซ้ำ"})
    data["questions"].append(
        {
            "key": "pick",
            "type": "single",
            "text": "?",
            "choices": [{"key": "x", "label": "1"}, {"key": "x", "label": "2"}],
        }
    )
    found = problems(data)
    assert "dimensions: รหัสมิติ 'a' ซ้ำกัน" in found and "questions: รหัสคำถาม 'q2' ซ้ำกัน" in found
    assert "questions 'pick': รหัสตัวเลือก 'x' ซ้ำกัน" in found
    with pytest.raises(DefinitionError, match="TOML"):
        parse_toml('key = "a"\ntitle = "x"\nkey = "b"\n')


def test_unknown_types_fields_and_bad_keys_are_named() -> None:
    data = satisfaction_data(1)
    data["questions"][0]["type"] = "stars"
    data["questions"][0]["colour"] = "red"
    data["key"] = "Bad Key"
    found = problems(data)
    assert any(p.startswith("questions.0.type: ไม่รู้จักค่า 'stars'") and "satisfaction" in p for p in found)
    assert "questions.0.colour: ไม่รู้จักช่องนี้" in found
    assert any(p.startswith("key:") for p in found)
    assert problems({**satisfaction_data(1), "audience": "everyone"})[0].startswith("audience: ไม่รู้จักค่า")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"official_method": "pass_share"}, "official_method"),
        ({"questions": [{"key": "q", "type": "satisfaction", "text": "?", "dimension": "zz"}]}, "ไม่มีมิติ 'zz'"),
        ({"questions": [{"key": "t", "type": "text", "text": "?"}]}, "อย่างน้อย 1 ข้อ"),
        (
            {
                "questions": [
                    {"key": "q", "type": "satisfaction", "text": "?", "show_if": {"question": "later", "equals": "x"}},
                    {
                        "key": "later",
                        "type": "single",
                        "text": "?",
                        "choices": [{"key": "x", "label": "x"}, {"key": "y", "label": "y"}],
                    },
                ]
            },
            "ก่อนหน้า",
        ),
        ({"rating_question": "nope"}, "rating_question"),
        ({"questions": [{"key": "q", "type": "satisfaction", "text": "?", "min": 1}]}, "min/max"),
    ],
)
def test_inconsistent_definitions_are_refused(change: dict[str, Any], words: str) -> None:
    assert any(words in p for p in problems({**satisfaction_data(1), **change}))


def test_quiz_rules() -> None:
    quiz = {
        **satisfaction_data(1),
        "kind": "quiz",
        "official_method": "pass_share",
        "questions": [
            {
                "key": "q",
                "type": "single",
                "text": "?",
                "correct": "z",
                "choices": [{"key": "a", "label": "ก"}, {"key": "b", "label": "ข"}],
            }
        ],
    }
    found = problems(quiz)
    assert any("'z' ไม่อยู่ในตัวเลือก" in p for p in found) and any("pass_mark" in p for p in found)
    quiz["questions"][0]["correct"] = "a"
    assert parse_definition({**quiz, "pass_mark": 80}).scored_questions[0].score("a") == 1
    assert any(
        "เฉพาะแบบทดสอบ" in p for p in problems({**quiz, "kind": "satisfaction", "official_method": "mean_percent"})
    )


def test_typed_answers_are_understood() -> None:
    definition = next(d for d in shipped_definitions("อบต.พนา") if d.key == "public_disclosure")
    multiple, level = definition.questions[0], definition.questions[1]
    assert [flow.parse_reply(level, t) for t in ("5", " ๔ ", "ปานกลาง", "น้อยที่สุด")] == [5, 4, 3, 1]
    for bad in ("6", "0", "ดี", "4.5", ""):
        with pytest.raises(flow.AnswerError):
            flow.parse_reply(level, bad)
    assert flow.parse_reply(multiple, "3, 1 1") == ["line", "facebook"]
    assert flow.parse_reply(multiple, "เว็บไซต์ อบต.พนา") == ["website"]
    number = parse_definition(
        {
            **satisfaction_data(1),
            "questions": [
                *satisfaction_data(1)["questions"],
                {"key": "age", "type": "number", "text": "อายุ", "min": 0, "max": 120},
            ],
        }
    )
    age = number.questions[1]
    assert flow.parse_reply(age, "๖๕") == 65.0
    with pytest.raises(flow.AnswerError):
        flow.parse_reply(age, "200")


def test_skip_conditions_shape_the_flow() -> None:
    info = next(d for d in shipped_definitions("อบต.พนา") if d.key == "info_centre")
    never = flow.visible_questions(info, {"used": "never"})
    assert [q.key for q in never] == ["used", "channel_many", "overall", "suggestion"]
    visited = flow.visible_questions(info, {"used": "visited"})
    assert len(visited) == 9 and flow.position(info, {"used": "visited"}, "facilities") == (7, 9)
    assert flow.next_question(info, {"used": "never"}).key == "channel_many"  # type: ignore[union-attr]
    answers = {"used": "visited", "process_easy": 4, "facilities": 5}
    assert flow.prune(info, {**answers, "used": "never"}) == {"used": "never"}
    with pytest.raises(flow.AnswerError, match="ไม่ต้องตอบ"):
        flow.check_answers(info, {"used": "never", "channel_many": 4, "overall": 4, "facilities": 5})
    assert flow.check_answers(info, {"used": "never", "channel_many": 4, "overall": 4}) == {
        "used": "never",
        "channel_many": 4,
        "overall": 4,
    }
