"""Teachers, read-only: their lessons, and who booked which slot of their hybrid lessons.

Callback data: ``tc:wk:<school>:<lesson>:<week>:<page>`` a week's bookings (see
handlers.admin.keyboards). A teacher sees only their own lessons; an admin of the school
may press the same buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from core.admin_view import page_of
from core.directory import Identity, LessonRef, Role
from core.errors import DomainError, NotFound
from handlers.admin import keyboards as kb
from handlers.admin import texts
from handlers.admin.dashboard import args_of, say
from handlers.callbacks import fields_pattern
from handlers.context import Context, Who, services_of, who
from handlers.formatting import esc

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
        await say(update, context, texts.teacher_lessons_text(identity.school.name, lessons))


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
        texts.NOT_YOUR_LESSON if elsewhere else texts.unknown_lesson(key, sorted(set(keys))),
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
        await say(update, context, texts.not_hybrid(lesson))
        return
    bookings = services_of(context).booking
    if len(args) > 1:
        week = int(args[1]) if args[1].isdigit() else 0
        if week not in lesson.individual_weeks:
            await say(update, context, texts.bad_week(lesson, args[1]))
            return
        await show_teacher_week(update, context, school_id, lesson, week, 0)
        return
    every = await bookings.lesson_bookings(school_id, lesson.id)
    await say(
        update,
        context,
        texts.bookings_overview_text(lesson, every),
        kb.teacher_weeks(school_id, lesson, None),
    )


async def show_teacher_week(
    update: Update,
    context: Context,
    school_id: int,
    lesson: LessonRef,
    week: int,
    page: int,
) -> None:
    bookings = await services_of(context).booking.lesson_bookings(school_id, lesson.id, week=week)
    shown, page, pages = page_of(bookings, page)
    await say(
        update,
        context,
        texts.teacher_week_text(lesson, week, shown, len(bookings), page, pages),
        kb.teacher_weeks(school_id, lesson, week, page, pages),
    )


async def week_callback(update: Update, context: Context) -> None:
    """tc:wk — a week of a teacher's lesson, read-only."""
    query = update.callback_query
    if query is None:
        raise RuntimeError("query is None")
    await query.answer()
    school_id, lesson_id, week, page = args_of(update)
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
        logger.warning("refused: telegram %s pressed %r", me.telegram_id, query.data)
        await say(update, context, texts.NOT_YOUR_LESSON)
        return
    if week not in lesson.individual_weeks:
        await say(update, context, texts.bad_week(lesson, str(week)))
        return
    try:
        await show_teacher_week(update, context, school_id, lesson, week, page)
    except DomainError as exc:
        await say(update, context, esc(exc.message))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """The teacher's buttons; /lessons and /bookings are routed by handlers.admin.routes."""
    application.add_handler(
        CallbackQueryHandler(week_callback, pattern=fields_pattern("tc", "wk", 4))
    )
