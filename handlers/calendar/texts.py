"""Texts of the calendar view: the picture's title, the .ics caption, the feed offer and
refusals (pure)."""

from __future__ import annotations

from enum import IntEnum

NOT_KNOWN = (
    "The calendar is for the school's families, teachers and admins. "
    "Open the invite link your school sent you, or ask the school office for one."
)
NOT_YOURS = "That calendar button is not one of yours, so I can't show it. /calendar shows yours."
PICK_VIEW = "Which calendar?"
NO_TERM = "There is no term in this school's calendar yet."


class CalendarMode(IntEnum):
    """Who is looking; decides the filters (carried in callback data, re-validated)."""

    ADMIN = 1
    TEACHER = 2
    PARENT = 3


MODE_WORDS = {
    CalendarMode.ADMIN: "whole school",
    CalendarMode.TEACHER: "my lessons",
    CalendarMode.PARENT: "my family",
}


def calendar_title(
    school_name: str,
    mode: CalendarMode,
    person_name: str,
    teacher_name: str | None = None,
    location_name: str | None = None,
) -> str:
    """'School alpha · Sam Jones' / '… · family of Jane Smith' / '… · teacher X · Main Studio'."""
    parts = [school_name]
    if mode is CalendarMode.TEACHER:
        parts.append(person_name)
    elif mode is CalendarMode.PARENT:
        parts.append(f"family of {person_name}")
    else:
        if teacher_name:
            parts.append(f"teacher {teacher_name}")
        if location_name:
            parts.append(location_name)
    return " · ".join(parts)


def view_label(school_name: str, mode: CalendarMode) -> str:
    return f"{school_name} · {MODE_WORDS[mode]}"


def term_caption(term_name: str, title: str, count: int) -> str:
    return (
        f"{term_name}: {count} calendar entr{'y' if count == 1 else 'ies'} ({title}). "
        "Open the file to add them to your calendar app."
    )


def filter_label(what: str, current: str | None, pick: bool = False) -> str:
    """'Location: All ⟳' — pressing moves to the next choice; 'Teacher: All ▾' (``pick``)
    — pressing opens the list to pick from."""
    return f"{what}: {current or 'All'} {'▾' if pick else '⟳'}"


SUBSCRIBE = "Subscribe in your calendar app"


def feed_offer(feeds: list[tuple[str, str]]) -> str:
    """The calendar feed URL(s) to subscribe to, as (calendar label, URL) pairs."""
    lines = [url for _, url in feeds] if len(feeds) == 1 else [f"{n}: {u}" for n, u in feeds]
    links = "\n".join(lines)
    return (
        f'📅 {SUBSCRIBE} ("add calendar from URL"):\n{links}\n'
        "It updates by itself when lessons and bookings change. Keep the link to yourself: "
        "anyone who has it can read this calendar."
    )
