"""The office area of the JSON API: a term's exports (bookings or attendance, CSV or xlsx)
and attendance marking, through the same core services as the CLI and the chat.

Exports are for the school's admins (and its key). Attendance: admins mark any booking of
their school, a teacher only those of their own lessons (403 otherwise), parents none; a
booking or lesson of another school is 404; a session that has not started yet, or a
cancelled booking, is 409 with the reason in plain words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from core.db.models import BookingStatus
from core.errors import InvalidState, NotAllowed, NotFound
from core.exports import ExportKind, to_csv, to_xlsx
from core.i18n import N_
from core.i18n import gettext as _
from core.identities import Role
from core.views import Actor, BookingView
from handlers.api import models, render
from handlers.api import office_models as office
from handlers.api.errors import answering, forbidden
from handlers.api.registry import ApiCall, ApiRoutes, FileAnswer

api = ApiRoutes()
routes = api.routes

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LESSON_BASE = "/api/hybrid-bookings/lessons/{lessonId}/hybrid"
MARKERS = N_("Only the lesson's teacher and the school's admins can do that.")
ADMINS = N_("Only the school's admins can do that.")


@api.operation(
    "GET",
    "/api/exports/{what}",
    summary="A term's bookings or attendance as a file, one row per booking (CSV or xlsx)",
    who="admin",
    data=bytes,
    path_model=office.ExportPath,
    query=office.ExportQuery,
    errors=(403, 404),
    files=(CSV, XLSX),
)
async def export_term(call: ApiCall) -> FileAnswer:
    caller, query = call.caller, call.query
    caller.require(Role.ADMIN, what=ADMINS)
    kind = ExportKind(call.path.what.value)
    export = await call.context.services.exports.term_export(caller.school_id, query.termId, kind)
    if query.format is office.ExportFormat.XLSX:
        body = await asyncio.to_thread(to_xlsx, export)  # a big term: CPU, off the event loop
        return FileAnswer(body, XLSX, export.file_name("xlsx"))
    return FileAnswer(to_csv(export), CSV, export.file_name("csv"), charset="utf-8")


def _marker(call: ApiCall, lesson_teacher_id: int) -> Actor:
    """Who marks: the school or an admin; else the lesson's own teacher (403 for others)."""
    caller = call.caller
    if caller.is_admin:
        return caller.actor()
    teacher = caller.teacher()
    if teacher is None or teacher.person_id != lesson_teacher_id:
        raise forbidden(_("A teacher marks attendance of their own lessons only."))
    return Actor.teacher(teacher.person_id, teacher.name)


async def _marking(mark: Awaitable[BookingView | list[BookingView]]) -> list[BookingView]:
    """Run a marking; the service's refusals as this area's answers."""
    marked = await answering(mark, {InvalidState: 409, NotAllowed: 403})
    return marked if isinstance(marked, list) else [marked]


@api.operation(
    "POST",
    "/api/hybrid-bookings/{id}/attendance",
    summary="Mark one booked session present or no-show, once it has started",
    who="teacher of the lesson, admin",
    data=models.HybridBooking,
    path_model=models.BookingPath,
    body=office.BookingAttendance,
    errors=(403, 404, 409),
)
async def mark_booking(call: ApiCall) -> models.HybridBooking:
    caller = call.caller
    caller.require(Role.ADMIN, Role.TEACHER, what=MARKERS)
    services = call.context.services
    booking = await services.booking.get_booking(caller.school_id, call.path.id)
    lesson = await services.directory.lesson(caller.school_id, booking.lesson_id)
    actor = _marker(call, lesson.teacher_id)
    status: BookingStatus = call.body.status.status
    (marked,) = await _marking(
        services.attendance.mark(caller.school_id, actor, booking.id, status)
    )
    return render.hybrid_booking(marked)


async def _lesson(call: ApiCall) -> tuple[int, str, Actor]:
    """The lesson of the path (404 if not this school's), its name, and who marks it."""
    caller = call.caller
    caller.require(Role.ADMIN, Role.TEACHER, what=MARKERS)
    ids = await call.lesson(call.path.lessonId)
    lesson = await call.context.services.directory.lesson(caller.school_id, ids.lesson_id)
    return lesson.id, lesson.name, _marker(call, lesson.teacher_id)


@api.operation(
    "POST",
    f"{LESSON_BASE}/attendance",
    summary="Mark a lesson's week: students present or no-show, all or nothing",
    who="teacher of the lesson, admin",
    data=list[models.HybridBooking],
    path_model=models.LessonPath,
    body=office.SessionAttendance,
    errors=(403, 404, 409),
)
async def mark_session(call: ApiCall) -> list[models.HybridBooking]:
    caller, body = call.caller, call.body
    lesson_id, lesson_name, actor = await _lesson(call)
    services = call.context.services
    week = await services.booking.lesson_bookings(caller.school_id, lesson_id, week=body.weekNumber)
    student_of = {b.student_key: b.student_id for b in week}
    for key in [*body.present, *body.noShow]:
        if key not in student_of:
            raise NotFound(
                _(
                    "{student} has no booking of {lesson} in week {week}; nothing was marked."
                ).format(student=key, lesson=lesson_name, week=body.weekNumber)
            )
    marked = await _marking(
        services.attendance.mark_session(
            caller.school_id,
            actor,
            lesson_id,
            body.weekNumber,
            present=[student_of[key] for key in body.present],
            no_show=[student_of[key] for key in body.noShow],
        ),
    )
    return [render.hybrid_booking(b) for b in marked]


@api.operation(
    "POST",
    f"{LESSON_BASE}/attendance/all-present",
    summary="All present: every started, unmarked session of a lesson on one day",
    who="teacher of the lesson, admin",
    data=list[models.HybridBooking],
    path_model=models.LessonPath,
    body=office.DayAttendance,
    errors=(403, 404, 409),
)
async def mark_day_present(call: ApiCall) -> list[models.HybridBooking]:
    lesson_id, _name, actor = await _lesson(call)
    marked = await _marking(
        call.context.services.attendance.mark_day_present(
            call.caller.school_id, actor, lesson_id, call.body.scheduledDate
        ),
    )
    return [render.hybrid_booking(b) for b in marked]
