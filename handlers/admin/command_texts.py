"""The texts of the one-line commands of admins and teachers (handlers.admin.commands,
handlers.teacher): how to call them, unknown keys and weeks, which school a key is in, invite
links, a lesson's bookings in short and the teacher's lessons.

Pure functions returning HTML for Telegram's HTML parse mode; the texts they share with the
dashboard (a booking's line, a week's title) are in handlers.admin.texts.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.i18n import N_, ngettext
from core.i18n import gettext as _
from core.refs import LessonRef
from core.views import BookingView
from handlers.admin.texts import (
    booking_line,
    no_bookings_yet,
    type_word,
    week_page_lines,
    weekday_name,
)
from handlers.formatting import day_date, esc


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
    return "\n".join(week_page_lines(lesson, week, bookings, total, page, pages))


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
