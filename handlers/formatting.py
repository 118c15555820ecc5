"""Dates and times in the school's words and timezone (pure, shared by every area)."""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.views import BookingView


def esc(text: object) -> str:
    """Escape for Telegram's HTML parse mode."""
    return html.escape(str(text), quote=False)


def day_date(day: date) -> str:
    """'Mon 22 Feb'."""
    return f"{day:%a} {day.day} {day:%b}"


def long_date(day: date) -> str:
    """'Monday 22 February 2027'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock(moment: datetime, tz: ZoneInfo) -> str:
    """'15:30' in the school's time."""
    return f"{moment.astimezone(tz):%H:%M}"


def slot_label(start: datetime, tz: ZoneInfo) -> str:
    """'Mon 22 Feb 15:30'."""
    local = start.astimezone(tz)
    return f"{day_date(local.date())} {local:%H:%M}"


def booking_when(booking: BookingView) -> str:
    """'Monday 22 February 2027, 15:00–15:30'."""
    return (
        f"{long_date(booking.local_start.date())}, "
        f"{booking.local_start:%H:%M}–{booking.local_end:%H:%M}"
    )


def tz_note(tz_name: str) -> str:
    return f"Times are {tz_name.replace('_', ' ')} time."


MAX_MESSAGE = 4096  # Telegram's limit on a message's text


def fit(text: str, limit: int = MAX_MESSAGE) -> str:
    """The text as Telegram takes it: when too long, cut at a line's end with a note of what
    was left out. The bot's HTML never spans lines, so every tag kept is closed."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit - 40:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept) + f"\n… ({len(lines) - len(kept)} more lines not shown)"


def who_acted(label: str) -> str:
    """A recorded actor in plain words: 'admin:Alice' -> 'Alice (admin)',
    'parent:12 Jane Smith' -> 'Jane Smith (parent)', 'parent:12' -> 'parent', 'cli' -> 'the school (command line)'."""
    role, sep, rest = label.partition(":")
    if not sep:
        return "the school (command line)" if label == "cli" else label
    if role == "parent":
        number, _, name = rest.partition(" ")
        if number.isdigit():
            rest = name
    return f"{rest} ({role})" if rest else role
