"""The calendar picture's buttons (pure).

Callback data (``cal`` area): ``cal:w:<school>:<mode>:<monday>:<teacher>:<location>`` shows a
week; ``cal:ics:<same fields>`` sends the term's .ics. ``<monday>`` is the week's Monday as
days since 1970-01-01; ``<teacher>``/``<location>`` are ids, 0 for no filter; ``<mode>`` is a
:class:`handlers.calendar.texts.CalendarMode`. Everything is re-validated on a press.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

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
    school_id: int, mode: CalendarMode, monday: int, teacher_id: int = 0, location_id: int = 0
) -> str:
    return encode(AREA, "w", school_id, int(mode), monday, teacher_id, location_id)


def week_keyboard(
    school_id: int,
    mode: CalendarMode,
    monday: int,
    today_monday: int,
    teacher_id: int = 0,
    location_id: int = 0,
    teachers: Sequence[tuple[int, str]] = (),
    locations: Sequence[tuple[int, str]] = (),
) -> InlineKeyboardMarkup:
    """◀ week / this week / week ▶; admins also cycle teacher and location; term .ics."""
    nav = [
        InlineKeyboardButton(
            "◀ week", callback_data=week_data(school_id, mode, monday - 7, teacher_id, location_id)
        )
    ]
    if monday != today_monday:
        nav.append(
            InlineKeyboardButton(
                "This week",
                callback_data=week_data(school_id, mode, today_monday, teacher_id, location_id),
            )
        )
    nav.append(
        InlineKeyboardButton(
            "week ▶", callback_data=week_data(school_id, mode, monday + 7, teacher_id, location_id)
        )
    )
    rows = [nav]
    if mode is CalendarMode.ADMIN:
        teacher_names = dict(teachers)
        location_names = dict(locations)
        next_teacher = next_filter([i for i, _ in teachers], teacher_id)
        next_location = next_filter([i for i, _ in locations], location_id)
        rows.append(
            [
                InlineKeyboardButton(
                    filter_label("Teacher", teacher_names.get(teacher_id)),
                    callback_data=week_data(school_id, mode, monday, next_teacher, location_id),
                ),
                InlineKeyboardButton(
                    filter_label("Location", location_names.get(location_id)),
                    callback_data=week_data(school_id, mode, monday, teacher_id, next_location),
                ),
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                "📅 Term .ics",
                callback_data=encode(
                    AREA, "ics", school_id, int(mode), monday, teacher_id, location_id
                ),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


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
