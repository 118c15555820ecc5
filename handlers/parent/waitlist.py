"""The waitlist in the parent's chat: join a full week's list, leave it, answer an offer.

Buttons (``wl`` area, see handlers.parent.waitlist_texts): join from the booking flow's
slots screen of a week, leave from there (a week shown by days too: its days and each
day's times) or from /mybookings, accept or decline from the offer message the scheduler
sent. Every id is checked again by the core.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from core.errors import (
    AlreadyBooked,
    BookingsClosed,
    InvalidState,
    NoticeTooShort,
    SlotTaken,
    SlotUnavailable,
)
from core.i18n import gettext as _
from core.waitlist.service import WaitingView
from handlers.callbacks import encode, fields_pattern
from handlers.common import change_made
from handlers.context import Context, services_of
from handlers.parent import keyboards, texts
from handlers.parent import waitlist_texts as words
from handlers.parent.common import (
    FORGED_ERRORS,
    NOT_THE_FAMILYS,
    ParentStep,
    parent_step,
    refuse_forged,
    send_calendar_file,
    show,
)

logger = logging.getLogger(__name__)


def _to_my_bookings(school_id: int) -> InlineKeyboardMarkup:
    """One button: the family's bookings list."""
    button = InlineKeyboardButton(_("My bookings"), callback_data=encode("my", "l", school_id))
    return InlineKeyboardMarkup([[button]])


async def entry_of_week(
    context: Context, step: ParentStep, student_id: int, lesson_id: int, week: int
) -> WaitingView | None:
    """The child's place on that week's list, if they wait (one statement when not)."""
    waitlist = services_of(context).waitlist
    if not await waitlist.waits(step.school_id, student_id, lesson_id, week):
        return None
    entries = await waitlist.family_entries(step.school_id, step.parent_id)
    return next(
        (
            e
            for e in entries
            if e.student_id == student_id and e.lesson_id == lesson_id and e.week == week
        ),
        None,
    )


def with_waitlist(
    keyboard: InlineKeyboardMarkup,
    school_id: int,
    student_id: int,
    lesson_id: int,
    week: int,
    entry: WaitingView | None,
) -> InlineKeyboardMarkup:
    """A week's slots screen with the waitlist's button on top of the back button."""
    button = (
        words.leave_button(entry)
        if entry is not None
        else words.join_button(school_id, student_id, lesson_id, week)
    )
    rows = [list(row) for row in keyboard.inline_keyboard]
    return InlineKeyboardMarkup([*rows[:-1], [button], *rows[-1:]] if rows else [[button]])


async def join(update: Update, context: Context) -> None:
    """wl:j:<school>:<student>:<lesson>:<week> — put the child on the week's list."""
    step = await parent_step(update, context, 3)
    if step is None:
        return
    student_id, lesson_id, week = step.args
    try:
        view = await services_of(context).waitlist.join(
            step.school_id, step.actor, lesson_id, week, student_id
        )
    except FORGED_ERRORS as exc:
        await refuse_forged(update, step, exc)
        return
    except (AlreadyBooked, InvalidState) as exc:
        back = keyboards.refusal_keyboard(step.school_id, student_id, lesson_id)
        await show(update, texts.refusal(exc), back)
        return
    change_made(update, context)
    await show(update, words.joined_text(view), words.joined_keyboard(view))


async def leave(update: Update, context: Context) -> None:
    """wl:l:<school>:<entry> — take the child off the list."""
    step = await parent_step(update, context, 1)
    if step is None:
        return
    try:
        view = await services_of(context).waitlist.leave(step.school_id, step.actor, step.args[0])
    except NOT_THE_FAMILYS as exc:
        await refuse_forged(update, step, exc)
        return
    except InvalidState as exc:
        await show(update, texts.refusal(exc), _to_my_bookings(step.school_id))
        return
    change_made(update, context)
    back = keyboards.refusal_keyboard(step.school_id, view.student_id, view.lesson_id, view.week)
    await show(update, words.left_text(view), back)


async def accept(update: Update, context: Context) -> None:
    """wl:a:<school>:<offer> — book the freed slot; someone quicker leaves it to them."""
    step = await parent_step(update, context, 1)
    if step is None:
        return
    mine = _to_my_bookings(step.school_id)
    try:
        view = await services_of(context).waitlist.accept(step.school_id, step.actor, step.args[0])
    except NOT_THE_FAMILYS as exc:
        await refuse_forged(update, step, exc)
        return
    except SlotTaken as exc:
        await show(update, words.lost_text(exc.message), mine)
        return
    except NoticeTooShort as exc:
        await show(update, texts.refusal(exc, step.parent.school.name), mine)
        return
    except (AlreadyBooked, BookingsClosed, InvalidState, SlotUnavailable) as exc:
        await show(update, texts.refusal(exc), mine)
        return
    change_made(update, context)
    await show(update, texts.booked(view), keyboards.booking_keyboard(view))
    if update.effective_chat is not None:
        await send_calendar_file(context, update.effective_chat.id, view)


async def decline(update: Update, context: Context) -> None:
    """wl:n:<school>:<offer> — not this slot: the next family is offered it."""
    step = await parent_step(update, context, 1)
    if step is None:
        return
    mine = _to_my_bookings(step.school_id)
    try:
        await services_of(context).waitlist.decline(step.school_id, step.actor, step.args[0])
    except NOT_THE_FAMILYS as exc:
        await refuse_forged(update, step, exc)
        return
    except InvalidState as exc:
        await show(update, texts.refusal(exc), mine)
        return
    change_made(update, context)
    await show(update, words.declined_text(), mine)


def register(application: Application) -> None:  # type: ignore[type-arg]
    steps = (("j", join, 4), ("l", leave, 2), ("a", accept, 2), ("n", decline, 2))
    for action, callback, fields in steps:
        application.add_handler(
            CallbackQueryHandler(callback, pattern=fields_pattern("wl", action, fields))
        )
