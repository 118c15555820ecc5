"""Approval in chat: tell the deciders about a PENDING booking, their buttons, the family told.

The buttons are stateless (see the package docstring): each press finds who presses in the
booking's school and lets core.booking.approval decide; a second press, a stale or forged
button gets a plain answer (e.g. "already confirmed by Sam Jones") and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler

from core.booking.approval import Copy
from core.errors import DomainError, NotFound
from core.i18n import gettext as _
from core.i18n import use_language
from core.identities import Role
from core.services import Services
from core.views import Actor, BookingView
from handlers.admin.dashboard import pressed, say
from handlers.approval import keyboards, texts
from handlers.approval.keyboards import AREA
from handlers.callbacks import fields_pattern
from handlers.context import Context, app_data, services_of, who

logger = logging.getLogger(__name__)


async def _post(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """One message; a chat that blocked us (or is gone) is logged, never raised."""
    try:
        return await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            disable_web_page_preview=True,
        )
    except TelegramError as exc:
        logger.warning("approval message to chat %s not sent: %s", chat_id, exc)
        return None


async def _send(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    return await _post(bot, chat_id, text, markup) is not None


Text = Callable[[], str]  # a message built in the current language (each recipient's own)


async def _languages(services: Services, school_id: int, chat_ids: Iterable[int]) -> dict[int, str]:
    """Each chat's language (its /language choice, else its client's, else the school's)."""
    return await services.languages.of_accounts(school_id, chat_ids)


async def announce_request(bot: Bot, services: Services, view: BookingView) -> int:
    """Tell the lesson's teacher and the school's admins that ``view`` waits for them, each
    in their language (each copy's message is recorded, to be edited once the booking is
    settled); how many were told."""
    recipients = await services.approval.approvers(view.school_id, view.lesson_id)
    languages = await _languages(services, view.school_id, recipients.chat_ids)
    copies = []
    for chat_id in recipients.chat_ids:
        with use_language(languages.get(chat_id)):
            text = texts.request_text(view)
            markup = keyboards.decide_keyboard(view.school_id, view.id)
        message = await _post(bot, chat_id, text, markup)
        if message is not None:
            copies.append(Copy(chat_id, message.message_id))
    await services.approval.record_copies(view.id, copies)
    logger.info("booking %s: approval asked of %s chat(s)", view.id, len(copies))
    return len(copies)


@dataclass(frozen=True, slots=True)
class Settled:
    """What became of the deciders' copies of one request (and, for a cancellation before a
    decision, of the teacher's message about it)."""

    edited: tuple[Copy, ...] = ()
    not_edited: tuple[Copy, ...] = ()  # deleted, too old, a chat gone: their buttons answer
    teacher_told: bool | None = None  # None: not a cancellation, or no linked teacher


async def settle_copies(
    bot: Bot,
    services: Services,
    view: BookingView,
    text: str | Text,
    *,
    keep: Copy | None = None,
) -> Settled:
    """Edit the deciders' copies of ``view``'s request to ``text`` (a builder: in each copy's
    chat's language), without buttons (all but ``keep``, the message a decider pressed,
    which shows the decision already); each copy is edited once. Which were edited, and
    which could not be."""
    edited: list[Copy] = []
    failed: list[Copy] = []
    copies = [copy for copy in await services.approval.take_copies(view.id) if copy != keep]
    languages = await _languages(services, view.school_id, [c.chat_id for c in copies])
    for copy in copies:
        with use_language(languages.get(copy.chat_id)):
            words = text if isinstance(text, str) else text()
        try:
            await bot.edit_message_text(
                words,
                chat_id=copy.chat_id,
                message_id=copy.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=None,
                disable_web_page_preview=True,
            )
            edited.append(copy)
        except TelegramError as exc:  # deleted, too old, a chat gone: the buttons answer
            logger.info("booking %s: copy in chat %s not edited: %s", view.id, copy.chat_id, exc)
            failed.append(copy)
    logger.info("booking %s: %s other copy(ies) of the request settled", view.id, len(edited))
    return Settled(tuple(edited), tuple(failed))


def _pressed(update: Update) -> Copy | None:
    """The decider's message that was pressed."""
    query = update.callback_query
    message = query.message if query else None
    return Copy(message.chat.id, message.message_id) if message is not None else None


async def decided(
    bot: Bot, services: Services, view: BookingView, *, confirmed: bool, keep: Copy | None = None
) -> None:
    """A decision made (in chat, or through the API): the other deciders' copies say who
    decided what, and the family is told."""
    await settle_copies(bot, services, view, lambda: texts.decided_text(view, confirmed), keep=keep)
    await tell_family(bot, services, view, confirmed=confirmed)


async def withdrawn(
    bot: Bot, services: Services, view: BookingView, *, moved: bool = False
) -> Settled:
    """A PENDING booking cancelled (or ``moved``) before anyone decided: the deciders'
    copies say so; a cancellation is also told to the teacher (a moved booking's new
    request tells them, see :func:`announce_request`)."""

    def text() -> str:
        return texts.moved_before_decision(view) if moved else texts.cancelled_before_decision(view)

    settled = await settle_copies(bot, services, view, text)
    if moved:
        return settled
    recipients = await services.approval.approvers(view.school_id, view.lesson_id)
    teacher = recipients.teacher_chat_id
    if teacher is None:
        return settled
    languages = await _languages(services, view.school_id, [teacher])
    with use_language(languages.get(teacher)):
        words = text()
    told = await _send(bot, teacher, words)
    return Settled(settled.edited, settled.not_edited, told)


async def tell_family(bot: Bot, services: Services, view: BookingView, confirmed: bool) -> int:
    """Tell the booked student's family the decision, each parent in their language; how
    many parents were told."""
    recipients = await services.approval.family_chats(view.school_id, view.id)
    languages = await _languages(services, view.school_id, recipients.chat_ids)
    sent = 0
    for chat_id in recipients.chat_ids:
        with use_language(languages.get(chat_id)):
            text = (
                texts.told_family_confirmed(view) if confirmed else texts.told_family_declined(view)
            )
        sent += await _send(bot, chat_id, text)
    logger.info("booking %s: family told (%s chat(s))", view.id, sent)
    return sent


async def _approver(
    update: Update, context: Context, school_id: int, booking_id: int
) -> tuple[Actor, BookingView] | None:
    """Who presses, as the one who decides, and the booking; None after saying no."""
    me = await who(update, context)
    teacher = me.role_in(Role.TEACHER, school_id)
    admin = me.role_in(Role.ADMIN, school_id)
    query = update.callback_query
    if teacher is None and admin is None:
        logger.warning("refused: telegram %s pressed %r", me.telegram_id, query and query.data)
        await say(update, context, texts.refused(_("That booking is not one you can decide.")))
        return None
    try:
        view = await services_of(context).booking.get_booking(school_id, booking_id)
    except NotFound:
        await say(update, context, texts.refused(_("That booking no longer exists.")))
        return None
    if teacher is not None and (teacher.person_id == view.teacher_id or admin is None):
        return Actor.teacher(teacher.person_id, teacher.name), view
    if admin is None:  # pragma: no cover - one of the two is set
        raise RuntimeError("admin is None")
    return Actor.admin(admin.name), view


async def confirm_callback(update: Update, context: Context) -> None:
    """apv:y — confirm a PENDING booking, then tell the family."""
    school_id, booking_id = await pressed(update)
    found = await _approver(update, context, school_id, booking_id)
    if found is None:
        return
    services = services_of(context)
    try:
        view = await services.approval.confirm(school_id, found[0], booking_id)
    except DomainError as exc:
        await say(update, context, texts.refused(exc.message))
        return
    await say(update, context, texts.decided_text(view, confirmed=True))
    await decided(context.bot, services, view, confirmed=True, keep=_pressed(update))


async def _show_while_decidable(update: Update, context: Context, *, asking: bool) -> None:
    """The reasons to decline with (``asking``) or Confirm / Decline again, while the
    booking still waits for a decision (nothing is changed)."""
    school_id, booking_id = await pressed(update)
    found = await _approver(update, context, school_id, booking_id)
    if found is None:
        return
    try:
        await services_of(context).approval.check_decidable(school_id, found[0], booking_id)
    except DomainError as exc:
        await say(update, context, texts.refused(exc.message))
        return
    if asking:
        text, keyboard = (
            texts.reason_prompt(found[1]),
            keyboards.reason_keyboard(school_id, booking_id),
        )
    else:
        text, keyboard = (
            texts.request_text(found[1]),
            keyboards.decide_keyboard(school_id, booking_id),
        )
    await say(update, context, text, keyboard)


async def decline_ask_callback(update: Update, context: Context) -> None:
    """apv:n — the reasons to decline with (nothing is changed yet)."""
    await _show_while_decidable(update, context, asking=True)


async def decline_callback(update: Update, context: Context) -> None:
    """apv:d — decline with the chosen reason (0: none), then tell the family."""
    school_id, booking_id, code = await pressed(update)
    if code != 0 and code not in texts.REASON_CODES:
        logger.warning("refused: reason code %s pressed for booking %s", code, booking_id)
        await say(update, context, texts.refused(_("That reason is not one of the buttons.")))
        return
    found = await _approver(update, context, school_id, booking_id)
    if found is None:
        return
    services = services_of(context)
    try:
        view = await services.approval.decline(
            school_id, found[0], booking_id, texts.reason_kept(code)
        )
    except DomainError as exc:
        await say(update, context, texts.refused(exc.message))
        return
    await say(update, context, texts.decided_text(view, confirmed=False))
    await decided(context.bot, services, view, confirmed=False, keep=_pressed(update))


async def back_callback(update: Update, context: Context) -> None:
    """apv:b — the booking with Confirm / Decline again (while it still waits)."""
    await _show_while_decidable(update, context, asking=False)


def notices_through(application: Application) -> Callable[[BookingView, str], Awaitable[None]]:  # type: ignore[type-arg]
    """The API's approval notices, told in chat by this Application's bot."""

    async def notify(view: BookingView, event: str) -> None:
        services = app_data(application).services
        if services is None:
            raise RuntimeError("the Application has no services")
        if event == "requested":
            await announce_request(application.bot, services, view)
        elif event in ("cancelled", "moved"):  # by the family, before a decision
            await withdrawn(application.bot, services, view, moved=event == "moved")
            if event == "moved":
                await announce_request(application.bot, services, view)
        else:
            await decided(application.bot, services, view, confirmed=event == "confirmed")

    return notify


def register(application: Application) -> None:  # type: ignore[type-arg]
    """The ``apv`` buttons."""
    for action, fields, callback in (
        ("y", 2, confirm_callback),
        ("n", 2, decline_ask_callback),
        ("d", 3, decline_callback),
        ("b", 2, back_callback),
    ):
        application.add_handler(
            CallbackQueryHandler(callback, pattern=fields_pattern(AREA, action, fields))
        )
