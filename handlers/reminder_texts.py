"""What reminders say, and their buttons (pure; HTML parse mode), in the recipient's language
(``Reminder.language``, core.languages)."""

from __future__ import annotations

from core.i18n import gettext as _
from core.i18n import use_language
from core.reminders.service import NotBookedNotice, Reminder, SessionNotice
from handlers.callbacks import encode
from handlers.formatting import booking_when, day_date, esc

Buttons = list[list[tuple[str, str]]]


def not_booked_text(notice: NotBookedNotice) -> str:
    headline = _("{lesson}: please book an individual slot").format(lesson=esc(notice.lesson_name))
    lines = [
        f"<b>{headline}</b>",
        _("{family}, these individual weeks still need a booking:").format(
            family=esc(notice.family_name)
        ),
    ]
    lines += [
        "• "
        + _("{child} – week {week} (from {monday})").format(
            child=esc(item.student_name), week=item.week, monday=day_date(item.week_monday)
        )
        for item in notice.items
    ]
    lines += [
        "",
        _("Tap a button to pick a time. A slot can be booked until 24 hours before it starts."),
    ]
    return "\n".join(lines)


def not_booked_buttons(notice: NotBookedNotice) -> Buttons:
    """One "Book now" button per child and week, opening the slot step of the booking flow."""
    return [
        [
            (
                _("Book {child} – week {week}").format(child=item.student_name, week=item.week),
                encode("bk", "s", notice.school_id, item.student_id, notice.lesson_id, item.week),
            )
        ]
        for item in notice.items
    ]


def session_text(notice: SessionNotice) -> str:
    booking = notice.booking
    return "\n".join(
        [
            "<b>" + _("Reminder: {lesson}").format(lesson=esc(booking.lesson_name)) + "</b>",
            f"{esc(booking.student_name)} – {booking_when(booking)}",
            _("Teacher: {teacher}").format(teacher=esc(booking.teacher_name)),
            _("Room: {room}").format(room=esc(booking.place)),
            "",
            _("/mybookings shows all your bookings."),
        ]
    )


def render(reminder: Reminder) -> tuple[str, Buttons]:
    """The message text and buttons of a reminder, in its recipient's language."""
    notice = reminder.notice
    with use_language(reminder.language):
        if isinstance(notice, SessionNotice):
            return session_text(notice), []
        return not_booked_text(notice), not_booked_buttons(notice)
