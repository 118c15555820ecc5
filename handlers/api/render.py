"""Core values as the API's shapes (handlers.api.models): pure functions."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from core.calendar.events import CalendarEvent as CoreEvent
from core.calendar.events import EventKind
from core.schedule import DAYS, Slot
from core.views import BookingView, LessonStats
from handlers.api import models


def time_slot(slot: Slot, tz: ZoneInfo) -> models.TimeSlot:
    """Built without re-validation: every field comes from a slot the service computed
    (a week's answer has dozens)."""
    start, end = slot.start_at.astimezone(tz), slot.end_at.astimezone(tz)
    return models.TimeSlot.model_construct(
        scheduledDate=start.date(),
        dayOfWeek=DAYS[start.weekday()],
        startTime=f"{start:%H:%M}",
        endTime=f"{end:%H:%M}",
        start=start.isoformat(),
        end=end.isoformat(),
        available=True,
    )


_TIME_SLOT = TypeAdapter(models.TimeSlot)
# (id of a slot, zone) -> (the slot, its JSON). A week's slots are the catalog's own objects
# (core.booking.catalog.SchoolCatalog.week_slots), the same ones request after request, so
# each is encoded once per catalog version; the entry holds the slot, so its id is not
# reused while the entry lives, and a reloaded catalog's new slots simply get new entries.
_SLOT_JSON: dict[tuple[int, ZoneInfo], tuple[Slot, bytes]] = {}
SLOT_JSON_LIMIT = 50_000  # entries; the cache starts afresh past it


def time_slots_json(slots: list[Slot], tz: ZoneInfo) -> bytes:
    """The JSON of ``[time_slot(s, tz) for s in slots]``, byte for byte as pydantic encodes
    the list (a unit test holds the two equal), without building a model per slot."""
    parts = []
    for slot in slots:
        key = (id(slot), tz)
        known = _SLOT_JSON.get(key)
        if known is None or known[0] is not slot:
            known = (slot, _TIME_SLOT.dump_json(time_slot(slot, tz)))
            if len(_SLOT_JSON) >= SLOT_JSON_LIMIT:
                _SLOT_JSON.clear()
            _SLOT_JSON[key] = known
        parts.append(known[1])
    return b"[" + b",".join(parts) + b"]"


def hybrid_booking(booking: BookingView) -> models.HybridBooking:
    """Built without re-validation (the answer of every booking call): every field comes
    from a booking the service read or made (a unit test holds it equal to the validated
    model)."""
    start, end = booking.local_start, booking.local_end
    return models.HybridBooking.model_construct(
        id=booking.id,
        lessonId=booking.lesson_key,
        studentId=booking.student_key,
        weekNumber=booking.week,
        scheduledDate=start.date(),
        startTime=f"{start:%H:%M}",
        endTime=f"{end:%H:%M}",
        start=start.isoformat(),
        end=end.isoformat(),
        status=booking.status,
        bookedBy=booking.booked_by,
        updatedBy=booking.updated_by,
        cancelledBy=booking.cancelled_by,
        cancelReason=booking.cancel_reason,
        confirmedAt=booking.confirmed_at.astimezone(booking.tz).isoformat()
        if booking.confirmed_at
        else None,
        lesson=models.LessonSummary.model_construct(
            id=booking.lesson_key,
            name=booking.lesson_name,
            teacher=booking.teacher_name,
            location=booking.location_name,
            room=booking.room_name,
        ),
        student=models.StudentSummary.model_construct(
            id=booking.student_key, name=booking.student_name, family=booking.family_name
        ),
    )


def booking_stats(stats: LessonStats) -> models.BookingStats:
    return models.BookingStats(
        lessonId=stats.lesson_key,
        lessonName=stats.lesson_name,
        bookingsOpen=stats.bookings_open,
        totalStudents=stats.enrolled,
        individualWeeks=list(stats.individual_weeks),
        expectedBookings=stats.expected,
        bookedCount=stats.booked,
        completedCount=stats.completed,
        pendingCount=stats.pending,
        completionRate=round(stats.completion_rate, 4),
        weeks=[
            models.WeekStats(
                weekNumber=week.week,
                booked=week.booked,
                expected=week.expected,
                unbooked=[
                    models.UnbookedStudent(
                        name=m.student_name, family=m.family_name, unreachable=m.unreachable
                    )
                    for m in week.missing
                ],
                past=week.past,
                toBook=week.to_book,
                notBooked=week.not_booked,
                attended=week.attended,
                noShow=week.no_show,
            )
            for week in stats.weeks
        ],
        noShowCount=stats.no_show,
        pastWeeks=list(stats.past_weeks),
        notBookedPastCount=stats.not_booked_past,
    )


EVENT_TYPE = {
    EventKind.INDIVIDUAL: models.EventType.INDIVIDUAL,
    EventKind.GROUP: models.EventType.GROUP,
    EventKind.BAND: models.EventType.BAND,
    EventKind.HYBRID_GROUP: models.EventType.HYBRID_GROUP,
    EventKind.HYBRID_PLACEHOLDER: models.EventType.HYBRID_PLACEHOLDER,
    EventKind.BOOKED_SESSION: models.EventType.HYBRID_INDIVIDUAL,
    EventKind.MEET_AND_GREET: models.EventType.MEET_AND_GREET,
    EventKind.OTHER_EVENT: models.EventType.OTHER_EVENT,
}


def calendar_event(event: CoreEvent, tz: ZoneInfo) -> models.CalendarEvent:
    return models.CalendarEvent(
        id=event.uid,
        title=event.title,
        start=event.start.astimezone(tz).isoformat(),
        end=event.end.astimezone(tz).isoformat(),
        resource=models.EventResource(
            type=EVENT_TYPE.get(event.kind, models.EventType.OTHER_EVENT),
            teacher=event.teacher,
            location=event.location,
            room=event.room,
            description=event.description,
            cancelled=event.cancelled,
            lessonId=event.lesson_key,
            lessonName=event.lesson_name,
            weekNumber=event.week,
            enrolled=event.enrolled,
            maxStudents=event.max_students,
            studentName=event.student_name,
        ),
    )
