"""The texts of /mybookings (pure, HTML): the family's upcoming bookings and their buttons,
moving one within its week, cancelling one with a reason (listed, or typed and kept until
confirmed: ``TYPED_REASON``).

In the current language (core.i18n), as handlers.parent.texts, whose booking card and
details they build on.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from core.i18n import N_, format_clock, format_day
from core.i18n import gettext as _
from core.schedule import Slot
from core.views import BookingView
from handlers import slot_pages
from handlers.approval import texts as approval_texts
from handlers.formatting import booking_when, day_date, esc, long_date, tz_note
from handlers.parent import texts

CANCEL_REASONS: dict[int, str] = {1: N_("Illness"), 2: N_("Schedule clash"), 3: N_("Holiday")}
TYPED_REASON = 0  # the reason was typed, kept with the chat (core.chat_steps) until confirmed

TYPE_REASON = N_("Please type the reason for cancelling in one message (or /cancel to stop).")
EMPTY_REASON = N_("Please type a short reason, or /cancel to stop.")
REASON_LOST = N_("I lost the reason you typed. Please choose a reason again:")


def bookings_list(school_name: str, bookings: Sequence[BookingView]) -> str:
    if not bookings:
        return f"<b>{esc(school_name)}</b>\n" + _("No upcoming bookings. /book to book a slot.")
    lines = [f"<b>{esc(school_name)}</b> · " + _("upcoming bookings")]
    by_child = groupby(
        sorted(bookings, key=lambda b: (b.student_name, b.start_at)), key=lambda b: b.student_name
    )
    for child_name, views in by_child:
        lines += ["", f"<b>{esc(child_name)}</b>"]
        for view in views:
            line = f"• {esc(view.lesson_name)}: {booking_when(view)}"
            if view.awaiting_confirmation:
                line += f" ({approval_texts.waiting_note()})"
            lines.append(line)
    lines += ["", _("Tap a booking to move or cancel it.")]
    return "\n".join(lines)


def booking_button(view: BookingView) -> str:
    first = view.student_name.split()[0]
    start = view.local_start
    return f"{first} · {view.lesson_name} · {format_day(start, padded=True)} {format_clock(start)}"


def reschedule_text(view: BookingView, slots: Sequence[Slot], *, one_day: bool = False) -> str:
    """The free slots to move to: a week's (by day when too many), or ``one_day``'s."""
    move = _("Move {child}'s {lesson}").format(
        child=esc(view.student_name), lesson=esc(view.lesson_name)
    )
    head = f"<b>{move}</b>\n" + _("Now: {when}").format(when=booking_when(view))
    if not slots:
        return (
            head
            + "\n\n"
            + _("No other free slots in that week. Keep it, cancel it, or contact the school.")
        )
    if one_day:
        day = day_date(slots[0].start_at.astimezone(view.tz).date())
        return (
            head
            + "\n\n"
            + _("Free slots on {day}, week {week} ({zone}) Pick the new time:").format(
                day=day, week=view.week, zone=tz_note(view.timezone)
            )
        )
    if slot_pages.day_first(slots):
        summary = "\n".join(texts.day_summary(slots, view.tz))
        return (
            head
            + "\n\n"
            + _("Free slots in week {week}:").format(week=view.week)
            + f"\n{summary}\n\n{tz_note(view.timezone)} "
            + _("Pick a day:")
        )
    return (
        head
        + "\n\n"
        + _("Free slots in week {week} ({zone}) Pick the new time:").format(
            week=view.week, zone=tz_note(view.timezone)
        )
    )


def reschedule_confirm(view: BookingView, slot: Slot) -> str:
    tz = view.tz
    start, end = slot.start_at.astimezone(tz), slot.end_at.astimezone(tz)
    return "\n".join(
        [
            "<b>"
            + _("Move {child}'s {lesson}?").format(
                child=esc(view.student_name), lesson=esc(view.lesson_name)
            )
            + "</b>",
            "",
            _("From: {when}").format(when=booking_when(view)),
            _("To: {when}").format(
                when=f"{long_date(start.date())}, {format_clock(start)}–{format_clock(end)}"
            ),
            "",
            _("The old slot is released only once the new one is yours."),
        ]
    )


def rescheduled(view: BookingView) -> str:
    return texts.booking_card(view, _("Moved ✅"))


def cancel_reason_prompt(view: BookingView) -> str:
    cancel = _("Cancel {child}'s {lesson}?").format(
        child=esc(view.student_name), lesson=esc(view.lesson_name)
    )
    return f"<b>{cancel}</b>\n{booking_when(view)}\n\n" + _(
        "Why? Choose a reason, or type your own."
    )


def cancel_confirm(view: BookingView, reason: str) -> str:
    return (
        "<b>"
        + _("Cancel this booking?")
        + "</b>\n\n"
        + "\n".join(texts.booking_details(view))
        + "\n"
        + _("Reason: {reason}").format(reason=esc(reason))
    )


def cancelled(view: BookingView) -> str:
    return texts.booking_card(view, _("Cancelled"))


def reason_text(code: int, typed: str | None) -> str | None:
    if code == TYPED_REASON:
        return typed
    reason = CANCEL_REASONS.get(code)
    return _(reason) if reason is not None else None
