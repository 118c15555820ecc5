"""Calendar feeds over HTTP on 127.0.0.1: read back as calendar apps read them.

The feed of school alpha's Smith family (Emma and Liam in piano, Emma in theory) and of
teacher Sam, before and after a booking is cancelled or moved; ETag and 304; revoked and
unknown tokens; one family's feed never showing another family.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar
from sqlalchemy import update

from core.calendar.feeds import FeedOwner, feed_path, feed_window
from core.calendar.service import CalendarFilter
from core.clock import FixedClock
from core.db.engine import make_engine, make_session_factory
from core.db.models import Event, School
from core.services import Services
from core.views import Actor
from handlers.api.feeds import FEEDS, routes
from tests.support.factories import SchoolIds, build_two_schools
from tests.support.feeds import feed_server

ADMIN = Actor.admin("office")
TERM = (date(2027, 2, 1), date(2027, 4, 12))  # ten weeks, end exclusive


@pytest.fixture
def services(sessions, clock: FixedClock) -> Services:  # type: ignore[no-untyped-def]
    return Services.build(sessions, clock)


@pytest.fixture
async def schools(sessions) -> tuple[SchoolIds, SchoolIds]:  # type: ignore[no-untyped-def]
    alpha, beta = await build_two_schools(sessions)
    async with sessions() as session, session.begin():
        session.add(
            Event(
                school_id=alpha.school,
                key="concert",
                title="Spring Concert",
                type="CONCERT",
                start_at=datetime(2027, 3, 20, 7, tzinfo=UTC),
                end_at=datetime(2027, 3, 20, 9, tzinfo=UTC),
            )
        )
    return alpha, beta


@pytest.fixture
async def http(services: Services) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    async with feed_server(services) as client:
        yield client


async def book(services: Services, ids: SchoolIds, lesson: int, student: int, at: time) -> int:
    start = await services.booking.slot_at(ids.school, lesson, 4, at, day=0)
    booking = await services.booking.create_booking(ids.school, ADMIN, lesson, student, 4, start)
    return booking.id


async def fetch(http: TestClient, token: str, etag: str | None = None):  # type: ignore[no-untyped-def,type-arg]
    headers = {"If-None-Match": etag} if etag else {}
    response = await http.get(feed_path(token), headers=headers)
    return response, await response.read()


def vevents(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def term_events(body: bytes) -> list:  # type: ignore[type-arg]
    return list(recurring_ical_events.of(Calendar.from_ical(body)).between(*TERM))


async def test_a_familys_feed_holds_its_lessons_placeholders_bookings_and_the_schools_events(
    services: Services, schools, http
) -> None:
    alpha, _ = schools
    await book(services, alpha, alpha.piano, alpha.emma, time(15))
    await book(services, alpha, alpha.piano, alpha.mia, time(16))  # the Browns'
    token = await services.feeds.token(FeedOwner(alpha.school, family_id=alpha.smith_family))

    response, body = await fetch(http, token)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"].startswith('"')
    summaries = [str(e["SUMMARY"]) for e in term_events(body)]
    # piano and theory, every week of the term; their individual weeks as placeholders
    assert summaries.count("Piano Foundations") == 8
    assert summaries.count("Piano Foundations (individual week: book a slot)") == 2
    assert summaries.count("Music Theory") == 9
    assert summaries.count("Music Theory (individual week: book a slot)") == 1
    assert summaries.count("Spring Concert") == 1
    assert "Piano Foundations: Emma Smith (individual)" in summaries
    assert not any("Mia" in s or "Junior Choir" in s for s in summaries)
    session = next(e for e in term_events(body) if "Emma Smith" in str(e["SUMMARY"]))
    assert "Teacher: Sam Jones" in str(session["DESCRIPTION"])
    assert str(session["STATUS"]) == "CONFIRMED"
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "School alpha · Smith family"


async def test_a_cancelled_booking_keeps_its_uid_raises_its_sequence_and_shows_cancelled(
    services: Services, schools, http
) -> None:
    alpha, _ = schools
    booking_id = await book(services, alpha, alpha.piano, alpha.emma, time(15))
    token = await services.feeds.token(FeedOwner(alpha.school, family_id=alpha.smith_family))
    uid = f"booking-{booking_id}@musicbot"

    before, body = await fetch(http, token)
    assert vevents(body)[uid]["SEQUENCE"] == 0
    assert str(vevents(body)[uid]["STATUS"]) == "CONFIRMED"

    await services.booking.cancel_booking(alpha.school, ADMIN, booking_id, "away")
    after, body = await fetch(http, token, before.headers["ETag"])
    assert after.status == 200  # the old ETag no longer matches
    assert after.headers["ETag"] != before.headers["ETag"]
    event = vevents(body)[uid]
    assert event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    # calendar apps read it as the same entry, cancelled: still in the term
    assert [str(e["UID"]) for e in term_events(body)].count(uid) == 1


async def test_a_rescheduled_booking_keeps_its_uid_and_raises_its_sequence(
    services: Services, schools, http
) -> None:
    alpha, _ = schools
    booking_id = await book(services, alpha, alpha.piano, alpha.emma, time(15))
    token = await services.feeds.token(FeedOwner(alpha.school, family_id=alpha.smith_family))
    uid = f"booking-{booking_id}@musicbot"
    before, body = await fetch(http, token)
    old_start = vevents(body)[uid]["DTSTART"].dt

    new_start = await services.booking.slot_at(alpha.school, alpha.piano, 8, time(17), day=0)
    await services.booking.reschedule_booking(alpha.school, ADMIN, booking_id, 8, new_start)
    after, body = await fetch(http, token, before.headers["ETag"])
    assert after.status == 200
    event = vevents(body)[uid]
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt == new_start != old_start
    assert str(event["STATUS"]) == "CONFIRMED"


async def test_an_unchanged_feed_answers_304_to_its_etag_and_200_to_anything_else(
    services: Services, schools, http
) -> None:
    alpha, _ = schools
    token = await services.feeds.token(FeedOwner(alpha.school, teacher_id=alpha.teacher))
    first, body = await fetch(http, token)
    etag = first.headers["ETag"]

    again, again_body = await fetch(http, token, etag)
    assert again.status == 304 and again_body == b""
    assert again.headers["ETag"] == etag
    for header in (f"W/{etag}", f'"nope", {etag}', "*"):
        response, _ = await fetch(http, token, header)
        assert response.status == 304, header
    for header in ('"nope"', "garbage", ""):
        response, same = await fetch(http, token, header)
        assert response.status == 200 and same == body, header  # and byte for byte the same
    head = await http.head(feed_path(token))
    assert head.status == 200 and head.headers["ETag"] == etag

    # a lesson changed by an import: the catalog version rises, so do the lessons' SEQUENCE
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(School)
            .where(School.id == alpha.school)
            .values(catalog_version=School.catalog_version + 1)
        )
    changed, new_body = await fetch(http, token, etag)
    assert changed.status == 200 and changed.headers["ETag"] != etag
    lessons = [e for uid, e in vevents(new_body).items() if uid.startswith("lesson-")]
    assert lessons and all(e["SEQUENCE"] == 1 for e in lessons)


async def test_the_same_url_is_given_again_until_revoked_then_it_answers_404(
    services: Services, schools, http
) -> None:
    alpha, _ = schools
    owner = FeedOwner(alpha.school, family_id=alpha.smith_family)
    token = await services.feeds.token(owner)
    assert await services.feeds.token(owner) == token
    assert len(token) >= 43

    assert await services.feeds.revoke(owner) is True
    response, body = await fetch(http, token)
    assert response.status == 404 and body == b""
    assert await services.feeds.revoke(owner) is False  # nothing live any more
    fresh = await services.feeds.token(owner)
    assert fresh != token
    assert (await fetch(http, fresh))[0].status == 200
    assert (await fetch(http, token))[0].status == 404


async def test_unknown_and_malformed_tokens_answer_404_never_an_error(
    services: Services, schools, http
) -> None:
    alpha, _ = schools
    token = await services.feeds.token(FeedOwner(alpha.school, family_id=alpha.smith_family))
    paths = [
        feed_path(token[:-1] + ("A" if token[-1] != "A" else "B")),
        feed_path("x" * 43),
        feed_path("short"),
        feed_path("a" * 500),
        feed_path("%27%20OR%201=1--" + "a" * 30),
        feed_path("%00" * 30),
        f"/ical/{token}.ICS",
        f"/ical/{token}",
        "/ical/.ics",
    ]
    for path in paths:
        response = await http.get(path)
        assert response.status == 404, path


async def test_another_familys_or_schools_token_never_shows_this_family(
    services: Services, schools, http
) -> None:
    alpha, beta = schools
    await book(services, alpha, alpha.piano, alpha.emma, time(15))
    await book(services, alpha, alpha.piano, alpha.mia, time(16))
    brown = await services.feeds.token(FeedOwner(alpha.school, family_id=alpha.brown_family))
    beta_sam = await services.feeds.token(FeedOwner(beta.school, teacher_id=beta.teacher))
    _, brown_body = await fetch(http, brown)
    _, beta_body = await fetch(http, beta_sam)
    brown_text = " ".join(str(e["SUMMARY"]) for e in term_events(brown_body))
    assert "Mia Brown" in brown_text
    assert "Emma" not in brown_text and "Liam" not in brown_text
    assert "Smith" not in brown_body.decode()
    assert "Smith" not in beta_body.decode() and "Brown" not in beta_body.decode()
    assert "School alpha" not in beta_body.decode()
    with pytest.raises(Exception, match="No such family"):  # a family of another school
        await services.feeds.token(FeedOwner(beta.school, family_id=alpha.smith_family))


async def test_a_teachers_feed_holds_every_booking_of_theirs_with_child_and_teacher(
    services: Services, schools, http
) -> None:
    alpha, _ = schools
    await book(services, alpha, alpha.piano, alpha.emma, time(15))
    await book(services, alpha, alpha.theory, alpha.mia, time(16))
    token = await services.feeds.token(FeedOwner(alpha.school, teacher_id=alpha.teacher))
    _, body = await fetch(http, token)
    summaries = [str(e["SUMMARY"]) for e in term_events(body)]
    assert "Piano Foundations: Emma Smith (individual)" in summaries
    assert "Music Theory: Mia Brown (individual)" in summaries
    assert summaries.count("Junior Choir") == 10
    assert "Spring Concert" in summaries
    # a teacher books no slot: their individual weeks say so in other words
    assert summaries.count("Piano Foundations (individual week)") == 2
    assert summaries.count("Music Theory (individual week)") == 1
    assert not any("book a slot" in s for s in summaries)
    placeholder = next(
        e for e in term_events(body) if str(e["SUMMARY"]) == "Music Theory (individual week)"
    )
    assert "each booked session is an entry of its own" in str(placeholder["DESCRIPTION"])
    other = await services.feeds.token(FeedOwner(alpha.school, teacher_id=alpha.other_teacher))
    _, empty = await fetch(http, other)
    assert [str(e["SUMMARY"]) for e in term_events(empty)] == ["Spring Concert"]


async def test_the_feed_covers_the_latest_begun_term_and_every_later_one() -> None:
    t1, t2 = (date(2027, 2, 1), 10), (date(2027, 4, 26), 10)
    assert feed_window([t1, t2], date(2027, 1, 19)) == (date(2027, 2, 1), date(2027, 7, 4))
    assert feed_window([t2, t1], date(2027, 3, 1)) == (date(2027, 2, 1), date(2027, 7, 4))
    # between terms the last one stays, until the next begins
    assert feed_window([t1, t2], date(2027, 4, 20)) == (date(2027, 2, 1), date(2027, 7, 4))
    assert feed_window([t1, t2], date(2027, 4, 26)) == (date(2027, 4, 26), date(2027, 7, 4))
    assert feed_window([t1], date(2030, 1, 1)) == (date(2027, 2, 1), date(2027, 4, 11))
    assert feed_window([], date(2027, 1, 1)) is None
    assert date(2027, 4, 11) - date(2027, 2, 1) == timedelta(days=69)


async def test_a_feed_holds_exactly_the_entries_the_calendar_shows_cancelled_ones_too(
    services: Services, schools, http
) -> None:
    alpha, _ = schools
    await book(services, alpha, alpha.piano, alpha.emma, time(15))
    gone = await book(services, alpha, alpha.theory, alpha.emma, time(16))
    await services.booking.cancel_booking(alpha.school, ADMIN, gone)
    for owner, filters in (
        (
            FeedOwner(alpha.school, family_id=alpha.smith_family),
            CalendarFilter(family_id=alpha.smith_family, cancelled=True),
        ),
        (
            FeedOwner(alpha.school, teacher_id=alpha.teacher),
            CalendarFilter(
                teacher_id=alpha.teacher, cancelled=True, school_events=True, staff=True
            ),
        ),
    ):
        _, body = await fetch(http, await services.feeds.token(owner))
        shown = await services.calendar.events(alpha.school, TERM[0], TERM[1], filters)
        assert len(shown) > 20
        ours = vevents(body)
        assert set(ours) == {f"{e.uid}@musicbot" for e in shown}
        for entry in shown:
            event = ours[f"{entry.uid}@musicbot"]
            assert str(event["SUMMARY"]) == entry.title
            assert event["DTSTART"].dt == entry.start and event["DTEND"].dt == entry.end
            assert (str(event["STATUS"]) == "CANCELLED") is entry.cancelled


async def test_a_dead_database_answers_503_to_retry_later(clock: FixedClock) -> None:
    engine = make_engine("postgresql+asyncpg://nobody:nothing@127.0.0.1:1/none", pool_size=1)
    app = web.Application()
    app.add_routes(routes)
    app[FEEDS] = Services.build(make_session_factory(engine), clock).feeds
    client: TestClient = TestClient(TestServer(app, host="127.0.0.1"))  # type: ignore[type-arg]
    await client.start_server()
    try:
        response = await client.get(feed_path("a" * 43))
        assert response.status == 503 and response.headers["Retry-After"] == "60"
    finally:
        await client.close()
        await engine.dispose()
