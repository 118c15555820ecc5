"""Inline keyboards of the admin dashboard and the teacher's read-only views (pure).

Callback data of the ``ad`` area (every id re-validated by the handler):

- ``ad:home:<school>``, ``ad:hp``, ``ad:tm``, ``ad:tf`` the dashboard by term (see
  handlers.admin.dashboard_keyboards); ``ad:l:<school>:<lesson>`` lesson panel;
  ``ad:tog:<school>:<lesson>:<1 open|0 close>`` open or close bookings;
- ``ad:wk:<school>:<lesson>:<week>:<page>`` a week's bookings; ``ad:b:<school>:<booking>``
  a booking's card;
- ``ad:nb:<school>:<lesson>:<week>`` book for a family: pick a student
  (``ad:np:<school>:<lesson>:<week>:<page>`` another page of them);
  ``ad:ns:<school>:<lesson>:<week>:<student>`` pick a slot (a day first when the week is
  too full for one screen; ``ad:nd:...:<student>:<minute>`` one day, see slot_pages);
  ``ad:nk:<school>:<lesson>:<week>:<student>:<minute>`` check and confirm;
  ``ad:ny:<school>:<lesson>:<week>:<student>:<minute>`` book it;
- ``ad:rw:<school>:<booking>`` move: pick a week; ``ad:rs:<school>:<booking>:<week>`` pick a
  slot (``ad:rd:...:<week>:<minute>`` one day of a full week);
  ``ad:ry:<school>:<booking>:<week>:<minute>`` move it;
- ``ad:cx:<school>:<booking>`` cancel: pick a reason; ``ad:cy:<school>:<booking>:<reason>``
  cancel with a listed reason; ``ad:ct:<school>:<booking>`` type a reason;
- ``ad:at:<school>:<booking>:<1 completed|2 no-show>`` attendance;
- ``ad:inv:<school>:<family>`` invite links (a school picked for ``/invite``);
- ``ad:wl:<school>:<lesson>:<week>`` a week's waitlist (handlers.admin.waitlist_view);
  a lesson's screens (``ad:l``, ``ad:tog``, ``ad:wk``, ``ad:wl``), a booking's card and its
  steps (``ad:b``, ``ad:rw`` ... ``ad:at``) and booking for a family (``ad:nb`` ... ``ad:ny``)
  may carry one more field, the way back to the dashboard (handlers.admin.dashboard_back).

``tc:wk:<school>:<lesson>:<week>:<page>`` is the teacher's read-only week of bookings.
``rm:go:<school>:<lesson>`` (reminders) belongs to another area; only the button is here.
``<minute>`` is a slot start in whole minutes since the Unix epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.db.models import BookingStatus
from core.i18n import gettext as _
from core.refs import LessonRef
from core.schedule import Slot
from core.views import BookingView, LessonStats, MissingStudent
from handlers import slot_pages
from handlers.admin.dashboard_texts import week_label
from handlers.admin.texts import CANCEL_REASONS, booking_button_label
from handlers.callbacks import encode, to_minute
from handlers.formatting import slot_label

AREA = "ad"
TEACHER_AREA = "tc"
ATTENDANCE = {1: BookingStatus.COMPLETED, 2: BookingStatus.NO_SHOW}
SLOTS_PER_ROW = 3


def ad(action: str, *args: int) -> str:
    return encode(AREA, action, *args)


def pager(
    area: str, action: str, prefix: tuple[int, ...], page: int, pages: int
) -> list[list[InlineKeyboardButton]]:
    """'◀ Prev' and 'Next ▶' as needed around page ``page`` of ``pages``: one row, or none.
    The page number is the button's last field, after ``prefix``."""
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(_("◀ Prev"), callback_data=encode(area, action, *prefix, page - 1))
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(_("Next ▶"), callback_data=encode(area, action, *prefix, page + 1))
        )
    return [nav] if nav else []


def school_picker(schools: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(name, callback_data=ad("home", sid))] for sid, name in schools]
    )


def lesson_panel(school_id: int, lesson: LessonRef, stats: LessonStats) -> InlineKeyboardMarkup:
    """Open/close, one button per individual week, remind, back."""
    toggle = (
        InlineKeyboardButton(
            _("🔴 Close bookings"), callback_data=ad("tog", school_id, lesson.id, 0)
        )
        if stats.bookings_open
        else InlineKeyboardButton(
            _("🟢 Open bookings"), callback_data=ad("tog", school_id, lesson.id, 1)
        )
    )
    weeks = [
        InlineKeyboardButton(week_label(w), callback_data=ad("wk", school_id, lesson.id, w.week, 0))
        for w in stats.weeks
    ]
    rows = [[toggle]]
    rows += [weeks[i : i + 2] for i in range(0, len(weeks), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                _("🔔 Remind"), callback_data=encode("rm", "go", school_id, lesson.id)
            ),
            InlineKeyboardButton(_("🔄 Refresh"), callback_data=ad("l", school_id, lesson.id)),
        ]
    )
    back = ad("tm", school_id, lesson.term_id, 0, 0) if lesson.term_id else ad("home", school_id)
    rows.append([InlineKeyboardButton(_("⬅ All lessons"), callback_data=back)])
    return InlineKeyboardMarkup(rows)


def week_bookings(
    school_id: int,
    lesson_id: int,
    week: int,
    bookings: Sequence[BookingView],
    page: int,
    pages: int,
    can_book: bool,
) -> InlineKeyboardMarkup:
    """A button per booking of the page, paging, 'book for a family', back."""
    rows = [
        [InlineKeyboardButton(booking_button_label(b), callback_data=ad("b", school_id, b.id))]
        for b in bookings
    ]
    rows += pager(AREA, "wk", (school_id, lesson_id, week), page, pages)
    if can_book:
        rows.append(
            [
                InlineKeyboardButton(
                    _("➕ Book for a family"), callback_data=ad("nb", school_id, lesson_id, week)
                )
            ]
        )
    rows.append([InlineKeyboardButton(_("⬅ Lesson"), callback_data=ad("l", school_id, lesson_id))])
    return InlineKeyboardMarkup(rows)


def booking_card(booking: BookingView, started: bool) -> InlineKeyboardMarkup:
    """Move and cancel before the session; completed / no-show once it has started."""
    school_id = booking.school_id
    rows: list[list[InlineKeyboardButton]] = []
    if booking.status in (BookingStatus.CONFIRMED, BookingStatus.PENDING):
        if started:
            rows.append(
                [
                    InlineKeyboardButton(
                        _("✅ Completed"), callback_data=ad("at", school_id, booking.id, 1)
                    ),
                    InlineKeyboardButton(
                        _("🚫 No-show"), callback_data=ad("at", school_id, booking.id, 2)
                    ),
                ]
            )
        else:
            rows.append(
                [
                    InlineKeyboardButton(
                        _("🔁 Move"), callback_data=ad("rw", school_id, booking.id)
                    ),
                    InlineKeyboardButton(
                        _("✖ Cancel booking"), callback_data=ad("cx", school_id, booking.id)
                    ),
                ]
            )
    rows.append(
        [
            InlineKeyboardButton(
                _("⬅ Week"), callback_data=ad("wk", school_id, booking.lesson_id, booking.week, 0)
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def slot_rows(
    slots: Sequence[Slot], tz: ZoneInfo, data_of: Callable[[int], str]
) -> list[list[InlineKeyboardButton]]:
    """Slot buttons, three a row, labelled 'Mon 22 Feb 15:30'; ``data_of(minute)`` gives data.
    A week too full for one screen is shown by day first (see slot_pages)."""
    buttons = [
        InlineKeyboardButton(
            slot_label(slot.start_at, tz), callback_data=data_of(to_minute(slot.start_at))
        )
        for slot in slots
    ]
    return [buttons[i : i + SLOTS_PER_ROW] for i in range(0, len(buttons), SLOTS_PER_ROW)]


def pick_student(
    school_id: int,
    lesson_id: int,
    week: int,
    missing: Sequence[MissingStudent],
    page: int = 0,
    pages: int = 1,
) -> InlineKeyboardMarkup:
    """The students of one page (``missing`` is that page's), paging, back to the week."""
    rows = [
        [
            InlineKeyboardButton(
                f"{m.student_name} ({m.family_name})",
                callback_data=ad("ns", school_id, lesson_id, week, m.student_id),
            )
        ]
        for m in missing
    ]
    rows += pager(AREA, "np", (school_id, lesson_id, week), page, pages)
    rows.append(
        [InlineKeyboardButton(_("⬅ Week"), callback_data=ad("wk", school_id, lesson_id, week, 0))]
    )
    return InlineKeyboardMarkup(rows)


def day_rows(
    slots: Sequence[Slot], tz: ZoneInfo, data_of: Callable[[int], str]
) -> list[list[InlineKeyboardButton]]:
    """A button per day (or part of one) of a week too full for one screen, two a row."""
    buttons = [
        InlineKeyboardButton(part.label(tz), callback_data=data_of(part.key))
        for part in slot_pages.parts(slots, tz)
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def new_booking_slots(
    school_id: int,
    lesson_id: int,
    week: int,
    student_id: int,
    slots: Sequence[Slot],
    tz: ZoneInfo,
    day: int | None = None,
) -> InlineKeyboardMarkup:
    """The slots to book for the student; the week's days first when too many."""
    prefix = (school_id, lesson_id, week, student_id)
    if day is None and slot_pages.day_first(slots):
        rows = day_rows(slots, tz, lambda key: ad("nd", *prefix, key))
    else:
        rows = slot_rows(slots, tz, lambda minute: ad("nk", *prefix, minute))
    back = (
        InlineKeyboardButton(_("⬅ Students"), callback_data=ad("nb", school_id, lesson_id, week))
        if day is None
        else InlineKeyboardButton(_("⬅ Days"), callback_data=ad("ns", *prefix))
    )
    return InlineKeyboardMarkup([*rows, [back]])


def confirm_new_booking(
    school_id: int, lesson_id: int, week: int, student_id: int, minute: int
) -> InlineKeyboardMarkup:
    """Book it, or back to the slots."""
    prefix = (school_id, lesson_id, week, student_id)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("✅ Book it"), callback_data=ad("ny", *prefix, minute))],
            [InlineKeyboardButton(_("⬅ Slots"), callback_data=ad("ns", *prefix))],
        ]
    )


def move_weeks(booking: BookingView, weeks: Sequence[int]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            _("Week {week} (now)").format(week=w)
            if w == booking.week
            else _("Week {week}").format(week=w),
            callback_data=ad("rs", booking.school_id, booking.id, w),
        )
        for w in weeks
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append(
        [InlineKeyboardButton(_("⬅ Booking"), callback_data=ad("b", booking.school_id, booking.id))]
    )
    return InlineKeyboardMarkup(rows)


def move_slots(
    booking: BookingView, week: int, slots: Sequence[Slot], tz: ZoneInfo, day: int | None = None
) -> InlineKeyboardMarkup:
    """The slots to move the booking to; the week's days first when too many."""
    prefix = (booking.school_id, booking.id, week)
    if day is None and slot_pages.day_first(slots):
        rows = day_rows(slots, tz, lambda key: ad("rd", *prefix, key))
    else:
        rows = slot_rows(slots, tz, lambda minute: ad("ry", *prefix, minute))
    back = (
        InlineKeyboardButton(_("⬅ Weeks"), callback_data=ad("rw", booking.school_id, booking.id))
        if day is None
        else InlineKeyboardButton(_("⬅ Days"), callback_data=ad("rs", *prefix))
    )
    return InlineKeyboardMarkup([*rows, [back]])


def cancel_reasons(school_id: int, booking_id: int) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(_(reason), callback_data=ad("cy", school_id, booking_id, code))]
        for code, reason in CANCEL_REASONS.items()
    ]
    rows.append(
        [InlineKeyboardButton(_("✍ Type a reason"), callback_data=ad("ct", school_id, booking_id))]
    )
    rows.append(
        [
            InlineKeyboardButton(
                _("⬅ Keep the booking"), callback_data=ad("b", school_id, booking_id)
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def back_to_booking(school_id: int, booking_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("⬅ Booking"), callback_data=ad("b", school_id, booking_id))]]
    )


def back_to_lesson(school_id: int, lesson_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("⬅ Lesson"), callback_data=ad("l", school_id, lesson_id))]]
    )


def lesson_choices(choices: Sequence[tuple[int, str, int]]) -> InlineKeyboardMarkup:
    """(school id, school name, lesson id): one lesson key found in several schools."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(name, callback_data=ad("l", sid, lesson_id))]
            for sid, name, lesson_id in choices
        ]
    )


LESSON_COMMANDS = ("stats", "bookings", "open", "close")


def lesson_command_choices(
    command: str, lessons: Sequence[tuple[int, str, int]]
) -> InlineKeyboardMarkup:
    """A bare /stats, /bookings, /open or /close: (school id, label, lesson id) as buttons
    doing that command (the lesson panel; open or close it)."""

    def data(school_id: int, lesson_id: int) -> str:
        if command in ("open", "close"):
            return ad("tog", school_id, lesson_id, 1 if command == "open" else 0)
        return ad("l", school_id, lesson_id)

    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data(sid, lesson_id))]
            for sid, label, lesson_id in lessons
        ]
    )


def family_choices(choices: Sequence[tuple[int, str, int]]) -> InlineKeyboardMarkup:
    """(school id, school name, family id): one family key found in several schools."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(name, callback_data=ad("inv", sid, family_id))]
            for sid, name, family_id in choices
        ]
    )


def teacher_weeks(
    school_id: int, lesson: LessonRef, current: int | None, page: int = 0, pages: int = 1
) -> InlineKeyboardMarkup:
    """The teacher's read-only week picker (and paging of the current week)."""
    buttons = [
        InlineKeyboardButton(
            _("• Week {week} •").format(week=w)
            if w == current
            else _("Week {week}").format(week=w),
            callback_data=encode(TEACHER_AREA, "wk", school_id, lesson.id, w, 0),
        )
        for w in lesson.individual_weeks
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    if current is not None:
        rows += pager(TEACHER_AREA, "wk", (school_id, lesson.id, current), page, pages)
    return InlineKeyboardMarkup(rows)
