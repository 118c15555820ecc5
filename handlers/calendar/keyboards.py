"""The calendar picture's buttons (pure).

Callback data (``cal`` area): ``cal:w:<school>:<mode>:<monday>:<teacher>:<location>`` shows a
week; ``cal:ics:<same fields>`` sends the term's .ics; ``cal:tp:<same fields>`` turns the
picture's buttons into the list of teachers to filter by; ``cal:ph:<same fields>`` shows the
week as the phone-sized list picture (its week buttons stay in the phone view). ``<monday>`` is the week's Monday as
days since 1970-01-01; ``<teacher>``/``<location>`` are ids, 0 for no filter; ``<mode>`` is a
:class:`handlers.calendar.texts.CalendarMode`. Everything is re-validated on a press.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import gettext as _
from handlers.calendar.texts import CalendarMode, filter_label, view_label
from handlers.callbacks import encode

AREA = "cal"


def next_filter(ids: Sequence[int], current: int) -> int:
    """The filter a press moves to: none → first → … → last → none."""
    if not ids:
        return 0
    if current not in ids:
        return ids[0]
    index = ids.index(current)
    return ids[index + 1] if index + 1 < len(ids) else 0


def week_data(
    school_id: int,
    mode: CalendarMode,
    monday: int,
    teacher_id: int = 0,
    location_id: int = 0,
    phone: bool = False,
) -> str:
    action = "ph" if phone else "w"
    return encode(AREA, action, school_id, int(mode), monday, teacher_id, location_id)


def week_keyboard(
    school_id: int,
    mode: CalendarMode,
    monday: int,
    today_monday: int,
    teacher_id: int = 0,
    location_id: int = 0,
    teachers: Sequence[tuple[int, str]] = (),
    locations: Sequence[tuple[int, str]] = (),
    phone: bool = False,
) -> InlineKeyboardMarkup:
    """◀ week / this week / week ▶, always in these three places (the middle one marked when
    it is this week); admins also pick a teacher from a list and cycle the location; term .ics
    and the switch between the week grid and the phone view (``phone``: this is the phone view)."""

    def to(day: int) -> str:
        return week_data(school_id, mode, day, teacher_id, location_id, phone)

    this_week = _("This week")
    this = f"• {this_week} •" if monday == today_monday else this_week
    nav = [
        InlineKeyboardButton(_("◀ week"), callback_data=to(monday - 7)),
        InlineKeyboardButton(this, callback_data=to(today_monday)),
        InlineKeyboardButton(_("week ▶"), callback_data=to(monday + 7)),
    ]
    rows = [nav]
    if mode is CalendarMode.ADMIN:
        teacher_names = dict(teachers)
        location_names = dict(locations)
        next_location = next_filter([i for i, _ in locations], location_id)
        rows.append(
            [
                InlineKeyboardButton(
                    filter_label(_("Teacher"), teacher_names.get(teacher_id), pick=True),
                    callback_data=encode(
                        AREA, "tp", school_id, int(mode), monday, teacher_id, location_id
                    ),
                ),
                InlineKeyboardButton(
                    filter_label(_("Location"), location_names.get(location_id)),
                    callback_data=week_data(school_id, mode, monday, teacher_id, next_location),
                ),
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                _("📅 Term .ics"),
                callback_data=encode(
                    AREA, "ics", school_id, int(mode), monday, teacher_id, location_id
                ),
            ),
            InlineKeyboardButton(
                _("🗓 Week grid") if phone else _("📱 Phone view"),
                callback_data=week_data(
                    school_id, mode, monday, teacher_id, location_id, not phone
                ),
            ),
        ]
    )
    return InlineKeyboardMarkup(rows)


def teacher_picker(
    school_id: int,
    mode: CalendarMode,
    monday: int,
    teacher_id: int,
    location_id: int,
    teachers: Sequence[tuple[int, str]],
) -> InlineKeyboardMarkup:
    """Every teacher of the school, two a row, and "All teachers": each shows that week."""
    choices = [(0, _("All teachers")), *teachers]
    buttons = [
        InlineKeyboardButton(
            f"• {name} •" if tid == teacher_id else name,
            callback_data=week_data(school_id, mode, monday, tid, location_id),
        )
        for tid, name in choices
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def view_picker(
    views: Sequence[tuple[int, str, CalendarMode]], today_mondays: dict[int, int]
) -> InlineKeyboardMarkup:
    """(school id, school name, mode) for accounts with several roles or schools."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    view_label(name, mode),
                    callback_data=week_data(sid, mode, today_mondays[sid]),
                )
            ]
            for sid, name, mode in views
        ]
    )
