"""Attendance on a real PostgreSQL: only once the session has started, by the school or the
lesson's own teacher, all or nothing; a marked session keeps its slot; `musicbot attendance`.

School alpha is in Sydney (UTC+11): piano's week 4 is Monday 2027-02-22, slots from 15:00
local time (04:00 UTC). Emma is booked at 15:00, Liam at 15:30, Mia at 16:00 (cancelled).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import text

from core.clock import FixedClock
from core.db.models import BookingStatus
from core.errors import AlreadyBooked, InvalidState, NotAllowed, NotFound
from core.services import Services
from core.views import Actor
from tests.support.cli import cli_env, run_cli
from tests.support.factories import build_two_schools

ADMIN = Actor.admin("Alice Admin")
DURING_LIAM = datetime(2027, 2, 22, 4, 40, tzinfo=UTC)  # 15:40 in Sydney


@pytest.fixture
async def week4(sessions, clock: FixedClock):
    alpha, beta = await build_two_schools(sessions)
    services = Services.build(sessions, clock)
    b = services.booking
    ids = {}
    for name, student, hhmm in (
        ("emma", alpha.emma, time(15, 0)),
        ("liam", alpha.liam, time(15, 30)),
        ("mia", alpha.mia, time(16, 0)),
    ):
        start = await b.slot_at(alpha.school, alpha.piano, 4, hhmm, day=0)
        view = await b.create_booking(alpha.school, ADMIN, alpha.piano, student, 4, start)
        ids[name] = view.id
    await b.cancel_booking(alpha.school, ADMIN, ids["mia"], "away")
    return services, alpha, beta, ids


async def test_attendance_is_refused_before_the_session_starts(week4, clock) -> None:
    services, alpha, _, ids = week4
    with pytest.raises(InvalidState, match="starts Mon 22 Feb 15:00.*once it has started"):
        await services.attendance.mark(alpha.school, ADMIN, ids["emma"], BookingStatus.COMPLETED)
    clock.set(datetime(2027, 2, 22, 4, 10, tzinfo=UTC))  # 15:10: Emma's started, Liam's not
    with pytest.raises(InvalidState, match="Liam Smith's session starts"):
        await services.attendance.mark_session(
            alpha.school, ADMIN, alpha.piano, 4, present=[alpha.emma, alpha.liam]
        )
    emma = await services.booking.get_booking(alpha.school, ids["emma"])
    assert emma.status is BookingStatus.CONFIRMED  # all or nothing: Emma was not marked


async def test_the_school_marks_a_session_and_a_mark_can_be_corrected(week4, clock) -> None:
    services, alpha, _, ids = week4
    clock.set(DURING_LIAM)
    marked = await services.attendance.mark_session(
        alpha.school, ADMIN, alpha.piano, 4, present=[alpha.emma], no_show=[alpha.liam]
    )
    assert [(m.student_name, m.status) for m in marked] == [
        ("Emma Smith", BookingStatus.COMPLETED),
        ("Liam Smith", BookingStatus.NO_SHOW),
    ]
    assert marked[0].updated_by == "admin:Alice Admin"
    fixed = await services.attendance.mark(
        alpha.school, ADMIN, ids["liam"], BookingStatus.COMPLETED
    )
    assert fixed.status is BookingStatus.COMPLETED
    with pytest.raises(InvalidState, match="was cancelled"):
        await services.attendance.mark(alpha.school, ADMIN, ids["mia"], BookingStatus.NO_SHOW)
    with pytest.raises(NotFound, match="Mia Brown has no booking"):
        await services.attendance.mark_session(
            alpha.school, ADMIN, alpha.piano, 4, present=[alpha.mia]
        )
    with pytest.raises(InvalidState, match="both present and a no-show"):
        await services.attendance.mark_session(
            alpha.school, ADMIN, alpha.piano, 4, present=[alpha.emma], no_show=[alpha.emma]
        )


async def test_only_the_lessons_own_teacher_or_the_school_may_mark(week4, clock) -> None:
    services, alpha, beta, ids = week4
    clock.set(DURING_LIAM)
    sam = Actor.teacher(alpha.teacher, "Sam Jones")
    done = await services.attendance.mark(alpha.school, sam, ids["emma"], BookingStatus.NO_SHOW)
    assert done.updated_by == f"teacher:{alpha.teacher} Sam Jones"
    for outsider in (
        Actor.teacher(alpha.other_teacher, "Kim Lee"),
        Actor.parent(alpha.smith_parent, "Jane Smith"),
    ):
        with pytest.raises(NotAllowed):
            await services.attendance.mark(alpha.school, outsider, ids["liam"], _present())
    with pytest.raises(NotFound):  # another school's booking is not there at all
        await services.attendance.mark(beta.school, ADMIN, ids["liam"], _present())


def _present() -> BookingStatus:
    return BookingStatus.COMPLETED


async def test_all_present_marks_the_days_started_unmarked_sessions_only(week4, clock) -> None:
    services, alpha, _, ids = week4
    clock.set(datetime(2027, 2, 22, 4, 10, tzinfo=UTC))  # 15:10: only Emma's has started
    sam = Actor.teacher(alpha.teacher, "Sam Jones")
    marked = await services.attendance.mark_day_present(
        alpha.school, sam, alpha.piano, date(2027, 2, 22)
    )
    assert [m.id for m in marked] == [ids["emma"]]
    liam = await services.booking.get_booking(alpha.school, ids["liam"])
    assert liam.status is BookingStatus.CONFIRMED
    with pytest.raises(InvalidState, match="No session of Mon 22 Feb"):
        await services.attendance.mark_day_present(
            alpha.school, sam, alpha.piano, date(2027, 2, 22)
        )


async def test_a_marked_session_cannot_be_rebooked_moved_or_cancelled(week4, clock) -> None:
    services, alpha, _, ids = week4
    clock.set(DURING_LIAM)
    await services.attendance.mark(alpha.school, ADMIN, ids["emma"], BookingStatus.NO_SHOW)
    b = services.booking
    with pytest.raises(InvalidState, match="marked a no-show; it can't be cancelled"):
        await b.cancel_booking(alpha.school, ADMIN, ids["emma"], "oops")
    later = await b.slot_at(alpha.school, alpha.piano, 4, time(17, 0), day=0)
    with pytest.raises(InvalidState, match="can't be moved"):
        await b.reschedule_booking(alpha.school, ADMIN, ids["emma"], 4, later)
    with pytest.raises(AlreadyBooked, match="marked a no-show; it can't be booked again"):
        await b.create_booking(alpha.school, ADMIN, alpha.piano, alpha.emma, 4, later)
    held = await b.get_booking(alpha.school, ids["emma"])
    assert held.active  # the no-show still holds its week and the teacher's time


async def test_musicbot_attendance_marks_or_refuses_in_one_line(
    db_url, sessions, week4, tmp_path
) -> None:
    services, alpha, _, ids = week4
    env = cli_env(db_url)
    args = ("attendance", "--school", "alpha", "--lesson", "piano", "--week", "4")
    code, out, err = await run_cli(env, tmp_path, *args, "--present", "emma")
    assert code == 1 and err.startswith("error: Emma Smith's session starts"), err
    assert len(err.strip().splitlines()) == 1
    code, out, err = await run_cli(env, tmp_path, *args)
    assert code == 1 and "--present or --no-show" in err
    code, out, err = await run_cli(env, tmp_path, *args, "--present", "nobody")
    assert code == 1 and "No student 'nobody'" in err, err
    # the CLI runs on the real clock: move Emma's session a year into the past
    async with sessions() as session, session.begin():
        await session.execute(
            text(
                "UPDATE bookings SET start_at = start_at - interval '400 days',"
                " end_at = end_at - interval '400 days' WHERE id = :id"
            ),
            {"id": ids["emma"]},
        )
    code, out, err = await run_cli(env, tmp_path, *args, "--no-show", "emma", "--format", "json")
    assert code == 0, err
    [row] = json.loads(out)
    assert (row["student"], row["status"], row["updated_by"]) == ("emma", "NO_SHOW", "cli")
    emma = await services.booking.get_booking(alpha.school, ids["emma"])
    assert emma.status is BookingStatus.NO_SHOW
