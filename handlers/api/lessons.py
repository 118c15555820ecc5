"""The lessons area of the JSON API: open/close bookings, a lesson's bookings and stats,
reminders now. Admins (and the school's key) for everything; a lesson's own teacher reads
its bookings and stats; any other teacher is refused."""

from __future__ import annotations

from datetime import UTC, datetime

from core.db.models import BookingStatus
from core.i18n import N_
from core.i18n import gettext as _
from core.identities import Role
from handlers.api import models, render
from handlers.api.errors import ApiError, forbidden
from handlers.api.registry import ApiCall, ApiRoutes

api = ApiRoutes()
routes = api.routes

BASE = "/api/hybrid-bookings/lessons/{lessonId}/hybrid"
ADMINS = N_("Only the school's admins can do that.")
TEACHERS_AND_ADMINS = N_("Only the lesson's teacher and the school's admins can do that.")


async def _lesson_id(call: ApiCall, *, teacher_may_read: bool = False) -> int:
    """The lesson named in the path, for an admin or (when allowed) its own teacher."""
    caller = call.caller
    if teacher_may_read:
        caller.require(Role.ADMIN, Role.TEACHER, what=TEACHERS_AND_ADMINS)
    else:
        caller.require(Role.ADMIN, what=ADMINS)
    ids = await call.lesson(call.path.lessonId)
    teacher = caller.teacher()
    if not caller.is_admin and (teacher is None or ids.teacher_id != teacher.person_id):
        raise forbidden(_("A teacher reads only their own lessons."))
    return ids.lesson_id


async def _toggle(call: ApiCall, is_open: bool) -> models.BookingsOpen:
    lesson_id = await _lesson_id(call)
    caller = call.caller
    changed = await call.context.services.booking.set_bookings_open(
        caller.school_id, lesson_id, is_open, caller.actor()
    )
    return models.BookingsOpen(lessonId=call.path.lessonId, bookingsOpen=is_open, changed=changed)


@api.operation(
    "PATCH",
    f"{BASE}/open-bookings",
    summary="Open a hybrid lesson's bookings (toggleBookingsOpen)",
    who="admin",
    data=models.BookingsOpen,
    path_model=models.LessonPath,
    errors=(403, 404, 422),
)
async def open_bookings(call: ApiCall) -> models.BookingsOpen:
    return await _toggle(call, True)


@api.operation(
    "PATCH",
    f"{BASE}/close-bookings",
    summary="Close a hybrid lesson's bookings (toggleBookingsOpen)",
    who="admin",
    data=models.BookingsOpen,
    path_model=models.LessonPath,
    errors=(403, 404, 422),
)
async def close_bookings(call: ApiCall) -> models.BookingsOpen:
    return await _toggle(call, False)


@api.operation(
    "GET",
    f"{BASE}/bookings",
    summary="A lesson's bookings, by week and status (getLessonBookings)",
    who="teacher of the lesson, admin",
    data=list[models.HybridBooking],
    path_model=models.LessonPath,
    query=models.LessonBookingsQuery,
    errors=(403, 404, 422),
)
async def lesson_bookings(call: ApiCall) -> list[models.HybridBooking]:
    lesson_id = await _lesson_id(call, teacher_may_read=True)
    status = call.query.status
    one_status = (
        BookingStatus(status.value)
        if status is not None and status is not models.StatusFilter.ALL
        else None
    )
    found = await call.context.services.booking.lesson_bookings(
        call.caller.school_id,
        lesson_id,
        week=call.query.weekNumber,
        status=one_status,
        include_cancelled=status is not None,
    )
    return [render.hybrid_booking(b) for b in found]


@api.operation(
    "GET",
    f"{BASE}/stats",
    summary="A hybrid lesson's booking statistics (getHybridBookingStats)",
    who="teacher of the lesson, admin",
    data=models.BookingStats,
    path_model=models.LessonPath,
    errors=(403, 404, 422),
)
async def lesson_stats(call: ApiCall) -> models.BookingStats:
    lesson_id = await _lesson_id(call, teacher_may_read=True)
    stats = await call.context.services.booking.lesson_stats(call.caller.school_id, lesson_id)
    return render.booking_stats(stats)


@api.operation(
    "POST",
    f"{BASE}/send-reminders",
    summary="Remind every family still to book, now (in chat)",
    who="admin",
    data=models.RemindersSent,
    path_model=models.LessonPath,
    errors=(403, 404, 422, 503),
)
async def send_reminders(call: ApiCall) -> models.RemindersSent:
    lesson_id = await _lesson_id(call)
    send = call.context.send_reminders
    if send is None:
        raise ApiError(503, _("Reminders go out through the bot, which this process does not run."))
    tag = f"api{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    plan, report = await send(call.caller.school_id, lesson_id, tag)
    return models.RemindersSent(
        lessonId=call.path.lessonId,
        families=plan.families,
        unreachable=plan.unreachable,
        sent=report.sent,
        failed=report.failed,
        blocked=report.blocked,
    )
