"""Handlers every user meets: /help, /cancel, free text, stale buttons and the error handler."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from core.db.driver import is_unavailable
from core.errors import DatabaseUnavailable
from core.i18n import N_
from core.i18n import gettext as _
from handlers.context import Context, services_of, who

logger = logging.getLogger(__name__)

TextStep = Callable[[Update, Context, tuple[int, ...]], Awaitable[None]]
_TEXT_STEPS: dict[str, TextStep] = {}

NOTHING_CHANGED = N_(
    "Sorry, something went wrong on our side. Nothing was changed. Please try again in a moment."
)
STALE_BUTTON = N_("That button is out of date. Here is a fresh menu.")
CHANGE_SAVED = N_(
    "Your change is saved (/mybookings shows it), but I could not send you everything about "
    "it just now."
)
_CHANGED_IN = "changed_in_update"


def change_made(update: Update, context: Context) -> None:
    """This update changed something: if delivering the news fails now, never say otherwise."""
    if context.chat_data is not None:
        context.chat_data[_CHANGED_IN] = update.update_id


def _changed(update: Update, context: Context) -> bool:
    return context.chat_data is not None and context.chat_data.get(_CHANGED_IN) == update.update_id


STOPPED = N_("Okay, stopped. Nothing was changed, and the buttons above no longer work. /help")
STOP_STEP = "stopped"  # after /cancel: (message id of the /cancel,); older buttons are stale


def register_text_step(name: str, step: TextStep) -> None:
    """Let a flow take the next typed message (e.g. a cancellation reason)."""
    _TEXT_STEPS[name] = step


async def expect_text(update: Update, context: Context, name: str, *args: int) -> None:
    """The account's next text message is the answer to step ``name`` (with ``args``), in
    whichever bot process it arrives (core.chat_steps)."""
    user = update.effective_user
    if user is not None:
        await services_of(context).chat_steps.set(user.id, name, args)


async def clear_flow(update: Update, context: Context) -> bool:
    """Forget any step in progress; True if there was one."""
    user = update.effective_user
    if user is None:
        return False
    return await services_of(context).chat_steps.clear(user.id)


def intro_lines(is_parent: bool, is_teacher: bool, is_admin: bool) -> list[str]:
    """One line per role saying what this account is here for."""
    lines = []
    if is_parent:
        lines.append(_("You book your children's individual lesson slots here."))
    if is_teacher:
        lines.append(_("You teach here: see your lessons, who booked which slot, your week."))
    if is_admin:
        lines.append(_("You run the school's bookings: open, close, remind, book for families."))
    return [*lines, ""]


def help_text(is_parent: bool, is_teacher: bool, is_admin: bool, known: bool) -> str:
    lines = ["<b>" + _("Music school bookings") + "</b>", ""]
    if not known:
        lines += [
            _("I book individual lesson slots for families of the school."),
            _(
                "To start, open the invite link the school sent you, "
                "or ask the school office for one."
            ),
            _("/language – choose the language I speak"),
        ]
        return "\n".join(lines)
    lines += intro_lines(is_parent, is_teacher, is_admin)
    if is_parent:
        lines += [
            _("/book – book an individual slot for your child"),
            _("/mybookings – see, move or cancel bookings"),
            _("/calendar – your family's week"),
        ]
    if is_teacher:
        lines += [
            _("/lessons – your lessons"),
            _("/bookings LESSON [week] – who booked what"),
            _("/stats LESSON – booked, not booked and attendance of your lesson"),
        ]
        lines.append(_("/agenda off|on – your evening agenda of the next day"))
    if is_admin:
        lines += [
            _("/admin – dashboard of hybrid lessons"),
            "/lessons, /stats LESSON, /bookings LESSON [week]",
            "/open LESSON, /close LESSON, /remind LESSON, /invite FAMILY",
        ]
    if is_teacher or is_admin:
        lines.append(_("/calendar – the week as a picture"))
    lines.append(_("/cancel – leave the current step"))
    lines.append(_("/language – choose the language I speak"))
    if is_parent:
        lines += ["", _("Booking, moving or cancelling needs at least 24 hours' notice.")]
    return "\n".join(lines)


async def help_command(update: Update, context: Context) -> None:
    """/help: what this user can do, by role."""
    me = await who(update, context)
    if update.effective_message is None:
        raise RuntimeError("update.effective_message is None")
    await update.effective_message.reply_text(
        help_text(me.is_parent, me.is_teacher, me.is_admin, me.is_known),
        parse_mode=ParseMode.HTML,
    )


async def cancel_command(update: Update, context: Context) -> None:
    """/cancel: leave the current flow (a typed step, and the buttons shown before it);
    nothing is booked or cancelled by it."""
    message = update.effective_message
    if message is None:
        raise RuntimeError("message is None")
    user = update.effective_user
    if user is not None:
        await services_of(context).chat_steps.set(user.id, STOP_STEP, (message.message_id,))
    await message.reply_text(_(STOPPED))


async def stopped_before(update: Update, context: Context) -> bool:
    """Whether the pressed button sits on a message shown before the account's last /cancel.

    Message ids only grow within a chat, so a screen older than the /cancel has a smaller id.
    """
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return False
    awaiting = await services_of(context).chat_steps.get(user.id)
    if awaiting is None or awaiting.step != STOP_STEP or not awaiting.args:
        return False
    return query.message.message_id < awaiting.args[0]


async def text_message(update: Update, context: Context) -> None:
    """Free text: a typed answer when a step expects one, else a hint to use the buttons."""
    message = update.effective_message
    if message is None:
        raise RuntimeError("message is None")
    user = update.effective_user
    awaiting = await services_of(context).chat_steps.get(user.id) if user else None
    if awaiting is not None:
        step = _TEXT_STEPS.get(awaiting.step)
        if step is not None:
            await step(update, context, awaiting.args)
            return
    me = await who(update, context)
    await message.reply_text(typed_hint(me.is_parent, me.is_teacher, me.is_admin))


def typed_hint(is_parent: bool, is_teacher: bool, is_admin: bool) -> str:
    """What free text gets where no step expects it: the commands this account has."""
    if is_parent:
        return _(
            "Please use the buttons, or a command: /book to book, /mybookings for your "
            "bookings, /help for everything else."
        )
    if is_admin:
        return _(
            "Please use the buttons, or a command: /admin for the dashboard, /lessons for "
            "the lessons, /help for everything else."
        )
    if is_teacher:
        return _(
            "Please use the buttons, or a command: /lessons for your lessons, /calendar for "
            "your week, /help for everything else."
        )
    return _(
        "I only understand the school's invite link for now: open the one the school sent "
        "you, or ask the school office for one. /help says more."
    )


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not know."""
    if update.effective_message is None:
        raise RuntimeError("update.effective_message is None")
    await update.effective_message.reply_text(_("I don't know that command. /help lists mine."))


async def stale_button(update: Update, context: Context) -> None:
    """A button whose data no handler understands: old, or forged."""
    query = update.callback_query
    if query is None:
        raise RuntimeError("query is None")
    logger.info("update %s: unknown callback data %r", update.update_id, query.data)
    await query.answer(_(STALE_BUTTON), show_alert=False)
    await reply_fresh_menu(update, context)


async def reply_fresh_menu(update: Update, context: Context) -> None:
    me = await who(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_message(
        chat.id,
        help_text(me.is_parent, me.is_teacher, me.is_admin, me.is_known),
        parse_mode=ParseMode.HTML,
    )


async def error_handler(update: object, context: Context) -> None:
    """The one place the unexpected ends: log it with the update id, tell the user plainly."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, BadRequest) and "not modified" in str(error).lower():
        return  # a double tap re-rendered the same screen: harmless
    if isinstance(error, Forbidden):
        logger.info("update %s: user blocked the bot: %s", update_id, error)
        return
    if isinstance(error, DatabaseUnavailable) or (error is not None and is_unavailable(error)):
        # expected while the database restarts: one line, no traceback
        logger.warning("update %s: database unavailable: %s", update_id, error)
        down = error if isinstance(error, DatabaseUnavailable) else DatabaseUnavailable()
        text = down.message
    else:
        logger.error("update %s failed", update_id, exc_info=error)
        text = _(NOTHING_CHANGED)
    if not isinstance(update, Update):
        return
    if _changed(update, context):
        text = _(CHANGE_SAVED)
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(text[:190], show_alert=True)
                return
            except BadRequest:
                pass  # already answered: fall through to a message
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, html.escape(text))
    except TelegramError as exc:
        logger.warning("update %s: could not tell the user about the error: %s", update_id, exc)
