"""Texts of the calendar view: the picture's title, the .ics caption, the feed offer and
refusals (pure)."""

from __future__ import annotations

from enum import IntEnum

from core.i18n import N_, ngettext
from core.i18n import gettext as _

NOT_KNOWN = N_(
    "The calendar is for the school's families, teachers and admins. "
    "Open the invite link your school sent you, or ask the school office for one."
)
NOT_YOURS = N_(
    "That calendar button is not one of yours, so I can't show it. /calendar shows yours."
)
PICK_VIEW = N_("Which calendar?")
NO_TERM = N_("There is no term in this school's calendar yet.")


class CalendarMode(IntEnum):
    """Who is looking; decides the filters (carried in callback data, re-validated)."""

    ADMIN = 1
    TEACHER = 2
    PARENT = 3


MODE_WORDS = {
    CalendarMode.ADMIN: N_("whole school"),
    CalendarMode.TEACHER: N_("my lessons"),
    CalendarMode.PARENT: N_("my family"),
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
        parts.append(_("family of {name}").format(name=person_name))
    else:
        if teacher_name:
            parts.append(_("teacher {name}").format(name=teacher_name))
        if location_name:
            parts.append(location_name)
    return " · ".join(parts)


def view_label(school_name: str, mode: CalendarMode) -> str:
    return f"{school_name} · {_(MODE_WORDS[mode])}"


def term_caption(term_name: str, title: str, count: int) -> str:
    entries = ngettext(
        "{term}: {n} calendar entry ({title}). Open the file to add it to your calendar app.",
        "{term}: {n} calendar entries ({title}). Open the file to add them to your calendar app.",
        count,
    )
    return entries.format(term=term_name, n=count, title=title)


def filter_label(what: str, current: str | None, pick: bool = False) -> str:
    """'Location: All ⟳' — pressing moves to the next choice; 'Teacher: All ▾' (``pick``)
    — pressing opens the list to pick from."""
    shown = current or _("All")
    return f"{what}: {shown} {'▾' if pick else '⟳'}"


SUBSCRIBE = N_("Subscribe in your calendar app")


def feed_offer(feeds: list[tuple[str, str]]) -> str:
    """The calendar feed URL(s) to subscribe to, as (calendar label, URL) pairs."""
    lines = [url for _, url in feeds] if len(feeds) == 1 else [f"{n}: {u}" for n, u in feeds]
    links = "\n".join(lines)
    return (
        f"📅 {_(SUBSCRIBE)} "
        + _('("add calendar from URL"):')
        + f"\n{links}\n"
        + _(
            "It updates by itself when lessons and bookings change. Keep the link to "
            "yourself: anyone who has it can read this calendar."
        )
    )
