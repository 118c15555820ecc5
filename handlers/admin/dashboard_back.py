"""The way back to the dashboard a lesson was opened from: its term, teacher filter and page.

The dashboard's lesson buttons carry one more field, ``<back>``, when the dashboard was not
the plain first page of all teachers: ``back = page * 2 + filtered`` (``filtered`` 1 when it
showed one teacher's lessons, which can only be that lesson's own teacher). The lesson's
panel and its week screens pass it on, so "⬅ All lessons" returns to the same term (the
lesson's), the same teacher filter and the same page:

- ``ad:l:<school>:<lesson>:<back>``, ``ad:tog:<school>:<lesson>:<open>:<back>``,
  ``ad:wl:<school>:<lesson>:<week>:<back>``: the field comes last;
- ``ad:wk:<school>:<lesson>:<week>:<back>:<page>``: before the page (the pager's field).

Without the field (older messages, /stats and /bookings) the way back is the lesson's term,
all teachers, first page, as before. The field is added by rewriting the buttons a screen
already has (:func:`carry`), so the keyboards' own builders stay as they are. Callback data
stays within Telegram's 64 bytes: ``ad:wk`` with five 10-digit fields is 60.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.directory import LessonRef
from handlers.admin.keyboards import AREA, ad
from handlers.callbacks import decode

# action -> the fields it has without <back>
FIELDS = {"l": 2, "tog": 3, "wk": 4, "wl": 3}
TO_DASHBOARD = ("home", "hp", "tm")


def back_of(page: int, teacher_id: int) -> int:
    """The ``<back>`` field of a dashboard page (0: the first page of all teachers)."""
    return max(page, 0) * 2 + (1 if teacher_id else 0)


def split(args: tuple[int, ...], action: str) -> tuple[tuple[int, ...], int]:
    """A pressed button's fields without ``<back>``, and ``<back>`` (0 when absent)."""
    fields = FIELDS[action]
    if len(args) == fields:
        return args, 0
    if action == "wk":  # <back> before the page
        return (*args[:3], args[4]), args[3]
    return args[:fields], args[fields]


def dashboard_data(school_id: int, lesson: LessonRef, back: int) -> str:
    """'⬅ All lessons' of a lesson's screens: its term, with the filter and page kept."""
    page, filtered = divmod(back, 2)
    if lesson.term_id:
        return ad("tm", school_id, lesson.term_id, lesson.teacher_id if filtered else 0, page)
    return ad("hp", school_id, page) if page else ad("home", school_id)


def _with_back(data: str | None, school_id: int, lesson: LessonRef, back: int) -> str | None:
    parsed = decode(data)
    if parsed is None or parsed.area != AREA or not parsed.args or parsed.args[0] != school_id:
        return data
    if parsed.action in TO_DASHBOARD:
        return dashboard_data(school_id, lesson, back)
    if parsed.action not in FIELDS or len(parsed.args) != FIELDS[parsed.action]:
        return data
    if parsed.args[1] != lesson.id:
        return data
    if parsed.action == "wk":
        return ad("wk", *parsed.args[:3], back, parsed.args[3])
    return ad(parsed.action, *parsed.args, back)


def carry(
    markup: InlineKeyboardMarkup, school_id: int, lesson: LessonRef, back: int
) -> InlineKeyboardMarkup:
    """A lesson's screen (its panel, a week, a week's waitlist) with ``back`` carried by
    every button that stays with the lesson, and the way back to that dashboard."""
    if not back:
        return markup
    return InlineKeyboardMarkup(
        [
            [_rewritten(button, school_id, lesson, back) for button in row]
            for row in markup.inline_keyboard
        ]
    )


def _rewritten(
    button: InlineKeyboardButton, school_id: int, lesson: LessonRef, back: int
) -> InlineKeyboardButton:
    data = button.callback_data if isinstance(button.callback_data, str) else None
    new = _with_back(data, school_id, lesson, back)
    if data is None or new == data:
        return button
    return InlineKeyboardButton(button.text, callback_data=new)


def into_lessons(markup: InlineKeyboardMarkup, school_id: int, back: int) -> InlineKeyboardMarkup:
    """The dashboard with each lesson button carrying the way back to it."""
    if not back:
        return markup
    rows = []
    for row in markup.inline_keyboard:
        out = []
        for button in row:
            parsed = decode(button.callback_data if isinstance(button.callback_data, str) else None)
            if parsed and parsed.area == AREA and parsed.action == "l" and len(parsed.args) == 2:
                button = InlineKeyboardButton(
                    button.text, callback_data=ad("l", *parsed.args, back)
                )
            out.append(button)
        rows.append(out)
    return InlineKeyboardMarkup(rows)
