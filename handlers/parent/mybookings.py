"""/mybookings: upcoming bookings per child, a booking's card, and rescheduling (same week).

Each booking id from a button is looked up within the parent's own family first
(``booking_step``, which the cancel steps of handlers.parent.cancel use too); the booking
service checks again when it writes. After a change the family gets an updated .ics file
(same UID, bumped SEQUENCE; STATUS:CANCELLED when cancelled).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from core.booking.rules import CLOSED_FOR_MOVES, notice_refusal
from core.errors import (
    BookingsClosed,
    InvalidState,
    NoticeTooShort,
    SlotTaken,
)
from core.family_view import parent_can_change
from core.views import BookingView
from handlers import slot_pages
from handlers.approval.chat import announce_request, withdrawn
from handlers.callbacks import from_minute, to_minute
from handlers.common import change_made
from handlers.context import Context, Handler, services_of
from handlers.parent import keyboards, mybookings_texts, texts, waitlist_texts
from handlers.parent.common import (
    FORGED_ERRORS,
    ParentStep,
    add_buttons,
    family_view,
    fresh_screen,
    parent_for_command,
    parent_step,
    refuse_forged,
    reply,
    send_calendar_file,
    show,
)
from handlers.webapp import offer_miniapp

logger = logging.getLogger(__name__)


async def _list_screen(
    context: Context, school_id: int, school_name: str, parent_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    bookings = await services_of(context).booking.parent_bookings(school_id, parent_id)
    waiting = await services_of(context).waitlist.family_entries(school_id, parent_id)
    keyboard = keyboards.bookings_keyboard(school_id, bookings)
    rows = [*keyboard.inline_keyboard, *waitlist_texts.waitlist_rows(waiting)]
    text = "\n".join(
        [
            mybookings_texts.bookings_list(school_name, bookings),
            *waitlist_texts.waitlist_lines(waiting),
        ]
    )
    return text, InlineKeyboardMarkup(rows)


async def mybookings_command(update: Update, context: Context) -> None:
    """/mybookings: the family's upcoming bookings, one button each."""
    parent = await parent_for_command(update, context, "m", "list")
    if parent is None:
        return
    await reply(
        update, *await _list_screen(context, parent.school.id, parent.school.name, parent.person_id)
    )
    await offer_miniapp(update, context, "book")


async def list_bookings(update: Update, context: Context) -> None:
    """my:l:<school> — the bookings list again; and sc:m:<school>, the school picked for
    /mybookings."""
    step = await parent_step(update, context, 0)
    if step is not None:
        await show(
            update,
            *await _list_screen(context, step.school_id, step.parent.school.name, step.parent_id),
        )


async def _own_booking(update: Update, context: Context, step: ParentStep) -> BookingView | None:
    """The booking named in the button, if it is this family's; refuses otherwise."""
    try:
        return await family_view(context).family_booking(
            step.school_id, step.parent_id, step.args[0]
        )
    except FORGED_ERRORS as exc:
        await refuse_forged(update, step, exc)
        return None


async def _too_late(update: Update, context: Context, step: ParentStep, view: BookingView) -> bool:
    """Cancelled, or inside 24 hours: say so on the card and stop."""
    if parent_can_change(view, services_of(context).clock.now()):
        return False
    message = (
        texts.booking_card(view)
        if not view.active
        else texts.refusal(notice_refusal(view.start_at, view.tz), step.parent.school.name)
    )
    await show(
        update,
        message,
        keyboards.booking_keyboard(view)
        if not view.active
        else keyboards.fresh_start_keyboard(step.school_id),
    )
    return True


BookingHandler = Callable[[Update, Context, ParentStep, BookingView], Awaitable[None]]


def booking_step(arity: int, *, notice: bool = False) -> Callable[[BookingHandler], Handler]:
    """A button on one of the family's bookings (``my:<action>:<school>:<booking>...``, with
    ``arity`` fields after the school): answer it, check the parent and that the booking is
    the family's, and with ``notice`` that it can still be changed (24 hours ahead, not
    cancelled). The handler gets the step and the booking; every refusal is shown here."""

    def wrap(
        handler: BookingHandler,
    ) -> Handler:
        @functools.wraps(handler)
        async def wrapper(update: Update, context: Context) -> None:
            step = await parent_step(update, context, arity)
            if step is None or (view := await _own_booking(update, context, step)) is None:
                return
            if notice and await _too_late(update, context, step, view):
                return
            await handler(update, context, step, view)

        return wrapper

    return wrap


@booking_step(1)
async def booking_card(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> None:
    """my:v:<school>:<booking> — one booking with Reschedule and Cancel."""
    await show(update, texts.booking_card(view), keyboards.booking_keyboard(view))


@booking_step(1, notice=True)
async def reschedule_slots(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> None:
    """my:r:<school>:<booking> — free slots of the same week."""
    await show(update, *await _reschedule_screen(context, step, view))


@booking_step(2, notice=True)
async def reschedule_day(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> None:
    """my:d:<school>:<booking>:<minute> — one day of a week too full for one screen."""
    await show(update, *await _reschedule_screen(context, step, view, day=step.args[1]))


async def _reschedule_screen(
    context: Context,
    step: ParentStep,
    view: BookingView,
    *,
    day: int | None = None,
    near: int | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The week's free slots to move to (its days first when too many; see slot_pages)."""
    try:
        slots = await services_of(context).booking.available_slots(
            step.school_id, view.lesson_id, view.week, step.actor
        )
    except BookingsClosed:
        closed = BookingsClosed(CLOSED_FOR_MOVES)
        return texts.refusal(closed), keyboards.booking_keyboard(view)
    if near is not None:
        day = slot_pages.part_of(slots, view.tz, near)
    shown = slot_pages.part_from(slots, view.tz, day) if day is not None else []
    if shown and slot_pages.day_first(slots):
        text = mybookings_texts.reschedule_text(view, shown, one_day=True)
        return text, keyboards.reschedule_keyboard(view, shown, day)
    return mybookings_texts.reschedule_text(view, slots), keyboards.reschedule_keyboard(view, slots)


@booking_step(2, notice=True)
async def reschedule_card(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> None:
    """my:t:<school>:<booking>:<minute> — confirm the move."""
    minute = step.args[1]
    slots = await _free_slots(context, step, view)
    slot = next((s for s in slots if to_minute(s.start_at) == minute), None)
    if slot is None:
        text, keyboard = await _reschedule_screen(context, step, view, near=minute)
        await show(update, texts.slot_taken(text, fresh_screen(update)), keyboard)
        return
    day = slot_pages.part_of(slots, view.tz, minute) if slot_pages.day_first(slots) else None
    await show(
        update,
        mybookings_texts.reschedule_confirm(view, slot),
        keyboards.reschedule_confirm_keyboard(view, minute, day),
    )


async def _free_slots(context: Context, step: ParentStep, view: BookingView):  # type: ignore[no-untyped-def]
    try:
        return await services_of(context).booking.available_slots(
            step.school_id, view.lesson_id, view.week, step.actor
        )
    except BookingsClosed:
        return []


@booking_step(2)
async def move_booking(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> None:
    """my:m:<school>:<booking>:<minute> — the atomic swap; the old slot stays if it fails."""
    minute = step.args[1]
    try:
        moved = await services_of(context).booking.reschedule_booking(
            step.school_id, step.actor, view.id, view.week, from_minute(minute)
        )
    except SlotTaken:
        text, keyboard = await _reschedule_screen(context, step, view, near=minute)
        await show(update, texts.slot_taken(text, fresh_screen(update)), keyboard)
        return
    except InvalidState as exc:
        if view.active and to_minute(view.start_at) == minute:  # a double tap: already moved
            await show(update, mybookings_texts.rescheduled(view), keyboards.booking_keyboard(view))
            return
        await show(update, texts.refusal(exc), keyboards.booking_keyboard(view))
        return
    except (NoticeTooShort, BookingsClosed) as exc:
        await show(
            update,
            texts.refusal(exc, step.parent.school.name),
            keyboards.booking_keyboard(view),
        )
        return
    except FORGED_ERRORS as exc:
        await refuse_forged(update, step, exc)
        return
    change_made(update, context)
    await show(update, mybookings_texts.rescheduled(moved), keyboards.booking_keyboard(moved))
    if update.effective_chat is None:
        raise RuntimeError("update.effective_chat is None")
    await send_calendar_file(context, update.effective_chat.id, moved)
    if moved.awaiting_confirmation:  # still PENDING, at its new time: ask again
        await withdrawn(context.bot, services_of(context), moved, moved=True)
        await announce_request(context.bot, services_of(context), moved)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("mybookings", mybookings_command))
    application.add_handler(CallbackQueryHandler(list_bookings, pattern=r"^sc:m:\d+$"))
    add_buttons(
        application,
        "my",
        (
            ("l", list_bookings),
            ("v", booking_card),
            ("r", reschedule_slots),
            ("d", reschedule_day),
            ("t", reschedule_card),
            ("m", move_booking),
        ),
    )
