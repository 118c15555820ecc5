"""The teacher's attendance texts in the teacher's language (pure; handlers.teacher sends them).

The core's attendance refusals arrive already in the current language, dates included
(``DomainError.message``); :func:`refusal` adds "Nothing was changed."
"""

from __future__ import annotations

from datetime import date

from core.db.models import BookingStatus
from core.i18n import N_, format_day, ngettext
from core.i18n import gettext as _
from handlers.formatting import esc

MARKED: dict[BookingStatus, str] = {
    BookingStatus.COMPLETED: N_("Marked {name} present."),
    BookingStatus.NO_SHOW: N_("Marked {name} a no-show."),
}


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


def refusal(message: str) -> str:
    """An attendance refusal (a core error's ``message``, already in the current language),
    then "Nothing was changed." (HTML)."""
    return esc(message) + "\n" + _("Nothing was changed.")
