"""The school file's sections as typed models, and the whole file as :class:`SchoolFile`.

The format is described in ``school-file.md``. Validation is strict: unknown keys are
errors, types are not coerced (quote times and phone numbers); the field types are in
:mod:`core.school_file.fields`, reading a file item by item in :mod:`core.school_file.loader`
(``parse_school_file``) and the rules across items in :mod:`core.school_file.checks`.
:class:`Parsed` is a file as read, before those checks.

Reminders (optional, under ``school:``), read by the scheduler and stored as a plain dict
in ``School.reminders`` with every default filled in::

    school:
      reminders:
        not_booked:            # families who still have to book an individual week
          enabled: true        # default true
          every_hours: 48      # default 48: at most one reminder per family this often
          max_times: 3         # default 3: reminders per family and week at most
          window_start: "09:00"  # default "09:00": only send between these local times
          window_end: "20:00"    # default "20:00"
        session:               # before a booked individual session
          enabled: true        # default true
          hours_before: 24     # default 24 (one lead time; or give before_session)
        before_session: [24h, 2h]   # default [24h]: one reminder per lead time (30m, 2h, 1d)
        teacher_agenda: "18:00"     # default off: each teacher's next-day agenda, local time
        admin_digest_after_days: 3  # default off: admins hear who has not booked yet
        quiet_hours: "21:00-08:00"  # default none: nothing the bot starts itself is sent then
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, TypeGuard, TypeVar
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from core.schedule import DAYS
from core.school_file.fields import (
    HHMM,
    AgendaTime,
    Day,
    EventType,
    FileModel,
    Key,
    Language,
    LeadTime,
    LessonTypeName,
    LocalDate,
    LocalDateTime,
    Name,
    Phone,
    PositiveInt,
    QuietHours,
    TelegramId,
    TimeZoneName,
    Weeks,
    minutes_after_midnight,
)

__all__ = [
    "SECTIONS",
    "TOP_KEYS",
    "Admin",
    "AvailabilityWindow",
    "Event",
    "Family",
    "Hybrid",
    "Lesson",
    "MAX_LEAD_TIMES",
    "Location",
    "NotBookedReminders",
    "Parent",
    "Parsed",
    "Reminders",
    "Room",
    "SchoolFile",
    "SchoolInfo",
    "SessionReminders",
    "Student",
    "Teacher",
    "Term",
    "event_instants",
    "validate_item",
]


class NotBookedReminders(FileModel):
    enabled: bool = True
    every_hours: PositiveInt = 48
    max_times: PositiveInt = 3
    window_start: HHMM = time(9, 0)
    window_end: HHMM = time(20, 0)


class SessionReminders(FileModel):
    enabled: bool = True
    hours_before: PositiveInt = 24


MAX_LEAD_TIMES = 4


class Reminders(FileModel):
    not_booked: NotBookedReminders = NotBookedReminders()
    session: SessionReminders = SessionReminders()
    # lead times of the session reminders, e.g. ["24h", "2h"]; None: session.hours_before
    before_session: list[LeadTime] | None = None
    teacher_agenda: AgendaTime = None  # local time of the evening agenda; None: off
    admin_digest_after_days: PositiveInt | None = None  # None: no digest
    quiet_hours: QuietHours | None = None  # local [start, end): nothing sent by itself

    def lead_times(self) -> tuple[timedelta, ...]:
        """The session reminders' lead times, longest first (none when they are off)."""
        if not self.session.enabled:
            return ()
        if self.before_session is None:
            return (timedelta(hours=self.session.hours_before),)
        return tuple(sorted(set(self.before_session), reverse=True))

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready dict stored in ``School.reminders`` (times as "HH:MM")."""
        return self.model_dump(mode="json", exclude_none=True)  # off keys: left out


class SchoolInfo(FileModel):
    key: Key
    name: Name
    timezone: TimeZoneName
    # the language of users who chose none and whose Telegram client's language we lack
    language: Language | None = None
    reminders: Reminders = Reminders()


class Admin(FileModel):
    key: Key
    name: Name
    telegram_id: TelegramId | None = None


class Teacher(FileModel):
    key: Key
    name: Name
    telegram_id: TelegramId | None = None


class Room(FileModel):
    key: Key
    name: Name


class Location(FileModel):
    key: Key
    name: Name
    rooms: list[Room] = []


class Term(FileModel):
    key: Key
    name: Name
    start_date: LocalDate
    weeks: int


class Parent(FileModel):
    key: Key
    name: Name
    telegram_id: TelegramId | None = None
    phone: Phone = None


class Student(FileModel):
    key: Key
    name: Name


class Family(FileModel):
    key: Key
    name: Name
    parents: list[Parent] = []
    students: list[Student] = []


class AvailabilityWindow(FileModel):
    day: Day
    start: HHMM
    end: HHMM

    @property
    def day_index(self) -> int:
        return DAYS.index(self.day)

    @property
    def minutes(self) -> int:
        return minutes_after_midnight(self.end) - minutes_after_midnight(self.start)


class Hybrid(FileModel):
    individual_weeks: Weeks
    slot_minutes: PositiveInt
    availability: list[AvailabilityWindow]
    bookings_open: bool = False
    # a parent's booking waits (PENDING) until the teacher or an admin confirms it
    approval: bool = False


class Lesson(FileModel):
    key: Key
    name: Name
    type: LessonTypeName
    term: Key
    teacher: Key
    location: Key | None = None
    room: Key | None = None
    day: Day
    start_time: HHMM
    duration_minutes: PositiveInt
    max_students: PositiveInt | None = None
    students: list[Key] = []
    hybrid: Hybrid | None = None

    @property
    def day_index(self) -> int:
        return DAYS.index(self.day)


class Event(FileModel):
    key: Key
    title: Name
    type: EventType
    start: LocalDateTime
    end: LocalDateTime
    location: Key | None = None


class SchoolFile(FileModel):
    """A whole, valid school file."""

    school: SchoolInfo
    admins: list[Admin] = []
    teachers: list[Teacher] = []
    locations: list[Location] = []
    terms: list[Term] = []
    families: list[Family] = []
    lessons: list[Lesson] = []
    events: list[Event] = []


SECTIONS: dict[str, type[FileModel]] = {
    "admins": Admin,
    "teachers": Teacher,
    "locations": Location,
    "terms": Term,
    "families": Family,
    "lessons": Lesson,
    "events": Event,
}
TOP_KEYS = ("school", *SECTIONS)


# --- a file as read, before the checks across items --------------------------------------

M = TypeVar("M", bound=FileModel)


@dataclass
class Parsed:
    """The file's items as given (``raw``) and those that passed type validation."""

    school: SchoolInfo | None = None
    raw: dict[str, list[object]] = field(default_factory=lambda: {s: [] for s in SECTIONS})
    valid: dict[str, dict[int, Any]] = field(default_factory=lambda: {s: {} for s in SECTIONS})
    problems: list[str] = field(default_factory=list)

    def items(self, section: str) -> list[tuple[int, dict[str, Any]]]:
        """The section's items that are mappings, with their index."""
        return [(i, item) for i, item in enumerate(self.raw.get(section, [])) if _is_map(item)]


def _is_map(value: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(value, dict)


def validate_item(model: type[M], value: object) -> M | ValidationError:
    """The typed item, or the pydantic error that says why it is not one."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        return exc


def event_instants(event: Event, timezone: str) -> tuple[datetime, datetime]:
    """An event's start and end as aware instants: local times are the school's."""
    tz = ZoneInfo(timezone)
    return event.start.replace(tzinfo=tz), event.end.replace(tzinfo=tz)
