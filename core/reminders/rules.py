"""The reminder rules (pure): cadence, the school's window, what may be reminded at all.

Rules come from ``School.reminders``, the school file's optional ``reminders:`` block
(:mod:`core.school_file.schema`); anything missing takes the defaults.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from core.booking.lessons import individual_slots
from core.db.models import Lesson
from core.errors import BookingsClosed, NotAllowed
from core.schedule import notice_ok
from core.school_file.schema import NotBookedReminders, Reminders

logger = logging.getLogger(__name__)

NOT_BOOKED = "not_booked"
SESSION = "session"
ON_DEMAND = "on_demand"


class NothingToBook(NotAllowed):
    """A reminder asked for a lesson without individual weeks."""

    def __init__(self, lesson_name: str) -> None:
        super().__init__(f"{lesson_name} has no individual weeks: there is nothing to book.")
        self.lesson_name = lesson_name


class RemindersClosed(BookingsClosed):
    """A reminder asked for a lesson whose bookings are closed: it would not help."""

    def __init__(self, lesson_name: str, lesson_key: str) -> None:
        super().__init__(f"Bookings for {lesson_name} are closed, so a reminder would not help.")
        self.lesson_name = lesson_name
        self.lesson_key = lesson_key


def check_remindable(lesson: Lesson) -> None:
    """No reminder for a lesson without individual weeks, nor while its bookings are closed.

    Raises :class:`NothingToBook` or :class:`RemindersClosed`."""
    hybrid = lesson.hybrid
    if hybrid is None:
        raise NothingToBook(lesson.name)
    if not hybrid.bookings_open:
        raise RemindersClosed(lesson.name, lesson.key)


def school_rules(raw: dict[str, Any] | None) -> Reminders:
    """A school's reminder rules from ``School.reminders``; defaults for anything missing."""
    try:
        return Reminders.model_validate(raw or {})
    except ValidationError:
        logger.warning("invalid reminders settings %r: using the defaults", raw)
        return Reminders()


def in_window(local: time, start: time, end: time) -> bool:
    """Is a local clock time inside ``[start, end)``? A window may run past midnight."""
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def round_due(
    now: datetime,
    *,
    opened_at: datetime | None,
    rounds_sent: int,
    last_at: datetime | None,
    rules: NotBookedReminders,
    tz: ZoneInfo,
) -> bool:
    """Is the next not-booked round due for a family now?"""
    if not rules.enabled or rounds_sent >= rules.max_times:
        return False
    if opened_at is not None and now < opened_at:
        return False
    if last_at is not None and now - last_at < timedelta(hours=rules.every_hours):
        return False
    return in_window(now.astimezone(tz).time(), rules.window_start, rules.window_end)


def retry_due(now: datetime, *, rules: NotBookedReminders, tz: ZoneInfo) -> bool:
    """A round whose sends failed for a passing reason is sent again at the next sweep
    inside the window: it is the same round, so it neither waits ``every_hours`` nor counts
    toward ``max_times`` again."""
    return rules.enabled and in_window(
        now.astimezone(tz).time(), rules.window_start, rules.window_end
    )


def session_due(now: datetime, start_at: datetime, hours_before: int) -> bool:
    """From ``hours_before`` before the session until it starts."""
    return start_at - timedelta(hours=hours_before) <= now < start_at


def bookable_weeks(lesson: Lesson, tz: ZoneInfo, now: datetime) -> list[int]:
    """Individual weeks in which some slot still starts at least 24 hours from now."""
    hybrid = lesson.hybrid
    if hybrid is None:
        return []
    return [
        week
        for week in sorted(hybrid.individual_weeks)
        if 1 <= week <= lesson.term.weeks
        and any(notice_ok(slot.start_at, now) for slot in individual_slots(lesson, week, tz))
    ]


def opened_token(opened_at: datetime | None) -> int:
    """The opening a round belongs to, as whole minutes since the epoch (0: unknown)."""
    return int(opened_at.timestamp()) // 60 if opened_at else 0
