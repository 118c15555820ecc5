"""Every text an admin or a teacher reads, and what parents are told of an admin's change.

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
    lines = [week_title(lesson, week), bookings_count(total) + _page_note(page, pages)]
    lines += [booking_line(b) for b in bookings] or [no_bookings_yet()]
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


# ------------------------------------------------------------------ commands


def unknown_lesson(key: str, valid_keys: Sequence[str]) -> str:
    keys = ", ".join(f"<code>{esc(k)}</code>" for k in valid_keys) or _("none")
    return _("There is no lesson <code>{key}</code> for you. Valid lesson keys: {keys}.").format(
        key=esc(key), keys=keys
    )


def unknown_family(key: str, near: Sequence[str] = ()) -> str:
    text = _("There is no family <code>{key}</code> in your school.").format(key=esc(key))
    if near:
        keys = _(" or ").join(f"<code>{esc(k)}</code>" for k in near)
        text += " " + _("Did you mean {keys}?").format(keys=keys)
    return text


def pick_a_lesson(command: str) -> str:
    return esc(usage(command)) + " " + _("Or pick a lesson:")


def already_linked(names: Sequence[str]) -> str:
    """Said to the admin (not in the forwardable invites) when a parent is linked already."""
    who = ", ".join(esc(n) for n in names)
    return _(
        "Already linked: {who} (their Telegram account is on record and gets the bot's "
        "messages). Their new link is needed only if they use another account now."
    ).format(who=who)


USAGES = {
    "open": N_("/open LESSON"),
    "close": N_("/close LESSON"),
    "stats": N_("/stats LESSON"),
    "bookings": N_("/bookings LESSON [week]"),
    "invite": N_("/invite FAMILY"),
}


def usage(command: str) -> str:
    """How to call a command that needs an argument."""
    form = _(USAGES[command]) if command in USAGES else "/" + command
    return _("Usage: {form} (keys as in the school file).").format(form=form)


def bad_week(lesson: LessonRef, raw: str) -> str:
    weeks = ", ".join(str(w) for w in lesson.individual_weeks) or _("none")
    return _(
        "“{raw}” is not an individual week of {lesson}. Its individual weeks: {weeks}."
    ).format(raw=esc(raw), lesson=esc(lesson.name), weeks=weeks)


def not_hybrid(lesson: LessonRef) -> str:
    return _("{lesson} is a {type} lesson: nobody books individual slots in it.").format(
        lesson=esc(lesson.name), type=type_word(lesson.type)
    )


def pick_lesson_school(key: str) -> str:
    return _("Lesson <code>{key}</code> is in several of your schools. Which one?").format(
        key=esc(key)
    )


def pick_family_school(key: str) -> str:
    return _("Family <code>{key}</code> is in several of your schools. Which one?").format(
        key=esc(key)
    )


def invites_header(family_name: str, school_name: str, count: int) -> str:
    return ngettext(
        "Invite links for the <b>{family}</b> ({school}): {n} parent. Forward each message "
        "to that parent; each link works once, for 14 days.",
        "Invite links for the <b>{family}</b> ({school}): {n} parents. Forward each message "
        "to that parent; each link works once, for 14 days.",
        count,
    ).format(family=esc(family_name), school=esc(school_name), n=count)


def invite_text(parent_name: str, school_name: str, link: str) -> str:
    return _(
        "Hello {parent}! {school} books individual lesson slots in Telegram. "
        "Open this link to connect your account:\n{link}"
    ).format(parent=esc(parent_name), school=esc(school_name), link=esc(link))


def bookings_overview_text(lesson: LessonRef, bookings: Sequence[BookingView]) -> str:
    """Every week's bookings of a lesson, in short (teachers and /bookings without a week)."""
    lines = [_("<b>{lesson}</b> · bookings").format(lesson=esc(lesson.name))]
    for week in lesson.individual_weeks:
        of_week = [b for b in bookings if b.week == week]
        lines.append("")
        lines.append(
            _("<b>Week {week}</b> ({monday})").format(
                week=week, monday=esc(day_date(lesson.week_monday(week)))
            )
        )
        lines += [booking_line(b) for b in of_week] or [no_bookings_yet()]
    if not lesson.individual_weeks:
        lines.append(_("This lesson has no individual weeks."))
    return "\n".join(lines)


def teacher_week_text(
    lesson: LessonRef,
    week: int,
    bookings: Sequence[BookingView],
    total: int,
    page: int,
    pages: int,
) -> str:
    lines = [week_title(lesson, week), bookings_count(total) + _page_note(page, pages)]
    lines += [booking_line(b) for b in bookings] or [no_bookings_yet()]
    return "\n".join(lines)


def lesson_line(lesson: LessonRef) -> str:
    """'Piano Foundations (piano) · hybrid · Monday 16:00, 60 min · Main Studio, Room 1'."""
    place = ", ".join(p for p in (lesson.location_name, lesson.room_name) if p) or "—"
    line = _(
        "• <b>{lesson}</b> (<code>{key}</code>) · {type} · {day} {time}, {minutes} min · {place}"
    ).format(
        lesson=esc(lesson.name),
        key=esc(lesson.key),
        type=type_word(lesson.type),
        day=esc(weekday_name(lesson.day)),
        time=lesson.start_time,
        minutes=lesson.duration_minutes,
        place=esc(place),
    )
    if lesson.is_hybrid:
        weeks = ", ".join(str(w) for w in lesson.individual_weeks) or _("none")
        state = (
            _("individual weeks: {weeks}; bookings open")
            if lesson.bookings_open
            else _("individual weeks: {weeks}; bookings closed")
        )
        line += "\n   " + state.format(weeks=weeks)
    return line


def teacher_lessons_text(school_name: str, lessons: Sequence[LessonRef]) -> str:
    lines = [_("<b>Your lessons</b> · {school}").format(school=esc(school_name)), ""]
    lines += [lesson_line(lesson) for lesson in lessons] or [_("You have no lessons this term.")]
    if any(lesson.is_hybrid for lesson in lessons):
        lines += ["", _("/bookings LESSON [week] shows who booked which slot.")]
    return "\n".join(lines)


def week_label(week: int, monday: date) -> str:
    return _("Week {week} · {monday}").format(week=week, monday=day_date(monday))
