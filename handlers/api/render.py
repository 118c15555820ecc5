"""Core values as the API's shapes (handlers.api.models): pure functions."""

from __future__ import annotations

from zoneinfo import ZoneInfo

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


def hybrid_booking(booking: BookingView) -> models.HybridBooking:
    start, end = booking.local_start, booking.local_end
    return models.HybridBooking(
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
        lesson=models.LessonSummary(
            id=booking.lesson_key,
            name=booking.lesson_name,
            teacher=booking.teacher_name,
            location=booking.location_name,
            room=booking.room_name,
        ),
        student=models.StudentSummary(
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
