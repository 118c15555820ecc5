"""A local stand-in for ``api.telegram.org`` (aiohttp, loopback only).

Point python-telegram-bot at it with::

    server = LocalBotApi()              # host="127.0.0.1", port=0 -> free port
    await server.start()
    app = (
        ApplicationBuilder().token("123456:TEST")
        .base_url(server.base_url).base_file_url(server.base_file_url).build()
    )

Bot side: ``POST /bot<TOKEN>/<method>`` (JSON, form-urlencoded or multipart; method
names are case-insensitive) answering ``{"ok": true, "result": ...}`` or Telegram-style
errors (400/403/404/429 with ``parameters.retry_after``), so PTB raises its usual
exceptions.  ``GET /file/bot<TOKEN>/<file_path>`` serves uploaded files.

User side ("the person in the chat"): coroutine methods on this object
(:meth:`LocalBotApi.send_text`, :meth:`LocalBotApi.press`, :meth:`LocalBotApi.user`,
...) and the same over HTTP under ``/_user/...`` (see :mod:`bot.local_api.user`).

Settling (``settle``/``UserClient.send``/``press_button``): after the user acts we wait
for the first bot *activity* in that chat (send/edit/delete/callback answer; chat
actions such as "typing" do not count), then keep waiting until the chat has been
quiet for ``quiet`` seconds (default 0.08 s); the whole thing is bounded by
``timeout`` (default 5 s).  If nothing happens at all within ``timeout``,
``TimeoutError`` is raised; if the bot keeps talking past ``timeout`` we return what
we have.  Waiting is event driven (``asyncio.Condition``), never sleep-polling.
The quiet period is a heuristic: under heavy concurrency the gap between e.g. a
callback answer and the following edit can exceed it, so pass ``until=`` (an event
predicate; the quiet period only starts after a matching event) or a larger ``quiet``.

Run standalone: ``python -m bot.local_api --port 8081``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
from collections import Counter
from typing import Any

from aiohttp import web

from bot.local_api.routing import TOKEN_RE, BotMethod, BotRoutes
from bot.local_api.state import (
    ApiError,
    BotEvent,
    ChatState,
    FileRecord,
    FloodLimiter,
    FloodLimits,
    InjectedFailure,
    JSONDict,
)
from bot.local_api.updates import UpdateQueue
from bot.local_api.user import UserClient
from bot.local_api.webhook_delivery import WebhookDelivery

__all__ = ["ApiError", "BotEvent", "FloodLimits", "LocalBotApi"]

_LOOPBACK_NAMES = {"localhost"}


class LocalBotApi(UpdateQueue, BotRoutes):
    """In-memory Telegram Bot API server for tests, demos and benchmarks.

    State is per server (one bot conversation space shared by all tokens): chats,
    messages, the update queue, command menus, uploaded files and the event log.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_username: str = "musicbot_test_bot",
        bot_first_name: str = "MusicBot",
        limits: FloodLimits | None = None,
        settle_quiet: float = 0.08,
        settle_timeout: float = 15.0,
        known_chats_only: bool = False,
    ) -> None:
        if not self._is_loopback(host):
            raise ValueError(f"LocalBotApi only binds loopback addresses, got {host!r}")
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.settle_quiet = settle_quiet
        self.settle_timeout = settle_timeout
        self.known_chats_only = known_chats_only
        self._limiter: FloodLimiter | None = FloodLimiter(limits) if limits else None
        self._bots: dict[str, JSONDict] = {}
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._methods: dict[str, tuple[str, BotMethod]] = self._build_method_table()
        self._updates_cond = asyncio.Condition()
        self._events_cond = asyncio.Condition()
        self._chat_conds: dict[int | str, asyncio.Condition] = {}
        self._handled: set[int] = set()  # updates the bot said it finished (track_handling)
        self._handled_cond = asyncio.Condition()
        self._tracking = False
        # update ids survive reset(): a running poller's offset must stay valid
        self._update_ids = itertools.count(1)
        self.webhook: WebhookDelivery | None = None
        self.reset()

    # ------------------------------------------------------------------ lifecycle
    @staticmethod
    def _is_loopback(host: str) -> bool:
        if host in _LOOPBACK_NAMES:
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("server not started")
        return self._port

    @property
    def root_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder.base_url`` (``http://127.0.0.1:PORT/bot``)."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder.base_file_url``."""
        return f"{self.root_url}/file/bot"

    @property
    def user_api_url(self) -> str:
        return f"{self.root_url}/_user"

    def make_app(self) -> web.Application:
        from bot.local_api.user_http import register_user_routes

        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_bot)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        register_user_routes(app, self)
        return app

    async def start(self) -> None:
        self._closing = False
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        addresses = self._runner.addresses
        self._port = int(addresses[0][1]) if addresses else self._requested_port

    async def stop(self) -> None:
        self._closing = True
        await self.set_webhook_delivery("", "")
        async with self._updates_cond:
            self._updates_cond.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def reset(self) -> None:
        """Forget chats, updates, events, files, commands and counters (not bots/limits)."""
        self._chats: dict[int | str, ChatState] = {}
        self._updates: list[JSONDict] = []
        self._events: list[BotEvent] = []
        self._chat_events: dict[int | str, list[BotEvent]] = {}
        self._files: dict[str, FileRecord] = {}
        self._file_ids = itertools.count(1)
        self._callbacks: dict[str, JSONDict] = {}
        self._callback_ids = itertools.count(1)
        self._commands: dict[tuple[Any, ...], list[JSONDict]] = {}
        self._settings: dict[str, Any] = {}
        self._failures: list[InjectedFailure] = []
        self.calls: Counter[str] = Counter()
        self.errors: Counter[int] = Counter()
        self.responses_429 = 0
        self._polls = {}
        for gate in getattr(self, "_holds", {}).values():
            gate.set()  # a held call goes on rather than hang past a reset
        self._holds: dict[str, asyncio.Event] = {}
        self.webhook_url = ""
        old, self.webhook = getattr(self, "webhook", None), None
        if old is not None:  # a reset forgets the webhook too
            asyncio.get_running_loop().create_task(old.close())

    # ------------------------------------------------------------------ webhook
    async def set_webhook_delivery(self, url: str, secret: str, connections: int = 40) -> None:
        """``setWebhook``/``deleteWebhook``: POST new updates to ``url`` (empty: stop).

        Setting the same URL and secret again (every process behind the balancer does, as
        it starts) keeps the deliveries under way."""
        current = self.webhook
        if current is not None and url and (current.url, current.secret) == (url, secret):
            return
        delivery = WebhookDelivery(url, secret, max_connections=connections) if url else None
        old, self.webhook = self.webhook, delivery
        self.webhook_url = url
        if old is not None:
            await old.close()

    @property
    def webhook_pending(self) -> int:
        """Updates being delivered to the webhook and not yet acknowledged."""
        return self.webhook.pending if self.webhook is not None else 0

    # ------------------------------------------------------------------ configuration
    def register_bot(
        self,
        token: str,
        *,
        username: str | None = None,
        first_name: str | None = None,
        bot_id: int | None = None,
    ) -> JSONDict:
        """Set the ``getMe`` identity for ``token`` (defaults: constructor values)."""
        match = TOKEN_RE.match(token)
        if not match and bot_id is None:
            raise ValueError(f"malformed token {token!r}")
        info: JSONDict = {
            "id": bot_id if bot_id is not None else int(match.group(1)),  # type: ignore[union-attr]
            "is_bot": True,
            "first_name": first_name or self.bot_first_name,
            "username": username or self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._bots[token] = info
        return dict(info)

    def _bot_user(self, token: str | None = None) -> JSONDict:
        if token is None:
            token = next(iter(self._bots), None)
        if token is None:
            return {"id": 1, "is_bot": True, "first_name": self.bot_first_name,
                    "username": self.bot_username}  # fmt: skip
        info = self._bots.get(token) or self.register_bot(token)
        return {k: info[k] for k in ("id", "is_bot", "first_name", "username")}

    def set_limits(self, limits: FloodLimits | None) -> None:
        """Enable (or with ``None`` disable) flood limits."""
        self._limiter = FloodLimiter(limits) if limits else None

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        *,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next call of ``method`` (``"*"`` = any) fail once with this error."""
        self._failures.append(
            InjectedFailure(method.lower(), error_code, description, retry_after, chat_id)
        )

    def hold(self, method: str) -> asyncio.Event:
        """Calls of ``method`` wait (the Bot API hangs) until the returned event is set."""
        gate = self._holds.get(method.lower())
        if gate is None or gate.is_set():
            gate = self._holds[method.lower()] = asyncio.Event()
        return gate

    def user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> UserClient:
        """High-level :class:`bot.local_api.user.UserClient` for one user."""
        return UserClient(self, user_id, first_name, username, language_code)
