"""The Telegram Application: built from settings and core services, run with long polling."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import aiohttp
import httpx
from aiohttp import web
from httpx_aiohttp import AiohttpTransport
from telegram import Update
from telegram.error import Conflict, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, BaseRateLimiter
from telegram.request import HTTPXRequest

from bot.http import WebhookRoute, build_http_app, start_http_server
from bot.http.drain import DRAIN
from bot.polling import BackoffRequest
from bot.reminders import start_reminders, stop_reminders, wire_reminders
from bot.runtime import open_runtime
from bot.settings import Settings
from core.menus import CommandMenus
from core.reminders.service import OnDemandPlan, SweepReport
from core.services import Services
from handlers import register
from handlers.context import CONTEXT_TYPES, app_data
from handlers.menus import set_all_menus
from handlers.webapp import miniapp_url

logger = logging.getLogger(__name__)

CONFLICT_MESSAGE = (
    "another bot process is already polling with this token (Telegram answered 409 Conflict); "
    "stop it first, or run several processes in webhook mode (WEBHOOK_URL)"
)


class PollingConflict(RuntimeError):
    """Another process polls with the same token: this one stops."""


# Connections to the Bot API. httpcore scans its whole pool on every request, so a pool
# much larger than the requests really in flight costs CPU on each call.
CONNECTION_POOL_SIZE = 16
# `musicbot run` waits this long (seconds, with backoff) for a database that is down at start-up
STARTUP_WAIT = 120.0
# on SIGTERM, the updates in hand get this long to finish before the HTTP server closes
DRAIN_WAIT = 30.0
# webhook requests Telegram may have open at once (its maximum; the default is 40): each is
# an update being handled, at most `concurrent_updates` of them per process
WEBHOOK_CONNECTIONS = 100


def default_rate_limiter() -> AIORateLimiter:
    """Telegram's limits: about 30 messages/s overall and 20/min per group; retries once."""
    return AIORateLimiter(overall_max_rate=30, overall_time_period=1, max_retries=1)


class _AiohttpTransport(AiohttpTransport):
    """httpx-aiohttp's transport, opening a fresh aiohttp session if an earlier one was closed
    (a bot shut down and initialised again reuses its request's transport)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if isinstance(self.client, aiohttp.ClientSession) and self.client.closed:
            self.client = None
        return await super().handle_async_request(request)


def bot_request(size: int = CONNECTION_POOL_SIZE) -> HTTPXRequest:
    """PTB's HTTPX request over aiohttp's connection pool (httpx-aiohttp).

    httpcore, under httpx, walks its whole pool on every request (and polls each socket);
    aiohttp's pool does not. On the local Bot API server that made an echo bot 2.5 times and
    musicbot 1.8 times faster (docs/benchmarks.md)."""
    transport = _AiohttpTransport(limits=httpx.Limits(max_connections=size))
    return HTTPXRequest(
        connection_pool_size=size, pool_timeout=10, httpx_kwargs={"transport": transport}
    )


def build_application(
    services: Services,
    *,
    token: str,
    base_url: str,
    base_file_url: str,
    settings: Settings | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    use_rate_limiter: bool = True,
    concurrent_updates: int = 32,
    start_scheduler: bool = False,
) -> Application:  # type: ignore[type-arg]
    """The bot with every handler wired; nothing is started yet."""
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .concurrent_updates(concurrent_updates)
        .job_queue(None)  # reminders have their own scheduler (scheduler/); PTB's is unused
        .context_types(CONTEXT_TYPES)  # typed bot_data (handlers.context.BotData)
        .request(bot_request())
        .get_updates_request(BackoffRequest(bot_request(1)))  # no busy loop when unreachable
    )
    if use_rate_limiter:
        builder = builder.rate_limiter(rate_limiter or default_rate_limiter())
    application = builder.build()
    data = app_data(application)
    data.services = services
    data.settings = settings
    if settings is not None:
        services.waitlist.offer_for = timedelta(minutes=settings.waitlist_offer_minutes)
    data.start_scheduler = start_scheduler
    data.api_urls = (token, base_url, base_file_url)

    async def remind_now(
        school_id: int, lesson_id: int, request: str
    ) -> tuple[OnDemandPlan, SweepReport]:
        return await wire_reminders(application).remind_now(school_id, lesson_id, request)

    data.remind_now = remind_now
    register(application)
    return application


async def start_bot(
    application: Application,  # type: ignore[type-arg]
    *,
    poll_timeout: int = 10,
    polling: bool = True,
    on_conflict: Callable[[], None] | None = None,
) -> None:
    """Initialise, start the scheduler (if asked) and long polling (or nothing more, for a
    webhook server to feed the update queue); command menus are set in the background.

    ``on_conflict`` is called once if the Bot API answers 409 Conflict to polling (another
    process polls with this token); polling errors are otherwise logged in one line."""
    await application.initialize()
    data = app_data(application)
    if data.services is None:
        raise RuntimeError("build the Application with build_application")
    data.menus_task = asyncio.create_task(_set_menus(application))
    await application.start()
    if data.start_scheduler:
        await start_reminders(application)
    if polling:
        if application.updater is None:
            raise RuntimeError("this Application has no updater to poll with")
        await application.updater.start_polling(
            poll_interval=0,
            timeout=poll_timeout,
            allowed_updates=Update.ALL_TYPES,
            error_callback=_polling_error(on_conflict),
        )


def _polling_error(on_conflict: Callable[[], None] | None) -> Callable[[TelegramError], None]:
    told: list[bool] = []

    def callback(error: TelegramError) -> None:
        if isinstance(error, Conflict) and on_conflict is not None:
            if not told:
                told.append(True)
                on_conflict()
            return
        if isinstance(error, NetworkError):  # bot.polling logs the outage once, then backs off
            logger.debug("polling for updates failed (retrying): %s", error)
            return
        logger.warning("polling for updates failed (retrying): %s", error)

    return callback


async def _set_menus(application: Application) -> None:  # type: ignore[type-arg]
    services = app_data(application).services
    if services is None:
        return
    try:
        accounts = await services.directory.telegram_accounts()
        languages = await services.languages.menu_languages()
        ledger = CommandMenus(services.sessions)
        miniapp = miniapp_url(app_data(application).settings)
        await set_all_menus(application.bot, accounts, ledger, languages, miniapp)
    except asyncio.CancelledError:
        raise
    except Exception:  # a menu is a convenience: never stop the bot for it
        logger.exception("could not set command menus")


async def menus_set(application: Application) -> None:  # type: ignore[type-arg]
    """Wait until start-up's background setting of command menus has finished."""
    task = app_data(application).menus_task
    if task is not None:
        await asyncio.shield(task)


async def stop_bot(application: Application) -> None:  # type: ignore[type-arg]
    """Stop polling, the scheduler and the application; safe to call once after start_bot."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    data = app_data(application)
    menus, data.menus_task = data.menus_task, None
    if menus is not None and not menus.done():
        menus.cancel()
        await asyncio.gather(menus, return_exceptions=True)
    await stop_reminders(application)
    if application.running:
        await application.stop()
    await application.shutdown()


async def run_polling(settings: Settings) -> int:
    """`musicbot run`: migrate, start the bot and the scheduler, stop cleanly on a signal.

    Long polling by default; with WEBHOOK_URL set, Telegram's updates come to the webhook
    route instead (several processes may then share the work behind a load balancer). The
    HTTP server (health, API, Mini App, webhook) runs on HTTP_LISTEN:HTTP_PORT either way.

    SIGTERM (or SIGINT) drains: /healthz turns 503 and new webhook updates are refused with
    503 (the load balancer moves them to another process), the updates in hand are finished
    and acknowledged, then the server, polling, the reminder sweeps (their claims released)
    and the application stop; the exit status is 0.
    """
    token = settings.require_token()
    webhook = settings.webhook()
    async with open_runtime(settings, wait_for_database=STARTUP_WAIT) as runtime:
        application = build_application(
            runtime.services,
            token=token,
            base_url=settings.telegram_api_base_url,
            base_file_url=settings.telegram_file_base_url,
            settings=settings,
            start_scheduler=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        conflict: list[bool] = []

        def on_conflict() -> None:
            conflict.append(True)
            stop.set()

        await start_bot(application, polling=webhook is None, on_conflict=on_conflict)
        server: web.AppRunner | None = None
        try:
            http_app = build_http_app(
                runtime.services,
                bot_token=token,
                auth_max_age=settings.webapp_auth_max_age,
                public_url=settings.base_url,
                application=application,
                webhook=WebhookRoute(webhook.path, webhook.secret) if webhook else None,
            )
            server = await start_http_server(http_app, settings.listen, settings.port)
            if webhook is not None:
                await application.bot.set_webhook(
                    webhook.url,
                    secret_token=webhook.secret,
                    allowed_updates=Update.ALL_TYPES,
                    max_connections=WEBHOOK_CONNECTIONS,
                )
            logger.info("bot @%s is running; Ctrl+C to stop", application.bot.username)
            await stop.wait()
            if not conflict:
                logger.info("stopping")
        finally:
            if server is not None:
                drain = http_app[DRAIN]
                drain.start()
                await drain.wait(DRAIN_WAIT)
                await server.cleanup()
            if conflict:  # PTB's last "mark as read" poll meets the same Conflict: not news
                logging.getLogger("telegram.ext.Updater").setLevel(logging.CRITICAL)
            await stop_bot(application)
    if conflict:
        raise PollingConflict(CONFLICT_MESSAGE)
    return 0
