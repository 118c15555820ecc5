"""A local stand-in for Telegram's Bot API (aiohttp, loopback only), for the demo, tests and benchmarks.

One public entry: :class:`LocalBotApi` (the server and its state) and what its users need
(:class:`BotEvent`, :class:`FloodLimits`, :class:`UserClient` from ``LocalBotApi.user()``,
and :class:`LocalBotApiClient` for the ``/_user`` HTTP API from another process).
``python -m bot.local_api --port 8081`` runs it alone.

Inside: ``server`` (the class: lifecycle, configuration), ``chats`` (chats, event log,
waiting), ``updates`` (update queue, long polling, 409 Conflict), ``routing`` (bot-side
HTTP), ``methods``/``messages`` (the Bot API methods), ``state`` (plain data, flood limits),
``formatting`` (parse modes), ``user``/``user_http`` (the person in the chat),
``standalone`` (the command line).
"""

from bot.local_api.server import LocalBotApi
from bot.local_api.state import BotEvent, FloodLimits
from bot.local_api.user import UserClient
from bot.local_api.user_http import LocalBotApiClient

__all__ = ["BotEvent", "FloodLimits", "LocalBotApi", "LocalBotApiClient", "UserClient"]
