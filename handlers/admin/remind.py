"""Admins remind families now: ``/remind LESSON [SCHOOL]`` and the dashboard's Remind button.

Callback data: ``rm:go:<school>:<lesson>`` (re-validated: the presser must be an admin of
that school). Sends the not-booked reminder to every family with a child still to book,
whatever the periodic cadence, and reports sent, failed and blocked counts.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from core.directory import Identity, Role
from core.errors import DomainError, NotFound
from handlers.callbacks import area_pattern, decode
from handlers.context import services_of, who
from handlers.formatting import esc

if TYPE_CHECKING:
    from scheduler.sweeps import SweepReport

logger = logging.getLogger(__name__)

USAGE = "Send reminders to families who have not booked: /remind LESSON (e.g. /remind piano)."
NOT_ADMIN = "Only the school's admins can send reminders."
NOT_YOURS = "That lesson is not in a school you run."


def report_text(lesson_name: str, families: int, unreachable: int, report: SweepReport) -> str:
    """The admin's summary of an on-demand reminder."""
    if families == 0:
        return f"Everyone has booked the open weeks of <b>{esc(lesson_name)}</b>: nobody to remind."
    lines = [
        f"<b>Reminders for {esc(lesson_name)}</b> ({families} "
        f"famil{'y' if families == 1 else 'ies'} still to book)",
        f"Sent: {report.sent}",
        f"Failed: {report.failed}",
        f"Blocked the bot: {report.blocked}",
    ]
    if unreachable:
        lines.append(
            f"Not reachable in chat: {unreachable} famil{'y' if unreachable == 1 else 'ies'} "
            "(no linked parent, or they blocked the bot)"
        )
    return "\n".join(lines)


async def _resolve(
    context: ContextTypes.DEFAULT_TYPE, admins: list[Identity], args: list[str]
) -> tuple[int, int] | str:
    """(school id, lesson id) named by ``LESSON [SCHOOL]``, or the words of a refusal."""
    lesson_key = args[0]
    if len(args) > 1:
        admins = [a for a in admins if a.school.key == args[1]]
        if not admins:
            return f"You are not an admin of a school '{esc(args[1])}'."
    directory = services_of(context).directory
    found: list[tuple[Identity, int]] = []
    for admin in admins:
        try:
            found.append((admin, await directory.lesson_id(admin.school.id, lesson_key)))
        except NotFound:
            continue
    if not found:
        return f"No lesson '{esc(lesson_key)}' in your school. /lessons lists them."
    if len(found) > 1:
        keys = ", ".join(admin.school.key for admin, _ in found)
        example = f"/remind {esc(lesson_key)} {found[0][0].school.key}"
        return f"Lesson '{esc(lesson_key)}' is in several of your schools ({keys}): say which, e.g. {example}"
    admin, lesson_id = found[0]
    return admin.school.id, lesson_id


async def _remind(
    update: Update, context: ContextTypes.DEFAULT_TYPE, school_id: int, lesson_id: int
) -> str:
    """Send the reminder now and return the admin's report."""
    # imported here: the scheduler renders with handlers' pure modules (no import cycle)
    from scheduler.runner import notifier_for
    from scheduler.sweeps import remind_now

    services = services_of(context)
    try:
        lesson = await services.directory.lesson(school_id, lesson_id)
    except NotFound:
        return NOT_YOURS
    if not lesson.is_hybrid:
        return f"{esc(lesson.name)} has no individual weeks: there is nothing to book."
    if not lesson.bookings_open:
        return (
            f"Bookings for {esc(lesson.name)} are closed, so a reminder would not help. "
            f"Open them first: /open {esc(lesson.key)}"
        )
    try:
        plan, report = await remind_now(
            services.sessions,
            notifier_for(context.application),
            services.clock,
            school_id,
            lesson_id,
            request=f"u{update.update_id}",
        )
    except DomainError as exc:
        return esc(str(exc))
    return report_text(lesson.name, plan.families, plan.unreachable, report)


async def remind_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remind LESSON [SCHOOL]: remind every family who has not booked, now."""
    message = update.effective_message
    assert message is not None
    me = await who(update, context)
    admins = me.roles(Role.ADMIN)
    if not admins:
        await message.reply_text(NOT_ADMIN)
        return
    if not context.args:
        await message.reply_text(USAGE)
        return
    target = await _resolve(context, admins, list(context.args))
    if isinstance(target, str):
        await message.reply_text(target, parse_mode=ParseMode.HTML)
        return
    await message.reply_text("Sending reminders…")
    text = await _remind(update, context, *target)
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def remind_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The dashboard's Remind button: ``rm:go:<school>:<lesson>``."""
    query = update.callback_query
    assert query is not None
    data = decode(query.data)
    if data is None or data.action != "go" or len(data.args) != 2:
        await query.answer("That button is out of date. Try /admin again.")
        return
    school_id, lesson_id = data.args
    me = await who(update, context)
    if me.role_in(Role.ADMIN, school_id) is None:
        logger.warning("user %s pressed remind for school %s: refused", me.telegram_id, school_id)
        await query.answer(NOT_ADMIN if not me.is_admin else NOT_YOURS, show_alert=True)
        return
    await query.answer("Sending reminders…")
    text = await _remind(update, context, school_id, lesson_id)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add this area's handlers."""
    application.add_handler(CommandHandler("remind", remind_command))
    application.add_handler(CallbackQueryHandler(remind_button, pattern=area_pattern("rm")))
