"""/mybookings' Cancel: why (reason buttons, or one typed and kept until confirmed), confirm,
cancel with the reason and who did it (``my:c|o|q|z:<school>:<booking>...``).

A typed reason is kept with the account (core.chat_steps, so any bot process sees it) until
Confirm. Cancelling a PENDING booking tells its deciders (handlers.approval). The booking's
buttons are checked as every /mybookings button is (handlers.parent.mybookings.booking_step).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application

from core.errors import InvalidState, NoticeTooShort
from core.i18n import gettext as _
from core.identities import Role
from core.views import BookingView
from handlers.approval.chat import withdrawn
from handlers.common import change_made, clear_flow, expect_text, register_text_step
from handlers.context import Context, services_of, who
from handlers.parent import keyboards, mybookings_texts, texts
from handlers.parent.common import (
    FORGED_ERRORS,
    ParentStep,
    add_buttons,
    family_view,
    refuse_forged,
    reply,
    send_calendar_file,
    show,
)
from handlers.parent.mybookings import booking_step

logger = logging.getLogger(__name__)

REASON_STEP = "parent_cancel_reason"  # awaiting a typed reason: (school, booking)
TYPED_STEP = "parent_cancel_typed"  # a typed reason kept for the confirm button


@booking_step(1, notice=True)
async def cancel_reasons(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> None:
    """my:c:<school>:<booking> — why cancel? Reason buttons, or type one (taken at once)."""
    await expect_text(update, context, REASON_STEP, step.school_id, view.id)
    await show(
        update, mybookings_texts.cancel_reason_prompt(view), keyboards.cancel_reasons_keyboard(view)
    )


@booking_step(1)
async def type_reason(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> None:
    """my:o:<school>:<booking> — the next message is the reason."""
    await expect_text(update, context, REASON_STEP, step.school_id, view.id)
    await show(
        update,
        mybookings_texts.cancel_reason_prompt(view) + "\n\n" + _(mybookings_texts.TYPE_REASON),
        keyboards.cancel_reasons_keyboard(view),
    )


async def reason_typed(update: Update, context: Context, args: tuple[int, ...]) -> None:
    """The typed reason: keep it and show the confirm step."""
    message = update.effective_message
    if message is None:
        raise RuntimeError("message is None")
    reason = (message.text or "").strip()[:200]
    if not reason:
        await reply(update, _(mybookings_texts.EMPTY_REASON))
        return
    school_id, booking_id = args
    me = await who(update, context)
    parent = me.role_in(Role.PARENT, school_id)
    if parent is None:
        logger.warning("update %s: typed reason for school %s refused", update.update_id, school_id)
        await reply(update, _(texts.FORGED))
        return
    try:
        view = await family_view(context).family_booking(school_id, parent.person_id, booking_id)
    except FORGED_ERRORS:
        await reply(update, _(texts.NOT_FOUND), keyboards.fresh_start_keyboard(school_id))
        return
    # kept with the account (any bot process) until Confirm; no longer awaiting text
    if update.effective_user is None:
        raise RuntimeError("update.effective_user is None")
    await services_of(context).chat_steps.set(
        update.effective_user.id, TYPED_STEP, (school_id, booking_id), reason
    )
    await reply(
        update,
        mybookings_texts.cancel_confirm(view, reason),
        keyboards.cancel_confirm_keyboard(view, mybookings_texts.TYPED_REASON),
    )


async def _typed(update: Update, context: Context, booking_id: int) -> str | None:
    """The reason this account typed for that booking, kept until it is confirmed."""
    if update.effective_user is None:
        return None
    kept = await services_of(context).chat_steps.get(update.effective_user.id)
    if kept is None or kept.step != TYPED_STEP or kept.args[1:] != (booking_id,):
        return None
    return kept.typed


async def _reason(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> str | None:
    """The reason the pressed button names (``step.args[1]``: a listed one, or the one this
    account typed); None after saying it was lost, with the reasons to pick again."""
    code = step.args[1]
    typed = (
        await _typed(update, context, view.id) if code == mybookings_texts.TYPED_REASON else None
    )
    reason = mybookings_texts.reason_text(code, typed)
    if reason is None:
        await show(update, _(mybookings_texts.REASON_LOST), keyboards.cancel_reasons_keyboard(view))
    return reason


@booking_step(2, notice=True)
async def cancel_card(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> None:
    """my:q:<school>:<booking>:<reason> — confirm the cancellation."""
    reason = await _reason(update, context, step, view)
    if reason is None:
        return
    keyboard = keyboards.cancel_confirm_keyboard(view, step.args[1])
    await show(update, mybookings_texts.cancel_confirm(view, reason), keyboard)


@booking_step(2)
async def cancel_booking(
    update: Update, context: Context, step: ParentStep, view: BookingView
) -> None:
    """my:z:<school>:<booking>:<reason> — cancel it, with the reason and who did it."""
    if not view.active:  # a double tap, or an old button
        await show(update, mybookings_texts.cancelled(view), keyboards.booking_keyboard(view))
        return
    reason = await _reason(update, context, step, view)
    if reason is None:
        return
    try:
        done = await services_of(context).booking.cancel_booking(
            step.school_id, step.actor, view.id, reason
        )
    except NoticeTooShort as exc:
        await show(
            update,
            texts.refusal(exc, step.parent.school.name),
            keyboards.fresh_start_keyboard(step.school_id),
        )
        return
    except InvalidState:
        fresh = await family_view(context).family_booking(step.school_id, step.parent_id, view.id)
        await show(update, mybookings_texts.cancelled(fresh), keyboards.booking_keyboard(fresh))
        return
    except FORGED_ERRORS as exc:
        await refuse_forged(update, step, exc)
        return
    change_made(update, context)
    if step.args[1] == mybookings_texts.TYPED_REASON:
        await clear_flow(update, context)
    await show(update, mybookings_texts.cancelled(done), keyboards.booking_keyboard(done))
    if update.effective_chat is None:
        raise RuntimeError("update.effective_chat is None")
    await send_calendar_file(context, update.effective_chat.id, done)
    if view.awaiting_confirmation:  # cancelled before a decision: the deciders are told
        await withdrawn(context.bot, services_of(context), done)


def register(application: Application) -> None:  # type: ignore[type-arg]
    add_buttons(
        application,
        "my",
        (
            ("c", cancel_reasons),
            ("o", type_reason),
            ("q", cancel_card),
            ("z", cancel_booking),
        ),
    )
    register_text_step(REASON_STEP, reason_typed)
