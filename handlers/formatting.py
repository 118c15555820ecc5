"""Dates and times in the school's words and timezone (pure, shared by every area)."""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.i18n import N_, format_clock, format_day, format_long_date, ngettext
from core.i18n import gettext as _
from core.views import BookingView

ROLES = {"admin": N_("admin"), "parent": N_("parent"), "teacher": N_("teacher")}


def esc(text: object) -> str:
    """Escape for Telegram's HTML parse mode."""
    return html.escape(str(text), quote=False)


def day_date(day: date) -> str:
    """'Mon 22 Feb' in the current language (core.i18n: Babel's dates)."""
    return format_day(day)


def long_date(day: date) -> str:
    """'Monday 22 February 2027' in the current language."""
    return format_long_date(day)


def clock(moment: datetime, tz: ZoneInfo) -> str:
    """'15:30' in the school's time."""
    return format_clock(moment.astimezone(tz))


def slot_label(start: datetime, tz: ZoneInfo) -> str:
    """'Mon 22 Feb 15:30'."""
    local = start.astimezone(tz)
    return f"{day_date(local.date())} {format_clock(local)}"


def booking_when(booking: BookingView) -> str:
    """'Monday 22 February 2027, 15:00–15:30'."""
    return (
        f"{long_date(booking.local_start.date())}, "
        f"{format_clock(booking.local_start)}–{format_clock(booking.local_end)}"
    )


def tz_note(tz_name: str) -> str:
    return _("Times are {zone} time.").format(zone=tz_name.replace("_", " "))


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
    left = len(lines) - len(kept)
    note = ngettext("{n} more line not shown", "{n} more lines not shown", left).format(n=left)
    return "\n".join(kept) + f"\n… ({note})"


def who_acted(label: str) -> str:
    """A recorded actor in plain words: 'admin:Alice' -> 'Alice (admin)',
    'parent:12 Jane Smith' -> 'Jane Smith (parent)', 'parent:12' -> 'parent', 'cli' -> 'the school (command line)'."""
    role, sep, rest = label.partition(":")
    if not sep:
        return _("the school (command line)") if label == "cli" else label
    if role == "parent":
        number, _space, name = rest.partition(" ")
        if number.isdigit():
            rest = name
    role_words = _(ROLES[role]) if role in ROLES else role
    return f"{rest} ({role_words})" if rest else role_words
