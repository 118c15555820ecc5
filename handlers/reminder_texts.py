"""What reminders say, and their buttons (pure; HTML parse mode)."""

from __future__ import annotations

from core.reminders.service import NotBookedNotice, Reminder, SessionNotice
from core.waitlist.notice import WaitlistOfferNotice
from handlers.callbacks import encode
from handlers.formatting import booking_when, day_date, esc
from handlers.parent import waitlist_texts

Buttons = list[list[tuple[str, str]]]


def not_booked_text(notice: NotBookedNotice) -> str:
    lines = [
        f"<b>{esc(notice.lesson_name)}: please book an individual slot</b>",
        f"{esc(notice.family_name)}, these individual weeks still need a booking:",
    ]
    lines += [
        f"• {esc(item.student_name)} – week {item.week} (from {day_date(item.week_monday)})"
        for item in notice.items
    ]
    lines += [
        "",
        "Tap a button to pick a time. A slot can be booked until 24 hours before it starts.",
    ]
    return "\n".join(lines)


def not_booked_buttons(notice: NotBookedNotice) -> Buttons:
    """One "Book now" button per child and week, opening the slot step of the booking flow."""
    return [
        [
            (
                f"Book {item.student_name} – week {item.week}",
                encode("bk", "s", notice.school_id, item.student_id, notice.lesson_id, item.week),
            )
        ]
        for item in notice.items
    ]


def session_text(notice: SessionNotice) -> str:
    booking = notice.booking
    return "\n".join(
        [
            f"<b>Reminder: {esc(booking.lesson_name)}</b>",
            f"{esc(booking.student_name)} – {booking_when(booking)}",
            f"Teacher: {esc(booking.teacher_name)}",
            f"Room: {esc(booking.place)}",
            "",
            "/mybookings shows all your bookings.",
        ]
    )


def render(reminder: Reminder) -> tuple[str, Buttons]:
    """The message text and buttons of a reminder."""
    notice = reminder.notice
    if isinstance(notice, SessionNotice):
        return session_text(notice), []
    if isinstance(notice, WaitlistOfferNotice):  # the waitlist's offers (core.waitlist.offers)
        return waitlist_texts.offer_text(notice), waitlist_texts.offer_buttons(notice)
    return not_booked_text(notice), not_booked_buttons(notice)
