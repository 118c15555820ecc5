"""Admins remind families now: ``/remind LESSON [SCHOOL]`` and the dashboard's Remind button.

Both ask first ("6 families, 8 parents: send?") and refuse a lesson without individual
weeks or with bookings closed before anything is sent (the rule is the core's:
:func:`core.reminders.rules.check_remindable`). Sending reports "N messages to M
families, K not reachable" (the families add up: reached + not reachable + not yet).

Callback data: ``rm:go:<school>:<lesson>`` (dashboard: ask), ``rm:ok:<school>:<lesson>``
(send), ``rm:no:<school>:<lesson>`` (don't); each re-validated (the presser must be an
admin of that school). The request is named by the question's message, so a double press
(or two processes seeing the same press) sends nothing twice: the second is told so.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from core.errors import DomainError, NotFound
from core.i18n import N_, ngettext
from core.i18n import gettext as _
from core.identities import Identity, Role
from core.reminders.service import (
    NothingToBook,
    OnDemandPlan,
    RemindersClosed,
    SweepReport,
    not_booked_now,
    settled,
    tally,
)
from handlers.callbacks import area_pattern, decode, encode
from handlers.context import Context, bot_data_of, services_of, who
from handlers.formatting import esc

logger = logging.getLogger(__name__)

USAGE = N_("Send reminders to families who have not booked: /remind LESSON (e.g. /remind piano).")
NOT_ADMIN = N_("Only the school's admins can send reminders.")
NOT_YOURS = N_("That lesson is not in a school you run.")
CANNOT_SEND = N_("Reminders cannot be sent from this process right now. Try again later.")
ALREADY = N_("These reminders have already been sent.")


def families(n: int) -> str:
    return ngettext("{n} family", "{n} families", n).format(n=n)


def parents(n: int) -> str:
    return ngettext("{n} parent", "{n} parents", n).format(n=n)


def question_text(plan: OnDemandPlan) -> str:
    """The question before sending."""
    lines = [
        _("<b>Remind {lesson}?</b>").format(lesson=esc(plan.lesson_name)),
        ngettext("{n} family still to book", "{n} families still to book", plan.families).format(
            n=plan.families
        )
        + _("; the reminder goes to {families}, {parents}: send?").format(
            families=families(plan.reachable_families), parents=parents(plan.parents)
        ),
    ]
    if plan.unreachable:
        lines.append(
            ngettext(
                "{n} family not reachable in chat (no linked parent, or they blocked the bot).",
                "{n} families not reachable in chat (no linked parent, or they blocked the bot).",
                plan.unreachable,
            ).format(n=plan.unreachable)
        )
    return "\n".join(lines)


def nobody_text(lesson_name: str) -> str:
    return _("Everyone has booked the open weeks of <b>{lesson}</b>: nobody to remind.").format(
        lesson=esc(lesson_name)
    )


def report_text(plan: OnDemandPlan, report: SweepReport) -> str:
    """The admin's summary of an on-demand reminder: the families add up."""
    count = tally(plan, report.outcomes)
    summary = (
        ngettext("{n} message", "{n} messages", count.messages).format(n=count.messages)
        + " "
        + ngettext("to {n} family", "to {n} families", count.reached).format(n=count.reached)
        + _(", {n} not reachable").format(n=count.not_reachable)
        + (_(", {n} not sent yet").format(n=count.not_yet) if count.not_yet else "")
        + ngettext(
            " (of {n} family still to book).", " (of {n} families still to book).", count.families
        ).format(n=count.families)
    )
    lines = [
        _("<b>Reminders for {lesson}</b>").format(lesson=esc(plan.lesson_name)),
        summary,
        _("Sent: {n}").format(n=report.sent),
        _("Failed: {n}").format(n=report.failed + report.retrying),
        _("Blocked the bot: {n}").format(n=report.blocked),
    ]
    if report.unknown:
        lines.append(_("No answer from Telegram (perhaps delivered): {n}").format(n=report.unknown))
    if count.not_reachable:
        lines.append(
            _(
                "Not reachable in chat: {families} (no linked parent, or they blocked the bot)"
            ).format(families=families(count.not_reachable))
        )
    return "\n".join(lines)


def refusal(exc: DomainError) -> str:
    """Plain words for a lesson that cannot be reminded."""
    if isinstance(exc, RemindersClosed):
        return _(
            "Bookings for {lesson} are closed, so a reminder would not help. "
            "Open them first: /open {key}"
        ).format(lesson=esc(exc.lesson_name), key=esc(exc.lesson_key))
    if isinstance(exc, NothingToBook):
        return _("{lesson} has no individual weeks: there is nothing to book.").format(
            lesson=esc(exc.lesson_name)
        )
    return esc(exc.message)


def question_buttons(school_id: int, lesson_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Send"), callback_data=encode("rm", "ok", school_id, lesson_id)
                ),
                InlineKeyboardButton(
                    _("Don't"), callback_data=encode("rm", "no", school_id, lesson_id)
                ),
            ]
        ]
    )


async def _resolve(
    context: Context, admins: list[Identity], args: list[str]
) -> tuple[int, int] | str:
    """(school id, lesson id) named by ``LESSON [SCHOOL]``, or the words of a refusal."""
    lesson_key = args[0]
    if len(args) > 1:
        named = [a for a in admins if a.school.key == args[1]]
        if not named:  # e.g. "/remind piano 4": a week is not a school
            keys = ", ".join(sorted({a.school.key for a in admins}))
            return (
                _("You are not an admin of a school '{school}'.").format(school=esc(args[1]))
                + " "
                + _("Your schools: {keys}.").format(keys=esc(keys))
                + "\n"
                + _(USAGE)
            )
        admins = named
    directory = services_of(context).directory
    found: list[tuple[Identity, int]] = []
    for admin in admins:
        try:
            found.append((admin, await directory.lesson_id(admin.school.id, lesson_key)))
        except NotFound:
            continue
    if not found:
        return _("No lesson '{lesson}' in your school. /lessons lists them.").format(
            lesson=esc(lesson_key)
        )
    if len(found) > 1:
        keys = ", ".join(admin.school.key for admin, _lesson in found)
        example = f"/remind {esc(lesson_key)} {found[0][0].school.key}"
        return _(
            "Lesson '{lesson}' is in several of your schools ({keys}): say which, e.g. {example}"
        ).format(lesson=esc(lesson_key), keys=keys, example=example)
    admin, lesson_id = found[0]
    return admin.school.id, lesson_id


async def _plan(
    context: Context, school_id: int, lesson_id: int, request: str
) -> OnDemandPlan | str:
    """Who the reminder would reach, or the words of a refusal (closed, no individual weeks)."""
    services = services_of(context)
    try:
        return await not_booked_now(
            services.sessions, services.clock.now(), school_id, lesson_id, request
        )
    except NotFound:
        return _(NOT_YOURS)
    except DomainError as exc:
        return refusal(exc)


async def _ask(
    update: Update, context: Context, chat_id: int, school_id: int, lesson_id: int
) -> None:
    """Refuse, say nobody needs it, or ask before sending."""
    plan = await _plan(context, school_id, lesson_id, request="ask")
    if isinstance(plan, str):
        await context.bot.send_message(chat_id, plan, parse_mode=ParseMode.HTML)
    elif plan.families == 0:
        await context.bot.send_message(
            chat_id, nobody_text(plan.lesson_name), parse_mode=ParseMode.HTML
        )
    else:
        await context.bot.send_message(
            chat_id,
            question_text(plan),
            parse_mode=ParseMode.HTML,
            reply_markup=question_buttons(school_id, lesson_id),
        )


async def remind_command(update: Update, context: Context) -> None:
    """/remind LESSON [SCHOOL]: ask, then remind every family who has not booked, now."""
    message = update.effective_message
    if message is None:
        return
    me = await who(update, context)
    admins = me.roles(Role.ADMIN)
    if not admins:
        await message.reply_text(_(NOT_ADMIN))
        return
    if not context.args:
        await message.reply_text(_(USAGE))
        return
    target = await _resolve(context, admins, list(context.args))
    if isinstance(target, str):
        await message.reply_text(target, parse_mode=ParseMode.HTML)
        return
    await _ask(update, context, message.chat_id, *target)


async def remind_button(update: Update, context: Context) -> None:
    """``rm:go`` asks (the dashboard's Remind), ``rm:ok`` sends, ``rm:no`` does not."""
    query = update.callback_query
    if query is None:
        return
    data = decode(query.data)
    if data is None or data.action not in ("go", "ok", "no") or len(data.args) != 2:
        await query.answer(_("That button is out of date. Try /admin again."))
        return
    school_id, lesson_id = data.args
    me = await who(update, context)
    if me.role_in(Role.ADMIN, school_id) is None:
        logger.warning("user %s pressed remind for school %s: refused", me.telegram_id, school_id)
        await query.answer(_(NOT_ADMIN) if not me.is_admin else _(NOT_YOURS), show_alert=True)
        return
    chat = update.effective_chat
    if chat is None:
        await query.answer()
        return
    if data.action == "go":
        await query.answer()
        await _ask(update, context, chat.id, school_id, lesson_id)
        return
    asked = query.message
    if data.action == "no":
        await query.answer(_("Not sent."))
        if asked is not None:
            await context.bot.edit_message_reply_markup(chat.id, asked.message_id)
        return
    await _send(update, context, chat.id, school_id, lesson_id)


async def _send(
    update: Update, context: Context, chat_id: int, school_id: int, lesson_id: int
) -> None:
    """The admin said send: refuse a lesson closed meanwhile, else send and report."""
    query = update.callback_query
    if query is None:
        return
    asked = query.message
    # the question names the request: a second press of the same button sends nothing again
    request = f"m{chat_id}.{asked.message_id if asked is not None else update.update_id}"
    plan = await _plan(context, school_id, lesson_id, request)
    if isinstance(plan, str):
        await query.answer()
        await context.bot.send_message(chat_id, plan, parse_mode=ParseMode.HTML)
        return
    remind_now = bot_data_of(context).remind_now
    if remind_now is None:
        await query.answer(_(CANNOT_SEND), show_alert=True)
        return
    services = services_of(context)
    keys = [r.key for r in plan.reminders]
    if keys and await settled(services.sessions, keys):
        await query.answer(_(ALREADY))
        return
    await query.answer(_("Sending reminders…"))
    if asked is not None:  # the question's buttons go: one press, one sending
        try:
            await context.bot.edit_message_reply_markup(chat_id, asked.message_id)
        except Exception:  # a stale question is harmless: the keys keep it once
            logger.debug("could not clear the question's buttons", exc_info=True)
    try:
        plan, report = await remind_now(school_id, lesson_id, request)
    except DomainError as exc:
        await context.bot.send_message(chat_id, refusal(exc), parse_mode=ParseMode.HTML)
        return
    if plan.reminders and report.skipped == len(plan.reminders):
        await context.bot.send_message(chat_id, _(ALREADY))
        return
    await context.bot.send_message(chat_id, report_text(plan, report), parse_mode=ParseMode.HTML)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add this area's handlers."""
    application.add_handler(CommandHandler("remind", remind_command))
    application.add_handler(CallbackQueryHandler(remind_button, pattern=area_pattern("rm")))
