"""The reminder rules (pure): cadence, the school's window, what may be reminded at all.

Rules come from ``School.reminders``, the school file's optional ``reminders:`` block
(:mod:`core.school_file.schema`); anything missing takes the defaults.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from core.db.models import Lesson
from core.errors import BookingsClosed, NotAllowed
from core.i18n import N_
from core.schedule import Window, cut_slots, notice_ok
from core.school_file.schema import NotBookedReminders, Reminders

logger = logging.getLogger(__name__)

NOT_BOOKED = "not_booked"
SESSION = "session"
ON_DEMAND = "on_demand"
AGENDA = "agenda"  # a teacher's next-day agenda (sent by the session sweep)
DIGEST = "digest"  # an admin's who-has-not-booked digest (sent by the not-booked sweep)


class NothingToBook(NotAllowed):
    """A reminder asked for a lesson without individual weeks."""

    def __init__(self, lesson_name: str) -> None:
        super().__init__(
            N_("{lesson} has no individual weeks: there is nothing to book."), lesson=lesson_name
        )
        self.lesson_name = lesson_name


class RemindersClosed(BookingsClosed):
    """A reminder asked for a lesson whose bookings are closed: it would not help."""

    def __init__(self, lesson_name: str, lesson_key: str) -> None:
        super().__init__(
            N_("Bookings for {lesson} are closed, so a reminder would not help."),
            lesson=lesson_name,
        )
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


def lead_due(now: datetime, start_at: datetime, leads: Iterable[timedelta]) -> timedelta | None:
    """The lead time whose session reminder is due now, or None.

    Each lead time's reminder is due from ``start_at - lead`` (absolute time, so a
    daylight-saving night changes nothing) until the next shorter lead time's instant, or
    the start for the shortest. A reminder missed while the bot was down (or held by quiet
    hours) still goes out late while the session is ahead, but never once a shorter lead
    time is due: then only that one goes (no "in 24 hours" an hour before the lesson)."""
    if now >= start_at:
        return None
    passed = [lead for lead in leads if start_at - lead <= now]
    return min(passed) if passed else None


def quiet_now(now: datetime, tz: ZoneInfo, quiet: tuple[time, time] | None) -> bool:
    """Is it quiet hours at the school (its local wall-clock time, whatever the offset)?"""
    return quiet is not None and in_window(now.astimezone(tz).time(), *quiet)


def agenda_days(now: datetime, tz: ZoneInfo, at: time | None) -> list[date]:
    """The days whose teacher's agenda may be due now (local dates).

    Tomorrow's from ``at`` until local midnight; and today's, for an agenda that could not
    go out the evening before (quiet hours, downtime): the caller sends it only while
    today's first session is still ahead."""
    if at is None:
        return []
    local = now.astimezone(tz)
    days = [local.date()]
    if local.time() >= at:
        days.append(local.date() + timedelta(days=1))
    return days


def digest_due(now: datetime, opened_at: datetime | None, after_days: int | None) -> bool:
    """An admin's digest is due once bookings have been open ``after_days`` days."""
    if after_days is None or opened_at is None:
        return False
    return now >= opened_at + timedelta(days=after_days)


def bookable_weeks(lesson: Lesson, tz: ZoneInfo, now: datetime) -> list[int]:
    """Individual weeks in which some slot still starts at least 24 hours from now (the
    week's last slot does: the 24-hour rule only grows stricter with time)."""
    hybrid = lesson.hybrid
    if hybrid is None:
        return []
    windows = tuple(sorted((w.day, w.start_time, w.end_time) for w in hybrid.windows))
    start = lesson.term.start_date
    bookable: list[int] = []
    for week in sorted(hybrid.individual_weeks):
        if not 1 <= week <= lesson.term.weeks:
            continue
        last = _last_slot_start(start, week, windows, hybrid.slot_minutes, tz)
        if last is not None and notice_ok(last, now):
            bookable.append(week)
    return bookable


@lru_cache(maxsize=4096)
def _last_slot_start(
    term_start: date,
    week: int,
    windows: tuple[tuple[int, time, time], ...],
    slot_minutes: int,
    tz: ZoneInfo,
) -> datetime | None:
    """When the last slot of an individual week starts (None: it has none), cut as
    :func:`core.booking.rules.individual_slots` cuts them (kept: the same every sweep)."""
    slots = cut_slots(term_start, week, [Window(*w) for w in windows], slot_minutes, tz)
    return max((slot.start_at for slot in slots), default=None)


def opened_token(opened_at: datetime | None) -> int:
    """The opening a round belongs to, as whole minutes since the epoch (0: unknown)."""
    return int(opened_at.timestamp()) // 60 if opened_at else 0
