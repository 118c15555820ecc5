"""What the waitlist says in chat, and its buttons (pure; HTML parse mode).

Callback data of the ``wl`` area: ``wl:j:<school>:<student>:<lesson>:<week>`` join a week's
list; ``wl:l:<school>:<entry>`` leave it; ``wl:a:<school>:<offer>`` accept an offer (book
the freed slot); ``wl:n:<school>:<offer>`` decline it.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import format_clock
from core.i18n import gettext as _
from core.waitlist.notice import WaitlistOfferNotice
from core.waitlist.service import WaitingView
from handlers.callbacks import encode
from handlers.formatting import esc, long_date, slot_label

Buttons = list[list[tuple[str, str]]]


def join_label() -> str:
    return _("🔔 Tell me if a slot frees up")


def leave_label() -> str:
    return _("Leave the waitlist")


def join_button(school_id: int, student_id: int, lesson_id: int, week: int) -> InlineKeyboardButton:
    data = encode("wl", "j", school_id, student_id, lesson_id, week)
    return InlineKeyboardButton(join_label(), callback_data=data)


def leave_button(view: WaitingView) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        leave_label(), callback_data=encode("wl", "l", view.school_id, view.id)
    )


def on_list_line(view: WaitingView) -> str:
    """'Emma Smith is on the waitlist of Piano Foundations, week 4 (number 2).'"""
    return _("🔔 {child} is on the waitlist of {lesson}, week {week} (number {position}).").format(
        child=esc(view.student_name),
        lesson=esc(view.lesson_name),
        week=view.week,
        position=view.position,
    )


def joined_text(view: WaitingView) -> str:
    return "\n".join(
        [
            on_list_line(view),
            "",
            _(
                "When a booking of that week is cancelled or moved, the families on the list "
                "are offered the freed slot in order: the first to accept gets it. Nobody is "
                "offered a slot that starts within 24 hours."
            ),
        ]
    )


def joined_keyboard(view: WaitingView) -> InlineKeyboardMarkup:
    back = encode("bk", "w", view.school_id, view.student_id, view.lesson_id)
    return InlineKeyboardMarkup(
        [[leave_button(view)], [InlineKeyboardButton(_("Back to weeks"), callback_data=back)]]
    )


def left_text(view: WaitingView) -> str:
    return _("{child} is no longer on the waitlist of {lesson}, week {week}.").format(
        child=esc(view.student_name), lesson=esc(view.lesson_name), week=view.week
    )


def waitlist_lines(entries: Sequence[WaitingView]) -> list[str]:
    """The /mybookings section: every list the family's children wait on."""
    if not entries:
        return []
    return ["", "<b>" + _("Waiting for a slot") + "</b>", *(on_list_line(e) for e in entries)]


def waitlist_rows(entries: Sequence[WaitingView]) -> list[list[InlineKeyboardButton]]:
    return [
        [
            InlineKeyboardButton(
                _("Leave waitlist: {child}, week {week}").format(child=e.student_name, week=e.week),
                callback_data=encode("wl", "l", e.school_id, e.id),
            )
        ]
        for e in entries
    ]


def offer_text(notice: WaitlistOfferNotice) -> str:
    tz = ZoneInfo(notice.timezone)
    start, end = notice.start_at.astimezone(tz), notice.end_at.astimezone(tz)
    return "\n".join(
        [
            "<b>"
            + _("🔔 A slot has freed up: {lesson}").format(lesson=esc(notice.lesson_name))
            + "</b>",
            _("{child} – week {week}, {day}, {start}–{end}").format(
                child=esc(notice.student_name),
                week=notice.week,
                day=long_date(start.date()),
                start=format_clock(start),
                end=format_clock(end),
            ),
            _("Teacher: {teacher}").format(teacher=esc(notice.teacher_name)),
            "",
            _(
                "The first family on the waitlist to accept gets it. "
                "This offer stands until {until}."
            ).format(until=slot_label(notice.expires_at, tz)),
        ]
    )


def offer_buttons(notice: WaitlistOfferNotice) -> Buttons:
    return [
        [
            (_("✅ Book it"), encode("wl", "a", notice.school_id, notice.offer_id)),
            (_("No, thanks"), encode("wl", "n", notice.school_id, notice.offer_id)),
        ]
    ]


def declined_text() -> str:
    return _(
        "All right: the slot goes to the next family. You stay on the waitlist, "
        "and we tell you if another slot frees up."
    )


def lost_text(message: str) -> str:
    return esc(message)
