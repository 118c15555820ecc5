"""A lesson's occurrences in time: regular weekly sessions, hybrid group weeks and slots.

Any :class:`core.booking.rules.LessonShape` will do: an ORM lesson or a cached plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.booking.rules import LessonShape, individual_slots
from core.calendar.events import EventKind
from core.db.models import LessonType
from core.schedule import Slot, occurrence

__all__ = [
    "Occurrence",
    "busy_occurrences",
    "individual_slots",
    "is_individual_week",
    "occurrences",
    "weeks_touching",
]

REGULAR_KIND = {
    LessonType.INDIVIDUAL: EventKind.INDIVIDUAL,
    LessonType.GROUP: EventKind.GROUP,
    LessonType.BAND: EventKind.BAND,
}


@dataclass(frozen=True, slots=True)
class Occurrence:
    lesson_id: int
    week: int
    slot: Slot
    kind: EventKind


def is_individual_week(lesson: LessonShape, week: int) -> bool:
    return lesson.hybrid is not None and week in lesson.hybrid.individual_weeks


def weeks_touching(lesson: LessonShape, tz: ZoneInfo, lo: datetime, hi: datetime) -> range:
    """Term weeks whose local days may hold an instant in [lo, hi) (a day of slack each side)."""
    term = lesson.term
    lo_day = lo.astimezone(tz).date()
    hi_day = hi.astimezone(tz).date()
    first = max(1, (lo_day - term.start_date).days // 7)
    last = min(term.weeks, (hi_day - term.start_date).days // 7 + 2)
    return range(first, last + 1)


def occurrences(
    lesson: LessonShape, tz: ZoneInfo, lo: datetime, hi: datetime
) -> Iterator[Occurrence]:
    """The lesson's weekly sessions overlapping [lo, hi): regular, group week or placeholder."""
    for week in weeks_touching(lesson, tz, lo, hi):
        slot = occurrence(
            lesson.term.start_date, week, lesson.day, lesson.start_time, lesson.duration_minutes, tz
        )
        if slot is None or not slot.overlaps(lo, hi):
            continue
        if lesson.type is LessonType.HYBRID:
            kind = (
                EventKind.HYBRID_PLACEHOLDER
                if is_individual_week(lesson, week)
                else EventKind.HYBRID_GROUP
            )
        else:
            kind = REGULAR_KIND[lesson.type]
        yield Occurrence(lesson.id, week, slot, kind)


def busy_occurrences(
    lesson: LessonShape, tz: ZoneInfo, lo: datetime, hi: datetime
) -> Iterator[Occurrence]:
    """Occurrences that keep the teacher busy: all but a hybrid lesson's individual weeks."""
    return (
        o for o in occurrences(lesson, tz, lo, hi) if o.kind is not EventKind.HYBRID_PLACEHOLDER
    )
