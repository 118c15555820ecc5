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

import argparse
import asyncio
import bisect
import contextlib
import ipaddress
import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from bot.local_api.formatting import ParseEntitiesError, to_plain_text
from bot.local_api.state import (
    ApiError,
    BotEvent,
    ChatState,
    FileRecord,
    FloodLimiter,
    FloodLimits,
    InjectedFailure,
    JSONDict,
    StoredMessage,
    clone,
)

__all__ = ["ApiError", "BotEvent", "FloodLimits", "LocalBotApi", "main"]

_TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "description",
        "short_description",
        "name",
        "action",
        "title",
        "file_id",
        "emoji",
        "business_connection_id",
        "message_effect_id",
        "secret_token",
        "document",
        "photo",
        "thumbnail",
    }
)
_JSONISH = re.compile(r"^\s*([\[{]|-?\d+(\.\d+)?\s*$|true\s*$|false\s*$|null\s*$)")
_CHAT_TARGET_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "editmessagetext",
        "editmessagereplymarkup",
        "editmessagecaption",
        "deletemessage",
        "sendchataction",
    }
)
_LOOPBACK_NAMES = {"localhost"}

BotMethod = Callable[["_Call"], Awaitable[Any]]
EventPredicate = Callable[[BotEvent], bool]


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class _Call:
    token: str
    bot_id: int
    method: str
    params: JSONDict


def _decode_param(key: str, value: Any) -> Any:
    if isinstance(value, str) and key not in _STRING_PARAMS and _JSONISH.match(value):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _norm_chat_id(chat_id: Any) -> int | str:
    if isinstance(chat_id, bool) or chat_id is None:
        raise ApiError.bad_request("chat_id is empty")
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id).strip()
    try:
        return int(text)
    except ValueError:
        return text


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class LocalBotApi:
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
        settle_timeout: float = 5.0,
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
        # update ids survive reset(): a running poller's offset must stay valid
        self._update_ids = itertools.count(1)
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
        from bot.local_api.user import register_user_routes

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
        self.webhook_url = ""

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
        match = _TOKEN_RE.match(token)
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

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends/edits to that chat answer 403."""
        self._chat(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        self._chat(user_id).blocked = False

    def is_blocked(self, user_id: int) -> bool:
        state = self._chats.get(user_id)
        return bool(state and state.blocked)

    # ------------------------------------------------------------------ chats & events
    def _chat(self, chat_id: Any, *, create: bool = True) -> ChatState:
        cid = _norm_chat_id(chat_id)
        state = self._chats.get(cid)
        if state is None:
            if not create or not isinstance(cid, int):
                raise ApiError.bad_request("chat not found")
            if cid > 0:
                user = {"id": cid, "is_bot": False, "first_name": f"User{cid}"}
                chat = {"id": cid, "type": "private", "first_name": user["first_name"]}
                state = ChatState(chat=chat, user=user)
            else:
                kind = "supergroup" if str(cid).startswith("-100") else "group"
                state = ChatState(chat={"id": cid, "type": kind, "title": f"Chat {cid}"})
            self._chats[cid] = state
        return state

    def _private_chat(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> ChatState:
        state = self._chat(int(user_id))
        user = state.user
        assert user is not None
        for key, value in (
            ("first_name", first_name),
            ("username", username),
            ("last_name", last_name),
            ("language_code", language_code),
        ):
            if value is not None:
                user[key] = value
                if key != "language_code":
                    state.chat[key] = value
        return state

    async def _emit(
        self,
        actor: str,
        kind: str,
        chat_id: int | str | None,
        message_id: int | None = None,
        **data: Any,
    ) -> BotEvent:
        event = BotEvent(len(self._events) + 1, actor, kind, chat_id, message_id, data)
        self._events.append(event)
        if chat_id is not None:
            self._chat_events.setdefault(chat_id, []).append(event)
        async with self._events_cond:
            self._events_cond.notify_all()
        if chat_id is not None:
            cond = self._chat_cond(chat_id)
            async with cond:
                cond.notify_all()
        return event

    def _chat_cond(self, chat_id: int | str) -> asyncio.Condition:
        cond = self._chat_conds.get(chat_id)
        if cond is None:
            cond = self._chat_conds[chat_id] = asyncio.Condition()
        return cond

    def _events_after(self, chat_id: int | str | None, after: int) -> list[BotEvent]:
        events = self._events if chat_id is None else self._chat_events.get(chat_id, [])
        return events[bisect.bisect_right(events, after, key=lambda e: e.seq) :]

    @property
    def seq(self) -> int:
        """Sequence number of the latest event (use as ``after=``)."""
        return len(self._events)

    def history(self, chat_id: int | str | None = None, *, after: int = 0) -> list[BotEvent]:
        """Event log (bot and user actions) in order, optionally for one chat."""
        return self._events_after(None if chat_id is None else _norm_chat_id(chat_id), after)

    def chat(self, user_id: int | str, *, include_deleted: bool = False) -> list[JSONDict]:
        """Current state of every bot message in the chat, oldest first."""
        state = self._chats.get(_norm_chat_id(user_id))
        if state is None:
            return []
        return [m.to_dict() for m in state.bot_messages(include_deleted=include_deleted)]

    def chat_state(self, user_id: int | str, *, include_deleted: bool = False) -> JSONDict:
        """Messages, callback answers, reply keyboard, blocked flag and history."""
        cid = _norm_chat_id(user_id)
        state = self._chats.get(cid)
        return {
            "chat_id": cid,
            "messages": self.chat(cid, include_deleted=include_deleted),
            "callback_answers": clone(state.callback_answers) if state else [],
            "reply_keyboard": clone(state.reply_keyboard) if state else None,
            "blocked": bool(state and state.blocked),
            "delivered": state.delivered if state else 0,
            "history": [e.to_dict() for e in self.history(cid)],
        }

    def callback_answers(self, user_id: int | str) -> list[JSONDict]:
        state = self._chats.get(_norm_chat_id(user_id))
        return clone(state.callback_answers) if state else []

    def reply_keyboard(self, user_id: int | str) -> JSONDict | None:
        state = self._chats.get(_norm_chat_id(user_id))
        return clone(state.reply_keyboard) if state else None

    def message(self, chat_id: int | str, message_id: int) -> JSONDict | None:
        state = self._chats.get(_norm_chat_id(chat_id))
        stored = state.messages.get(message_id) if state else None
        return stored.to_dict() if stored else None

    def file(self, file_id: str) -> FileRecord | None:
        """An uploaded file (``.data`` holds the bytes)."""
        return self._files.get(file_id)

    def commands(
        self, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict] | None:
        """Commands stored for exactly this scope (``None`` if never set)."""
        stored = self._commands.get(self._scope_key(scope, language_code))
        return clone(stored) if stored is not None else None

    def menu_for(self, user_id: int, language_code: str = "") -> list[JSONDict]:
        """Effective command menu a private-chat user sees (Telegram's resolution order)."""
        scopes: list[JSONDict] = [
            {"type": "chat", "chat_id": user_id},
            {"type": "all_private_chats"},
            {"type": "default"},
        ]
        for scope in scopes:
            for lang in ([language_code] if language_code else []) + [""]:
                found = self._commands.get(self._scope_key(scope, lang))
                if found is not None:
                    return clone(found)
        return []

    def metrics(self) -> JSONDict:
        """Counters: calls per method, deliveries per chat, 429s, errors, updates."""
        delivered = {str(cid): s.delivered for cid, s in self._chats.items() if s.delivered}
        return {
            "calls": dict(self.calls),
            "delivered": delivered,
            "delivered_total": sum(delivered.values()),
            "responses_429": self.responses_429,
            "errors": {str(k): v for k, v in self.errors.items()},
            "pending_updates": len(self._updates),
            "events": len(self._events),
        }

    # ------------------------------------------------------------------ waiting
    async def wait_for(
        self,
        predicate: EventPredicate | None = None,
        *,
        chat_id: int | str | None = None,
        kind: str | None = None,
        actor: str | None = None,
        after: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotEvent:
        """First event with ``seq > after`` matching all criteria; ``TimeoutError`` if none."""
        cid = None if chat_id is None else _norm_chat_id(chat_id)

        def matches(event: BotEvent) -> bool:
            return (
                (cid is None or event.chat_id == cid)
                and (kind is None or event.kind == kind)
                and (actor is None or event.actor == actor)
                and (predicate is None or predicate(event))
            )

        found: list[BotEvent] = []

        def check() -> bool:
            for event in self._events_after(cid, after):
                if matches(event):
                    found.append(event)
                    return True
            return False

        # per-chat condition: a waiter only wakes up for events in its own chat
        cond = self._events_cond if cid is None else self._chat_cond(cid)
        async with cond:
            await asyncio.wait_for(cond.wait_for(check), timeout)
        return found[0]

    async def wait_for_bot_activity(
        self,
        user_id: int | str,
        after: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotEvent:
        """First bot activity (not chat actions) in the chat after ``after``."""
        return await self.wait_for(
            lambda e: e.activity, chat_id=user_id, after=after, timeout=timeout
        )

    async def settle(
        self,
        user_id: int | str,
        after: int,
        *,
        quiet: float | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        until: EventPredicate | None = None,
    ) -> list[BotEvent]:
        """Wait until the bot has answered and then gone quiet; return its activity.

        With ``until``, the quiet period only starts once an activity event matching
        it has arrived (robust under load, e.g. ``until=lambda e: e.kind == "edit_text"``).
        """
        quiet = self.settle_quiet if quiet is None else quiet
        timeout = self.settle_timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        event = await self.wait_for(
            lambda e: e.activity and (until is None or until(e)),
            chat_id=user_id,
            after=after,
            timeout=timeout,
        )
        last = event.seq
        while (remaining := deadline - loop.time()) > 0:
            try:
                event = await self.wait_for_bot_activity(
                    user_id, after=last, timeout=min(quiet, remaining)
                )
            except TimeoutError:
                break
            last = max(e.seq for e in self.history(user_id, after=last) if e.activity)
        return [e for e in self.history(user_id, after=after) if e.activity]

    def user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> Any:
        """High-level :class:`bot.local_api.user.UserClient` for one user."""
        from bot.local_api.user import UserClient

        return UserClient(self, user_id, first_name, username, language_code)

    # ------------------------------------------------------------------ user actions
    async def push_update(self, payload: JSONDict) -> JSONDict:
        """Queue a raw update (``update_id`` is assigned) for ``getUpdates``."""
        update = {"update_id": next(self._update_ids), **clone(payload)}
        async with self._updates_cond:
            self._updates.append(update)
            self._updates_cond.notify_all()
        return clone(update)

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSONDict:
        """The user writes ``text`` in the private chat; returns the update dict."""
        state = self._private_chat(user_id, first_name, username, last_name, language_code)
        state.blocked = False  # writing to a bot unblocks it, as in Telegram
        assert state.user is not None
        msg: JSONDict = {
            "message_id": state.new_message_id(),
            "from": clone(state.user),
            "chat": clone(state.chat),
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        if reply_to_message_id is not None and reply_to_message_id in state.messages:
            msg["reply_to_message"] = clone(state.messages[reply_to_message_id].message)
        state.messages[msg["message_id"]] = StoredMessage(msg, from_bot=False, raw_text=text)
        update = await self.push_update({"message": msg})
        await self._emit("user", "user_message", state.chat["id"], msg["message_id"], text=text)
        return update

    async def press(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
    ) -> JSONDict:
        """The user presses an inline button; returns the update (``callback_query``)."""
        state = self._private_chat(user_id, first_name, username)
        assert state.user is not None
        stored = state.messages.get(message_id)
        if stored is not None and not stored.deleted:
            message = clone(stored.message)
        else:  # forged / unknown message: synthesize a minimal one
            message = {
                "message_id": message_id,
                "from": self._bot_user(),
                "chat": clone(state.chat),
                "date": int(time.time()),
            }
        query_id = str(4_000_000_000_000 + next(self._callback_ids))
        self._callbacks[query_id] = {
            "chat_id": state.chat["id"],
            "message_id": message_id,
            "data": callback_data,
            "answered": False,
        }
        query = {
            "id": query_id,
            "from": clone(state.user),
            "message": message,
            "chat_instance": str(-7_000_000_000 - int(user_id)),
            "data": callback_data,
        }
        update = await self.push_update({"callback_query": query})
        await self._emit(
            "user", "user_press", state.chat["id"], message_id, callback_data=callback_data
        )
        return update

    # ------------------------------------------------------------------ HTTP: bot side
    @staticmethod
    def _json(payload: JSONDict, status: int = 200) -> web.Response:
        return web.json_response(payload, status=status, dumps=lambda o: json.dumps(o))

    async def _read_params(self, request: web.Request) -> JSONDict:
        params: JSONDict = dict(request.query)
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError as exc:
                    raise ApiError.bad_request("can't parse JSON body") from exc
                if isinstance(body, dict):
                    params.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, FileField):
                        params[key] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        params[key] = value
        return {k: _decode_param(k, v) for k, v in params.items()}

    async def _handle_bot(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        name = request.match_info["method"]
        params: JSONDict | None = None
        try:
            match = _TOKEN_RE.match(token)
            if not match:
                raise ApiError(401, "Unauthorized")
            entry = self._methods.get(name.lower())
            if entry is None:
                self.calls[name] += 1
                raise ApiError(404, "Not Found: method not found")
            canonical, func = entry
            self.calls[canonical] += 1
            params = await self._read_params(request)
            call = _Call(token, int(match.group(1)), name.lower(), params)
            self._precheck(call)
            result = await func(call)
        except ApiError as err:
            self.errors[err.error_code] += 1
            if err.error_code == 429:
                self.responses_429 += 1
            chat_id = params.get("chat_id") if params else None
            if chat_id is not None and isinstance(_norm_chat_id(chat_id), int):
                await self._emit(
                    "bot",
                    "error",
                    _norm_chat_id(chat_id),
                    params.get("message_id") if isinstance(params.get("message_id"), int) else None,
                    method=name,
                    error_code=err.error_code,
                    description=err.description,
                )
            return self._json(err.to_payload(), status=err.error_code)
        return self._json({"ok": True, "result": result})

    def _precheck(self, call: _Call) -> None:
        chat_id = call.params.get("chat_id")
        for i, failure in enumerate(self._failures):
            if failure.matches(call.method, chat_id):
                del self._failures[i]
                raise ApiError(failure.error_code, failure.description, failure.retry_after)
        if call.method in _CHAT_TARGET_METHODS and chat_id is not None:
            state = self._chat(chat_id, create=not self.known_chats_only)
            if state.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self._limiter is not None:
            self._limiter.check(call.method, None if chat_id is None else _norm_chat_id(chat_id))

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        parts = path.split("/")
        record = self._files.get(parts[1]) if len(parts) >= 2 else None
        if record is None or record.data is None:
            return self._json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return web.Response(
            body=record.data, content_type=record.mime_type or "application/octet-stream"
        )

    def _build_method_table(self) -> dict[str, tuple[str, BotMethod]]:
        from bot.local_api import methods as m

        table: dict[str, tuple[str, BotMethod]] = {}
        for canonical, func in m.METHODS.items():
            bound: BotMethod = func.__get__(self)  # bind as a method of this server
            table[canonical.lower()] = (canonical, bound)
        return table

    @staticmethod
    def _scope_key(scope: JSONDict | None, language_code: str | None) -> tuple[Any, ...]:
        scope = scope or {"type": "default"}
        chat_id = scope.get("chat_id")
        return (
            scope.get("type", "default"),
            None if chat_id is None else str(chat_id),
            scope.get("user_id"),
            language_code or "",
        )

    # helpers used by bot.local_api.methods -------------------------------------
    def _plain(self, text: str, parse_mode: str | None) -> str:
        try:
            return to_plain_text(text, parse_mode).strip()
        except ParseEntitiesError as exc:
            raise ApiError.bad_request(f"can't parse entities: {exc}") from exc


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
