"""The calendar area of the JSON API: events of a date range, scoped to what the caller may
see (a parent: their family; a teacher: their own lessons; admins and the key: everything)."""

from __future__ import annotations

from datetime import timedelta

from core import api_lookup
from core.calendar.service import CalendarFilter
from core.i18n import gettext as _
from core.identities import Role
from handlers.api import models, render
from handlers.api.errors import bad_request, forbidden
from handlers.api.registry import ApiCall, ApiRoutes

api = ApiRoutes()
routes = api.routes

DEFAULT_SPAN = timedelta(weeks=6)
MAX_DAYS = 400


@api.operation(
    "GET",
    "/api/calendar/events",
    summary="Calendar events of a date range (generateHybridCalendarEvents)",
    who="everyone, scoped to what they may see",
    data=list[models.CalendarEvent],
    query=models.CalendarQuery,
    errors=(403, 404),
)
async def calendar_events(call: ApiCall) -> list[models.CalendarEvent]:
    caller, query = call.caller, call.query
    services = call.context.services
    ids = await api_lookup.resolve(
        services.engine,
        caller.school_id,
        term=query.termId,
        teacher=query.teacherId,
        location=query.locationId,
    )
    # school_events None: the calendar's own rule (in an unfiltered or a family's view)
    teacher_id, family_id = ids.teacher_id, None
    school_events: bool | None = None
    if not caller.is_admin:
        teacher, parent = caller.teacher(), caller.parent()
        if teacher is not None and (teacher_id is None or teacher_id == teacher.person_id):
            teacher_id = teacher.person_id
            school_events = True  # a teacher's own calendar holds the school's events too
        elif parent is not None:
            family_id = parent.family_id
        elif Role.TEACHER in caller.roles:
            raise forbidden(_("A teacher sees only their own lessons."))
        else:
            raise forbidden(_("Nothing to show for this account."))
    tz = caller.tz
    first = query.startDate or services.clock.now().astimezone(tz).date()
    last = query.endDate or first + DEFAULT_SPAN
    if last < first:
        raise bad_request(
            _("endDate is before the first day shown (startDate, or today)."),
            [{"path": "endDate", "message": _("before startDate")}],
        )
    if (last - first).days > MAX_DAYS:
        raise bad_request(
            _("At most {days} days at once.").format(days=MAX_DAYS),
            [
                {
                    "path": "endDate",
                    "message": _("more than {days} days after startDate").format(days=MAX_DAYS),
                }
            ],
        )
    filters = CalendarFilter(
        term_id=ids.term_id,
        teacher_id=teacher_id,
        location_id=ids.location_id,
        family_id=family_id,
        school_events=school_events,
    )
    events = await services.calendar.events(caller.school_id, first, last, filters)
    return [render.calendar_event(event, tz) for event in events]
