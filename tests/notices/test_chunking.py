"""Fan-out: ⌈N/500⌉ multicast calls, everyone exactly once, failed chunks retried alone with their own
retry key, and chunks paced for LINE's rate limit."""

from __future__ import annotations

import itertools
import math
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from bot.forums.audiences import FOR_NOTICES
from bot.notices import audience, delivery, service
from bot.notices.models import NoticeCreate
from bot.outbox.models import OutboxStatus
from tests.harness import Harness
from tests.notices.helpers import add_residents, deliver, multicast_recipients, notice_body, outbox_rows

VILLAGES = range(1, 9)


def send(harness: Harness, body: dict[str, object], per_second: float = 1000.0) -> int:
    """Create and send a notice in one unit of work (the service, without the API's quota check)."""
    with Session(harness.engine) as session:
        body_in = NoticeCreate.model_validate(body)
        notice = service.create(session, harness.org, FOR_NOTICES, body_in, None, harness.clock())
        service.send_now(session, notice, audience.resolve(session, notice, FOR_NOTICES), harness.clock(), per_second)
        session.commit()
        return notice.id or 0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    groups=st.lists(
        st.tuples(st.sampled_from(VILLAGES), st.integers(0, 450), st.sampled_from(["ok", "opted_out", "blocked"])),
        min_size=1,
        max_size=6,
    ),
    chosen=st.sets(st.sampled_from(VILLAGES), min_size=1),
)
def test_every_recipient_exactly_once_at_most_500_a_call(
    harness: Harness, groups: list[tuple[int, int, str]], chosen: set[int]
) -> None:
    # Examples share one database: remember every resident added so far, and who should get the notice.
    added: list[tuple[str, int, str]] = harness.__dict__.setdefault("added_residents", [])
    for village, count, kind in groups:
        users = add_residents(harness, count, village, opted_out=kind == "opted_out", blocked=kind == "blocked")
        added.extend((user, village, kind) for user in users)
    expected = sorted(user for user, village, kind in added if kind == "ok" and village in chosen)
    if not expected:
        return
    marker = f"ประกาศที่ {len(harness.line.calls('multicast'))}"
    send(harness, notice_body(title=marker, audience={"kind": "villages", "villages": sorted(chosen)}))
    deliver(harness)
    calls = multicast_recipients(harness, marker + "\n")
    assert len(calls) == math.ceil(len(expected) / 500)
    assert all(1 <= len(call) <= 500 for call in calls)
    assert sorted(user for call in calls for user in call) == expected  # each exactly once, nobody else


def test_a_failed_chunk_is_retried_alone_with_its_own_key_and_nobody_gets_it_twice(harness: Harness) -> None:
    users = add_residents(harness, 1201, village=4)
    harness.line.state.fail_next("multicast", 500)
    harness.line.state.fail_next("multicast", 429)
    harness.line.state.fail_next("multicast", 502, after_processing=True)  # LINE took it; the answer was lost
    send(harness, notice_body(title="เลื่อนวันเก็บขยะ", audience={"kind": "villages", "villages": [4]}))
    deliver(harness, seconds=5)
    for _ in range(6):  # back-off: let the retries fall due
        deliver(harness, seconds=400)
    rows = outbox_rows(harness)
    assert len(rows) == 3 and all(row.status == OutboxStatus.SENT for row in rows)
    calls = harness.line.calls("multicast")
    keys_by_status: dict[int, list[str]] = {}
    for call in calls:
        keys_by_status.setdefault(call.status, []).append(call.headers["x-line-retry-key"])
    accepted = keys_by_status[200] + keys_by_status[502]  # the 502 came after LINE had accepted it
    assert sorted(accepted) == sorted(row.retry_key for row in rows)  # each chunk accepted exactly once
    assert set(keys_by_status[500] + keys_by_status[429]) <= set(accepted)  # retried with the same key
    # The retry of the lost answer hears "already accepted". On a loaded machine a 200 can also come back
    # after our 2 s timeout; its retry hears 409 too, so only accepted keys may ever be refused.
    assert set(keys_by_status[502]) <= set(keys_by_status.get(409, [])) <= set(accepted)
    assert all(harness.line.state.texts_to(u).count(harness.line.state.texts_to(u)[-1]) == 1 for u in users[:5])
    assert sum(len(c.body["to"]) for c in calls if c.status in (200, 502)) == 1201


def test_chunks_are_paced_and_a_second_notice_queues_behind_the_first(harness: Harness) -> None:
    add_residents(harness, 1500, village=5)
    add_residents(harness, 600, village=6)
    send(harness, notice_body(audience={"kind": "villages", "villages": [5]}), per_second=10)
    send(harness, notice_body(audience={"kind": "villages", "villages": [6]}), per_second=10)
    due = [row.next_attempt_at for row in outbox_rows(harness)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(due)]
    assert len(due) == 3 + 2 and gaps == [timedelta(seconds=0.1)] * 4
    deliver(harness)
    assert len(harness.line.calls("multicast")) == 5


def test_first_free_slot_ignores_retries_waiting_on_their_own_back_off(harness: Harness) -> None:
    add_residents(harness, 10, village=7)
    harness.line.state.fail_next("multicast", 503)
    send(harness, notice_body(audience={"kind": "villages", "villages": [7]}))
    deliver(harness, seconds=1)
    with Session(harness.engine) as session:
        slot = delivery._first_free_slot(session, harness.clock(), 100)
    assert slot == harness.clock()
