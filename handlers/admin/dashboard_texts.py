"""Texts of the admin dashboard and of a lesson's stats panel (admins and teachers).

The dashboard shows one term at a time (the current one by default) and, when asked, one
teacher's lessons; a lesson's panel counts, per individual week, booked, not booked,
attended and no-show, and says which weeks are over. Pure functions returning HTML for
Telegram's HTML parse mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core.admin_view import TermRef
from core.i18n import gettext as _
from core.refs import LessonRef
from core.views import LessonStats, WeekStats
from handlers.admin.texts import missing_label, open_word, percent, weekday_name
from handlers.formatting import day_date, esc

NAMES_PER_WEEK = 8  # who still has to book, per week of the lesson panel; then a count


# ------------------------------------------------------------------ the dashboard


def booked_of(stats: LessonStats) -> str:
    """'2/5': booked of what could be booked (booked plus still to book)."""
    return f"{stats.booked}/{stats.booked + stats.pending}"


def lesson_button_label(stats: LessonStats) -> str:
    """'🟢 Piano Foundations · open · 2/6'."""
    dot = "🟢" if stats.bookings_open else "🔴"
    return f"{dot} {stats.lesson_name} · {open_word(stats.bookings_open)} · {booked_of(stats)}"


def term_span(term: TermRef) -> str:
    """'Term 1 (Mon 1 Feb – Sun 11 Apr 2027)'."""
    return _("{term} ({first} – {last})").format(
        term=term.name,
        first=day_date(term.start_date),
        last=f"{day_date(term.last_day)} {term.last_day.year}",
    )


def term_when(term: TermRef, today: date) -> str:
    if term.contains(today):
        return _("now")
    if term.start_date > today:
        return _("coming up")
    return _("over")


def dashboard_text(
    school_name: str,
    lessons: Sequence[LessonStats],
    page: int = 0,
    pages: int = 1,
    *,
    term: TermRef | None = None,
    today: date | None = None,
    teacher_name: str | None = None,
    note: str = "",
) -> str:
    """The hybrid lessons of one term (and one teacher, when filtered), a page of them."""
    where = _(" (page {page} of {pages})").format(page=page + 1, pages=pages) if pages > 1 else ""
    title = _("<b>{school}</b> · hybrid lessons").format(school=esc(school_name))
    lines = [f"{note}\n" if note else "", title + where]
    if term is not None:
        when = f" · {esc(term_when(term, today))}" if today is not None else ""
        lines.append(esc(term_span(term)) + when)
    if teacher_name is not None:
        lines.append(_("Teacher: {name}").format(name=esc(teacher_name)))
    lines.append("")
    if not lessons:
        if term is None:
            lines.append(_("No hybrid lessons in this school yet."))
        elif teacher_name is not None:
            lines.append(
                _("{name} has no hybrid lessons in this term.").format(name=esc(teacher_name))
            )
        else:
            lines.append(_("No hybrid lessons in this term."))
        return "\n".join(lines).lstrip("\n")
    for stats in lessons:
        line = (
            _("• {lesson} (<code>{key}</code>): open, {booked} booked")
            if stats.bookings_open
            else _("• {lesson} (<code>{key}</code>): closed, {booked} booked")
        )
        lines.append(
            line.format(
                lesson=esc(stats.lesson_name), key=esc(stats.lesson_key), booked=booked_of(stats)
            )
        )
    lines += ["", _("Pick a lesson for its weeks, bookings and actions.")]
    return "\n".join(lines).lstrip("\n")


def earlier_term_label(term: TermRef) -> str:
    return f"◀ {term.name}"


def later_term_label(term: TermRef) -> str:
    return f"{term.name} ▶"


def teacher_filter_label(teacher_name: str | None) -> str:
    if teacher_name is None:
        return _("👤 All teachers ▾")
    return _("👤 {name} ▾").format(name=teacher_name)


def all_teachers_label() -> str:
    return _("All teachers")


def pick_teacher_text(term: TermRef) -> str:
    return _("Show the hybrid lessons of which teacher in {term}?").format(term=esc(term.name))


def unknown_term_note() -> str:
    return _("That term is not in this school (any more), so here is the current term.")


def unknown_teacher_note() -> str:
    return _("That teacher does not teach in this school (any more); showing all teachers.")


# ------------------------------------------------------------------ a lesson's stats


def week_label(week: WeekStats) -> str:
    """The week button of a lesson panel: 'Week 4: 2/3', '· over' once nobody can book it."""
    label = _("Week {week}: {booked}/{expected}").format(
        week=week.week, booked=week.booked, expected=week.expected
    )
    return label + _(" · over") if week.past else label


def _attendance(attended: int, no_show: int) -> str:
    if not attended and not no_show:
        return ""
    return _(" · attended {attended} · no-show {no_show}").format(
        attended=attended, no_show=no_show
    )


def _names(week: WeekStats) -> str:
    names = ", ".join(missing_label(m) for m in week.missing[:NAMES_PER_WEEK])
    more = len(week.missing) - NAMES_PER_WEEK
    return esc(names) + (_(" and {n} more").format(n=more) if more > 0 else "")


def lesson_panel_text(lesson: LessonRef, stats: LessonStats) -> str:
    """Stats of one hybrid lesson: totals, then each individual week: booked, not booked,
    attended and no-show; who still has to book (or, for a week that is over, who did not)."""
    totals = _(
        "Enrolled: {enrolled} · booked {booked} ({percent}) · still to book: {pending}"
    ).format(
        enrolled=stats.enrolled,
        booked=booked_of(stats),
        percent=percent(stats.completion_rate),
        pending=stats.pending,
    )
    if stats.not_booked_past:
        totals += _(" · not booked in weeks that are over: {n}").format(n=stats.not_booked_past)
    totals += _attendance(stats.attended, stats.no_show)
    lines = [
        f"<b>{esc(lesson.name)}</b> (<code>{esc(lesson.key)}</code>)",
        f"{esc(lesson.teacher_name)} · {esc(weekday_name(lesson.day))} {lesson.start_time}"
        f" · {esc(lesson.term_name)}",
        _("Bookings are <b>open</b>.") if stats.bookings_open else _("Bookings are <b>closed</b>."),
        totals,
    ]
    for week in stats.weeks:
        monday = lesson.week_monday(week.week)
        head = _("<b>Week {week}</b> ({monday}): {booked}/{expected} booked").format(
            week=week.week, monday=esc(day_date(monday)), booked=week.booked, expected=week.expected
        )
        if week.past:
            head += _(" · not booked {n} · over").format(n=week.not_booked)
        lines += ["", head + _attendance(week.attended, week.no_show)]
        if week.missing and week.past:
            lines.append(_("Not booked: {names}").format(names=_names(week)))
        elif week.missing:
            lines.append(_("To book: {names}").format(names=_names(week)))
    return "\n".join(lines)


def not_individual_week_text(lesson_name: str, week: int, weeks: tuple[int, ...]) -> str:
    """A stale 'Book for a family' of a week that is not (or no longer) an individual week of
    the lesson (plain text, like :func:`week_over_text`)."""
    return _(
        "“{raw}” is not an individual week of {lesson}. Its individual weeks: {weeks}."
    ).format(raw=week, lesson=lesson_name, weeks=", ".join(str(w) for w in weeks) or _("none"))


def week_over_text(lesson_name: str, week: int) -> str:
    """A stale 'Book for a family' of a week whose slots have all started (plain text: a
    refusal's message, escaped where it is shown)."""
    return _(
        "Week {week} of {lesson} is over: every slot of it has started, so nobody can be "
        "booked into it any more."
    ).format(week=week, lesson=lesson_name)


# ------------------------------------------------------------------ a teacher's stats


def teacher_pick_stats_text() -> str:
    return _("Booking stats of which of your lessons?")


def teacher_no_hybrid_text() -> str:
    return _("You teach no hybrid lessons, so there are no booking stats to show.")
