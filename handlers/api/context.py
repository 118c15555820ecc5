"""What every API handler may use, built once at the HTTP server's start-up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from core.api_keys import ApiKeys
from core.services import Services
from core.views import BookingView
from handlers.api.init_data import InitDataCache

# (school id, lesson id, request tag) -> (plan, report): the bot's on-demand reminder,
# available only when the process runs the Telegram bot
SendReminders = Callable[[int, int, str], Awaitable[tuple[Any, Any]]]
# (booking, "requested" | "confirmed" | "declined"): tell the chat side of a booking's
# approval, available only when the process runs the Telegram bot (handlers.approval.chat)
ApprovalNotices = Callable[[BookingView, str], Awaitable[None]]


@dataclass
class ApiContext:
    services: Services
    api_keys: ApiKeys
    bot_token: str  # checks Mini App init data; empty: `tma` credentials are refused
    auth_max_age: int  # seconds a Mini App's init data stays valid
    send_reminders: SendReminders | None = None
    approval_notices: ApprovalNotices | None = None
    init_data: InitDataCache = field(default_factory=InitDataCache)  # verified, by raw string


API_CONTEXT = web.AppKey("api_context", ApiContext)
