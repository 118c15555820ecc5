"""``python -m bot.local_api``: the local Bot API server alone, until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.local_api.server import LocalBotApi
from bot.local_api.state import FloodLimits

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Run the server standalone until interrupted."""
    parser = argparse.ArgumentParser(description="Local Telegram Bot API stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bot-username", default="musicbot_test_bot")
    parser.add_argument("--flood-limits", action="store_true", help="enable 30/s, 1/s/chat")
    args = parser.parse_args(argv)

    async def run() -> None:
        server = LocalBotApi(
            args.host,
            args.port,
            bot_username=args.bot_username,
            limits=FloodLimits() if args.flood_limits else None,
        )
        async with server:
            print(f"base_url:      {server.base_url}", flush=True)
            print(f"base_file_url: {server.base_file_url}", flush=True)
            print(f"user API:      {server.user_api_url}", flush=True)
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
