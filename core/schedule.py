"""Pure time arithmetic of a term: weeks, local wall-clock times and slots (no database).

Weeks, dates and clock times are the school's local ones; instants come out in UTC.
Wall-clock times that do not exist on a daylight-saving day are skipped; ambiguous ones
take the first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
NOTICE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Window:
    """A weekly window of time: day 0 = Monday, local clock times."""

    day: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Slot:
    start_at: datetime  # UTC
    end_at: datetime  # UTC

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start_at < end and start < self.end_at


def week_monday(term_start: date, week: int) -> date:
    """The Monday of term week ``week`` (1-based)."""
    return term_start + timedelta(days=7 * (week - 1))


def week_of(term_start: date, weeks: int, day: date) -> int | None:
    """The term week a local date falls in, or None outside the term."""
    offset = (day - term_start).days
    if offset < 0:
        return None
    week = offset // 7 + 1
    return week if week <= weeks else None


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None if it does not exist that day."""
    local = datetime.combine(day, at).replace(tzinfo=tz)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # skipped by a daylight-saving jump
    return instant


def occurrence(
    term_start: date, week: int, day: int, start: time, minutes: int, tz: ZoneInfo
) -> Slot | None:
    """The regular weekly lesson's occurrence in a week, as UTC instants."""
    when = week_monday(term_start, week) + timedelta(days=day)
    start_at = local_instant(when, start, tz)
    if start_at is None:
        return None
    return Slot(start_at, start_at + timedelta(minutes=minutes))


def cut_slots(
    term_start: date,
    week: int,
    windows: Iterable[Window],
    slot_minutes: int,
    tz: ZoneInfo,
) -> list[Slot]:
    """Cut a week's availability windows into slots of ``slot_minutes`` (local wall clock).

    Slot lengths are real durations: across a daylight-saving change a slot still lasts
    ``slot_minutes``; a slot whose local start does not exist is left out.
    """
    monday = week_monday(term_start, week)
    step = timedelta(minutes=slot_minutes)
    slots: list[Slot] = []
    for window in sorted(windows, key=lambda w: (w.day, w.start)):
        day = monday + timedelta(days=window.day)
        cursor = datetime.combine(day, window.start)
        window_end = datetime.combine(day, window.end)
        while cursor + step <= window_end:
            start_at = local_instant(day, cursor.time(), tz)
            if start_at is not None:
                slots.append(Slot(start_at, start_at + step))
            cursor += step
    slots.sort(key=lambda s: s.start_at)
    return _dedupe(slots)


def _dedupe(slots: Sequence[Slot]) -> list[Slot]:
    unique: list[Slot] = []
    for slot in slots:
        if not unique or unique[-1].start_at != slot.start_at:
            unique.append(slot)
    return unique


def notice_ok(start_at: datetime, now: datetime) -> bool:
    """The 24-hour rule on absolute time: exactly 24 hours ahead is allowed."""
    # both in UTC: Python subtracts two datetimes sharing one tzinfo by wall clock,
    # which would be an hour off across a daylight-saving change
    return start_at.astimezone(UTC) - now.astimezone(UTC) >= NOTICE


def to_local(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz)


def parse_hhmm(value: str) -> time:
    """Parse "HH:MM" strictly (24-hour clock)."""
    parts = value.strip().split(":")
    if len(parts) != 2 or not all(p.isdecimal() for p in parts) or len(parts[1]) != 2:
        raise ValueError(f"{value!r} is not a time like 16:30")
    hour, minute = int(parts[0]), int(parts[1])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"{value!r} is not a time like 16:30")
    return time(hour, minute)
