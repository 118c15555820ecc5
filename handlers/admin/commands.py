"""Admin commands: /admin, /lessons, /open, /close, /stats, /bookings, /invite.

Lesson and family keys are looked up within the admin's own schools only; a key found in
several of them asks which school. /lessons and /bookings also serve teachers (read-only).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode

from core.errors import DomainError, NotFound
from core.i18n import gettext as _
from core.identities import Identity, Role
from core.keys import near_matches
from core.refs import LessonRef
from handlers import teacher
from handlers.admin import command_texts, reach, texts
from handlers.admin import keyboards as kb
from handlers.admin.dashboard import (
    actor_of,
    admin_in,
    admin_step,
    args_of,
    refuse,
    say,
    show_dashboard,
    show_lesson,
    show_week,
)
from handlers.context import Context, Who, services_of, who
from handlers.formatting import esc
from handlers.webapp import offer_miniapp

logger = logging.getLogger(__name__)


async def _admin(update: Update, context: Context) -> Who | None:
    """The user, when an admin somewhere; otherwise refused (teachers read-only)."""
    me = await who(update, context)
    if not me.is_admin:
        await refuse(update, context, me, None)
        return None
    return me


async def _lesson_by_key(
    update: Update, context: Context, me: Who, key: str
) -> tuple[Identity, LessonRef] | None:
    """The hybrid lesson with that key in one of the admin's schools, else a plain answer."""
    directory = services_of(context).directory
    found: list[tuple[Identity, LessonRef]] = []
    keys: set[str] = set()
    for identity in me.roles(Role.ADMIN):
        for lesson in await directory.lessons(identity.school.id, hybrid_only=True):
            keys.add(lesson.key)
            if lesson.key.casefold() == key.casefold():
                found.append((identity, lesson))
    if not found:
        await say(update, context, await _not_hybrid_or_unknown(context, me, key, keys))
        return None
    if len(found) > 1:
        choices = [(i.school.id, i.school.name, lesson.id) for i, lesson in found]
        await say(
            update, context, command_texts.pick_lesson_school(key), kb.lesson_choices(choices)
        )
        return None
    return found[0]


async def _not_hybrid_or_unknown(context: Context, me: Who, key: str, keys: set[str]) -> str:
    """Why no hybrid lesson has that key: it is a group (or other) lesson, or no lesson."""
    directory = services_of(context).directory
    for identity in me.roles(Role.ADMIN):
        for lesson in await directory.lessons(identity.school.id):
            if lesson.key.casefold() == key.casefold():
                return command_texts.not_hybrid(lesson)
    return command_texts.unknown_lesson(key, sorted(keys))


async def _needs_argument(
    update: Update, context: Context, command: str, me: Who | None = None
) -> str | None:
    """The command's first argument; without one, the usage (and for an admin's lesson
    command, the hybrid lessons as buttons)."""
    if context.args:
        return context.args[0]
    if me is None or not me.is_admin or command not in kb.LESSON_COMMANDS:
        await say(update, context, esc(command_texts.usage(command)))
        return None
    directory = services_of(context).directory
    schools = me.roles(Role.ADMIN)
    choices = []
    for identity in schools:
        for lesson in await directory.lessons(identity.school.id, hybrid_only=True):
            label = lesson.name if len(schools) == 1 else f"{lesson.name} · {identity.school.name}"
            choices.append((identity.school.id, label, lesson.id))
    await say(
        update,
        context,
        command_texts.pick_a_lesson(command),
        kb.lesson_command_choices(command, choices),
    )
    return None


@admin_step
async def admin_command(update: Update, context: Context) -> None:
    """/admin — the dashboard (a school picker first for admins of several schools)."""
    me = await _admin(update, context)
    if me is None:
        return
    schools = me.roles(Role.ADMIN)
    if len(schools) > 1:
        pairs = [(i.school.id, i.school.name) for i in schools]
        await say(update, context, _(texts.PICK_SCHOOL), kb.school_picker(pairs))
    else:
        await show_dashboard(update, context, schools[0])
    await offer_miniapp(update, context, "manage")


@admin_step
async def lessons_command(update: Update, context: Context) -> None:
    """/lessons — admins: the dashboard; teachers: their own lessons, all types."""
    me = await who(update, context)
    if not me.is_admin and not me.is_teacher:
        await say(update, context, _(texts.NOT_STAFF))
        return
    if me.is_admin:
        await admin_command(update, context)
    admin_schools = [i.school.id for i in me.roles(Role.ADMIN)]
    await teacher.teacher_lessons(update, context, me, skip=admin_schools)


@admin_step
async def bookings_command(update: Update, context: Context) -> None:
    """/bookings LESSON [week] — admins: the week with its actions; teachers: read-only."""
    me = await who(update, context)
    if not me.is_admin and not me.is_teacher:
        await say(update, context, _(texts.NOT_STAFF))
        return
    key = await _needs_argument(update, context, "bookings", me)
    if key is None:
        return
    args = list(context.args or [])
    if not me.is_admin:
        await teacher.teacher_bookings(update, context, me, args)
        return
    found = await _lesson_by_key(update, context, me, key)
    if found is None:
        return
    identity, lesson = found
    school_id = identity.school.id
    if len(args) > 1:
        week = int(args[1]) if args[1].isdecimal() else 0  # "²" is a digit, not a number
        if week not in lesson.individual_weeks:
            await say(update, context, command_texts.bad_week(lesson, args[1]))
            return
        await show_week(update, context, school_id, lesson.id, week)
        return
    booking = services_of(context).booking
    every = await booking.lesson_bookings(school_id, lesson.id)
    stats = await booking.lesson_stats(school_id, lesson.id)
    await say(
        update,
        context,
        command_texts.bookings_overview_text(lesson, every),
        kb.lesson_panel(school_id, lesson, stats),
    )


async def _set_open(update: Update, context: Context, is_open: bool) -> None:
    me = await _admin(update, context)
    if me is None:
        return
    key = await _needs_argument(update, context, "open" if is_open else "close", me)
    if key is None:
        return
    found = await _lesson_by_key(update, context, me, key)
    if found is None:
        return
    identity, lesson = found
    changed = await services_of(context).booking.set_bookings_open(
        identity.school.id, lesson.id, is_open, actor_of(identity)
    )
    await show_lesson(
        update,
        context,
        identity.school.id,
        lesson.id,
        texts.toggled_text(lesson.name, is_open, changed),
    )


@admin_step
async def open_command(update: Update, context: Context) -> None:
    """/open LESSON — parents may book and reschedule."""
    await _set_open(update, context, True)


@admin_step
async def close_command(update: Update, context: Context) -> None:
    """/close LESSON — no new bookings or moves (parents may still cancel)."""
    await _set_open(update, context, False)


@admin_step
async def stats_command(update: Update, context: Context) -> None:
    """/stats LESSON — the lesson's panel: stats per week and who still has to book
    (a teacher: of their own lessons, read-only)."""
    me = await who(update, context)
    if not me.is_admin and me.is_teacher:
        await teacher.teacher_stats(update, context, me, list(context.args or []))
        return
    if not me.is_admin:
        await refuse(update, context, me, None)
        return
    key = await _needs_argument(update, context, "stats", me)
    if key is None:
        return
    found = await _lesson_by_key(update, context, me, key)
    if found is not None:
        await show_lesson(update, context, found[0].school.id, found[1].id)


@admin_step
async def invite_command(update: Update, context: Context) -> None:
    """/invite FAMILY — one invite link per parent, to forward to them."""
    me = await _admin(update, context)
    if me is None:
        return
    if not context.args:  # the families not linked yet, with an Invite button each
        schools = me.roles(Role.ADMIN)
        if len(schools) > 1:
            pairs = [(i.school.id, i.school.name) for i in schools]
            await say(update, context, _(texts.PICK_SCHOOL), reach.not_linked_picker(pairs))
            return
        await reach.show_not_linked(update, context, schools[0])
        return
    key = context.args[0]
    directory = services_of(context).directory
    found: list[tuple[Identity, int]] = []
    known: list[str] = []
    for identity in me.roles(Role.ADMIN):
        try:
            found.append((identity, await directory.family_id(identity.school.id, key)))
        except NotFound:
            known += [f.key for f in await directory.families(identity.school.id)]
            continue
    if not found:
        await say(update, context, command_texts.unknown_family(key, near_matches(key, known)))
    elif len(found) > 1:
        choices = [(i.school.id, i.school.name, family_id) for i, family_id in found]
        await say(
            update, context, command_texts.pick_family_school(key), kb.family_choices(choices)
        )
    else:
        await send_invites(update, context, found[0][0], found[0][1])


@admin_step
async def invite_callback(update: Update, context: Context) -> None:
    """ad:inv — invite links of a family, once the school is picked."""
    school_id, family_id = args_of(update)
    identity = await admin_in(update, context, school_id)
    if identity is not None:
        await send_invites(update, context, identity, family_id)


async def send_invites(
    update: Update, context: Context, identity: Identity, family_id: int
) -> None:
    services = services_of(context)
    school = identity.school
    try:
        family = await services.directory.family(school.id, family_id)
        issued = await services.invites.issue(school.id, family.id)
    except DomainError as exc:
        await say(update, context, esc(exc.message))
        return
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("chat is None")
    await context.bot.send_message(
        chat.id,
        command_texts.invites_header(family.name, school.name, len(issued)),
        parse_mode=ParseMode.HTML,
    )
    linked = [name for _id, name, telegram_id in family.parents if telegram_id is not None]
    if linked:
        await context.bot.send_message(
            chat.id, command_texts.already_linked(linked), parse_mode=ParseMode.HTML
        )
    for invite in issued:
        await context.bot.send_message(
            chat.id,
            command_texts.invite_text(
                invite.parent_name, school.name, invite.link(context.bot.username)
            ),
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
        )
    logger.info(
        "admin %s issued %s invites for family %s", identity.person_id, len(issued), family.id
    )
