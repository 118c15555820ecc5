"""The way back to the dashboard a lesson was opened from: its term, teacher filter and page.

The dashboard's lesson buttons carry one more field, ``<back>``, when the dashboard was not
the plain first page of all teachers: ``back = page * 2 + filtered`` (``filtered`` 1 when it
showed one teacher's lessons, which can only be that lesson's own teacher). The lesson's
panel, its week screens, a booking's card and what is done from it pass it on, so
"⬅ All lessons" returns to the same term (the lesson's), the same teacher filter and the
same page, after any number of steps:

- a lesson's screens: ``ad:l``, ``ad:tog``, ``ad:wl``; a booking's card and its actions:
  ``ad:b``, ``ad:rw``, ``ad:rs``, ``ad:rd``, ``ad:ry`` (move), ``ad:cx``, ``ad:cy``,
  ``ad:ct`` (cancel), ``ad:at`` (attendance); booking for a family: ``ad:nb``, ``ad:ns``,
  ``ad:nd``, ``ad:nk``, ``ad:ny``: the field comes last;
- ``ad:wk:<school>:<lesson>:<week>:<back>:<page>`` and
  ``ad:np:<school>:<lesson>:<week>:<back>:<page>``: before the page (the pager's field).

A typed cancellation reason keeps it with the step it answers, and a refusal of any of these
buttons offers "⬅ All lessons" to that dashboard too (:func:`way_back`). Without the field (older
messages, /stats and /bookings) the way back is the lesson's term, all teachers, first page,
as before. The field is added by rewriting the buttons a screen already has (:func:`carry`),
so the keyboards' own builders stay as they are. Callback data stays within Telegram's 64
bytes: the longest, ``ad:ny`` with three 10-digit ids, a week, a minute and a 10-digit
``<back>``, is 61 (a button that would not fit keeps its data without the field).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.errors import DomainError
from core.refs import LessonRef
from handlers.admin.keyboards import AREA, ad
from handlers.callbacks import decode
from handlers.context import Context, services_of

# action -> the fields it has without <back>: a lesson's (the lesson's id second) ...
OF_LESSON = {"l": 2, "tog": 3, "wk": 4, "wl": 3}
OF_LESSON |= {"nb": 3, "np": 4, "ns": 4, "nd": 5, "nk": 5, "ny": 5}  # booking for a family
# ... and a booking's (the booking's id second; the screen is of the booking's lesson)
OF_BOOKING = {"b": 2, "rw": 2, "rs": 3, "rd": 4, "ry": 4, "cx": 2, "cy": 3, "ct": 2, "at": 3}
FIELDS = {**OF_LESSON, **OF_BOOKING}
PAGED = ("wk", "np")  # <back> before the page, which stays the last field
TO_DASHBOARD = ("home", "hp", "tm")


def back_of(page: int, teacher_id: int) -> int:
    """The ``<back>`` field of a dashboard page (0: the first page of all teachers)."""
    return max(page, 0) * 2 + (1 if teacher_id else 0)


def split(args: tuple[int, ...], action: str) -> tuple[tuple[int, ...], int]:
    """A pressed button's fields without ``<back>``, and ``<back>`` (0 when absent)."""
    fields = FIELDS[action]
    if len(args) == fields:
        return args, 0
    if action in PAGED:  # <back> before the page
        return (*args[: fields - 1], args[fields]), args[fields - 1]
    return args[:fields], args[fields]


def pressed(update: Update) -> tuple[tuple[int, ...], int]:
    """The pressed ``ad`` button's fields without ``<back>``, and ``<back>`` (0 when absent)."""
    query = update.callback_query
    parsed = decode(query.data if query else None)
    if parsed is None:
        return (), 0
    if parsed.action not in FIELDS:
        return parsed.args, 0
    return split(parsed.args, parsed.action)


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
    if parsed.action in OF_LESSON and parsed.args[1] != lesson.id:
        return data
    args = parsed.args
    try:
        if parsed.action in PAGED:
            return ad(parsed.action, *args[:-1], back, args[-1])
        return ad(parsed.action, *args, back)
    except ValueError:  # over 64 bytes: the button works, its way back is the plain one
        return data


def carry(
    markup: InlineKeyboardMarkup, school_id: int, lesson: LessonRef, back: int
) -> InlineKeyboardMarkup:
    """A lesson's screen (its panel, a week, a week's waitlist, a booking's card and its
    steps) with ``back`` carried by every button that stays with the lesson, and the way
    back to that dashboard."""
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


async def carried(
    context: Context, school_id: int, lesson_id: int, markup: InlineKeyboardMarkup, back: int
) -> InlineKeyboardMarkup:
    """:func:`carry` for a screen that knows its lesson by id (a booking's, say)."""
    if not back:
        return markup
    lesson = await services_of(context).directory.lesson(school_id, lesson_id)
    return carry(markup, school_id, lesson, back)


async def way_back(
    context: Context, data: str, markup: InlineKeyboardMarkup
) -> InlineKeyboardMarkup:
    """'⬅ All lessons' (``markup``) under a refusal of the button pressed (``data``): to the
    dashboard the lesson was opened from when the button carried the way back."""
    parsed = decode(data)
    if parsed is None or parsed.area != AREA or parsed.action not in FIELDS:
        return markup
    (school_id, target, *_rest), back = split(parsed.args, parsed.action)
    if not back:
        return markup
    try:
        if parsed.action in OF_BOOKING:  # the booking's lesson
            target = (await services_of(context).booking.get_booking(school_id, target)).lesson_id
        return await carried(context, school_id, target, markup, back)
    except DomainError:  # the booking or the lesson is gone: the current dashboard
        return markup


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
