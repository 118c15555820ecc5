"""The office over the live HTTP API: a term's exports as files (parsed back as CSV and
xlsx), and attendance marked per booking, per session and "all present" for a day, with the
same rights as the chat: admins of the school, a lesson's own teacher; never a parent,
another teacher or another school; and only once the session has started (409).

School alpha (Sydney, key "alpha"): piano's week 4 starts Monday 22 February 2027, 16:00
local = 05:00 UTC; the clock starts at 2027-01-19 09:00 UTC.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import update

from core.clock import FixedClock
from core.db.models import Teacher
from core.exports import ATTENDANCE_COLUMNS, BOOKING_COLUMNS
from core.services import Services
from core.views import Actor
from tests.support.api_client import (
    ADMIN,
    AFTER_BOTH_STARTED,
    BETA_ADMIN,
    JANE,
    KIM,
    TEACHER,
    Api,
    admin_books,
    mark,
)
from tests.support.factories import SchoolIds

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LESSON = "/api/hybrid-bookings/lessons/piano/hybrid"


async def fetch(api: Api, path: str, headers: dict[str, str]) -> tuple[int, str, str, bytes]:
    """(status, content type, Content-Disposition, body) of a file route."""
    async with api.http.get(api.url + path, headers=headers) as response:
        body = await response.read()
        disposition = response.headers.get("Content-Disposition", "")
        return response.status, response.content_type, disposition, body


async def test_an_admin_exports_the_terms_bookings_as_csv_and_xlsx(
    api: Api, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    emma = await admin_books(services, alpha, alpha.emma, time(16))
    await services.booking.cancel_booking(alpha.school, Actor.admin("office"), emma, "Away")
    liam = await admin_books(services, alpha, alpha.liam, time(16, 30))
    status, kind, disposition, body = await fetch(api, "/api/exports/bookings?termId=t1", api.key())
    assert (status, kind) == (200, "text/csv")
    assert disposition == 'attachment; filename="alpha-t1-bookings.csv"'
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(rows[0]) == BOOKING_COLUMNS
    by_id = {int(row[0]): dict(zip(BOOKING_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {emma, liam}
    assert by_id[emma]["Child"] == "Emma Smith"
    assert (by_id[emma]["Status"], by_id[emma]["Cancel reason"]) == ("cancelled", "Away")
    assert (by_id[liam]["Date"], by_id[liam]["Start"], by_id[liam]["End"]) == (
        "2027-02-22",
        "16:30",
        "17:00",
    )
    assert by_id[liam]["Week"] == "4" and by_id[liam]["Status"] == "confirmed"
    # the same as a workbook, for an admin of the Mini App
    status, kind, disposition, body = await fetch(
        api, "/api/exports/bookings?termId=t1&format=xlsx", api.tma(ADMIN)
    )
    assert (status, kind) == (200, XLSX)
    assert disposition == 'attachment; filename="alpha-t1-bookings.xlsx"'
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    assert sheet is not None
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(table[0]) == BOOKING_COLUMNS
    assert sorted(row[0] for row in table[1:]) == sorted([emma, liam])


async def test_the_attendance_export_lists_started_sessions_with_their_marks(
    api: Api, services: Services, clock: FixedClock, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    emma = await admin_books(services, alpha, alpha.emma, time(16))
    liam = await admin_books(services, alpha, alpha.liam, time(16, 30))
    clock.set(datetime(2027, 2, 22, 5, 10, tzinfo=UTC))  # 16:10: Emma's started, Liam's not
    status, _ = await api.call(
        "POST", f"/api/hybrid-bookings/{emma}/attendance", api.key(), **mark("no_show")
    )
    assert status == 200
    status, kind, _, body = await fetch(api, "/api/exports/attendance?termId=t1", api.key())
    assert (status, kind) == (200, "text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(rows[0]) == ATTENDANCE_COLUMNS
    assert [(int(r[0]), r[10]) for r in rows[1:]] == [(emma, "no-show")]
    assert liam not in [int(r[0]) for r in rows[1:]]


async def test_exports_are_the_admins_and_never_another_schools(
    api: Api, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    emma = await admin_books(services, alpha, alpha.emma, time(16))
    for who in (JANE, TEACHER):
        status, answer = await api.call("GET", "/api/exports/bookings?termId=t1", api.tma(who))
        assert status == 403 and answer["status"] == "error"
    # beta's own term t1 holds none of alpha's bookings; an unknown term is 404
    status, _, disposition, body = await fetch(
        api, "/api/exports/bookings?termId=t1", api.key(api.beta_key)
    )
    assert status == 200 and disposition.endswith('-t1-bookings.csv"')
    assert "alpha" not in disposition
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert emma not in [int(row[0]) for row in rows[1:]]
    status, answer = await api.call("GET", "/api/exports/bookings?termId=t9", api.key())
    assert status == 404 and "t9" in answer["message"]
    status, answer = await api.call("GET", "/api/exports/payments?termId=t1", api.key())
    assert status == 400
    status, answer = await api.call("GET", "/api/exports/bookings?termId=t1&format=pdf", api.key())
    assert status == 400
    status, _ = await api.call("GET", "/api/exports/bookings?termId=t1")
    assert status == 401


async def test_attendance_only_once_the_session_has_started(
    api: Api, services: Services, clock: FixedClock, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    emma = await admin_books(services, alpha, alpha.emma, time(16))
    path = f"/api/hybrid-bookings/{emma}/attendance"
    status, answer = await api.call("POST", path, api.tma(TEACHER), **mark("present"))
    assert status == 409
    assert "once it has started" in answer["message"]
    assert (await services.booking.get_booking(alpha.school, emma)).status.value == "CONFIRMED"
    clock.set(AFTER_BOTH_STARTED)
    status, answer = await api.call("POST", path, api.tma(TEACHER), **mark("present"))
    assert status == 200
    assert answer["data"]["status"] == "COMPLETED" and answer["data"]["id"] == emma
    assert answer["data"]["updatedBy"].startswith("teacher:")
    # corrected by an admin; a cancelled or unknown status is refused
    status, answer = await api.call("POST", path, api.tma(ADMIN), **mark("no_show"))
    assert status == 200 and answer["data"]["status"] == "NO_SHOW"
    status, answer = await api.call("POST", path, api.key(), json={"status": "COMPLETED"})
    assert status == 400


async def test_attendance_rights_teacher_of_another_lesson_parent_and_another_school(
    api: Api,
    services: Services,
    clock: FixedClock,
    schools: tuple[SchoolIds, SchoolIds],
    sessions: Any,
) -> None:
    alpha, _ = schools
    emma = await admin_books(services, alpha, alpha.emma, time(16))
    clock.set(AFTER_BOTH_STARTED)
    async with sessions() as session, session.begin():  # Kim Lee teaches none of piano
        await session.execute(
            update(Teacher).where(Teacher.id == alpha.other_teacher).values(telegram_id=KIM)
        )
    path = f"/api/hybrid-bookings/{emma}/attendance"
    status, answer = await api.call("POST", path, api.tma(KIM), **mark("present"))
    assert status == 403 and "own lessons" in answer["message"]
    status, answer = await api.call("POST", path, api.tma(JANE), **mark("present"))
    assert status == 403
    status, answer = await api.call("POST", path, api.tma(BETA_ADMIN), **mark("present"))
    assert status == 404
    status, answer = await api.call("POST", path, api.key(api.beta_key), **mark("present"))
    assert status == 404
    session_body = {"json": {"weekNumber": 4, "present": ["emma"]}}
    status, _ = await api.call("POST", f"{LESSON}/attendance", api.tma(KIM), **session_body)
    assert status == 403
    status, _ = await api.call("POST", f"{LESSON}/attendance", api.tma(JANE), **session_body)
    assert status == 403
    status, _ = await api.call(
        "POST", f"{LESSON}/attendance", api.key(api.beta_key), **session_body
    )
    assert status == 404  # beta's own piano: no booking of its Emma
    assert (await services.booking.get_booking(alpha.school, emma)).status.value == "CONFIRMED"


async def test_a_session_is_marked_all_or_nothing_and_a_day_all_present(
    api: Api, services: Services, clock: FixedClock, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    emma = await admin_books(services, alpha, alpha.emma, time(16))
    liam = await admin_books(services, alpha, alpha.liam, time(16, 30))
    clock.set(datetime(2027, 2, 22, 5, 10, tzinfo=UTC))  # 16:10: Liam's has not started
    body = {"weekNumber": 4, "present": ["emma"], "noShow": ["liam"]}
    status, answer = await api.call("POST", f"{LESSON}/attendance", api.tma(TEACHER), json=body)
    assert status == 409 and "once it has started" in answer["message"]
    assert (await services.booking.get_booking(alpha.school, emma)).status.value == "CONFIRMED"
    clock.set(AFTER_BOTH_STARTED)
    # a student without a booking that week: nothing marked at all
    status, answer = await api.call(
        "POST", f"{LESSON}/attendance", api.tma(TEACHER), json={**body, "present": ["emma", "mia"]}
    )
    assert status == 404 and "nothing was marked" in answer["message"]
    assert (await services.booking.get_booking(alpha.school, emma)).status.value == "CONFIRMED"
    status, answer = await api.call(
        "POST", f"{LESSON}/attendance", api.key(), json={**body, "noShow": ["emma"]}
    )
    assert status == 400  # present and no-show at once
    status, answer = await api.call("POST", f"{LESSON}/attendance", api.tma(TEACHER), json=body)
    assert status == 200
    assert {(b["id"], b["status"]) for b in answer["data"]} == {
        (emma, "COMPLETED"),
        (liam, "NO_SHOW"),
    }
    # all present for the day: Liam's no-show stays, nothing else waits -> 409
    day = {"scheduledDate": "2027-02-22"}
    status, answer = await api.call(
        "POST", f"{LESSON}/attendance/all-present", api.tma(TEACHER), json=day
    )
    assert status == 409


async def test_all_present_marks_the_started_sessions_of_the_day_only(
    api: Api, services: Services, clock: FixedClock, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    emma = await admin_books(services, alpha, alpha.emma, time(16))
    liam = await admin_books(services, alpha, alpha.liam, time(16, 30))
    clock.set(datetime(2027, 2, 22, 5, 10, tzinfo=UTC))  # 16:10
    day = {"scheduledDate": "2027-02-22"}
    status, answer = await api.call("POST", f"{LESSON}/attendance/all-present", api.key(), json=day)
    assert status == 200
    assert [(b["id"], b["status"]) for b in answer["data"]] == [(emma, "COMPLETED")]
    assert (await services.booking.get_booking(alpha.school, liam)).status.value == "CONFIRMED"
    status, answer = await api.call(
        "POST", f"{LESSON}/attendance/all-present", api.tma(JANE), json=day
    )
    assert status == 403
    status, answer = await api.call(
        "POST", f"{LESSON}/attendance/all-present", api.key(), json={"scheduledDate": "9999-12-31"}
    )
    assert status == 400
    status, answer = await api.call(
        "POST",
        "/api/hybrid-bookings/lessons/nope/hybrid/attendance/all-present",
        api.key(),
        json=day,
    )
    assert status == 404
