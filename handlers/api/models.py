"""The JSON API's shapes: one pydantic model per request and response.

Each model is at once the validator of what comes in, the serializer of what goes out and
the schema of the OpenAPI document (handlers.api.openapi), so none of them is written twice.
Field names are the original plan's (camelCase); ids are school-file keys, bookings keep
numeric ids. Times are the school's local time: dates `YYYY-MM-DD`, clock times `HH:MM`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from core.db.models import BookingStatus
from core.i18n import N_

MAX_ID = 2_147_483_647  # bookings.id is a PostgreSQL integer

Key = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
    Field(description="a school-file key", examples=["piano"]),
]
HHMM = Annotated[
    str,
    StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    Field(description="a clock time in the school's timezone, HH:MM", examples=["16:00"]),
]
Week = Annotated[int, Field(ge=1, le=15, description="term week, 1..15", examples=[4])]
BookingId = Annotated[int, Field(ge=1, le=MAX_ID, description="a booking's id", examples=[1])]
Reason = Annotated[
    str,
    StringConstraints(max_length=500, pattern=r"^[^\x00]*$"),
    Field(description="why, at most 500 characters", examples=["Away that week"]),
]


class Request(BaseModel):
    """What a client sends: unknown fields are ignored, types are checked."""

    model_config = ConfigDict(extra="ignore")


class Shape(BaseModel):
    """What the API answers."""

    model_config = ConfigDict(extra="forbid")


def _end_after_start(start: str | None, end: str | None) -> None:
    if start is not None and end is not None and end <= start:
        raise ValueError(N_("endTime must be after startTime"))


# ------------------------------------------------------------------ requests


class SchoolQuery(Request):
    school: Key | None = Field(
        default=None, description="the school's key, for an account in several schools"
    )


class SlotsQuery(SchoolQuery):
    lessonId: Key
    weekNumber: Week


class BookingCreate(Request):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {"lessonId": "piano", "studentId": "emma", "weekNumber": 4, "startTime": "16:00"}
            ]
        },
    )

    lessonId: Key
    studentId: Key
    weekNumber: Week
    scheduledDate: date | None = Field(default=None, description="the slot's date, YYYY-MM-DD")
    startTime: HHMM
    endTime: HHMM | None = None

    @model_validator(mode="after")
    def _times(self) -> BookingCreate:
        _end_after_start(self.startTime, self.endTime)
        return self


class BookingMove(Request):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"weekNumber": 8, "startTime": "16:30"}]},
    )

    weekNumber: Week | None = Field(default=None, description="default: the booking's week")
    scheduledDate: date | None = None
    startTime: HHMM
    endTime: HHMM | None = None

    @model_validator(mode="after")
    def _times(self) -> BookingMove:
        _end_after_start(self.startTime, self.endTime)
        return self


class BookingCancel(Request):
    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"reason": "Away that week"}]}
    )

    reason: Reason | None = None


class StatusFilter(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"
    NO_SHOW = "NO_SHOW"
    ALL = "ALL"


class MyBookingsQuery(SchoolQuery):
    lessonId: Key | None = None
    status: StatusFilter | None = Field(
        default=None,
        description="without it: upcoming bookings that are not cancelled; with a status: "
        "every booking in it, past ones too; ALL: every booking, past and cancelled",
    )


class LessonBookingsQuery(SchoolQuery):
    weekNumber: Week | None = None
    status: StatusFilter | None = Field(
        default=None, description="without it: not cancelled; ALL: every booking"
    )


class CalendarQuery(SchoolQuery):
    termId: Key | None = None
    teacherId: Key | None = None
    locationId: Key | None = None
    startDate: date | None = Field(default=None, description="first day, default today")
    endDate: date | None = Field(default=None, description="last day, default 6 weeks on")

    @model_validator(mode="after")
    def _range(self) -> CalendarQuery:
        if self.startDate and self.endDate:
            if self.endDate < self.startDate:
                raise ValueError(N_("endDate must not be before startDate"))
            if (self.endDate - self.startDate).days > 400:
                raise ValueError(N_("at most 400 days at once"))
        return self


class BookingPath(Request):
    id: BookingId


class LessonPath(Request):
    lessonId: Key


# ------------------------------------------------------------------ answers


class TimeSlot(Shape):
    scheduledDate: date
    dayOfWeek: str = Field(examples=["MONDAY"])
    startTime: HHMM
    endTime: HHMM
    start: str = Field(description="ISO 8601 with offset")
    end: str
    available: bool = True


class LessonSummary(Shape):
    id: Key
    name: str
    teacher: str
    location: str | None
    room: str | None


class StudentSummary(Shape):
    id: Key
    name: str
    family: str


class HybridBooking(Shape):
    id: BookingId
    lessonId: Key
    studentId: Key
    weekNumber: int
    scheduledDate: date
    startTime: HHMM
    endTime: HHMM
    start: str
    end: str
    status: BookingStatus
    bookedBy: str
    updatedBy: str | None
    cancelledBy: str | None
    cancelReason: str | None
    confirmedAt: str | None = Field(
        default=None,
        description="when the booking was confirmed (ISO 8601 with offset); null while PENDING",
    )
    lesson: LessonSummary
    student: StudentSummary


class UnbookedStudent(Shape):
    name: str
    family: str
    unreachable: bool


class WeekStats(Shape):
    weekNumber: int
    booked: int
    expected: int
    unbooked: list[UnbookedStudent]
    past: bool  # every slot has started: nobody can book the week any more
    toBook: int  # still to book (0 for a past week)
    notBooked: int  # enrolled students without a booking
    attended: int  # bookings marked COMPLETED
    noShow: int  # bookings marked NO_SHOW


class BookingStats(Shape):
    lessonId: Key
    lessonName: str
    bookingsOpen: bool
    totalStudents: int
    individualWeeks: list[int]
    expectedBookings: int
    bookedCount: int
    completedCount: int
    pendingCount: int
    completionRate: float
    weeks: list[WeekStats]
    noShowCount: int
    pastWeeks: list[int]
    notBookedPastCount: int  # students who booked nothing in a week that is now past


class BookingsOpen(Shape):
    lessonId: Key
    bookingsOpen: bool
    changed: bool


class RemindersSent(Shape):
    lessonId: Key
    families: int
    unreachable: int
    sent: int
    failed: int
    blocked: int


class EventType(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    GROUP = "GROUP"
    BAND = "BAND"
    HYBRID_GROUP = "HYBRID_GROUP"
    HYBRID_INDIVIDUAL = "HYBRID_INDIVIDUAL"
    HYBRID_PLACEHOLDER = "HYBRID_PLACEHOLDER"
    MEET_AND_GREET = "MEET_AND_GREET"
    OTHER_EVENT = "OTHER_EVENT"


class EventResource(Shape):
    type: EventType
    teacher: str | None
    location: str | None
    room: str | None
    description: str | None
    cancelled: bool
    # extension for the Mini App's event detail
    lessonId: Key | None = None
    lessonName: str | None = None
    weekNumber: int | None = None
    enrolled: int | None = None
    maxStudents: int | None = None
    studentName: str | None = None


class CalendarEvent(Shape):
    id: str = Field(description="stable across changes")
    title: str
    start: str = Field(description="ISO 8601 with offset")
    end: str
    allDay: bool = False
    resource: EventResource


T = TypeVar("T")


class Success(Shape, Generic[T]):
    status: Literal["success"] = "success"
    data: T


class ErrorItem(Shape):
    path: str
    message: str


class Failure(Shape):
    status: Literal["error"] = "error"
    message: str
    errors: list[ErrorItem] = []
