"""What every handler needs: the core services and who the Telegram user is, per school.

``bot_data`` is typed (:class:`BotData`, PTB's ``ContextTypes``): bot/ builds the
Application with :data:`CONTEXT_TYPES` and fills it in; handlers read it through
:func:`bot_data_of` and :func:`services_of`. Handlers with a :data:`Context` parameter see
the typed ``context.bot_data`` directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from core.identities import Identity, Role
from core.reminders.service import OnDemandPlan, SweepReport
from core.services import Services
from handlers.presence import reached_again


class RemindNow(Protocol):
    """Send an admin's not-booked reminder now (bot/ wires the scheduler's notifier in)."""

    async def __call__(
        self, school_id: int, lesson_id: int, request: str
    ) -> tuple[OnDemandPlan, SweepReport]: ...


class BotData(dict[str, Any]):
    """The Application's ``bot_data``: typed attributes for what bot/ wires in (a dict too,
    for small per-process marks such as :mod:`handlers.presence`'s)."""

    def __init__(self) -> None:
        super().__init__()
        self.services: Services | None = None
        self.settings: object | None = None  # bot.settings.Settings, when run from settings
        self.remind_now: RemindNow | None = None  # absent: /remind says it cannot send
        # bot/'s own: the reminder wiring (notifier, scheduler) it started and must stop
        self.reminders: object | None = None
        self.start_scheduler = False
        self.api_urls: tuple[str, str, str] | None = None  # token, base_url, base_file_url
        self.menus_task: asyncio.Task[None] | None = None  # start-up's background menus


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
# a handler as PTB's CommandHandler / CallbackQueryHandler take it, under CONTEXT_TYPES
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]

CONTEXT_TYPES: ContextTypes[Context, dict[Any, Any], dict[Any, Any], BotData] = ContextTypes(
    context=CallbackContext, bot_data=BotData
)


def bot_data_of(context: CallbackContext[Any, Any, Any, Any]) -> BotData:
    """The Application's typed bot_data (built with :data:`CONTEXT_TYPES`)."""
    return app_data(context.application)


def app_data(application: Application[Any, Any, Any, Any, Any, Any]) -> BotData:
    """An Application's typed bot_data (built with :data:`CONTEXT_TYPES`)."""
    data = application.bot_data
    if not isinstance(data, BotData):
        raise RuntimeError("the Application was not built with handlers.context.CONTEXT_TYPES")
    return data


def services_of(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    services = bot_data_of(context).services
    if services is None:
        raise RuntimeError("bot_data.services is not set (bot.app.build_application sets it)")
    return services


@dataclass(frozen=True, slots=True)
class Who:
    """Every role the Telegram account holds, in every school."""

    telegram_id: int
    identities: tuple[Identity, ...]

    def roles(self, role: Role) -> list[Identity]:
        return [i for i in self.identities if i.role is role]

    def role_in(self, role: Role, school_id: int) -> Identity | None:
        """This account's identity of that role in that school, or None: the tenancy check."""
        for identity in self.identities:
            if identity.role is role and identity.school.id == school_id:
                return identity
        return None

    @property
    def is_known(self) -> bool:
        return bool(self.identities)

    @property
    def is_admin(self) -> bool:
        return bool(self.roles(Role.ADMIN))

    @property
    def is_teacher(self) -> bool:
        return bool(self.roles(Role.TEACHER))

    @property
    def is_parent(self) -> bool:
        return bool(self.roles(Role.PARENT))


async def who(update: Update, context: Context) -> Who:
    """Every role of the update's user (one round trip). A parent marked blocked who writes
    is reachable again: the mark is cleared in the background (handlers.presence)."""
    user = update.effective_user
    if user is None:
        return Who(0, ())
    services = services_of(context)
    identities = await services.directory.identities(user.id)
    if any(i.blocked for i in identities):
        reached_again(update, context, services, user.id)
    return Who(user.id, tuple(identities))
