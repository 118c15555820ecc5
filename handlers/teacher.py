"""Teachers: their lessons, who booked which slot of their hybrid lessons, and attendance.

Teachers change nothing but attendance. Callback data: ``tc:wk:<school>:<lesson>:<week>:<page>``
a week's bookings (see handlers.admin.keyboards); once a session has started, the week also
offers ``tc:at:<school>:<booking>:<1 present|2 no-show>`` and, per day with sessions still
unmarked, ``tc:ap:<school>:<lesson>:<week>:<date ordinal>`` "all present";
``tc:st:<school>:<lesson>`` a lesson's stats (/stats). A teacher sees and
marks only their own lessons (core.attendance checks it again); an admin of the school may
press the same buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from core.admin_view import page_of
from core.db.models import BookingStatus
from core.errors import DomainError, NotFound
from core.i18n import gettext as _
from core.identities import Identity, Role
from core.refs import LessonRef
from core.views import Actor, BookingView
from handlers.admin import command_texts, dashboard_texts, texts
from handlers.admin import keyboards as kb
from handlers.admin.dashboard import pressed, say
from handlers.callbacks import encode, fields_pattern
from handlers.context import Context, Who, services_of, who
from handlers.formatting import esc
from handlers.teacher_texts import (
    all_present_label,
    bad_day,
    marked_day,
    marked_one,
    no_show_label,
    refresh_label,
    refusal,
)

logger = logging.getLogger(__name__)


async def teacher_lessons(
    update: Update, context: Context, me: Who, skip: Sequence[int] = ()
) -> None:
    """Each school's lessons of this teacher, all types (schools in ``skip`` left out)."""
    directory = services_of(context).directory
    for identity in me.roles(Role.TEACHER):
        if identity.school.id in skip:
            continue
        lessons = await directory.lessons(identity.school.id, teacher_id=identity.person_id)
        await say(
            update, context, command_texts.teacher_lessons_text(identity.school.name, lessons)
        )


async def _find_own_lesson(
    update: Update, context: Context, me: Who, key: str
) -> tuple[Identity, LessonRef] | None:
    """The teacher's lesson with that key; a plain refusal when it is someone else's."""
    directory = services_of(context).directory
    own: list[tuple[Identity, LessonRef]] = []
    keys: list[str] = []
    elsewhere = False
    for identity in me.roles(Role.TEACHER):
        for lesson in await directory.lessons(identity.school.id):
            mine = lesson.teacher_id == identity.person_id
            if mine:
                keys.append(lesson.key)
            if lesson.key.casefold() == key.casefold():
                if mine:
                    own.append((identity, lesson))
                else:
                    elsewhere = True
    if own:
        return own[0]
    await say(
        update,
        context,
        _(texts.NOT_YOUR_LESSON)
        if elsewhere
        else command_texts.unknown_lesson(key, sorted(set(keys))),
    )
    return None


async def teacher_bookings(update: Update, context: Context, me: Who, args: Sequence[str]) -> None:
    """/bookings LESSON [week] for a teacher: read-only, own lessons only."""
    found = await _find_own_lesson(update, context, me, args[0])
    if found is None:
        return
    identity, lesson = found
    school_id = identity.school.id
    if not lesson.is_hybrid:
        await say(update, context, command_texts.not_hybrid(lesson))
        return
    bookings = services_of(context).booking
    if len(args) > 1:
        week = int(args[1]) if args[1].isdecimal() else 0  # "²" is a digit, not a number
        if week not in lesson.individual_weeks:
            await say(update, context, command_texts.bad_week(lesson, args[1]))
            return
        await show_teacher_week(update, context, school_id, lesson, week, 0)
        return
    every = await bookings.lesson_bookings(school_id, lesson.id)
    await say(
        update,
        context,
        command_texts.bookings_overview_text(lesson, every),
        kb.teacher_weeks(school_id, lesson, None),
    )


async def show_teacher_week(
    update: Update,
    context: Context,
    school_id: int,
    lesson: LessonRef,
    week: int,
    page: int,
    note: str = "",
) -> None:
    services = services_of(context)
    bookings = await services.booking.lesson_bookings(school_id, lesson.id, week=week)
    shown, page, pages = page_of(bookings, page)
    text = command_texts.teacher_week_text(lesson, week, shown, len(bookings), page, pages)
    weeks = kb.teacher_weeks(school_id, lesson, week, page, pages)
    marks = attendance_rows(school_id, lesson.id, week, shown, services.clock.now())
    await say(
        update,
        context,
        (note + "\n\n" if note else "") + text,
        InlineKeyboardMarkup([*marks, *weeks.inline_keyboard]),
    )


def attendance_rows(
    school_id: int, lesson_id: int, week: int, bookings: Sequence[BookingView], now: datetime
) -> list[list[InlineKeyboardButton]]:
    """Present / no-show for each shown session that has started, and "all present" for each
    day that still has started sessions unmarked. Pure: unit-testable."""
    rows: list[list[InlineKeyboardButton]] = []
    unmarked: dict[date, int] = {}
    for b in bookings:
        if not b.active or b.start_at > now:
            continue
        when = f"{b.local_start:%H:%M} {b.student_name.split()[0]}"
        rows.append(
            [
                InlineKeyboardButton(
                    f"✅ {when}", callback_data=encode("tc", "at", school_id, b.id, 1)
                ),
                InlineKeyboardButton(
                    no_show_label(), callback_data=encode("tc", "at", school_id, b.id, 2)
                ),
            ]
        )
        if b.status in (BookingStatus.CONFIRMED, BookingStatus.PENDING):
            day = b.local_start.date()
            unmarked[day] = unmarked.get(day, 0) + 1
    for day in sorted(unmarked):
        data = encode("tc", "ap", school_id, lesson_id, week, day.toordinal())
        rows.append([InlineKeyboardButton(all_present_label(day), callback_data=data)])
    return rows


async def week_callback(update: Update, context: Context) -> None:
    """tc:wk — a week of a teacher's lesson, read-only."""
    school_id, lesson_id, week, page = await pressed(update)
    lesson = await _own_lesson(update, context, school_id, lesson_id)
    if lesson is None:
        return
    if week not in lesson.individual_weeks:
        await say(update, context, command_texts.bad_week(lesson, str(week)))
        return
    try:
        await show_teacher_week(update, context, school_id, lesson, week, page)
    except DomainError as exc:
        await say(update, context, esc(exc.message))


MARK_CODES = {1: BookingStatus.COMPLETED, 2: BookingStatus.NO_SHOW}


async def _marker(update: Update, context: Context, school_id: int) -> Actor | None:
    """The pressing teacher (or admin) of that school as the one who marks; None after saying no."""
    me = await who(update, context)
    teacher = me.role_in(Role.TEACHER, school_id)
    if teacher is not None:
        return Actor.teacher(teacher.person_id, teacher.name)
    admin = me.role_in(Role.ADMIN, school_id)
    if admin is not None:
        return Actor.admin(admin.name)
    query = update.callback_query
    logger.warning("refused: telegram %s pressed %r", me.telegram_id, query.data if query else "")
    await say(update, context, _(texts.NOT_YOUR_LESSON))
    return None


async def mark_callback(update: Update, context: Context) -> None:
    """tc:at — one session present (1) or no-show (2), then the week again."""
    school_id, booking_id, code = await pressed(update)
    actor = await _marker(update, context, school_id)
    status = MARK_CODES.get(code)
    if actor is None or status is None:
        return
    services = services_of(context)
    try:
        booking = await services.attendance.mark(school_id, actor, booking_id, status)
        lesson = await services.directory.lesson(school_id, booking.lesson_id)
        note = marked_one(booking.student_name, status)
        await show_teacher_week(update, context, school_id, lesson, booking.week, 0, note)
    except DomainError as exc:
        await say(update, context, refusal(exc.message))


async def all_present_callback(update: Update, context: Context) -> None:
    """tc:ap — every started, unmarked session of that day present, then the week again."""
    school_id, lesson_id, week, ordinal = await pressed(update)
    actor = await _marker(update, context, school_id)
    if actor is None:
        return
    services = services_of(context)
    try:
        day = date.fromordinal(ordinal)
        marked = await services.attendance.mark_day_present(school_id, actor, lesson_id, day)
        lesson = await services.directory.lesson(school_id, lesson_id)
        note = marked_day(len(marked), day)
        await show_teacher_week(update, context, school_id, lesson, week, 0, note)
    except DomainError as exc:
        await say(update, context, refusal(exc.message))
    except (ValueError, OverflowError):
        await say(update, context, esc(bad_day()) + "\n" + _(texts.NOTHING_CHANGED))


# ------------------------------------------------------------------ a teacher's stats


async def teacher_stats(update: Update, context: Context, me: Who, args: Sequence[str]) -> None:
    """/stats [LESSON] for a teacher: the stats of one of their own hybrid lessons (without
    a key, their hybrid lessons as buttons); another teacher's lesson is refused."""
    if args:
        found = await _find_own_lesson(update, context, me, args[0])
        if found is None:
            return
        identity, lesson = found
        if not lesson.is_hybrid:
            await say(update, context, command_texts.not_hybrid(lesson))
            return
        await show_teacher_stats(update, context, identity.school.id, lesson)
        return
    directory = services_of(context).directory
    schools = me.roles(Role.TEACHER)
    rows = []
    for identity in schools:
        for lesson in await directory.lessons(
            identity.school.id, teacher_id=identity.person_id, hybrid_only=True
        ):
            label = lesson.name if len(schools) == 1 else f"{lesson.name} · {identity.school.name}"
            data = encode("tc", "st", identity.school.id, lesson.id)
            rows.append([InlineKeyboardButton(label, callback_data=data)])
    if not rows:
        await say(update, context, dashboard_texts.teacher_no_hybrid_text())
        return
    await say(
        update, context, dashboard_texts.teacher_pick_stats_text(), InlineKeyboardMarkup(rows)
    )


async def show_teacher_stats(
    update: Update, context: Context, school_id: int, lesson: LessonRef
) -> None:
    """The lesson's stats panel, read-only: a button per week (its bookings), refresh."""
    stats = await services_of(context).booking.lesson_stats(school_id, lesson.id)
    weeks = [
        InlineKeyboardButton(
            dashboard_texts.week_label(w),
            callback_data=encode("tc", "wk", school_id, lesson.id, w.week, 0),
        )
        for w in stats.weeks
    ]
    rows = [weeks[i : i + 2] for i in range(0, len(weeks), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                refresh_label(), callback_data=encode("tc", "st", school_id, lesson.id)
            )
        ]
    )
    await say(
        update,
        context,
        dashboard_texts.lesson_panel_text(lesson, stats),
        InlineKeyboardMarkup(rows),
    )


async def _own_lesson(
    update: Update, context: Context, school_id: int, lesson_id: int
) -> LessonRef | None:
    """The lesson, when the presser teaches it or is an admin of its school; else refused."""
    me = await who(update, context)
    teacher = me.role_in(Role.TEACHER, school_id)
    try:
        lesson = await services_of(context).directory.lesson(school_id, lesson_id)
    except NotFound:
        lesson = None
    allowed = lesson is not None and (
        (teacher is not None and lesson.teacher_id == teacher.person_id)
        or me.role_in(Role.ADMIN, school_id) is not None
    )
    if lesson is None or not allowed:
        query = update.callback_query
        logger.warning(
            "refused: telegram %s pressed %r", me.telegram_id, query.data if query else ""
        )
        await say(update, context, _(texts.NOT_YOUR_LESSON))
        return None
    return lesson


async def stats_callback(update: Update, context: Context) -> None:
    """tc:st — the stats of a teacher's own lesson, read-only."""
    school_id, lesson_id = await pressed(update)
    lesson = await _own_lesson(update, context, school_id, lesson_id)
    if lesson is None:
        return
    if not lesson.is_hybrid:
        await say(update, context, command_texts.not_hybrid(lesson))
        return
    try:
        await show_teacher_stats(update, context, school_id, lesson)
    except DomainError as exc:
        await say(update, context, esc(exc.message))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """The teacher's buttons; /lessons and /bookings are routed by handlers.admin.routes."""
    for action, fields, callback in (
        ("wk", 4, week_callback),
        ("at", 3, mark_callback),
        ("ap", 4, all_present_callback),
        ("st", 2, stats_callback),
    ):
        application.add_handler(
            CallbackQueryHandler(callback, pattern=fields_pattern("tc", action, fields))
        )
