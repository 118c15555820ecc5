"""The one aiohttp application of a bot process: /healthz, /api (and its OpenAPI document),
/app/ (the Mini App), the calendar feeds, and the Telegram webhook when WEBHOOK_URL is set.

Route tables are listed in ``ROUTE_TABLES``: a new area adds one line there. Resources are
built in the app's start-up (``cleanup_ctx``) and released at shutdown; the core services
themselves come from the process's runtime (bot.runtime), which owns the database engine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.http import health, miniapp_files
from bot.http.compression import gzip_json
from bot.http.drain import DRAIN, Drain
from bot.http.middlewares import WEBHOOK_PATHS, errors_as_json
from bot.http.webhook import webhook_routes
from core.api_keys import ApiKeys
from core.processed_updates import ProcessedUpdates
from core.services import Services
from handlers.api import approval, bookings, calendar, feeds, lessons, me, office, openapi, waitlist
from handlers.api.context import API_CONTEXT, ApiContext, SendReminders
from handlers.approval.chat import notices_through
from handlers.context import app_data

MAX_BODY = 256 * 1024  # bytes: a request body over this is refused with 413

# Every route table the server mounts (the webhook's is added when configured).
ROUTE_TABLES: list[web.RouteTableDef] = [
    health.routes,
    openapi.routes,
    bookings.routes,
    lessons.routes,
    calendar.routes,
    feeds.routes,
    me.routes,
    approval.routes,
    office.routes,
    waitlist.routes,
    miniapp_files.routes,
]
# The API areas whose operations make the OpenAPI document.
API_AREAS = (
    bookings.api,
    lessons.api,
    calendar.api,
    me.api,
    approval.api,
    office.api,
    waitlist.api,
)


@dataclass(frozen=True)
class WebhookRoute:
    path: str
    secret: str


def reminders_through(application: Application) -> SendReminders:  # type: ignore[type-arg]
    """The bot's on-demand reminder (wired by bot.reminders), for the API's send-reminders."""

    async def send(school_id: int, lesson_id: int, tag: str) -> tuple[Any, Any]:
        remind_now = app_data(application).remind_now
        if remind_now is None:
            raise RuntimeError("reminders are not wired into this Application")
        return await remind_now(school_id, lesson_id, tag)

    return send


def build_http_app(
    services: Services,
    *,
    bot_token: str = "",
    auth_max_age: int = 86400,
    public_url: str = "/",
    application: Application | None = None,  # type: ignore[type-arg]
    webhook: WebhookRoute | None = None,
    route_tables: list[web.RouteTableDef] | None = None,
    max_body: int = MAX_BODY,
) -> web.Application:
    """The application, not yet started. ``application`` (the Telegram bot) is needed for
    the webhook and for sending reminders from the API."""
    app = web.Application(client_max_size=max_body, middlewares=[errors_as_json, gzip_json])
    tables = list(ROUTE_TABLES if route_tables is None else route_tables)
    drain = app[DRAIN] = Drain()  # musicbot run starts it on SIGTERM (/healthz then 503)
    if webhook is not None:
        if application is None:
            raise ValueError("the webhook route needs the Telegram application")
        processed = ProcessedUpdates(services.engine, services.clock)
        tables.append(webhook_routes(application, webhook.path, webhook.secret, processed, drain))
        app[WEBHOOK_PATHS] = frozenset({webhook.path})
    for table in tables:
        app.router.add_routes(table)

    async def resources(app: web.Application) -> AsyncIterator[None]:
        app[health.HEALTH_ENGINE] = services.engine
        app[feeds.FEEDS] = services.feeds
        app[API_CONTEXT] = ApiContext(
            services=services,
            api_keys=ApiKeys(services.engine, services.clock),
            bot_token=bot_token,
            auth_max_age=auth_max_age,
            send_reminders=reminders_through(application) if application is not None else None,
            approval_notices=notices_through(application) if application is not None else None,
        )
        endpoints = [e for area in API_AREAS for e in area.endpoints]
        app[openapi.OPENAPI_DOCUMENT] = openapi.build_document(endpoints, server_url=public_url)
        yield
        # nothing of its own to close: the engine belongs to the runtime

    app.cleanup_ctx.append(resources)
    return app
