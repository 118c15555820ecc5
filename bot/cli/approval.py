"""`musicbot approve|decline --school S --booking ID`: decide a PENDING booking as the school;
and what `musicbot cancel|reschedule` do after changing a PENDING booking.

The same rules as the teacher's buttons (core.booking.approval); the family is told through
the bot's token when one is set (TELEGRAM_BOT_TOKEN), else the output says they were not.
Pending bookings are listed by `musicbot bookings --status pending`.

Every one of these goes through the bot the same way (:func:`through_bot`): the deciders'
copies of the request are edited as in chat (handlers.approval.chat). When there is no
token, or the Bot API cannot be reached, the booking's change is made all the same and the
output names each copy left unedited (they stay recorded, so a later decision in chat or
here still edits them).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.runtime import Runtime
from bot.settings import Settings
from core.booking.approval import Copy
from core.identities import Role
from core.services import Services
from core.views import Actor, BookingView

if TYPE_CHECKING:
    from telegram import Bot

logger = logging.getLogger(__name__)

CLI_ACTOR = Actor.system("cli")
MAX_REASON = 500
NO_TOKEN = "no TELEGRAM_BOT_TOKEN set"


def add_parsers(sub: Any, booking_id: Any) -> None:  # argparse's _SubParsersAction is private
    """Register `approve` and `decline` on the `musicbot` parser."""
    for name, text in (
        ("approve", "confirm a booking that waits for the teacher's confirmation"),
        ("decline", "decline a booking that waits for confirmation (its slot is freed)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--school", required=True, help="the school's key")
        p.add_argument("--booking", type=booking_id, required=True, help="booking id")
        if name == "decline":
            p.add_argument("--reason", default=None, help="told to the family (500 characters)")
        p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


@dataclass(frozen=True, slots=True)
class Told:
    """What the bot did after a change to a booking (the change itself is made either way)."""

    why_not: str | None = None  # the bot was not reached: no token, or the Bot API's error
    edited: tuple[Copy, ...] = ()
    not_edited: tuple[Copy, ...] = ()  # still showing the request with its buttons
    family: int | None = None  # family chats told of a decision
    teacher: bool | None = None  # the teacher told of a cancellation before a decision
    asked: int | None = None  # deciders sent a moved booking's new request


async def through_bot(
    settings: Settings,
    services: Services,
    view: BookingView,
    work: Callable[[Bot], Awaitable[Told]],
) -> Told:
    """``work`` done with the bot's token; without one, or when the Bot API cannot be
    reached, nothing is sent and the copies still recorded are named as not edited."""
    if settings.telegram_bot_token:
        from telegram import Bot
        from telegram.error import TelegramError

        try:
            async with Bot(
                settings.telegram_bot_token,
                base_url=settings.telegram_api_base_url,
                base_file_url=settings.telegram_file_base_url,
            ) as bot:
                return await work(bot)
        except TelegramError as exc:
            why = f"the Bot API could not be reached: {exc}"
            print(f"warning: nobody was told in chat ({why})", file=sys.stderr)
    else:
        why = NO_TOKEN
    return Told(why, not_edited=tuple(await services.approval.copies(view.id)))


async def tell_family(
    settings: Settings, services: Services, view: BookingView, confirmed: bool
) -> Told:
    """Edit the deciders' copies of the request to say the school decided, and tell the
    family through the bot."""
    from handlers.approval import texts
    from handlers.approval.chat import settle_copies
    from handlers.approval.chat import tell_family as tell

    async def work(bot: Bot) -> Told:
        settled = await settle_copies(
            bot, services, view, lambda: texts.decided_text(view, confirmed)
        )
        family = await tell(bot, services, view, confirmed)
        return Told(None, settled.edited, settled.not_edited, family=family)

    return await through_bot(settings, services, view, work)


async def withdrawn(
    settings: Settings, services: Services, view: BookingView, *, moved: bool
) -> Told:
    """A PENDING booking the school cancelled (or ``moved``) before a decision: as in chat,
    the copies say so, and the teacher is told of a cancellation; a moved booking's new
    request goes to the deciders."""
    from handlers.approval.chat import announce_request
    from handlers.approval.chat import withdrawn as closed

    async def work(bot: Bot) -> Told:
        settled = await closed(bot, services, view, moved=moved)
        told = Told(None, settled.edited, settled.not_edited, teacher=settled.teacher_told)
        if moved:
            told = replace(told, asked=await announce_request(bot, services, view))
        return told

    return await through_bot(settings, services, view, work)


async def _named(services: Services, school_id: int, copies: tuple[Copy, ...]) -> list[str]:
    """Each copy's decider: name and role in the school (``unknown``: no longer one)."""
    named = []
    for copy in copies:
        who = [
            f"{i.name}, {i.role.value}"
            for i in await services.directory.identities(copy.chat_id)
            if i.school.id == school_id and i.role in (Role.ADMIN, Role.TEACHER)
        ]
        named.append("; ".join(who) or "unknown")
    return named


async def told_json(services: Services, view: BookingView, told: Told) -> dict[str, Any]:
    """The ``deciders`` object of the JSON output."""
    names = await _named(services, view.school_id, told.not_edited)
    return {
        "told_in_chat": told.why_not is None,
        "not_told_because": told.why_not,
        "copies_edited": len(told.edited),
        "copies_not_edited": [
            {"chat_id": c.chat_id, "message_id": c.message_id, "decider": name}
            for c, name in zip(told.not_edited, names, strict=True)
        ],
        "teacher_told": told.teacher,
        "new_request_to": told.asked,
    }


async def print_told(services: Services, view: BookingView, told: Told, after: str) -> None:
    """How many copies were edited, and each one that was not (its decider, chat and
    message), in plain lines; ``after``: what a press of a copy left unedited now does."""
    why = f" ({told.why_not})" if told.why_not else ""
    if told.edited:
        print(f"the deciders' copies of the request were edited: {len(told.edited)}")
    if told.not_edited:
        names = await _named(services, view.school_id, told.not_edited)
        where = [
            f"{name} (chat {c.chat_id}, message {c.message_id})"
            for c, name in zip(told.not_edited, names, strict=True)
        ]
        print(f"copies of the request NOT edited{why}: {'; '.join(where)}")
        print(f"  (their buttons stay: {after})")


async def withdrawn_lines(
    services: Services, view: BookingView, told: Told, *, moved: bool, school: str
) -> None:
    """What `cancel` / `reschedule` of a PENDING booking print after the booking."""
    why = f" ({told.why_not})" if told.why_not else ""
    if moved:
        after = f"a press decides booking #{view.id} at its new time"
        await print_told(services, view, told, after)
        if told.asked:
            print(f"a new request for the new time went to {told.asked} decider(s)")
        else:
            print(
                f"no new request for the new time was sent{why}; decide it with "
                f"`musicbot approve|decline --school {school} --booking {view.id}`"
            )
        return
    await print_told(services, view, told, "a press says there is nothing to decide")
    if told.teacher:
        print("the teacher was told")
    elif told.why_not or told.teacher is False:
        print(f"the teacher was NOT told{why}")


async def show_change(
    settings: Settings,
    services: Services,
    view: BookingView,
    args: argparse.Namespace,
    pending: bool,
) -> None:
    """`cancel` / `reschedule` done: the booking shown; one that waited for a decision
    (``pending``) has its deciders' copies closed first, as in chat (a moved one is asked
    again), and the output says what was told."""
    from bot.cli.commands import _print_json, booking_json, booking_line

    moved = args.command == "reschedule"
    verb = "rescheduled" if moved else "cancelled"
    if not pending or view.confirmed_at is not None:  # decided first: its copies say so
        if args.format == "json":
            _print_json(booking_json(view))
        else:
            print(f"{verb} {booking_line(view)}")
        return
    told = await withdrawn(settings, services, view, moved=moved)
    if args.format == "json":
        _print_json({**booking_json(view), "deciders": await told_json(services, view, told)})
        return
    print(f"{verb} {booking_line(view)}")
    await withdrawn_lines(services, view, told, moved=moved, school=args.school)


async def decide(
    runtime: Runtime, school_id: int, args: argparse.Namespace, settings: Settings
) -> int:
    from bot.cli.commands import booking_json, booking_line

    services = runtime.services
    approval = services.approval
    confirmed = args.command == "approve"
    if confirmed:
        view = await approval.confirm(school_id, CLI_ACTOR, args.booking)
    else:
        reason = args.reason
        if reason is not None and len(reason.strip()) > MAX_REASON:
            raise ValueError(f"--reason is at most {MAX_REASON} characters")
        view = await approval.decline(school_id, CLI_ACTOR, args.booking, reason)
    told = await tell_family(settings, services, view, confirmed)
    if args.format == "json":
        from bot.cli.commands import _print_json

        _print_json(
            {
                **booking_json(view),
                "family_told": told.family,
                "deciders": await told_json(services, view, told),
            }
        )
        return 0
    print(f"{'confirmed' if confirmed else 'declined'} {booking_line(view)}")
    if told.family is None:
        print(f"the family was not told ({told.why_not})")
    else:
        print(f"the family was told in {told.family} chat(s)")
    await print_told(services, view, told, "a press says it was already decided")
    return 0
