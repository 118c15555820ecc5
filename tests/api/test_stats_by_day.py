"""The API's stats know what day it is: a week whose slots have all started is over, leaves
the "to book" count, and shows who attended and who did not come (school alpha, Sydney)."""

from __future__ import annotations

from datetime import UTC, datetime

from core.db.models import BookingStatus
from core.services import Services
from core.views import Actor
from tests.support.api_client import JANE, PIANO, TEACHER, Api, book
from tests.support.factories import SchoolIds

AFTER_WEEK4 = datetime(2027, 2, 24, 7, 0, tzinfo=UTC)  # Wed 18:00 in Sydney


async def test_stats_of_a_past_week_count_attendance_and_leave_to_book(
    api: Api, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    emma = await book(api, api.tma(JANE))
    liam = await book(api, api.tma(JANE), student="liam", at="16:30")
    api.clock.set(AFTER_WEEK4)
    alpha, _ = schools
    admin = Actor.admin("Alice Admin")
    await services.attendance.mark(alpha.school, admin, emma["id"], BookingStatus.COMPLETED)
    await services.attendance.mark(alpha.school, admin, liam["id"], BookingStatus.NO_SHOW)
    status, body = await api.call("GET", f"{PIANO}/stats", api.tma(TEACHER))
    assert status == 200, body
    stats = body["data"]
    assert (stats["expectedBookings"], stats["bookedCount"], stats["pendingCount"]) == (6, 2, 3)
    assert stats["completionRate"] == 0.4  # booked / (booked + still to book)
    assert (stats["completedCount"], stats["noShowCount"]) == (1, 1)
    assert (stats["pastWeeks"], stats["notBookedPastCount"]) == ([4], 1)
    week4, week8 = stats["weeks"]
    assert (week4["past"], week4["toBook"], week4["notBooked"]) == (True, 0, 1)
    assert (week4["attended"], week4["noShow"], week4["booked"]) == (1, 1, 2)
    assert [s["name"] for s in week4["unbooked"]] == ["Mia Brown"]
    assert (week8["past"], week8["toBook"], week8["notBooked"]) == (False, 3, 3)
