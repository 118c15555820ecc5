"""`musicbot approve|decline --school S --booking ID`: decide a PENDING booking as the school.

The same rules as the teacher's buttons (core.booking.approval); the family is told through
the bot's token when one is set (TELEGRAM_BOT_TOKEN), else the output says they were not.
Pending bookings are listed by `musicbot bookings --status pending`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from bot.runtime import Runtime
from bot.settings import Settings
from core.services import Services
from core.views import Actor, BookingView

logger = logging.getLogger(__name__)

CLI_ACTOR = Actor.system("cli")
MAX_REASON = 500


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


async def tell_family(
    settings: Settings, services: Services, view: BookingView, confirmed: bool
) -> int | None:
    """Tell the family through the bot (and edit the deciders' copies of the request to say
    the school decided); how many family chats were told (None: no bot token)."""
    if not settings.telegram_bot_token:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    from handlers.approval import texts
    from handlers.approval.chat import settle_copies
    from handlers.approval.chat import tell_family as tell

    try:
        async with Bot(
            settings.telegram_bot_token,
            base_url=settings.telegram_api_base_url,
            base_file_url=settings.telegram_file_base_url,
        ) as bot:
            await settle_copies(bot, services, view, lambda: texts.decided_text(view, confirmed))
            return await tell(bot, services, view, confirmed)
    except TelegramError as exc:
        print(f"warning: the family could not be told ({exc})", file=sys.stderr)
        return 0


async def decide(
    runtime: Runtime, school_id: int, args: argparse.Namespace, settings: Settings
) -> int:
    from bot.cli.commands import booking_json, booking_line

    approval = runtime.services.approval
    confirmed = args.command == "approve"
    if confirmed:
        view = await approval.confirm(school_id, CLI_ACTOR, args.booking)
    else:
        reason = args.reason
        if reason is not None and len(reason.strip()) > MAX_REASON:
            raise ValueError(f"--reason is at most {MAX_REASON} characters")
        view = await approval.decline(school_id, CLI_ACTOR, args.booking, reason)
    told = await tell_family(settings, runtime.services, view, confirmed)
    if args.format == "json":
        from bot.cli.commands import _print_json

        _print_json({**booking_json(view), "family_told": told})
        return 0
    print(f"{'confirmed' if confirmed else 'declined'} {booking_line(view)}")
    if told is None:
        print("the family was not told (no TELEGRAM_BOT_TOKEN set)")
    else:
        print(f"the family was told in {told} chat(s)")
    return 0
