"""Admins' digests: one message per admin and sweep covering every lesson due, each lesson
once per booking period; cut between lessons past Telegram's 4096 characters. On a real
PostgreSQL, delivered to the local Bot API server, the clock injected.

School alpha (tests.support.factories, Sydney): Alice (chat 1001) is its admin; both hybrid
lessons (Piano Foundations: Emma, Liam, Mia; Music Theory: Emma, Mia) are opened here at
the same moment, so their digests fall due together three days later.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core.clock import FixedClock
from core.db.engine import unit_of_work
from core.db.models import Admin, UserLanguage
from core.db.records import SentReminder
from core.reminders import service as core
from core.reminders.digest import digest_key, due_digests
from core.reminders.notices import AdminDigestNotice, BookNow, DigestNotice, Reminder, StillToBook
from core.reminders.rules import DIGEST
from core.reminders.service import NOT_BOOKED
from core.services import Services
from handlers.formatting import MAX_MESSAGE
from scheduler.notifier import Notifier
from scheduler.sweeps import deliver, run_sweep
from tests.support.factories import SchoolIds, build_two_schools
from tests.support.reminders import ADMIN, set_rules

ALICE, BEA = 1001, 1005  # alpha's admins' chats (Bea chose German)
RULES = {"admin_digest_after_days": 3, "not_booked": {"enabled": False}}


@pytest.fixture
async def world(sessions, clock) -> tuple[Services, SchoolIds, tuple[int, int]]:  # type: ignore[no-untyped-def]
    """School alpha with a second admin, Bea; the admins' ids (Alice's, Bea's)."""
    alpha, _ = await build_two_schools(sessions)
    services = Services.build(sessions, clock)
    async with unit_of_work(sessions) as session:
        bea = Admin(school_id=alpha.school, key="bea", name="Bea Admin", telegram_id=BEA)
        session.add_all([bea, UserLanguage(telegram_id=BEA, chosen="de", client="en")])
        await session.commit()
        admins = (alpha.admin, bea.id)
    await set_rules(services, alpha.school, RULES)
    return services, alpha, admins


async def reopen(services: Services, alpha: SchoolIds, *lessons: int) -> datetime:
    """Close and reopen ``lessons`` now: a new booking period for each."""
    for lesson in lessons:
        await services.booking.set_bookings_open(alpha.school, lesson, False, ADMIN)
        await services.booking.set_bookings_open(alpha.school, lesson, True, ADMIN)
    return services.clock.now()


async def sweep(services: Services, notifier: Notifier, clock: FixedClock, at: datetime) -> None:
    clock.set(at)
    assert await run_sweep(services.sessions, notifier, clock, NOT_BOOKED) is not None


async def log(services: Services) -> dict[str, str]:
    async with services.sessions() as session:
        rows = await session.execute(
            select(SentReminder.dedupe_key, SentReminder.status).where(SentReminder.kind == DIGEST)
        )
        return {key: status for key, status in rows}


async def test_each_admin_gets_one_message_covering_every_lesson_due_once(
    api, world, notifier, clock
):
    services, alpha, admins = world
    opened = await reopen(services, alpha, alpha.piano, alpha.theory)
    await sweep(services, notifier, clock, opened + timedelta(days=3, minutes=-1))
    assert api.chat(ALICE) == [] and api.chat(BEA) == []
    for later in (timedelta(days=3), timedelta(days=3, minutes=1), timedelta(days=5)):
        await sweep(services, notifier, clock, opened + later)
    [alice] = api.chat(ALICE)
    lines = alice["text"].splitlines()
    assert lines[0] == "Families still to book in 2 lessons"
    piano = lines.index("Piano Foundations: 2 families still to book")
    theory = lines.index("Music Theory: 2 families still to book")
    assert 0 < piano < theory  # lesson order; each lesson with its own families and hint
    assert lines[piano + 2] == "• Smith family: Emma Smith (week 4), Emma Smith (week 8), " + (
        "Liam Smith (week 4), Liam Smith (week 8)"
    )
    assert "• Brown family: Mia Brown (week 4)" in lines[theory:]
    assert "/remind piano reminds them now; /stats piano shows every week." in lines
    assert "/remind theory reminds them now; /stats theory shows every week." in lines
    [bea] = api.chat(BEA)  # in her own language
    assert bea["text"].splitlines()[0] == "Familien müssen noch buchen: 2 Kurse"
    assert "Music Theory: 2 Familien müssen noch buchen" in bea["text"]
    assert await log(services) == {
        digest_key(lesson, opened, admin): "SENT"
        for lesson in (alpha.piano, alpha.theory)
        for admin in admins
    }
    # closing and reopening Theory starts its new booking period: a digest of Theory alone
    reopened = await reopen(services, alpha, alpha.theory)
    await sweep(services, notifier, clock, reopened + timedelta(days=3, minutes=-1))
    assert len(api.chat(ALICE)) == 1
    await sweep(services, notifier, clock, reopened + timedelta(days=3))
    await sweep(services, notifier, clock, reopened + timedelta(days=3, minutes=1))
    [_, again] = api.chat(ALICE)
    assert again["text"].startswith("Music Theory: 2 families still to book")
    assert "Piano" not in again["text"]
    assert len(api.chat(BEA)) == 2 and len(await log(services)) == 6


async def test_a_lesson_nobody_has_to_book_is_left_out(api, world, notifier, clock):
    services, alpha, admins = world
    opened = await reopen(services, alpha, alpha.piano, alpha.theory)
    booked = []
    for student in (alpha.emma, alpha.mia):  # Theory's only individual week, both booked
        slots = await services.booking.available_slots(alpha.school, alpha.theory, 4, ADMIN)
        booked.append(
            await services.booking.create_booking(
                alpha.school, ADMIN, alpha.theory, student, 4, slots[0].start_at
            )
        )
    await sweep(services, notifier, clock, opened + timedelta(days=3))
    [digest] = api.chat(ALICE)
    assert digest["text"].startswith("Piano Foundations: 2 families still to book")
    assert "Theory" not in digest["text"]
    assert set(await log(services)) == {digest_key(alpha.piano, opened, a) for a in admins}
    # Mia's booking cancelled while bookings are open: Theory's digest goes after all
    await services.booking.cancel_booking(alpha.school, ADMIN, booked[1].id)
    await sweep(services, notifier, clock, opened + timedelta(days=4))
    [_, theory] = api.chat(ALICE)
    assert theory["text"].startswith("Music Theory: 1 family still to book")
    assert "Brown family: Mia Brown (week 4)" in theory["text"]


async def test_nothing_is_due_in_quiet_hours_then_one_message_at_their_end(
    api, world, notifier, clock
):
    services, alpha, admins = world
    await set_rules(services, alpha.school, RULES | {"quiet_hours": "21:00-08:00"})
    clock.set(datetime(2027, 1, 20, 11, 0, tzinfo=UTC))  # Wednesday 22:00 in Sydney
    opened = await reopen(services, alpha, alpha.piano, alpha.theory)
    assert await due_digests(services.sessions, opened + timedelta(days=3)) == []
    await sweep(services, notifier, clock, opened + timedelta(days=3))  # Saturday 22:00
    await sweep(services, notifier, clock, opened + timedelta(days=3, hours=9, minutes=59))
    assert api.chat(ALICE) == []
    await sweep(services, notifier, clock, opened + timedelta(days=3, hours=10))  # 08:00
    [digest] = api.chat(ALICE)
    assert digest["text"].startswith("Families still to book in 2 lessons")


async def test_a_lesson_in_flight_elsewhere_waits_and_a_crashed_claim_is_taken_over(
    api, world, notifier, clock
):
    """Another process has Theory's digest claimed (its lease runs): this sweep's message
    covers Piano alone; once that process's lease has run out (it was killed), the next
    sweep sends Theory: each lesson once, none lost."""
    services, alpha, admins = world
    opened = await reopen(services, alpha, alpha.piano, alpha.theory)
    clock.set(opened + timedelta(days=3))
    [alices, _] = await due_digests(services.sessions, clock.now())
    assert alices.chat_id == ALICE and len(alices.keys) == 2
    theory_key = digest_key(alpha.theory, opened, alpha.admin)
    held = Reminder(theory_key, DIGEST, alpha.school, None, ALICE, alices.notice)
    assert await core.claim(services.sessions, held, clock.now())  # then that process died
    await sweep(services, notifier, clock, clock.now())
    [piano] = api.chat(ALICE)
    assert piano["text"].startswith("Piano Foundations: 2 families still to book")
    # the message as planned before (Piano and Theory) is refused whole, one of its lessons
    # sent and the other held: nothing sent, nothing claimed
    report = await deliver(services.sessions, notifier, clock, [alices])
    assert report.sent == 0 and report.skipped == 1 and len(api.chat(ALICE)) == 1
    async with services.sessions() as session, session.begin():  # the lease runs out
        await session.execute(
            update(SentReminder)
            .where(SentReminder.dedupe_key == theory_key)
            .values(lease_until=datetime(2000, 1, 1, tzinfo=UTC))
        )
    await sweep(services, notifier, clock, clock.now() + timedelta(minutes=1))
    [_, theory] = api.chat(ALICE)
    assert theory["text"].startswith("Music Theory: 2 families still to book")
    await sweep(services, notifier, clock, clock.now() + timedelta(minutes=1))
    assert len(api.chat(ALICE)) == 2 and set((await log(services)).values()) == {"SENT"}


async def test_a_failed_message_is_sent_again_whole_by_the_next_sweep(api, world, notifier, clock):
    services, alpha, admins = world
    opened = await reopen(services, alpha, alpha.piano, alpha.theory)
    for _ in range(notifier.max_attempts):  # every attempt of Alice's message: 502
        api.fail_next("sendMessage", 502, "Bad Gateway", chat_id=ALICE)
    await sweep(services, notifier, clock, opened + timedelta(days=3))
    assert api.chat(ALICE) == [] and len(api.chat(BEA)) == 1
    alices = {k: v for k, v in (await log(services)).items() if k.endswith(f":{alpha.admin}")}
    assert list(alices.values()) == ["RETRY", "RETRY"]
    await sweep(services, notifier, clock, opened + timedelta(days=3, minutes=1))
    [digest] = api.chat(ALICE)
    assert digest["text"].startswith("Families still to book in 2 lessons")
    assert set((await log(services)).values()) == {"SENT"}


def _lesson(n: int) -> DigestNotice:
    """A made-up lesson of ~1,000 characters of digest: 12 families, 2 weeks each."""
    families = tuple(
        StillToBook(
            f"Family {n}-{f} with a rather long name",
            tuple(BookNow(f, f"Child {n}-{f}", w, date(2027, 2, 22)) for w in (4, 5)),
            unreachable=f % 3 == 0,
        )
        for f in range(12)
    )
    return DigestNotice(f"lesson-{n}", f"Lesson {n}", 3, families)


async def test_a_digest_over_4096_characters_goes_in_parts_cut_between_lessons(
    api, world, notifier, clock
):
    services, alpha, admins = world
    lessons = tuple(_lesson(n) for n in range(10))
    keys = tuple(f"ad:{9000 + n}:0:{alpha.admin}" for n in range(10))
    digest = Reminder(
        keys[0], DIGEST, alpha.school, None, ALICE, AdminDigestNotice(lessons), "en", keys[1:]
    )
    parts = notifier.split(digest)
    assert 2 < len(parts) < 10 and [k for p in parts for k in p.keys] == list(keys)
    report = await deliver(services.sessions, notifier, clock, [digest])
    assert report.sent == len(parts) and set(report.outcomes) == set(keys)
    texts = [m["text"] for m in api.chat(ALICE)]
    assert len(texts) == len(parts)
    assert all(len(text) <= MAX_MESSAGE for text in texts)
    # each lesson in exactly one message (unpaced here, the parts may arrive in any order)
    seen = [line for text in texts for line in text.splitlines() if line.startswith("Lesson ")]
    assert sorted(seen) == [f"Lesson {n}: 12 families still to book" for n in range(10)]
    groups = []
    for text in texts:  # whole lessons in each message: every family, then the hint
        numbers = [int(line.split()[1][:-1]) for line in text.splitlines() if line[:7] == "Lesson "]
        for n in numbers:
            assert text.count(f"Child {n}-") == 24
            assert f"/remind lesson-{n} reminds them now" in text
        groups.append(numbers)
    assert sorted(groups) == [
        [int(lesson.lesson_key[7:]) for lesson in part.notice.lessons]
        for part in parts
        if isinstance(part.notice, AdminDigestNotice)
    ]
    assert await log(services) == dict.fromkeys(keys, "SENT")
    again = await deliver(services.sessions, notifier, clock, [digest])  # settled: no resend
    assert again.sent == 0 and len(api.chat(ALICE)) == len(parts)
