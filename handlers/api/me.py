"""`GET /api/me`: who the caller is in the school and what the Mini App's menus hold.

An extension of DESIGN.md's route table for the Mini App (bot/http/miniapp/): the school,
the caller's roles, the school's terms; for admins every teacher, location and hybrid lesson
(with enrolled students), for a teacher their own hybrid lessons; for a parent their
children, each child's hybrid lessons and the weeks with the chat's markers (group week, to
book, booked, past, closed). Ids are school-file keys, as everywhere in the API. And the
language the caller is answered in (handlers.api.language), which the page speaks too.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from core.family_view import WeekEntry
from core.i18n import current_language
from core.identities import Role
from core.school_overview import HybridLessonEntry, SchoolOverviewService
from handlers.api import render
from handlers.api.models import HybridBooking, Key, Shape
from handlers.api.registry import ApiCall, ApiRoutes

api = ApiRoutes()
routes = api.routes


class SchoolShape(Shape):
    id: Key
    name: str
    timezone: str = Field(examples=["Australia/Sydney"])


class NamedShape(Shape):
    id: Key
    name: str


class TermShape(Shape):
    id: Key
    name: str
    startDate: date
    weeks: int


class EnrolledShape(Shape):
    id: Key
    name: str
    familyName: str


class HybridLessonShape(Shape):
    id: Key
    name: str
    termId: Key
    termName: str
    teacherId: Key
    teacherName: str
    location: str | None
    room: str | None
    dayOfWeek: int = Field(description="0 = Monday")
    startTime: str
    durationMinutes: int
    individualWeeks: list[int]
    slotMinutes: int
    bookingsOpen: bool
    maxStudents: int | None
    students: list[EnrolledShape]


class WeekShape(Shape):
    week: int
    monday: date
    status: str = Field(description="group, to_book, booked, past or closed")
    booking: HybridBooking | None = None


class ChildLessonShape(Shape):
    id: Key
    name: str
    teacherName: str
    location: str | None
    room: str | None
    bookingsOpen: bool
    weeks: list[WeekShape]


class ChildShape(Shape):
    id: Key
    name: str
    lessons: list[ChildLessonShape]


class Me(Shape):
    school: SchoolShape
    today: date = Field(description="the school's local date now")
    name: str
    language: str = Field(
        description="the caller's language (the error messages' too): en, ru or de",
        examples=["ru"],
    )
    roles: list[str] = Field(examples=[["admin"]])
    terms: list[TermShape]
    teachers: list[NamedShape]
    locations: list[NamedShape]
    lessons: list[HybridLessonShape]
    children: list[ChildShape]


def _lesson(entry: HybridLessonEntry) -> HybridLessonShape:
    return HybridLessonShape(
        id=entry.key,
        name=entry.name,
        termId=entry.term_key,
        termName=entry.term_name,
        teacherId=entry.teacher_key,
        teacherName=entry.teacher_name,
        location=entry.location_name,
        room=entry.room_name,
        dayOfWeek=entry.day,
        startTime=entry.start_time,
        durationMinutes=entry.duration_minutes,
        individualWeeks=list(entry.individual_weeks),
        slotMinutes=entry.slot_minutes,
        bookingsOpen=entry.bookings_open,
        maxStudents=entry.max_students,
        students=[
            EnrolledShape(id=s.key, name=s.name, familyName=s.family_name) for s in entry.students
        ],
    )


def _week(entry: WeekEntry) -> WeekShape:
    booking = render.hybrid_booking(entry.booking) if entry.booking is not None else None
    return WeekShape(
        week=entry.week, monday=entry.monday, status=str(entry.status), booking=booking
    )


@api.operation(
    "GET",
    "/api/me",
    summary="Who the caller is and what the Mini App's menus hold (extension)",
    who="everyone",
    data=Me,
    errors=(403, 404),
)
async def me(call: ApiCall) -> Me:
    caller = call.caller
    services = call.context.services
    school = await services.directory.school_by_id(caller.school_id)
    overviews = SchoolOverviewService(services.sessions)
    teacher = caller.teacher()
    if caller.is_admin:
        overview = await overviews.overview(caller.school_id)
    else:
        overview = await overviews.overview(
            caller.school_id, teacher.person_id if teacher is not None else -1
        )
    children: list[ChildShape] = []
    parent = caller.parent()
    if parent is not None:
        family = await services.family_view.family(caller.school_id, parent.person_id)
        for child in family.children:
            lessons = []
            for lesson in child.hybrid_lessons:
                weeks = await services.family_view.lesson_weeks(
                    caller.school_id, parent.person_id, child.id, lesson.id, family
                )
                lessons.append(
                    ChildLessonShape(
                        id=lesson.key,
                        name=lesson.name,
                        teacherName=lesson.teacher_name,
                        location=lesson.location_name,
                        room=lesson.room_name,
                        bookingsOpen=lesson.bookings_open,
                        weeks=[_week(w) for w in weeks.weeks],
                    )
                )
            children.append(ChildShape(id=child.key, name=child.name, lessons=lessons))
    roles = (
        ["admin"]
        if caller.is_school
        else [str(r) for r in (Role.ADMIN, Role.TEACHER, Role.PARENT) if r in caller.roles]
    )
    names = [identity.name for identity in caller.roles.values()]
    admin_view = caller.is_admin
    return Me(
        school=SchoolShape(id=school.key, name=school.name, timezone=school.timezone),
        today=services.clock.now().astimezone(caller.tz).date(),
        name=names[0] if names else caller.label,
        language=current_language(),
        roles=roles,
        terms=[
            TermShape(id=t.key, name=t.name, startDate=t.start_date, weeks=t.weeks)
            for t in overview.terms
        ],
        teachers=[NamedShape(id=t.key, name=t.name) for t in overview.teachers]
        if admin_view
        else [],
        locations=[NamedShape(id=x.key, name=x.name) for x in overview.locations]
        if admin_view
        else [],
        lessons=[_lesson(entry) for entry in overview.lessons] if (admin_view or teacher) else [],
        children=children,
    )
