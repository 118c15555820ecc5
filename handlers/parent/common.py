"""The parent's area: linking (/start), booking (/book) and their bookings (/mybookings).

The steps live in parent_start, parent_book and parent_mybookings; this module wires them
and holds what they share: reading a parent's button (decoded and checked against the
account's own schools before anything else), showing a screen in place, refusals in plain
words, and sending the .ics file of a booking.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler

from core.calendar.ics import booking_ics
from core.calendar.service import booking_event
from core.errors import DomainError, NotAllowed, NotFound, NotYourStudent, SlotUnavailable
from core.family_view import FamilyViewService
from core.i18n import gettext as _
from core.identities import Identity, Role
from core.views import Actor, BookingView
from handlers.callbacks import decode
from handlers.common import STALE_BUTTON, help_text, stopped_before
from handlers.context import Context, Handler, Who, services_of, who
from handlers.parent import keyboards, texts

logger = logging.getLogger(__name__)

# the core's refusals of a button's id that is not the family's (forged, or out of date)
NOT_THE_FAMILYS = (NotYourStudent, NotFound, NotAllowed)
# the same in the booking flow and on a booking, where a week or time not of the lesson is one
FORGED_ERRORS = (*NOT_THE_FAMILYS, SlotUnavailable)


def family_view(context: Context) -> FamilyViewService:
    """The read side of the parent's screens, built once per application."""
    return services_of(context).family_view


@dataclass(frozen=True, slots=True)
class ParentStep:
    """A parent's button, decoded and checked: the school is one where this account is a parent."""

    update_id: int
    parent: Identity
    args: tuple[int, ...]  # the fields after the school id

    @property
    def school_id(self) -> int:
        return self.parent.school.id

    @property
    def parent_id(self) -> int:
        return self.parent.person_id

    @property
    def actor(self) -> Actor:
        return Actor.parent(self.parent_id, self.parent.name)


def _first_school(me: Who) -> int | None:
    parents = me.roles(Role.PARENT)
    return parents[0].school.id if parents else None


async def parent_step(update: Update, context: Context, arity: int) -> ParentStep | None:
    """Answer the pressed button (it stops spinning at once), decode it and check its school
    against the account; refuse otherwise.

    ``arity`` counts the integer fields after the school id. A refusal edits the message
    into plain words and a fresh start.
    """
    query = update.callback_query
    if query is None:
        raise RuntimeError("query is None")
    await query.answer()
    callback = decode(query.data)
    stale = callback is None or len(callback.args) != arity + 1
    if callback is None or stale or await stopped_before(update, context):
        await refuse_stale(update, context)
        return None
    me = await who(update, context)
    parent = me.role_in(Role.PARENT, callback.args[0])
    if parent is None:
        logger.warning(
            "update %s: refused %r from %s: not a parent in school %s",
            update.update_id,
            query.data,
            me.telegram_id,
            callback.args[0],
        )
        if me.is_parent:
            await show(update, _(texts.FORGED), keyboards.fresh_start_keyboard(_first_school(me)))
            return None
        # an admin's, teacher's or stranger's press of a parent's button: what they can do
        listing = callback.area == "my" or (callback.area, callback.action) == ("sc", "m")
        action = "m" if listing else "b"
        await show(update, texts.not_a_parent(me.is_known, me.is_admin, me.is_teacher, action))
        return None
    return ParentStep(update.update_id, parent, callback.args[1:])


FRESH_SCREEN = 600  # seconds: a slot gone from a screen this young "has just been taken"


def fresh_screen(update: Update) -> bool:
    """Whether the pressed button's message was shown (or last edited) a few minutes ago.

    Message dates are Telegram's wall clock, not the school's domain time, so they are
    compared with the wall clock.
    """
    query = update.callback_query
    message = query.message if query is not None else None
    if message is None or not hasattr(message, "date"):
        return True
    shown = getattr(message, "edit_date", None) or message.date
    return (time.time() - shown.timestamp()) < FRESH_SCREEN


async def refuse_stale(update: Update, context: Context) -> None:
    """A button that no longer parses (old version, or forged): plain words and a fresh start."""
    query = update.callback_query
    logger.info(
        "update %s: stale parent button %r", update.update_id, query.data if query else None
    )
    me = await who(update, context)
    if not me.is_parent:  # no parent's fresh start to offer: the account's own commands
        menu = help_text(me.is_parent, me.is_teacher, me.is_admin, me.is_known)
        await show(update, _(STALE_BUTTON) + "\n\n" + menu)
        return
    await show(update, _(texts.STALE), keyboards.fresh_start_keyboard(_first_school(me)))


async def stale_button(update: Update, context: Context) -> None:
    """Any other bk/my/sc button: out of date or forged."""
    if update.callback_query is None:
        raise RuntimeError("update.callback_query is None")
    await update.callback_query.answer()
    await refuse_stale(update, context)


async def refuse_forged(update: Update, step: ParentStep, reason: DomainError) -> None:
    """An id in the button is not this family's: log it (in English), change nothing, offer a
    fresh start."""
    query = update.callback_query
    logger.warning(
        "update %s: refused %r from parent %s (school %s): %s",
        update.update_id,
        query.data if query else None,
        step.parent_id,
        step.school_id,
        reason.english,
    )
    await show(update, _(texts.FORGED), keyboards.fresh_start_keyboard(step.school_id))


async def show(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Show a screen in the button's message; a new message if that one can't be edited."""
    query = update.callback_query
    if query is None:
        raise RuntimeError("query is None")
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        return
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return
        logger.info("update %s: could not edit (%s); sending instead", update.update_id, exc)
    chat = update.effective_chat
    if chat is not None:
        await query.get_bot().send_message(
            chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )


async def reply(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """A new message in answer to a command or a typed answer."""
    if update.effective_message is None:
        raise RuntimeError("update.effective_message is None")
    await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def parent_for_command(
    update: Update, context: Context, action: str, purpose: str
) -> Identity | None:
    """The account's parent identity for a command; asks which school when there are several."""
    me = await who(update, context)
    parents = me.roles(Role.PARENT)
    if not parents:
        await reply(update, texts.not_a_parent(me.is_known, me.is_admin, me.is_teacher, action))
        return None
    if len(parents) > 1:
        schools = [p.school for p in parents]
        await reply(
            update, texts.choose_school(purpose), keyboards.schools_keyboard(schools, action)
        )
        return None
    return parents[0]


async def send_calendar_file(context: Context, chat_id: int, view: BookingView) -> None:
    """The booking as an .ics file: same UID every time, SEQUENCE bumped, CANCELLED at the end.

    It goes out after the change is made: if it cannot be delivered, the change stands and the
    parent is told so (never "nothing was changed")."""
    data = booking_ics(booking_event(view), view.timezone, now=services_of(context).clock.now())
    try:
        await context.bot.send_document(
            chat_id,
            document=InputFile(data, filename=texts.ics_file_name(view)),
            caption=texts.calendar_caption(view),
        )
    except Forbidden:
        raise  # blocked: the error handler notes it, nothing to tell
    except TelegramError as exc:
        logger.warning("booking %s: calendar file not delivered to %s: %s", view.id, chat_id, exc)
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(chat_id, _(texts.CALENDAR_FILE_NOT_SENT))


def add_buttons(
    application: Application,  # type: ignore[type-arg]
    prefix: str,
    steps: Iterable[tuple[str, Handler]],
) -> None:
    """One handler per step: a ``<prefix>:<action>:...`` button goes to its callback."""
    for action, callback in steps:
        application.add_handler(CallbackQueryHandler(callback, pattern=rf"^{prefix}:{action}:"))
