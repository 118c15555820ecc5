"""The webhook runner (older entry point): the process's HTTP server with the webhook route.

The route itself lives in bot.http.webhook; the server in bot.http. Several bot processes
can sit behind one webhook (a load balancer in front): buttons are stateless, everything
else lives in the shared PostgreSQL, and each update is acted on once.
"""

from __future__ import annotations

from aiohttp import web
from telegram.ext import Application

from bot.http import WebhookRoute, build_http_app, start_http_server
from bot.http.webhook import SECRET_HEADER
from core.services import Services
from handlers.context import SERVICES

__all__ = ["SECRET_HEADER", "start_webhook_server"]


async def start_webhook_server(
    application: Application,  # type: ignore[type-arg]
    *,
    listen: str,
    port: int,
    path: str,
    secret: str,
) -> web.AppRunner:
    """Serve the HTTP app with the webhook; the caller has started the application."""
    services: Services = application.bot_data[SERVICES]
    app = build_http_app(
        services,
        bot_token=application.bot.token,
        application=application,
        webhook=WebhookRoute(path, secret),
    )
    return await start_http_server(app, listen, port)
