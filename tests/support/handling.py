"""The bot tells the local Bot API server when it has finished each update (e2e tests).

:func:`track_handling` makes the Application report every update it has processed (all
its handlers returned) to ``api.handled``, and turns on ``api.track_handling``: a test's
``user.send`` / ``press`` then waits for its update to be finished before reading the chat,
instead of guessing from a quiet period (which a loaded machine outlasts).

The Application has ``__slots__`` and is built by bot.app; its class is swapped for a
subclass that only adds the report (no new attributes, same layout).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.local_api import LocalBotApi

_SERVERS: dict[int, LocalBotApi] = {}  # id(application) -> the server it reports to


class _ReportingApplication(Application):  # type: ignore[type-arg]
    __slots__ = ()

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            server = _SERVERS.get(id(self))
            if server is not None and isinstance(update, Update):
                await server.handled(update.update_id)


def track_handling(
    application: Application[Any, Any, Any, Any, Any, Any], api: LocalBotApi
) -> None:
    """Report ``application``'s finished updates to ``api`` (undo with :func:`untrack`)."""
    _SERVERS[id(application)] = api
    application.__class__ = _ReportingApplication
    api.track_handling()


def untrack(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop reporting (the application stopped): the server no longer waits for reports."""
    server = _SERVERS.pop(id(application), None)
    if server is not None:
        server.track_handling(False)
