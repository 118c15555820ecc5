"""The teacher's attendance texts in the teacher's language (pure; handlers.teacher sends them).

The core's attendance refusals are English (the CLI shows them as they are); the ones a
teacher meets in chat are matched here by their shape and said again in the current
language, with their dates in its words (core.i18n); any other goes through
handlers.refusals.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from core.db.models import BookingStatus
from core.i18n import N_, format_clock, format_day, ngettext
from core.i18n import gettext as _
from handlers.formatting import esc
from handlers.refusals import translated

MARKED: dict[BookingStatus, str] = {
    BookingStatus.COMPLETED: N_("Marked {name} present."),
    BookingStatus.NO_SHOW: N_("Marked {name} a no-show."),
}

_NOT_STARTED = re.compile(
    r"(?P<who>.+)'s session starts .+; attendance can be marked once it has started\."
)
_NONE_STARTED = re.compile(r"No session of .+ has started and still waits to be marked\.")
_FIXED = (
    N_("Only the school or the lesson's teacher can mark attendance."),
    N_("Attendance is present (COMPLETED) or no-show (NO_SHOW)."),
)


def no_show_label() -> str:
    return _("🚫 No-show")


def all_present_label(day: date) -> str:
    """'✅ All present Mon 22 Feb'."""
    return _("✅ All present {day}").format(day=format_day(day))


def refresh_label() -> str:
    return _("🔄 Refresh")


def marked_one(name: str, status: BookingStatus) -> str:
    return _(MARKED[status]).format(name=esc(name))


def marked_day(count: int, day: date) -> str:
    return ngettext("Marked {n} present on {day}.", "Marked {n} present on {day}.", count).format(
        n=count, day=format_day(day)
    )


def bad_day() -> str:
    return _("That day is not valid.")


def refusal(message: str, *, starts: datetime | None = None, day: date | None = None) -> str:
    """An attendance refusal in the current language, then "Nothing was changed." (HTML);
    ``starts``: the local start of the pressed session, ``day``: the pressed day."""
    text: str | None = None
    found = _NOT_STARTED.fullmatch(message)
    if found is not None and starts is not None:
        text = _(
            "{child}'s session starts {when}; attendance can be marked once it has started."
        ).format(child=found["who"], when=f"{format_day(starts.date())} {format_clock(starts)}")
    elif _NONE_STARTED.fullmatch(message) and day is not None:
        text = _("No session of {day} has started and still waits to be marked.").format(
            day=format_day(day)
        )
    elif message in _FIXED:
        text = _(message)
    return esc(text if text is not None else translated(message)) + "\n" + _("Nothing was changed.")
