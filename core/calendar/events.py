"""Calendar entries as plain values: what the calendar picture and .ics files are drawn from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class EventKind(StrEnum):
    """What a calendar entry is, in the school's words; each kind has its own colour."""

    INDIVIDUAL = "INDIVIDUAL"  # a regular one-to-one lesson
    GROUP = "GROUP"  # a regular group class
    BAND = "BAND"  # a regular band rehearsal
    HYBRID_GROUP = "HYBRID_GROUP"  # a hybrid lesson in one of its group weeks
    HYBRID_PLACEHOLDER = "HYBRID_PLACEHOLDER"  # a hybrid lesson's individual week, not a session
    BOOKED_SESSION = "BOOKED_SESSION"  # a booked individual session of a hybrid lesson
    MEET_AND_GREET = "MEET_AND_GREET"
    OTHER_EVENT = "OTHER_EVENT"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One entry of a calendar. Instants are timezone-aware (UTC)."""

    uid: str  # stable across edits: a reschedule or cancel keeps the uid
    kind: EventKind
    title: str
    start: datetime
    end: datetime
    teacher: str | None = None
    location: str | None = None
    room: str | None = None
    description: str | None = None
    sequence: int = 0  # bumped on every change of a booking
    cancelled: bool = False
    short: str | None = None  # what a small picture block says (a booked session: the child)
    # what an event's detail shows (the Mini App): the lesson by key, its week, enrolled
    # students and places, and the child of a booked session
    lesson_key: str | None = None
    lesson_name: str | None = None
    week: int | None = None
    enrolled: int | None = None
    max_students: int | None = None
    student_name: str | None = None
    # a placeholder: how many (of the family's, in a family's view) still have to book its week;
    # the picture leaves out a placeholder with nobody left to book
    to_book: int | None = None
    # a booked session still waiting for the teacher's confirmation (PENDING): TENTATIVE
    tentative: bool = False
