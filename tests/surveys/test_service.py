"""The survey rules the bot holds, called directly (no webhook, worker or LINE): figures over respondents with
the organisation's populations, paper forms counted, opening and closing refused as conflicts (409), invitations
only to those who may get them, linked ratings one per record and never dropped. Rolled back per test (`db`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.config import Settings
from bot.http import STATUS_OF_KIND, SURVEY_ERRORS
from bot.outbox.models import OutboxKind, OutboxMessage
from bot.residents.models import FollowStatus, Resident
from bot.staff import service as staff
from bot.staff.models import Role
from bot.surveys import service as surveys
from bot.surveys.callbacks import OpenSurvey
from surveys import catalogue, responses, stats
from surveys.catalogue import SurveyConflict
from surveys.definition import parse_definition
from surveys.flow import AnswerError
from surveys.models import Channel, PendingRating, ResponseStatus, SurveyResponse, SurveyStatus
from surveys.responses import Respondent, SurveyClosed
from tests.surveys.helpers import file_paper, open_survey, satisfaction_data

SETTINGS = Settings(_env_file=None)
ORG = SETTINGS.organisation
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # FY 2570, Q1, November 2026
POPULATION = sum(v.population for v in ORG.villages)
_ids = iter(range(10**6))


def resident(
    db: Session, village: int = 1, *, consented: bool = True, status: FollowStatus = FollowStatus.FOLLOWING
) -> Resident:
    person = Resident(
        line_user_id=f"U{next(_ids):032d}",
        status=status,
        created_at=NOW,
        village_no=village,
        consent_version=ORG.privacy.notice_version if consented else None,
    )
    db.add(person)
    db.flush()
    return person


def http_status(error: Exception) -> int:
    """The status bot.http answers a survey refusal with."""
    return STATUS_OF_KIND[next(kind for cls, kind in SURVEY_ERRORS.items() if isinstance(error, cls))]


# --- figures -------------------------------------------------------------------------------------------


def test_top_two_share_is_over_respondents_and_n_counts_people(db: Session) -> None:
    survey, definition = open_survey(db, satisfaction_data(2, official_method="top2_share"), NOW)
    file_paper(db, survey, definition, [{"q1": 5, "q2": 2}, {"q1": 4, "q2": 5}, {"q1": 1, "q2": 2}], NOW)
    report = surveys.report(db, survey, ORG, NOW, 2570)
    whole = report.overall
    assert (whole.n, whole.answers, whole.top2_share) == (3, 6, 50.0)  # each person's own share: ½, 1, 0
    assert report.official_value == 50.0 and report.status == "not_yet_provable"
    low, high = whole.ci95["top2_share"] or (0.0, 0.0)
    assert 0 <= low < 50 < high <= 100
    assert whole.top2_respondents is not None and whole.top2_respondents.moments.n == 3


def test_a_residents_survey_is_sized_against_the_villages_and_a_staff_one_against_active_staff(db: Session) -> None:
    residents_survey, definition = open_survey(db, satisfaction_data(1), NOW)
    file_paper(db, residents_survey, definition, [{"q1": 4}] * 2, NOW)
    report = surveys.report(db, residents_survey, ORG, NOW, 2570)
    assert (report.population, report.sample_required) == (POPULATION, stats.yamane(POPULATION))
    staff_survey, _ = open_survey(db, satisfaction_data(1, audience="staff"), NOW)
    for name in ("ก", "ข", "ค"):
        staff.create_staff(db, name=name, role=Role.OFFICER, now=NOW)
    staff.create_staff(db, name="ง", role=Role.OFFICER, now=NOW)[0].active = False
    assert surveys.report(db, staff_survey, ORG, NOW, 2570).population == 3


def test_village_groups_under_five_respondents_are_hidden_but_counted_in_the_whole(db: Session) -> None:
    survey, definition = open_survey(db, satisfaction_data(1), NOW)
    file_paper(db, survey, definition, [{"q1": 5}] * 5, NOW, village=1)
    file_paper(db, survey, definition, [{"q1": 1}] * 4, NOW, village=2)
    report = surveys.report(db, survey, ORG, NOW, 2570, by="village")
    village_one = next(v for v in ORG.villages if v.number == 1)
    assert [(g.key, g.figures.n, g.population) for g in report.groups] == [((1,), 5, village_one.population)]
    assert report.hidden_groups == 1 and report.overall.n == 9


def test_paper_forms_count_each_and_show_as_their_own_channel(db: Session) -> None:
    survey, definition = open_survey(db, satisfaction_data(1), NOW)
    file_paper(db, survey, definition, [{"q1": 5}] * 5, NOW)  # identical forms: never matched to one another
    person = resident(db)
    responses.submit(db, survey, definition, surveys.respondent_of(person), {"q1": 3}, Channel.LINE, NOW)
    report = surveys.report(db, survey, ORG, NOW, 2570, by="channel")
    assert report.overall.n == 6
    assert [(g.key, g.figures.n) for g in report.groups] == [(("paper",), 5)]  # LINE's one is hidden
    assert report.hidden_groups == 1


def test_an_unfinished_response_is_not_counted(db: Session) -> None:
    survey, definition = open_survey(db, satisfaction_data(2), NOW)
    response, _ = responses.begin(db, survey, surveys.respondent_of(resident(db)), Channel.LINE, NOW)
    responses.save_answer(db, survey, response, definition, definition.questions[0], 5, NOW)
    assert response.status == ResponseStatus.IN_PROGRESS
    assert surveys.report(db, survey, ORG, NOW, 2570).overall.n == 0


# --- opening and closing -------------------------------------------------------------------------------


def test_closing_what_is_not_open_is_a_conflict(db: Session) -> None:
    survey = catalogue.install(db, parse_definition(satisfaction_data(1)), NOW)
    assert survey.status == SurveyStatus.DRAFT
    with pytest.raises(SurveyConflict) as refused:
        catalogue.close_survey(survey, NOW)
    assert http_status(refused.value) == 409
    catalogue.open_survey(survey, NOW)
    catalogue.close_survey(survey, NOW + timedelta(days=1))
    with pytest.raises(SurveyConflict):
        catalogue.close_survey(survey, NOW + timedelta(days=2))


def test_a_closing_date_before_the_opening_is_a_conflict(db: Session) -> None:
    survey, _ = open_survey(db, satisfaction_data(1), NOW)
    with pytest.raises(SurveyConflict) as refused:
        catalogue.open_survey(survey, NOW, opens_at=NOW + timedelta(days=2), closes_at=NOW + timedelta(days=1))
    assert http_status(refused.value) == 409 and survey.closes_at is None


def test_answers_are_refused_outside_the_survey_dates(db: Session) -> None:
    survey, definition = open_survey(db, satisfaction_data(1), NOW)
    catalogue.open_survey(survey, NOW, opens_at=NOW + timedelta(days=1), closes_at=NOW + timedelta(days=8))
    for when in (NOW, NOW + timedelta(days=8)):  # before the opening; at the closing moment
        with pytest.raises(SurveyClosed) as refused:
            responses.submit(db, survey, definition, Respondent(), {"q1": 4}, Channel.PAPER, when)
        assert http_status(refused.value) == 409
    responses.submit(db, survey, definition, Respondent(), {"q1": 4}, Channel.PAPER, NOW + timedelta(days=7))


def test_a_bad_paper_form_writes_nothing(db: Session) -> None:
    survey, definition = open_survey(db, satisfaction_data(2), NOW)
    with pytest.raises(AnswerError) as refused:
        responses.submit(db, survey, definition, Respondent(), {"q1": 9, "q9": 1}, Channel.PAPER, NOW)
    assert http_status(refused.value) == 422
    assert db.exec(select(SurveyResponse)).first() is None


# --- invitations ---------------------------------------------------------------------------------------


def test_an_invitation_goes_only_to_a_consenting_follower_of_an_open_residents_survey(db: Session) -> None:
    survey, _ = open_survey(db, satisfaction_data(1), NOW)
    invited = resident(db)
    sent = surveys.send_survey(
        db, survey_key=survey.key, resident_id=invited.id or 0, org=ORG, now=NOW, link=("complaint", "C2570-00007")
    )
    assert len(sent) == 1
    row = db.exec(select(OutboxMessage)).one()
    assert OpenSurvey(survey.key, "complaint", "C2570-00007").pack() in row.messages
    for someone in (resident(db, consented=False), resident(db, status=FollowStatus.BLOCKED)):
        assert surveys.send_survey(db, survey_key=survey.key, resident_id=someone.id or 0, org=ORG, now=NOW) == []
    catalogue.close_survey(survey, NOW)
    assert surveys.send_survey(db, survey_key=survey.key, resident_id=invited.id or 0, org=ORG, now=NOW) == []
    staff_survey, _ = open_survey(db, satisfaction_data(1, audience="staff"), NOW)
    assert surveys.send_survey(db, survey_key=staff_survey.key, resident_id=invited.id or 0, org=ORG, now=NOW) == []
    assert len(db.exec(select(OutboxMessage)).all()) == 1
    with pytest.raises(surveys.UnknownSurvey):
        surveys.send_survey(db, survey_key="nope", resident_id=invited.id or 0, org=ORG, now=NOW)


def test_sending_to_a_village_is_one_multicast_to_its_consenting_followers(db: Session) -> None:
    survey, definition = open_survey(db, satisfaction_data(1), NOW)
    here = [resident(db, 1), resident(db, 1)]
    resident(db, 1, consented=False)
    resident(db, 1, status=FollowStatus.BLOCKED)
    resident(db, 2)
    assert surveys.send_to_residents(db, survey=survey, definition=definition, org=ORG, now=NOW, village_no=1) == 2
    row = db.exec(select(OutboxMessage)).one()
    assert row.kind == OutboxKind.MULTICAST and json.loads(row.recipient or "[]") == [r.line_user_id for r in here]


# --- linked ratings ------------------------------------------------------------------------------------


def test_a_linked_rating_is_one_response_per_record_and_rating_again_replaces_it(db: Session) -> None:
    survey, _ = open_survey(db, satisfaction_data(2), NOW)
    person = resident(db)
    for score in (2, 5):
        surveys.record_linked_rating(
            db,
            survey_key=survey.key,
            resident_id=person.id or 0,
            score=score,
            link=("complaint", "C2570-00001"),
            now=NOW,
        )
    surveys.record_linked_rating(
        db, survey_key=survey.key, resident_id=person.id or 0, score=3, link=("complaint", "C2570-00002"), now=NOW
    )
    db.flush()
    report = surveys.report(db, survey, ORG, NOW, 2570)
    rated = {i.key: i.figures for i in report.items}["q2"]  # the last satisfaction question takes the rating
    assert (rated.n, rated.mean) == (2, 4.0)


def test_a_rating_while_the_survey_is_closed_waits_and_counts_once_when_it_opens(db: Session) -> None:
    survey, _ = open_survey(db, satisfaction_data(1), NOW)
    catalogue.close_survey(survey, NOW)
    person = resident(db)
    link = ("complaint", "C2570-00003")
    for score in (1, 4):  # the later rating of the same record replaces the earlier
        kept = surveys.record_linked_rating(
            db, survey_key=survey.key, resident_id=person.id or 0, score=score, link=link, now=NOW
        )
        assert kept is None
    with pytest.raises(AnswerError):
        surveys.record_linked_rating(db, survey_key=survey.key, resident_id=person.id or 0, score=6, link=link, now=NOW)
    assert db.exec(select(PendingRating.score)).all() == [4]
    catalogue.open_survey(survey, NOW + timedelta(days=1))
    assert surveys.release_pending_ratings(db, NOW + timedelta(days=1), survey) == 1
    assert surveys.release_pending_ratings(db, NOW + timedelta(days=1), survey) == 0
    report = surveys.report(db, survey, ORG, NOW + timedelta(days=1), 2570)
    assert (report.overall.n, report.overall.mean) == (1, 4.0)


def test_an_erased_residents_waiting_rating_no_longer_names_them_but_still_counts(db: Session) -> None:
    person = resident(db)
    surveys.record_linked_rating(
        db,
        survey_key="not_yet_installed",
        resident_id=person.id or 0,
        score=5,
        link=("complaint", "C2570-00004"),
        now=NOW,
    )
    surveys.forget_pending_ratings(db, person, NOW)
    pending = db.exec(select(PendingRating)).one()
    assert (pending.resident_id, pending.score) == (None, 5)


def test_an_anonymous_survey_does_not_store_the_rated_records_code(db: Session) -> None:
    survey, _ = open_survey(db, satisfaction_data(1, anonymous=True), NOW)
    person = resident(db)
    response = surveys.record_linked_rating(
        db, survey_key=survey.key, resident_id=person.id or 0, score=5, link=("inquiry", "Q2570-00009"), now=NOW
    )
    assert response is not None and response.resident_id is None
    assert response.link_type == "inquiry" and "Q2570-00009" not in f"{response.link_id} {response.respondent_key}"
