"""Every text an admin or a teacher reads, and what parents are told of an admin's change;
the one-line commands' own texts (/open, /stats, /bookings, /invite, /lessons: their usage,
unknown keys, invites, lesson lists) are in handlers.admin.command_texts.

Pure functions returning HTML for Telegram's HTML parse mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from core.db.models import BookingStatus, LessonType
from core.i18n import N_, format_clock, format_weekday, ngettext, pgettext
from core.i18n import gettext as _
from core.refs import LessonRef
from core.views import BookingView, MissingStudent
from handlers.approval.texts import reason_shown
from handlers.formatting import booking_when, day_date, esc, long_date, who_acted

# the listed reasons are kept in English with the booking (the CLI and exports show them as
# they are) and translated where they are shown (:func:`reason_words`)
CANCEL_REASONS: dict[int, str] = {
    1: N_("Teacher unavailable"),
    2: N_("The family asked to cancel"),
    3: N_("School closed that day"),
}

# module-level texts: translated with _() where they are shown
NOT_ADMIN = N_(
    "That is for the school's admins, so nothing was changed. /help shows what you can do."
)
NOT_THIS_SCHOOL = N_("You are not an admin of that school, so nothing was changed.")
TEACHER_READ_ONLY = N_(
    "Teachers can look but not change anything here, so nothing was changed. "
    "You can look with /lessons, /bookings LESSON [week], /stats LESSON and /calendar; "
    "for changes please ask the school's admin."
)
NOT_YOUR_LESSON = N_("That is not one of your lessons, so I can't show its bookings.")
NOT_STAFF = N_("That is for the school's teachers and admins. /help shows what you can do.")
PICK_SCHOOL = N_("You help run several schools. Which one?")
TYPE_REASON = N_("Please type the reason for cancelling in one message (or /cancel to stop).")
EMPTY_REASON = N_("Please type a short reason, or /cancel to stop.")
NO_SLOTS = N_("No free slots are left in that week.")
NOBODY_MISSING = N_("Every student has a booking in that week.")
NOTHING_CHANGED = N_("Nothing was changed.")

TYPE_WORDS: dict[LessonType, str] = {
    LessonType.INDIVIDUAL: N_("individual"),
    LessonType.GROUP: N_("group"),
    LessonType.BAND: N_("band"),
    LessonType.HYBRID: N_("hybrid"),
}


def status_word(status: BookingStatus) -> str:
    """A booking's status in the current language ('cancelled' as a state, not the verb)."""
    words = {
        BookingStatus.PENDING: pgettext("booking status", "pending"),
        BookingStatus.CONFIRMED: pgettext("booking status", "confirmed"),
        BookingStatus.CANCELLED: pgettext("booking status", "cancelled"),
        BookingStatus.COMPLETED: pgettext("booking status", "completed"),
        BookingStatus.NO_SHOW: pgettext("booking status", "no-show"),
    }
    return words[status]


def type_word(lesson_type: LessonType) -> str:
    return _(TYPE_WORDS[lesson_type])


def reason_words(reason: str) -> str:
    """A cancellation reason as shown: a listed one in the current language, a typed one
    as it was typed. The deciders' listed decline reasons are kept in English too."""
    if reason in CANCEL_REASONS.values():
        return _(reason)
    return reason_shown(reason)


def weekday_name(day: int) -> str:
    """The lesson's day of the week ('Monday') in the current language."""
    return format_weekday(date(2027, 2, 1) + timedelta(days=day), "wide")


def open_word(is_open: bool) -> str:
    return _("open") if is_open else _("closed")


def percent(rate: float) -> str:
    return f"{round(rate * 100)}%"


def week_title(lesson: LessonRef, week: int) -> str:
    """'<b>Piano Foundations</b> · week 4 (Mon 22 Feb)'."""
    return _("<b>{lesson}</b> · week {week} ({monday})").format(
        lesson=esc(lesson.name), week=week, monday=esc(day_date(lesson.week_monday(week)))
    )


def bookings_count(total: int) -> str:
    return ngettext("{n} booking", "{n} bookings", total).format(n=total)


def no_bookings_yet() -> str:
    return _("No bookings yet.")


# ------------------------------------------------------------------ lesson
# (the dashboard's and a lesson panel's texts are in handlers.admin.dashboard_texts)


def missing_label(student: MissingStudent) -> str:
    """'Liam Smith (Smith family)', with '⚠ unreachable' when no parent can get a message."""
    text = f"{student.student_name} ({student.family_name})"
    return _("{student} ⚠ unreachable").format(student=text) if student.unreachable else text


def toggled_text(lesson_name: str, is_open: bool, changed: bool) -> str:
    if changed:
        text = (
            _("Bookings for {lesson} are now <b>open</b>.")
            if is_open
            else _("Bookings for {lesson} are now <b>closed</b>.")
        )
    else:
        text = (
            _("Bookings for {lesson} were already <b>open</b>.")
            if is_open
            else _("Bookings for {lesson} were already <b>closed</b>.")
        )
    return text.format(lesson=esc(lesson_name))


# ------------------------------------------------------------------ a week's bookings


def booking_line(booking: BookingView) -> str:
    """'15:00–15:30 Emma Smith (Smith family) · confirmed'."""
    return (
        f"{format_clock(booking.local_start)}–{format_clock(booking.local_end)} "
        f"{esc(booking.student_name)} ({esc(booking.family_name)}) · "
        f"{status_word(booking.status)}"
    )


def booking_button_label(booking: BookingView) -> str:
    return (
        f"{day_date(booking.local_start.date())} {format_clock(booking.local_start)} "
        f"{booking.student_name} · {status_word(booking.status)}"
    )


def week_page_lines(
    lesson: LessonRef,
    week: int,
    bookings: Sequence[BookingView],
    total: int,
    page: int,
    pages: int,
) -> list[str]:
    """A week's title, how many bookings (page ``page`` of ``pages``), and this page's."""
    lines = [week_title(lesson, week), bookings_count(total) + _page_note(page, pages)]
    return lines + ([booking_line(b) for b in bookings] or [no_bookings_yet()])


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
    lines = week_page_lines(lesson, week, bookings, total, page, pages)
    lines.append("")
    if past:
        lines.append(week_over_note())
    if missing:
        lines.append(_("<b>Not booked</b>") if past else _("<b>Still to book</b>"))
        lines += [f"• {esc(missing_label(m))}" for m in missing]
    elif not past:
        lines.append(_(NOBODY_MISSING))
    return "\n".join(lines)


def week_over_note() -> str:
    return _("This week is over: nobody can book it any more.")


def _page_note(page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    return _(" · page {page} of {pages}").format(page=page + 1, pages=pages)


def booking_card_text(booking: BookingView) -> str:
    lines = [
        _("<b>Booking #{id}</b> · {status}").format(
            id=booking.id, status=status_word(booking.status)
        ),
        _("{lesson} · week {week}").format(lesson=esc(booking.lesson_name), week=booking.week),
        f"{esc(booking.student_name)} ({esc(booking.family_name)})",
        esc(booking_when(booking)),
        _("With {teacher} · {place}").format(
            teacher=esc(booking.teacher_name), place=esc(booking.place)
        ),
        _("Booked by {who}").format(who=esc(who_acted(booking.booked_by))),
    ]
    if booking.updated_by:
        lines.append(_("Last changed by {who}").format(who=esc(who_acted(booking.updated_by))))
    if booking.cancelled_by:
        who = esc(who_acted(booking.cancelled_by))
        if booking.cancel_reason:
            lines.append(
                _("Cancelled by {who}: {reason}").format(
                    who=who, reason=esc(reason_words(booking.cancel_reason))
                )
            )
        else:
            lines.append(_("Cancelled by {who}").format(who=who))
    return "\n".join(lines)


def pick_student_text(lesson_name: str, week: int, page: int = 0, pages: int = 1) -> str:
    text = _("Book {lesson}, week {week}, for a family. Which student?").format(
        lesson=esc(lesson_name), week=week
    )
    if pages > 1:
        text += _(" (page {page} of {pages})").format(page=page + 1, pages=pages)
    return text


def pick_slot_text(
    lesson_name: str, week: int, student_name: str | None = None, *, by_day: bool = False
) -> str:
    what = _("pick a day, then a time") if by_day else _("pick a time")
    if student_name:
        head = _("{lesson}, week {week} for {student}: {what}.").format(
            lesson=esc(lesson_name), week=week, student=esc(student_name), what=what
        )
    else:
        head = _("{lesson}, week {week}: {what}.").format(
            lesson=esc(lesson_name), week=week, what=what
        )
    return head + " " + _("As an admin you may book inside 24 hours and while bookings are closed.")


def pick_week_text(booking: BookingView) -> str:
    return _("Move booking #{id} of {student}: which week?").format(
        id=booking.id, student=esc(booking.student_name)
    )


def cancel_reason_text(booking: BookingView) -> str:
    return _("Cancel booking #{id} of {student} ({when})? Pick a reason, or type one.").format(
        id=booking.id, student=esc(booking.student_name), when=esc(booking_when(booking))
    )


def confirm_new_booking_text(
    lesson_name: str, week: int, student: MissingStudent, when: str, parents_told: bool = True
) -> str:
    """The check before an admin books for a family, like the parent's confirm card."""
    return "\n".join(
        [
            _("<b>Please check and confirm</b>"),
            "",
            _("Child: {student} ({family})").format(
                student=esc(student.student_name), family=esc(student.family_name)
            ),
            _("Lesson: {lesson} (individual session, week {week})").format(
                lesson=esc(lesson_name), week=week
            ),
            _("When: {when}").format(when=esc(when)),
            "",
            _("The family is told in chat once it is booked."),
        ]
    )


def booked_text(booking: BookingView, told: int) -> str:
    return (
        _("Booked: {student}, {when}.").format(
            student=esc(booking.student_name), when=esc(booking_when(booking))
        )
        + "\n"
        + told_text(told)
    )


def moved_text(booking: BookingView, told: int) -> str:
    return (
        _("Moved booking #{id} of {student} to {when}.").format(
            id=booking.id, student=esc(booking.student_name), when=esc(booking_when(booking))
        )
        + "\n"
        + told_text(told)
    )


def cancelled_text(booking: BookingView, told: int) -> str:
    return (
        _("Cancelled booking #{id} of {student} ({when}).").format(
            id=booking.id, student=esc(booking.student_name), when=esc(booking_when(booking))
        )
        + "\n"
        + told_text(told)
    )


def attendance_text(booking: BookingView) -> str:
    return _("Booking #{id} of {student} is marked <b>{status}</b>.").format(
        id=booking.id, student=esc(booking.student_name), status=status_word(booking.status)
    )


def told_text(told: int) -> str:
    if told == 0:
        return _("No parent of the family could be told in chat: please let them know.")
    return ngettext(
        "The family was told in chat ({n} parent).",
        "The family was told in chat ({n} parents).",
        told,
    ).format(n=told)


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
        "\n" + _("Reason: {reason}").format(reason=esc(reason_words(booking.cancel_reason)))
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


def week_label(week: int, monday: date) -> str:
    return _("Week {week} · {monday}").format(week=week, monday=day_date(monday))
