"""Every text an admin or a teacher reads, and what parents are told of an admin's change.

Pure functions returning HTML for Telegram's HTML parse mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from core.db.models import BookingStatus, LessonType
from core.directory import LessonRef
from core.i18n import format_clock
from core.i18n import gettext as _
from core.schedule import DAYS
from core.views import BookingView, MissingStudent
from handlers.formatting import booking_when, day_date, esc, long_date, who_acted

CANCEL_REASONS: dict[int, str] = {
    1: "Teacher unavailable",
    2: "The family asked to cancel",
    3: "School closed that day",
}

NOT_ADMIN = "That is for the school's admins, so nothing was changed. /help shows what you can do."
NOT_THIS_SCHOOL = "You are not an admin of that school, so nothing was changed."
TEACHER_READ_ONLY = (
    "Teachers can look but not change anything here, so nothing was changed. "
    "You can look with /lessons, /bookings LESSON [week], /stats LESSON and /calendar; "
    "for changes please ask the school's admin."
)
NOT_YOUR_LESSON = "That is not one of your lessons, so I can't show its bookings."
NOT_STAFF = "That is for the school's teachers and admins. /help shows what you can do."
PICK_SCHOOL = "You help run several schools. Which one?"
TYPE_REASON = "Please type the reason for cancelling in one message (or /cancel to stop)."
EMPTY_REASON = "Please type a short reason, or /cancel to stop."
NO_SLOTS = "No free slots are left in that week."
NOBODY_MISSING = "Every student has a booking in that week."

STATUS_WORDS: dict[BookingStatus, str] = {
    BookingStatus.PENDING: "pending",
    BookingStatus.CONFIRMED: "confirmed",
    BookingStatus.CANCELLED: "cancelled",
    BookingStatus.COMPLETED: "completed",
    BookingStatus.NO_SHOW: "no-show",
}
TYPE_WORDS: dict[LessonType, str] = {
    LessonType.INDIVIDUAL: "individual",
    LessonType.GROUP: "group",
    LessonType.BAND: "band",
    LessonType.HYBRID: "hybrid",
}


def open_word(is_open: bool) -> str:
    return "open" if is_open else "closed"


def percent(rate: float) -> str:
    return f"{round(rate * 100)}%"


# ------------------------------------------------------------------ lesson
# (the dashboard's and a lesson panel's texts are in handlers.admin.dashboard_texts)


def missing_label(student: MissingStudent) -> str:
    """'Liam Smith (Smith family)', with '⚠ unreachable' when no parent can get a message."""
    text = f"{student.student_name} ({student.family_name})"
    return f"{text} ⚠ unreachable" if student.unreachable else text


def toggled_text(lesson_name: str, is_open: bool, changed: bool) -> str:
    state = open_word(is_open)
    if changed:
        return f"Bookings for {esc(lesson_name)} are now <b>{state}</b>."
    return f"Bookings for {esc(lesson_name)} were already <b>{state}</b>."


# ------------------------------------------------------------------ a week's bookings


def booking_line(booking: BookingView) -> str:
    """'15:00–15:30 Emma Smith (Smith family) · confirmed'."""
    return (
        f"{booking.local_start:%H:%M}–{booking.local_end:%H:%M} {esc(booking.student_name)} "
        f"({esc(booking.family_name)}) · {STATUS_WORDS[booking.status]}"
    )


def booking_button_label(booking: BookingView) -> str:
    return (
        f"{day_date(booking.local_start.date())} {booking.local_start:%H:%M} "
        f"{booking.student_name} · {STATUS_WORDS[booking.status]}"
    )


def week_bookings_text(
    lesson: LessonRef,
    week: int,
    bookings: Sequence[BookingView],
    total: int,
    page: int,
    pages: int,
    missing: Sequence[MissingStudent],
    past: bool = False,
) -> str:
    """One page (of ``pages``) of a week's bookings, then the families still to book (of a
    week that is over: those who did not book)."""
    monday = lesson.week_monday(week)
    title = f"<b>{esc(lesson.name)}</b> · week {week} ({esc(day_date(monday))})"
    lines = [title, f"{total} booking{'' if total == 1 else 's'}" + _page_note(page, pages)]
    lines += [booking_line(b) for b in bookings] or ["No bookings yet."]
    lines.append("")
    if past:
        lines.append(week_over_note())
    if missing:
        lines.append(_("<b>Not booked</b>") if past else "<b>Still to book</b>")
        lines += [f"• {esc(missing_label(m))}" for m in missing]
    elif not past:
        lines.append(NOBODY_MISSING)
    return "\n".join(lines)


def week_over_note() -> str:
    return _("This week is over: nobody can book it any more.")


def _page_note(page: int, pages: int) -> str:
    return f" · page {page + 1} of {pages}" if pages > 1 else ""


def booking_card_text(booking: BookingView) -> str:
    lines = [
        f"<b>Booking #{booking.id}</b> · {STATUS_WORDS[booking.status]}",
        f"{esc(booking.lesson_name)} · week {booking.week}",
        f"{esc(booking.student_name)} ({esc(booking.family_name)})",
        esc(booking_when(booking)),
        f"With {esc(booking.teacher_name)} · {esc(booking.place)}",
        f"Booked by {esc(who_acted(booking.booked_by))}",
    ]
    if booking.updated_by:
        lines.append(f"Last changed by {esc(who_acted(booking.updated_by))}")
    if booking.cancelled_by:
        reason = f": {esc(booking.cancel_reason)}" if booking.cancel_reason else ""
        lines.append(f"Cancelled by {esc(who_acted(booking.cancelled_by))}{reason}")
    return "\n".join(lines)


def pick_student_text(lesson_name: str, week: int, page: int = 0, pages: int = 1) -> str:
    where = f" (page {page + 1} of {pages})" if pages > 1 else ""
    return f"Book {esc(lesson_name)}, week {week}, for a family. Which student?{where}"


def pick_slot_text(
    lesson_name: str, week: int, student_name: str | None = None, *, by_day: bool = False
) -> str:
    who = f" for {esc(student_name)}" if student_name else ""
    what = "pick a day, then a time" if by_day else "pick a time"
    return (
        f"{esc(lesson_name)}, week {week}{who}: {what}. "
        "As an admin you may book inside 24 hours and while bookings are closed."
    )


def pick_week_text(booking: BookingView) -> str:
    return f"Move booking #{booking.id} of {esc(booking.student_name)}: which week?"


def cancel_reason_text(booking: BookingView) -> str:
    return (
        f"Cancel booking #{booking.id} of {esc(booking.student_name)} "
        f"({esc(booking_when(booking))})? Pick a reason, or type one."
    )


def confirm_new_booking_text(
    lesson_name: str, week: int, student: MissingStudent, when: str, parents_told: bool = True
) -> str:
    """The check before an admin books for a family, like the parent's confirm card."""
    return "\n".join(
        [
            "<b>Please check and confirm</b>",
            "",
            f"Child: {esc(student.student_name)} ({esc(student.family_name)})",
            f"Lesson: {esc(lesson_name)} (individual session, week {week})",
            f"When: {esc(when)}",
            "",
            "The family is told in chat once it is booked.",
        ]
    )


def booked_text(booking: BookingView, told: int) -> str:
    return f"Booked: {esc(booking.student_name)}, {esc(booking_when(booking))}.\n" + told_text(told)


def moved_text(booking: BookingView, told: int) -> str:
    return (
        f"Moved booking #{booking.id} of {esc(booking.student_name)} to "
        f"{esc(booking_when(booking))}.\n" + told_text(told)
    )


def cancelled_text(booking: BookingView, told: int) -> str:
    return (
        f"Cancelled booking #{booking.id} of {esc(booking.student_name)} "
        f"({esc(booking_when(booking))}).\n" + told_text(told)
    )


def attendance_text(booking: BookingView) -> str:
    return (
        f"Booking #{booking.id} of {esc(booking.student_name)} is marked "
        f"<b>{STATUS_WORDS[booking.status]}</b>."
    )


def told_text(told: int) -> str:
    if told == 0:
        return "No parent of the family could be told in chat: please let them know."
    return f"The family was told in chat ({told} parent{'' if told == 1 else 's'})."


# ------------------------------------------------------------------ what parents are told


# the notices to parents (in each parent's language: handlers.notify_parents)


def parent_booked_notice(school_name: str, booking: BookingView) -> str:
    return _(
        "{school} booked an individual session for {child}:\n"
        "<b>{lesson}</b>, {when}, with {teacher} ({place}).\n"
        "The calendar file is attached. /mybookings shows all your bookings."
    ).format(
        school=esc(school_name),
        child=esc(booking.student_name),
        lesson=esc(booking.lesson_name),
        when=esc(booking_when(booking)),
        teacher=esc(booking.teacher_name),
        place=esc(booking.place),
    )


def parent_moved_notice(school_name: str, booking: BookingView, old_start: datetime) -> str:
    local = old_start.astimezone(booking.tz)
    old = f"{long_date(local.date())}, {format_clock(local)}"
    return _(
        "{school} moved {child}'s <b>{lesson}</b> session\n"
        "from {old}\nto <b>{when}</b>.\n"
        "The updated calendar file is attached."
    ).format(
        school=esc(school_name),
        child=esc(booking.student_name),
        lesson=esc(booking.lesson_name),
        old=esc(old),
        when=esc(booking_when(booking)),
    )


def parent_cancelled_notice(school_name: str, booking: BookingView) -> str:
    reason = (
        "\n" + _("Reason: {reason}").format(reason=esc(booking.cancel_reason))
        if booking.cancel_reason
        else ""
    )
    return _(
        "{school} cancelled {child}'s <b>{lesson}</b> session on {when}.{reason}\n"
        "The calendar file attached removes it from your calendar. /book to pick another time."
    ).format(
        school=esc(school_name),
        child=esc(booking.student_name),
        lesson=esc(booking.lesson_name),
        when=esc(booking_when(booking)),
        reason=reason,
    )


# ------------------------------------------------------------------ commands


def unknown_lesson(key: str, valid_keys: Sequence[str]) -> str:
    keys = ", ".join(f"<code>{esc(k)}</code>" for k in valid_keys) or "none"
    return f"There is no lesson <code>{esc(key)}</code> for you. Valid lesson keys: {keys}."


def unknown_family(key: str, near: Sequence[str] = ()) -> str:
    text = f"There is no family <code>{esc(key)}</code> in your school."
    if near:
        text += " Did you mean " + " or ".join(f"<code>{esc(k)}</code>" for k in near) + "?"
    return text


def pick_a_lesson(command: str) -> str:
    return esc(usage(command)) + " Or pick a lesson:"


def already_linked(names: Sequence[str]) -> str:
    """Said to the admin (not in the forwardable invites) when a parent is linked already."""
    who = ", ".join(esc(n) for n in names)
    return (
        f"Already linked: {who} (their Telegram account is on record and gets the bot's "
        "messages). Their new link is needed only if they use another account now."
    )


def usage(command: str) -> str:
    """How to call a command that needs an argument."""
    forms = {
        "open": "/open LESSON",
        "close": "/close LESSON",
        "stats": "/stats LESSON",
        "bookings": "/bookings LESSON [week]",
        "invite": "/invite FAMILY",
    }
    return f"Usage: {forms.get(command, '/' + command)} (keys as in the school file)."


def bad_week(lesson: LessonRef, raw: str) -> str:
    weeks = ", ".join(str(w) for w in lesson.individual_weeks) or "none"
    return (
        f"“{esc(raw)}” is not an individual week of {esc(lesson.name)}. "
        f"Its individual weeks: {weeks}."
    )


def not_hybrid(lesson: LessonRef) -> str:
    return (
        f"{esc(lesson.name)} is a {TYPE_WORDS[lesson.type]} lesson: nobody books individual "
        "slots in it."
    )


def pick_lesson_school(key: str) -> str:
    return f"Lesson <code>{esc(key)}</code> is in several of your schools. Which one?"


def pick_family_school(key: str) -> str:
    return f"Family <code>{esc(key)}</code> is in several of your schools. Which one?"


def invites_header(family_name: str, school_name: str, count: int) -> str:
    return (
        f"Invite links for the <b>{esc(family_name)}</b> ({esc(school_name)}): "
        f"{count} parent{'' if count == 1 else 's'}. Forward each message to that parent; "
        "each link works once, for 14 days."
    )


def invite_text(parent_name: str, school_name: str, link: str) -> str:
    return (
        f"Hello {esc(parent_name)}! {esc(school_name)} books individual lesson slots in "
        f"Telegram. Open this link to connect your account:\n{esc(link)}"
    )


def bookings_overview_text(lesson: LessonRef, bookings: Sequence[BookingView]) -> str:
    """Every week's bookings of a lesson, in short (teachers and /bookings without a week)."""
    lines = [f"<b>{esc(lesson.name)}</b> · bookings"]
    for week in lesson.individual_weeks:
        of_week = [b for b in bookings if b.week == week]
        lines.append("")
        lines.append(f"<b>Week {week}</b> ({esc(day_date(lesson.week_monday(week)))})")
        lines += [booking_line(b) for b in of_week] or ["No bookings yet."]
    if not lesson.individual_weeks:
        lines.append("This lesson has no individual weeks.")
    return "\n".join(lines)


def teacher_week_text(
    lesson: LessonRef,
    week: int,
    bookings: Sequence[BookingView],
    total: int,
    page: int,
    pages: int,
) -> str:
    monday = lesson.week_monday(week)
    lines = [
        f"<b>{esc(lesson.name)}</b> · week {week} ({esc(day_date(monday))})",
        f"{total} booking{'' if total == 1 else 's'}" + _page_note(page, pages),
    ]
    lines += [booking_line(b) for b in bookings] or ["No bookings yet."]
    return "\n".join(lines)


def lesson_line(lesson: LessonRef) -> str:
    """'Piano Foundations (piano) · hybrid · Monday 16:00, 60 min · Main Studio, Room 1'."""
    place = ", ".join(p for p in (lesson.location_name, lesson.room_name) if p) or "—"
    line = (
        f"• <b>{esc(lesson.name)}</b> (<code>{esc(lesson.key)}</code>) · "
        f"{TYPE_WORDS[lesson.type]} · {esc(DAYS[lesson.day].title())} {lesson.start_time}, "
        f"{lesson.duration_minutes} min · {esc(place)}"
    )
    if lesson.is_hybrid:
        weeks = ", ".join(str(w) for w in lesson.individual_weeks) or "none"
        line += f"\n   individual weeks: {weeks}; bookings {open_word(lesson.bookings_open)}"
    return line


def teacher_lessons_text(school_name: str, lessons: Sequence[LessonRef]) -> str:
    lines = [f"<b>Your lessons</b> · {esc(school_name)}", ""]
    lines += [lesson_line(lesson) for lesson in lessons] or ["You have no lessons this term."]
    if any(lesson.is_hybrid for lesson in lessons):
        lines += ["", "/bookings LESSON [week] shows who booked which slot."]
    return "\n".join(lines)


def week_label(week: int, monday: date) -> str:
    return f"Week {week} · {day_date(monday)}"
