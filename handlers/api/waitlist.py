"""The waitlist area of the JSON API: a parent puts a child on a full week's list or takes
them off; admins (and the school's key) see who waits, in order. Its own models and route
table (listed in bot.http.app's ROUTE_TABLES and API_AREAS)."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from core.i18n import N_
from core.identities import Role
from core.waitlist.service import WaitingView
from handlers.api.models import Key, Request, Shape, Week
from handlers.api.registry import ApiCall, ApiRoutes

api = ApiRoutes()
routes = api.routes

PATH = "/api/hybrid-bookings/lessons/{lessonId}/hybrid/weeks/{weekNumber}/waitlist"
PARENT_OR_ADMIN = N_("Only a parent of the student's family, or an admin, can do that.")
ADMINS = N_("Only the school's admins can do that.")


class WaitlistPath(Request):
    lessonId: Key
    weekNumber: Week


class WaitlistJoin(Request):
    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"studentId": "mia"}]}
    )

    studentId: Key


class WaitlistStudentQuery(Request):
    studentId: Key


class WaitlistEntry(Shape):
    id: int
    lessonId: str
    lessonName: str
    weekNumber: int
    position: int = Field(description="1 is the next family offered a freed slot")
    studentId: str
    studentName: str
    familyId: str
    familyName: str
    joinedAt: datetime
    offeredUntil: datetime | None = Field(
        default=None, description="a standing offer of a freed slot to this family, until then"
    )


def entry(view: WaitingView) -> WaitlistEntry:
    return WaitlistEntry(
        id=view.id,
        lessonId=view.lesson_key,
        lessonName=view.lesson_name,
        weekNumber=view.week,
        position=view.position,
        studentId=view.student_key,
        studentName=view.student_name,
        familyId=view.family_key,
        familyName=view.family_name,
        joinedAt=view.joined_at,
        offeredUntil=view.offered_until,
    )


async def _lesson_and_student(call: ApiCall, student: str) -> tuple[int, int]:
    """For a parent or an admin: the path's lesson and the student named (both this school's)."""
    call.caller.require(Role.PARENT, Role.ADMIN, what=PARENT_OR_ADMIN)
    ids = await call.lesson(call.path.lessonId, student)
    if ids.student_id is None:
        raise RuntimeError("student_id is None")
    return ids.lesson_id, ids.student_id


@api.operation(
    "POST",
    PATH,
    summary="Put a student on a full individual week's waitlist (told when a slot frees up)",
    who="parent, admin",
    data=WaitlistEntry,
    status=201,
    path_model=WaitlistPath,
    body=WaitlistJoin,
    errors=(403, 404, 409, 422),
)
async def join_waitlist(call: ApiCall) -> WaitlistEntry:
    caller = call.caller
    lesson_id, student_id = await _lesson_and_student(call, call.body.studentId)
    view = await call.context.services.waitlist.join(
        caller.school_id, caller.actor(), lesson_id, call.path.weekNumber, student_id
    )
    return entry(view)


@api.operation(
    "DELETE",
    PATH,
    summary="Take a student off a week's waitlist",
    who="parent, admin",
    data=WaitlistEntry,
    path_model=WaitlistPath,
    query=WaitlistStudentQuery,
    errors=(403, 404, 422),
)
async def leave_waitlist(call: ApiCall) -> WaitlistEntry:
    caller = call.caller
    lesson_id, student_id = await _lesson_and_student(call, call.query.studentId)
    view = await call.context.services.waitlist.leave_week(
        caller.school_id, caller.actor(), lesson_id, call.path.weekNumber, student_id
    )
    return entry(view)


@api.operation(
    "GET",
    PATH,
    summary="Who waits for a slot of a week, in order of joining",
    who="admin",
    data=list[WaitlistEntry],
    path_model=WaitlistPath,
    errors=(403, 404),
)
async def list_waitlist(call: ApiCall) -> list[WaitlistEntry]:
    caller = call.caller
    caller.require(Role.ADMIN, what=ADMINS)
    lesson_id = (await call.lesson(call.path.lessonId)).lesson_id
    found = await call.context.services.waitlist.waiting(
        caller.school_id, lesson_id, call.path.weekNumber
    )
    return [entry(v) for v in found]
