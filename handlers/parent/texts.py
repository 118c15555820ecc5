"""Every text a parent reads: linking, booking, their bookings and refusals (pure, HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from core.directory import LessonRef
from core.family_view import WeekEntry, WeekStatus
from core.schedule import Slot
from core.views import BookingView
from handlers import slot_pages
from handlers.approval import texts as approval_texts
from handlers.formatting import booking_when, day_date, esc, long_date, tz_note

CANCEL_REASONS: dict[int, str] = {1: "Illness", 2: "Schedule clash", 3: "Holiday"}
TYPED_REASON = 0  # the reason was typed, kept with the chat (core.chat_steps) until confirmed

STRANGER = (
    "Hello! I book individual lesson slots for families of a music school.\n\n"
    "To start, open the invite link your school sent you "
    "(it looks like t.me/…?start=…), or ask the school office for one."
)
NOT_A_PARENT = (
    "Booking is for parents. Your account is not linked to a family yet: "
    "open the invite link your school sent you, or ask the school office for one."
)
ADMIN_NOT_PARENT = (
    "/book is how parents book. To book for a family: /admin, pick the lesson and the week, "
    'then "➕ Book for a family" (or <code>musicbot book</code> on the command line).'
)
TEACHER_NOT_PARENT = (
    "/book is how parents book your slots. /bookings LESSON [week] shows who booked what, "
    "/calendar your week."
)
STALE = "That button is out of date. Here is a fresh start:"
FORGED = "That button is not one of yours, so nothing was changed. Here is a fresh start:"
CALENDAR_FILE_NOT_SENT = (
    "Your booking is saved (/mybookings shows it); I could not send its calendar file just now."
)
NOT_FOUND = "I can't find that any more, so nothing was changed. Here is a fresh start:"
CLOSED_FLOW = "Closed. /book to book a slot, /mybookings for your bookings."
TYPE_REASON = "Please type the reason for cancelling in one message (or /cancel to stop)."
EMPTY_REASON = "Please type a short reason, or /cancel to stop."
REASON_LOST = "I lost the reason you typed. Please choose a reason again:"

WEEK_NOTES: dict[int, str] = {
    1: "A group week: the class meets as usual, no booking needed.",
    2: "That week is over.",
    3: "Bookings for this lesson are closed right now. The school will open them.",
    4: "Pick a time below.",
}
NOTE_OF_STATUS = {WeekStatus.GROUP: 1, WeekStatus.PAST: 2, WeekStatus.CLOSED: 3}


def greeting_linked(parent_name: str, school_name: str) -> str:
    return (
        f"Welcome, {esc(parent_name)}! Your account is now linked to {esc(school_name)}.\n\n"
        "/book – book an individual slot for your child\n"
        "/mybookings – see, move or cancel bookings\n"
        "/help – everything else"
    )


def welcome_back(name: str, is_parent: bool) -> str:
    lines = [f"Welcome back, {esc(name)}!", ""]
    if is_parent:
        lines += ["/book – book an individual slot", "/mybookings – see, move or cancel bookings"]
    lines.append("/help – what I can do for you")
    return "\n".join(lines)


def choose_school(purpose: str) -> str:
    return f"You are a parent in more than one school. Which school is this {purpose} for?"


def choose_child(school_name: str) -> str:
    return f"<b>{esc(school_name)}</b>\nWhich child would you like to book for?"


def no_children(school_name: str) -> str:
    return (
        f"I don't see any child of yours enrolled in a hybrid lesson at {esc(school_name)}. "
        "Please contact the school."
    )


def choose_lesson(child_name: str) -> str:
    return f"<b>{esc(child_name)}</b>\nWhich lesson?"


def no_lessons(child_name: str) -> str:
    return (
        f"{esc(child_name)} is not enrolled in a lesson with individual weeks. "
        "Please contact the school if that is wrong."
    )


def weeks_text(child_name: str, lesson: LessonRef, weeks: Sequence[WeekEntry]) -> str:
    to_book = [w.week for w in weeks if w.status is WeekStatus.TO_BOOK]
    closed = any(w.status is WeekStatus.CLOSED for w in weeks)
    lines = [f"<b>{esc(child_name)} · {esc(lesson.name)}</b>", esc(lesson.term_name), ""]
    if to_book:
        lines.append("Individual weeks to book: " + ", ".join(f"week {w}" for w in to_book) + ".")
    elif closed:
        lines.append("Bookings are closed right now; the school will open them.")
    else:
        lines.append("Nothing left to book in this lesson.")
    lines += ["", "📝 to book · ✅ booked · 👥 group week · 🔒 closed · past"]
    return "\n".join(lines)


def week_label(entry: WeekEntry) -> str:
    head = f"Week {entry.week} · {day_date(entry.monday)[4:]}"
    if entry.status is WeekStatus.BOOKED and entry.booking is not None:
        return f"Week {entry.week} · ✅ {entry.booking.local_start:%a %H:%M}"
    marker = {
        WeekStatus.GROUP: "👥 group",
        WeekStatus.TO_BOOK: "📝 to book",
        WeekStatus.PAST: "past",
        WeekStatus.CLOSED: "🔒 closed",
    }[entry.status]
    return f"{head} · {marker}"


def week_dates(lesson: LessonRef, week: int) -> str:
    monday = lesson.week_monday(week)
    return (
        f"week {week} ({day_date(monday)} – {day_date(monday.fromordinal(monday.toordinal() + 6))})"
    )


def slots_text(
    child_name: str, lesson: LessonRef, week: int, slots: Sequence[Slot], tz_name: str
) -> str:
    tz = ZoneInfo(tz_name)
    lines = [
        f"<b>{esc(child_name)} · {esc(lesson.name)}</b>",
        f"Free slots in {week_dates(lesson, week)}:",
    ]
    if slot_pages.day_first(slots):  # too many to list: a line per day, then a day first
        lines += _day_summary(slots, tz)
        lines += ["", f"{tz_note(tz_name)} Pick a day:"]
        return "\n".join(lines)
    for day, day_slots in slot_pages.by_day(slots, tz):
        times = ", ".join(f"{s.start_at.astimezone(tz):%H:%M}" for s in day_slots)
        lines.append(f"• {day_date(day)}: {times}")
    lines += ["", f"{tz_note(tz_name)} Pick a time:"]
    return "\n".join(lines)


def _day_summary(slots: Sequence[Slot], tz: ZoneInfo) -> list[str]:
    """'• Mon 22 Feb: 24 free, 15:00–20:45' per day."""
    lines = []
    for day, day_slots in slot_pages.by_day(slots, tz):
        first, last = day_slots[0].start_at.astimezone(tz), day_slots[-1].start_at.astimezone(tz)
        lines.append(f"• {day_date(day)}: {len(day_slots)} free, {first:%H:%M}–{last:%H:%M}")
    return lines


def no_slots_text(child_name: str, lesson: LessonRef, week: int) -> str:
    return (
        f"<b>{esc(child_name)} · {esc(lesson.name)}</b>\n"
        f"No slots left in {week_dates(lesson, week)}: every slot is taken or less than "
        "24 hours away. Please pick another week, or contact the school."
    )


def not_a_parent(is_known: bool, is_admin: bool, is_teacher: bool) -> str:
    """Why a parent's command does not apply to this account, in the account's own role."""
    if is_admin:
        return ADMIN_NOT_PARENT
    if is_teacher:
        return TEACHER_NOT_PARENT
    return NOT_A_PARENT if is_known else STRANGER


def slot_button(slot: Slot, tz: ZoneInfo) -> str:
    return f"{slot.start_at.astimezone(tz):%a %H:%M}"


def slot_taken(slots_screen: str, just: bool = True) -> str:
    """``just``: the slot went while the parent looked (a race, or a screen minutes old);
    otherwise it went some time ago (an old screen), or is now too close to book."""
    headline = (
        "Sorry, that slot has just been taken." if just else "Sorry, that slot is no longer free."
    )
    return f"{headline} Here is what is still free.\n\n" + slots_screen


def confirm_card(child_name: str, lesson: LessonRef, week: int, slot: Slot, tz_name: str) -> str:
    tz = ZoneInfo(tz_name)
    start, end = slot.start_at.astimezone(tz), slot.end_at.astimezone(tz)
    return "\n".join(
        [
            "<b>Please check and confirm</b>",
            "",
            f"Child: {esc(child_name)}",
            f"Lesson: {esc(lesson.name)} (individual session, week {week})",
            f"Teacher: {esc(lesson.teacher_name)}",
            f"Date: {long_date(start.date())}",
            f"Time: {start:%H:%M}–{end:%H:%M}",
            f"Location: {esc(lesson.location_name or '—')}",
            f"Room: {esc(lesson.room_name or '—')}",
            "",
            tz_note(tz_name),
        ]
    )


def booking_details(view: BookingView) -> list[str]:
    return [
        f"Child: {esc(view.student_name)}",
        f"Lesson: {esc(view.lesson_name)} (individual session, week {view.week})",
        f"Teacher: {esc(view.teacher_name)}",
        f"When: {booking_when(view)}",
        f"Location: {esc(view.location_name or '—')}",
        f"Room: {esc(view.room_name or '—')}",
    ]


def booking_card(view: BookingView, headline: str = "Your booking") -> str:
    lines = [f"<b>{esc(headline)}</b>", "", *booking_details(view)]
    if view.awaiting_confirmation:
        lines += ["", approval_texts.pending_card_note()]
    if not view.active:
        lines += ["", "This booking is cancelled."]
    else:
        lines += ["", tz_note(view.timezone), "Changes need 24 hours' notice."]
    return "\n".join(lines)


def booked(view: BookingView) -> str:
    if view.awaiting_confirmation:
        return booking_card(view, approval_texts.pending_headline())
    return booking_card(view, "Booked ✅")


def already_booked(view: BookingView) -> str:
    return booking_card(view, "Already booked — here it is")


def already_booked_other(view: BookingView) -> str:
    return booking_card(
        view,
        f"{view.student_name} already has a booking in week {view.week}. "
        "You can move it with Reschedule.",
    )


def calendar_caption(view: BookingView) -> str:
    if not view.active:
        return "Cancelled: open this file to remove the session from your calendar."
    if view.sequence:
        return "Updated: open this file to move the session in your calendar."
    return "Add to calendar: open this file."


def ics_file_name(view: BookingView) -> str:
    return f"booking-{view.id}.ics"


def refusal(message: str, school_name: str | None = None) -> str:
    text = esc(message)
    if school_name and "school" in message.lower():
        text += f"\n\n({esc(school_name)})"
    return text


def bookings_list(school_name: str, bookings: Sequence[BookingView]) -> str:
    if not bookings:
        return f"<b>{esc(school_name)}</b>\nNo upcoming bookings. /book to book a slot."
    lines = [f"<b>{esc(school_name)}</b> · upcoming bookings"]
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
    lines += ["", "Tap a booking to move or cancel it."]
    return "\n".join(lines)


def booking_button(view: BookingView) -> str:
    first = view.student_name.split()[0]
    return f"{first} · {view.lesson_name} · {view.local_start:%a %d %b %H:%M}"


def reschedule_text(view: BookingView, slots: Sequence[Slot], *, one_day: bool = False) -> str:
    """The free slots to move to: a week's (by day when too many), or ``one_day``'s."""
    head = (
        f"<b>Move {esc(view.student_name)}'s {esc(view.lesson_name)}</b>\nNow: {booking_when(view)}"
    )
    if not slots:
        return (
            head
            + "\n\nNo other free slots in that week. Keep it, cancel it, or contact the school."
        )
    if one_day:
        day = day_date(slots[0].start_at.astimezone(view.tz).date())
        return (
            head + f"\n\nFree slots on {day}, week {view.week} ({tz_note(view.timezone)}) "
            "Pick the new time:"
        )
    if slot_pages.day_first(slots):
        summary = "\n".join(_day_summary(slots, view.tz))
        return (
            head + f"\n\nFree slots in week {view.week}:\n{summary}\n\n"
            f"{tz_note(view.timezone)} Pick a day:"
        )
    return (
        head + f"\n\nFree slots in week {view.week} ({tz_note(view.timezone)}) Pick the new time:"
    )


def reschedule_confirm(view: BookingView, slot: Slot) -> str:
    tz = view.tz
    start, end = slot.start_at.astimezone(tz), slot.end_at.astimezone(tz)
    return "\n".join(
        [
            f"<b>Move {esc(view.student_name)}'s {esc(view.lesson_name)}?</b>",
            "",
            f"From: {booking_when(view)}",
            f"To: {long_date(start.date())}, {start:%H:%M}–{end:%H:%M}",
            "",
            "The old slot is released only once the new one is yours.",
        ]
    )


def rescheduled(view: BookingView) -> str:
    return booking_card(view, "Moved ✅")


def cancel_reason_prompt(view: BookingView) -> str:
    return (
        f"<b>Cancel {esc(view.student_name)}'s {esc(view.lesson_name)}?</b>\n"
        f"{booking_when(view)}\n\nWhy? Choose a reason, or type your own."
    )


def cancel_confirm(view: BookingView, reason: str) -> str:
    return (
        "<b>Cancel this booking?</b>\n\n"
        + "\n".join(booking_details(view))
        + f"\nReason: {esc(reason)}"
    )


def cancelled(view: BookingView) -> str:
    return booking_card(view, "Cancelled")


def reason_text(code: int, typed: str | None) -> str | None:
    if code == TYPED_REASON:
        return typed
    return CANCEL_REASONS.get(code)


def minute_label(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{day_date(local.date())} {local:%H:%M}"
