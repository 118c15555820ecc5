"""Every text a parent reads: linking, booking, a booking's card and refusals (pure, HTML);
/mybookings' own (the list, moving, cancelling) are in handlers.parent.mybookings_texts,
the waitlist's in handlers.parent.waitlist_texts.

In the current language (core.i18n): the constants are marked with ``N_`` and translated
with ``_()`` where a message is built (``_(texts.STALE)``); the functions translate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from core.errors import DomainError
from core.family_view import WeekEntry, WeekStatus
from core.i18n import N_, format_clock, format_day_month, format_weekday, ngettext
from core.i18n import gettext as _
from core.refs import LessonRef
from core.schedule import Slot
from core.views import BookingView
from handlers import slot_pages
from handlers.approval import texts as approval_texts
from handlers.formatting import booking_when, day_date, esc, long_date, tz_note

STRANGER = N_(
    "Hello! I book individual lesson slots for families of a music school.\n\n"
    "To start, open the invite link your school sent you "
    "(it looks like t.me/…?start=…), or ask the school office for one."
)
NOT_A_PARENT = N_(
    "Booking is for parents. Your account is not linked to a family yet: "
    "open the invite link your school sent you, or ask the school office for one."
)
ADMIN_NOT_PARENT = N_(
    "/book is how parents book. To book for a family: /admin, pick the lesson and the week, "
    'then "➕ Book for a family" (or <code>musicbot book</code> on the command line).'
)
TEACHER_NOT_PARENT = N_(
    "/book is how parents book your slots. /bookings LESSON [week] shows who booked what, "
    "/calendar your week."
)
ADMIN_NO_OWN_BOOKINGS = N_(
    "/mybookings lists a parent's own bookings. A lesson's bookings: /bookings LESSON [week], "
    "or /admin and the lesson; /lessons names the lessons."
)
TEACHER_NO_OWN_BOOKINGS = N_(
    "/mybookings lists a parent's own bookings. Who booked your slots: /bookings LESSON [week]; "
    "/lessons names your lessons, /calendar shows your week."
)
NO_FAMILY_BOOKINGS = N_(
    "/mybookings lists a family's bookings, and your account is not linked to a family yet: "
    "open the invite link your school sent you, or ask the school office for one."
)
STALE = N_("That button is out of date. Here is a fresh start:")
FORGED = N_("That button is not one of yours, so nothing was changed. Here is a fresh start:")
CALENDAR_FILE_NOT_SENT = N_(
    "Your booking is saved (/mybookings shows it); I could not send its calendar file just now."
)
NOT_FOUND = N_("I can't find that any more, so nothing was changed. Here is a fresh start:")
CLOSED_FLOW = N_("Closed. /book to book a slot, /mybookings for your bookings.")

WEEK_NOTES: dict[int, str] = {
    1: N_("A group week: the class meets as usual, no booking needed."),
    2: N_("That week is over."),
    3: N_("Bookings for this lesson are closed right now. The school will open them."),
    4: N_("Pick a time below."),
}
NOTE_OF_STATUS = {WeekStatus.GROUP: 1, WeekStatus.PAST: 2, WeekStatus.CLOSED: 3}


def greeting_linked(parent_name: str, school_name: str) -> str:
    return _(
        "Welcome, {parent}! Your account is now linked to {school}.\n\n"
        "/book – book an individual slot for your child\n"
        "/mybookings – see, move or cancel bookings\n"
        "/help – everything else"
    ).format(parent=esc(parent_name), school=esc(school_name))


def welcome_back(name: str, is_parent: bool) -> str:
    lines = [_("Welcome back, {name}!").format(name=esc(name)), ""]
    if is_parent:
        lines += [
            _("/book – book an individual slot"),
            _("/mybookings – see, move or cancel bookings"),
        ]
    lines.append(_("/help – what I can do for you"))
    return "\n".join(lines)


PURPOSES = {"booking": N_("booking"), "list": N_("list")}


def choose_school(purpose: str) -> str:
    what = _(PURPOSES[purpose]) if purpose in PURPOSES else purpose
    return _(
        "You are a parent in more than one school. Which school is this {purpose} for?"
    ).format(purpose=what)


def choose_child(school_name: str) -> str:
    return f"<b>{esc(school_name)}</b>\n" + _("Which child would you like to book for?")


def no_children(school_name: str) -> str:
    return _(
        "I don't see any child of yours enrolled in a hybrid lesson at {school}. "
        "Please contact the school."
    ).format(school=esc(school_name))


def choose_lesson(child_name: str) -> str:
    return f"<b>{esc(child_name)}</b>\n" + _("Which lesson?")


def no_lessons(child_name: str) -> str:
    return _(
        "{child} is not enrolled in a lesson with individual weeks. "
        "Please contact the school if that is wrong."
    ).format(child=esc(child_name))


def weeks_text(child_name: str, lesson: LessonRef, weeks: Sequence[WeekEntry]) -> str:
    to_book = [w.week for w in weeks if w.status is WeekStatus.TO_BOOK]
    closed = any(w.status is WeekStatus.CLOSED for w in weeks)
    lines = [f"<b>{esc(child_name)} · {esc(lesson.name)}</b>", esc(lesson.term_name), ""]
    if to_book:
        weeks_list = ", ".join(_("week {week}").format(week=w) for w in to_book)
        lines.append(_("Individual weeks to book: {weeks}.").format(weeks=weeks_list))
    elif closed:
        lines.append(_("Bookings are closed right now; the school will open them."))
    else:
        lines.append(_("Nothing left to book in this lesson."))
    lines += ["", _("📝 to book · ✅ booked · 👥 group week · 🔒 closed · past")]
    return "\n".join(lines)


def week_label(entry: WeekEntry) -> str:
    week = _("Week {week}").format(week=entry.week)
    if entry.status is WeekStatus.BOOKED and entry.booking is not None:
        start = entry.booking.local_start
        return f"{week} · ✅ {format_weekday(start)} {format_clock(start)}"
    marker = {
        WeekStatus.GROUP: _("👥 group"),
        WeekStatus.TO_BOOK: _("📝 to book"),
        WeekStatus.PAST: _("past"),
        WeekStatus.CLOSED: _("🔒 closed"),
    }[entry.status]
    return f"{week} · {format_day_month(entry.monday)} · {marker}"


def week_dates(lesson: LessonRef, week: int) -> str:
    monday = lesson.week_monday(week)
    sunday = monday.fromordinal(monday.toordinal() + 6)
    return _("week {week} ({monday} – {sunday})").format(
        week=week, monday=day_date(monday), sunday=day_date(sunday)
    )


def slots_text(
    child_name: str, lesson: LessonRef, week: int, slots: Sequence[Slot], tz_name: str
) -> str:
    tz = ZoneInfo(tz_name)
    lines = [
        f"<b>{esc(child_name)} · {esc(lesson.name)}</b>",
        _("Free slots in {week}:").format(week=week_dates(lesson, week)),
    ]
    if slot_pages.day_first(slots):  # too many to list: a line per day, then a day first
        lines += day_summary(slots, tz)
        lines += ["", f"{tz_note(tz_name)} " + _("Pick a day:")]
        return "\n".join(lines)
    for day, day_slots in slot_pages.by_day(slots, tz):
        times = ", ".join(format_clock(s.start_at.astimezone(tz)) for s in day_slots)
        lines.append(f"• {day_date(day)}: {times}")
    lines += ["", f"{tz_note(tz_name)} " + _("Pick a time:")]
    return "\n".join(lines)


def day_summary(slots: Sequence[Slot], tz: ZoneInfo) -> list[str]:
    """'• Mon 22 Feb: 24 free, 15:00–20:45' per day."""
    lines = []
    for day, day_slots in slot_pages.by_day(slots, tz):
        first, last = day_slots[0].start_at.astimezone(tz), day_slots[-1].start_at.astimezone(tz)
        free = ngettext("{n} free", "{n} free", len(day_slots)).format(n=len(day_slots))
        lines.append(f"• {day_date(day)}: {free}, {format_clock(first)}–{format_clock(last)}")
    return lines


def no_slots_text(child_name: str, lesson: LessonRef, week: int) -> str:
    return f"<b>{esc(child_name)} · {esc(lesson.name)}</b>\n" + _(
        "No slots left in {week}: every slot is taken or less than "
        "24 hours away. Please pick another week, or contact the school."
    ).format(week=week_dates(lesson, week))


def not_a_parent(is_known: bool, is_admin: bool, is_teacher: bool, action: str = "b") -> str:
    """Why a parent's command (``action``: "b" /book, "m" /mybookings) does not apply to
    this account, and what its own role does instead."""
    listing = action == "m"
    if is_admin:
        return _(ADMIN_NO_OWN_BOOKINGS if listing else ADMIN_NOT_PARENT)
    if is_teacher:
        return _(TEACHER_NO_OWN_BOOKINGS if listing else TEACHER_NOT_PARENT)
    if not is_known:
        return _(STRANGER)
    return _(NO_FAMILY_BOOKINGS if listing else NOT_A_PARENT)


def slot_button(slot: Slot, tz: ZoneInfo) -> str:
    local = slot.start_at.astimezone(tz)
    return f"{format_weekday(local)} {format_clock(local)}"


def slot_taken(slots_screen: str, just: bool = True) -> str:
    """``just``: the slot went while the parent looked (a race, or a screen minutes old);
    otherwise it went some time ago (an old screen), or is now too close to book."""
    headline = (
        _("Sorry, that slot has just been taken.")
        if just
        else _("Sorry, that slot is no longer free.")
    )
    return f"{headline} " + _("Here is what is still free.") + "\n\n" + slots_screen


def confirm_card(child_name: str, lesson: LessonRef, week: int, slot: Slot, tz_name: str) -> str:
    tz = ZoneInfo(tz_name)
    start, end = slot.start_at.astimezone(tz), slot.end_at.astimezone(tz)
    return "\n".join(
        [
            "<b>" + _("Please check and confirm") + "</b>",
            "",
            _("Child: {child}").format(child=esc(child_name)),
            _lesson_line(lesson.name, week),
            _("Teacher: {teacher}").format(teacher=esc(lesson.teacher_name)),
            _("Date: {date}").format(date=long_date(start.date())),
            _("Time: {start}–{end}").format(start=format_clock(start), end=format_clock(end)),
            _("Location: {location}").format(location=esc(lesson.location_name or "—")),
            _("Room: {room}").format(room=esc(lesson.room_name or "—")),
            "",
            tz_note(tz_name),
        ]
    )


def _lesson_line(lesson_name: str, week: int) -> str:
    return _("Lesson: {lesson} (individual session, week {week})").format(
        lesson=esc(lesson_name), week=week
    )


def booking_details(view: BookingView) -> list[str]:
    return [
        _("Child: {child}").format(child=esc(view.student_name)),
        _lesson_line(view.lesson_name, view.week),
        _("Teacher: {teacher}").format(teacher=esc(view.teacher_name)),
        _("When: {when}").format(when=booking_when(view)),
        _("Location: {location}").format(location=esc(view.location_name or "—")),
        _("Room: {room}").format(room=esc(view.room_name or "—")),
    ]


def booking_card(view: BookingView, headline: str | None = None) -> str:
    headline = headline or _("Your booking")
    lines = [f"<b>{esc(headline)}</b>", "", *booking_details(view)]
    if view.awaiting_confirmation:
        lines += ["", approval_texts.pending_card_note()]
    if not view.active:
        lines += ["", _("This booking is cancelled.")]
    else:
        lines += ["", tz_note(view.timezone), _("Changes need 24 hours' notice.")]
    return "\n".join(lines)


def booked(view: BookingView) -> str:
    if view.awaiting_confirmation:
        return booking_card(view, approval_texts.pending_headline())
    return booking_card(view, _("Booked ✅"))


def already_booked(view: BookingView) -> str:
    return booking_card(view, _("Already booked — here it is"))


def already_booked_other(view: BookingView) -> str:
    return booking_card(
        view,
        _("{child} already has a booking in week {week}. You can move it with Reschedule.").format(
            child=view.student_name, week=view.week
        ),
    )


def calendar_caption(view: BookingView) -> str:
    if not view.active:
        return _("Cancelled: open this file to remove the session from your calendar.")
    if view.sequence:
        return _("Updated: open this file to move the session in your calendar.")
    return _("Add to calendar: open this file.")


def ics_file_name(view: BookingView) -> str:
    return f"booking-{view.id}.ics"


def refusal(error: DomainError | str, school_name: str | None = None) -> str:
    """A core refusal in the current language, its dates in that language's words (or a text
    already in it); one that points to the school is followed by the school's name."""
    if isinstance(error, DomainError):
        text, english = error.message, error.english
    else:
        text = english = error
    shown = esc(text)
    if school_name and "school" in english.lower():
        shown += f"\n\n({esc(school_name)})"
    return shown


def minute_label(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{day_date(local.date())} {format_clock(local)}"
