"""A local stand-in for Telegram's Bot API (aiohttp, loopback only), for the demo, tests and benchmarks.

One public entry: :class:`LocalBotApi` (the server and its state) and what its users need
(:class:`BotEvent`, :class:`FloodLimits`). ``python -m bot.local_api --port 8081`` runs it alone.
"""

from bot.local_api.server import LocalBotApi
from bot.local_api.state import BotEvent, FloodLimits

__all__ = ["BotEvent", "FloodLimits", "LocalBotApi"]
