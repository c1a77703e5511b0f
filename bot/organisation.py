"""The organisation file (TOML): who we are, our villages, categories, units and public links."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

DEFAULT_ORGANISATION_FILE = Path(__file__).parent / "org" / "phana.toml"

PUBLIC_INFO_GROUPS = (
    "ข้อมูลพื้นฐาน",
    "การบริหารงาน",
    "การบริหารเงินงบประมาณ",
    "การบริหารและพัฒนาทรัพยากรบุคคล",
    "การส่งเสริมความโปร่งใส",
)


MAX_BUTTON_LABEL = 20  # LINE's limit for a button's label


class Village(BaseModel):
    number: int = Field(ge=1)
    name: str = Field(min_length=1)
    population: int = Field(ge=0)
    short: str = Field(default="", max_length=MAX_BUTTON_LABEL)  # the button label when the full one is long

    @property
    def label(self) -> str:
        return f"หมู่ {self.number} {self.name}"


# The plan's outcome indicators a complaint category or tip type can count toward (measures 1, 3, 9–11).
OUTCOME_TAGS = ("bribery", "procurement", "staff_conduct", "corruption")
OutcomeTag = Literal["bribery", "procurement", "staff_conduct", "corruption"]


class Category(BaseModel):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    unit: str
    indicator: OutcomeTag | None = None
    short: str = Field(default="", max_length=MAX_BUTTON_LABEL)  # the button label when `name` is long
    # Words that point at this category in what a resident types ("ไฟดับ", "หลุม"); matched on Thai
    # word segmentation, so "ไฟ" does not match inside "ไฟป่า".
    keywords: list[str] = []


class TipType(BaseModel):
    """A kind of corruption tip: the reporter may pick it, the integrity officer classifies (or corrects) it;
    `indicator` says what it counts toward."""

    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    indicator: OutcomeTag | None = None
    short: str = Field(default="", max_length=MAX_BUTTON_LABEL)  # the button label when `name` is long

    @property
    def label(self) -> str:
        return self.short or self.name


class Unit(BaseModel):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str


class InquiryAnswerDays(BaseModel):
    """Days within which each kind of inquiry is promised an answer (the Official Information Act
    B.E. 2540 practice: 15 days for a request for information)."""

    question: int = Field(default=7, ge=1, le=90)
    information_request: int = Field(default=15, ge=1, le=90)
    suggestion: int = Field(default=15, ge=1, le=90)
    feedback: int = Field(default=15, ge=1, le=90)


class Contact(BaseModel):
    address: str
    phone: str
    email: str = ""
    website: str = ""
    office_hours: str = ""


class PublicLink(BaseModel):
    title: str
    url: str


class PublicInfoGroup(BaseModel):
    group: str
    links: list[PublicLink] = []

    @field_validator("group")
    @classmethod
    def known_group(cls, value: str) -> str:
        if value not in PUBLIC_INFO_GROUPS:
            raise ValueError(f"unknown public-information group {value!r}; use one of {PUBLIC_INFO_GROUPS}")
        return value


class LineAccount(BaseModel):
    """The LINE Official Account residents add: its basic ID (`@123abcde`) or its add-friend URL."""

    basic_id: str = Field(default="", pattern=r"^(@[0-9A-Za-z._-]{2,30})?$")
    add_friend_url: str = Field(default="", pattern=r"^(https://[^\s]+)?$")

    @property
    def url(self) -> str:
        """Where a phone's camera should take the resident: the URL given, else LINE's add-friend link."""
        if self.add_friend_url:
            return self.add_friend_url
        return f"https://line.me/R/ti/p/%40{self.basic_id[1:]}" if self.basic_id else ""


class Privacy(BaseModel):
    notice_version: str
    retention: str
    controller: str
    contact: str


class SurveyDefaults(BaseModel):
    """What a fresh install offers: the shipped surveys are installed at `tambon db upgrade` and at the first
    start of `tambon serve`; those named in `open` are opened from `open_from` ("fiscal_year": the start of the
    current Thai fiscal year, 1 October; or a date). Installed once: a manager's later changes are kept."""

    open: list[str] = []
    open_from: Literal["fiscal_year"] | date = "fiscal_year"


class Organisation(BaseModel):
    name: str
    short_name: str
    particle: Literal["ค่ะ", "ครับ"]
    villages: list[Village]
    categories: list[Category]
    units: list[Unit]
    contact: Contact
    privacy: Privacy
    line: LineAccount = LineAccount()
    public_info: list[PublicInfoGroup] = []
    inquiry_answer_days: InquiryAnswerDays = InquiryAnswerDays()
    tip_types: list[TipType] = []
    surveys: SurveyDefaults = SurveyDefaults()

    @model_validator(mode="after")
    def consistent(self) -> Organisation:
        numbers = [v.number for v in self.villages]
        if len(set(numbers)) != len(numbers):
            raise ValueError("village numbers must be unique")
        unit_keys = {u.key for u in self.units}
        for category in self.categories:
            if category.unit not in unit_keys:
                raise ValueError(f"category {category.key!r} names unknown unit {category.unit!r}")
        return self

    @property
    def question_particle(self) -> str:
        """The particle that ends a question: คะ (not ค่ะ) or ครับ."""
        return "คะ" if self.particle == "ค่ะ" else "ครับ"

    def tip_type(self, key: str) -> TipType | None:
        return next((t for t in self.tip_types if t.key == key), None)

    def category(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)

    def village(self, number: int) -> Village | None:
        return next((v for v in self.villages if v.number == number), None)


def load_organisation(path: Path | None = None) -> Organisation:
    """Read and validate the organisation file; the bundled อบต.พนา example when no path is given."""
    source = path or DEFAULT_ORGANISATION_FILE
    with open(source, "rb") as handle:
        return Organisation.model_validate(tomllib.load(handle))
