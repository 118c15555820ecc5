"""Inline keyboards of the parent's screens (pure: values in, markup out).

Callback data (see handlers.callbacks): the ``bk`` contract there, plus

- ``bk:n:<school>:<note>`` a week or header that only explains itself (no state);
  ``bk:x:<school>`` close the flow.
- ``bk:d:<school>:<student>:<lesson>:<week>:<minute>`` the slots of one day (or part of
  one) of a week too full for one screen; ``<minute>`` is its first slot's start (see
  handlers.slot_pages).
- ``my:l:<school>`` the bookings list; ``my:v:<school>:<booking>`` one booking's card;
  ``my:r:<school>:<booking>`` reschedule: free slots of the same week (its days first
  when too many); ``my:d:<school>:<booking>:<minute>`` the slots of one day of it;
  ``my:t:<school>:<booking>:<minute>`` confirm the move; ``my:m:...:<minute>`` move it;
  ``my:c:<school>:<booking>`` cancel: choose a reason; ``my:o:<school>:<booking>`` type one;
  ``my:q:<school>:<booking>:<reason>`` confirm the cancel; ``my:z:...:<reason>`` cancel it.
- ``sc:b:<school>`` / ``sc:m:<school>`` the school chosen for /book or /mybookings.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.family_view import WeekEntry, WeekStatus
from core.i18n import N_
from core.i18n import gettext as _
from core.identities import SchoolRef
from core.refs import Child, LessonRef
from core.schedule import Slot
from core.views import BookingView
from handlers import slot_pages
from handlers.callbacks import encode, to_minute
from handlers.parent import mybookings_texts, texts

BACK = N_("‹ Back")
SLOTS_PER_ROW = 4


def _button(label: str, area: str, action: str, *args: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(area, action, *args))


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def schools_keyboard(schools: Sequence[SchoolRef], action: str) -> InlineKeyboardMarkup:
    """One button per school; ``action`` is ``b`` (book) or ``m`` (my bookings)."""
    return InlineKeyboardMarkup([[_button(s.name, "sc", action, s.id)] for s in schools])


def fresh_start_keyboard(school_id: int | None) -> InlineKeyboardMarkup:
    if school_id is None:
        return InlineKeyboardMarkup([])
    return InlineKeyboardMarkup(
        [
            [
                _button(_("Book a slot"), "bk", "c", school_id),
                _button(_("My bookings"), "my", "l", school_id),
            ]
        ]
    )


def children_keyboard(school_id: int, children: Sequence[Child]) -> InlineKeyboardMarkup:
    rows = [[_button(c.name, "bk", "l", school_id, c.id)] for c in children]
    rows.append([_button(_("Close"), "bk", "x", school_id)])
    return InlineKeyboardMarkup(rows)


def lessons_keyboard(
    school_id: int, student_id: int, lessons: Sequence[LessonRef], back_to_children: bool
) -> InlineKeyboardMarkup:
    rows = [
        [_button(lesson.name, "bk", "w", school_id, student_id, lesson.id)] for lesson in lessons
    ]
    rows.append([_back_to_children(school_id, back_to_children)])
    return InlineKeyboardMarkup(rows)


def _back_to_children(school_id: int, has_choice: bool) -> InlineKeyboardButton:
    return (
        _button(_(BACK), "bk", "c", school_id)
        if has_choice
        else _button(_("Close"), "bk", "x", school_id)
    )


def weeks_keyboard(
    school_id: int,
    student_id: int,
    lesson_id: int,
    weeks: Sequence[WeekEntry],
    back: tuple[str, ...] | None,
) -> InlineKeyboardMarkup:
    """Every week of the term; ``back`` is the callback args of the previous step, if any."""
    buttons = []
    for entry in weeks:
        label = texts.week_label(entry)
        if entry.status is WeekStatus.TO_BOOK:
            buttons.append(_button(label, "bk", "s", school_id, student_id, lesson_id, entry.week))
        elif entry.status is WeekStatus.BOOKED and entry.booking is not None:
            buttons.append(_button(label, "my", "v", school_id, entry.booking.id))
        else:
            note = texts.NOTE_OF_STATUS[entry.status]
            buttons.append(_button(label, "bk", "n", school_id, note))
    rows = _rows(buttons, 2)
    rows.append([_back_button(school_id, student_id, back)])
    return InlineKeyboardMarkup(rows)


def _back_button(
    school_id: int, student_id: int, back: tuple[str, ...] | None
) -> InlineKeyboardButton:
    if back == ("l",):
        return _button(_(BACK), "bk", "l", school_id, student_id)
    if back == ("c",):
        return _button(_(BACK), "bk", "c", school_id)
    return _button(_("Close"), "bk", "x", school_id)


def slot_rows(
    slots: Sequence[Slot], tz: ZoneInfo, area: str, action: str, *prefix: int
) -> list[list[InlineKeyboardButton]]:
    """Times grouped by local day: one or more rows per day, up to four times a row."""
    rows: list[list[InlineKeyboardButton]] = []
    for _day, day_slots in slot_pages.by_day(slots, tz):
        buttons = [
            _button(texts.slot_button(s, tz), area, action, *prefix, to_minute(s.start_at))
            for s in day_slots
        ]
        rows.extend(_rows(buttons, SLOTS_PER_ROW))
    return rows


def day_rows(
    slots: Sequence[Slot], tz: ZoneInfo, area: str, action: str, *prefix: int
) -> list[list[InlineKeyboardButton]]:
    """A week too full for one screen: a button per day (or part of a day), two a row."""
    buttons = [
        _button(part.label(tz), area, action, *prefix, part.key)
        for part in slot_pages.parts(slots, tz)
    ]
    return _rows(buttons, 2)


def slots_keyboard(
    school_id: int,
    student_id: int,
    lesson_id: int,
    week: int,
    slots: Sequence[Slot],
    tz: ZoneInfo,
    day: int | None = None,
) -> InlineKeyboardMarkup:
    """The week's free slots, or its days when they are too many (``day``: one day's)."""
    prefix = (school_id, student_id, lesson_id, week)
    if day is not None:
        rows = slot_rows(slots, tz, "bk", "k", *prefix)
        rows.append([_button(_(BACK), "bk", "s", *prefix)])
    elif slot_pages.day_first(slots):
        rows = day_rows(slots, tz, "bk", "d", *prefix)
        rows.append([_button(_(BACK), "bk", "w", school_id, student_id, lesson_id)])
    else:
        rows = slot_rows(slots, tz, "bk", "k", *prefix)
        rows.append([_button(_(BACK), "bk", "w", school_id, student_id, lesson_id)])
    return InlineKeyboardMarkup(rows)


def confirm_keyboard(
    school_id: int,
    student_id: int,
    lesson_id: int,
    week: int,
    minute: int,
    day: int | None = None,
) -> InlineKeyboardMarkup:
    """Confirm, or back to the slots (of the day the slot is in, when the week has days)."""
    prefix = (school_id, student_id, lesson_id, week)
    back = (
        _button(_(BACK), "bk", "s", *prefix)
        if day is None
        else _button(_(BACK), "bk", "d", *prefix, day)
    )
    return InlineKeyboardMarkup([[_button(_("✅ Confirm"), "bk", "y", *prefix, minute)], [back]])


def refusal_keyboard(
    school_id: int, student_id: int, lesson_id: int, week: int | None = None
) -> InlineKeyboardMarkup:
    """After a refusal in the booking flow: back to the weeks (or slots) of the lesson."""
    rows = []
    if week is not None:
        rows.append(
            [_button(_("See free slots"), "bk", "s", school_id, student_id, lesson_id, week)]
        )
    rows.append([_button(_("Back to weeks"), "bk", "w", school_id, student_id, lesson_id)])
    return InlineKeyboardMarkup(rows)


def booking_keyboard(view: BookingView) -> InlineKeyboardMarkup:
    """The booking card: move or cancel it, or go to all bookings."""
    rows = []
    if view.active:
        rows.append(
            [
                _button(_("Reschedule"), "my", "r", view.school_id, view.id),
                _button(_("Cancel booking"), "my", "c", view.school_id, view.id),
            ]
        )
    rows.append([_button(_("My bookings"), "my", "l", view.school_id)])
    return InlineKeyboardMarkup(rows)


def bookings_keyboard(school_id: int, bookings: Sequence[BookingView]) -> InlineKeyboardMarkup:
    ordered = sorted(bookings, key=lambda b: (b.student_name, b.start_at))
    rows = [
        [_button(mybookings_texts.booking_button(b), "my", "v", school_id, b.id)] for b in ordered
    ]
    rows.append([_button(_("Book a slot"), "bk", "c", school_id)])
    return InlineKeyboardMarkup(rows)


def reschedule_keyboard(
    view: BookingView, slots: Sequence[Slot], day: int | None = None
) -> InlineKeyboardMarkup:
    """Free slots of the booking's week, or its days when too many (``day``: one day's)."""
    if day is not None:
        rows = slot_rows(slots, view.tz, "my", "t", view.school_id, view.id)
        rows.append([_button(_(BACK), "my", "r", view.school_id, view.id)])
    elif slot_pages.day_first(slots):
        rows = day_rows(slots, view.tz, "my", "d", view.school_id, view.id)
        rows.append([_button(_(BACK), "my", "v", view.school_id, view.id)])
    else:
        rows = slot_rows(slots, view.tz, "my", "t", view.school_id, view.id)
        rows.append([_button(_(BACK), "my", "v", view.school_id, view.id)])
    return InlineKeyboardMarkup(rows)


def reschedule_confirm_keyboard(
    view: BookingView, minute: int, day: int | None = None
) -> InlineKeyboardMarkup:
    """Move it, or back to the slots (of the slot's day, when the week has days)."""
    back = (
        _button(_(BACK), "my", "r", view.school_id, view.id)
        if day is None
        else _button(_(BACK), "my", "d", view.school_id, view.id, day)
    )
    return InlineKeyboardMarkup(
        [[_button(_("✅ Move it"), "my", "m", view.school_id, view.id, minute)], [back]]
    )


def cancel_reasons_keyboard(view: BookingView) -> InlineKeyboardMarkup:
    reasons = [
        _button(_(label), "my", "q", view.school_id, view.id, code)
        for code, label in mybookings_texts.CANCEL_REASONS.items()
    ]
    return InlineKeyboardMarkup(
        [
            *_rows(reasons, 3),
            [_button(_("Other (type it)"), "my", "o", view.school_id, view.id)],
            [_button(_("‹ Keep it"), "my", "v", view.school_id, view.id)],
        ]
    )


def cancel_confirm_keyboard(view: BookingView, reason_code: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(_("Yes, cancel it"), "my", "z", view.school_id, view.id, reason_code)],
            [_button(_("‹ Keep it"), "my", "v", view.school_id, view.id)],
        ]
    )
