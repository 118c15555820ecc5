"""HTTP routing of the bot side of :class:`bot.local_api.LocalBotApi`.

``POST /bot<TOKEN>/<method>`` (JSON, form-urlencoded or multipart, method names
case-insensitive) is parsed into a :class:`BotCall`, checked (injected failures, blocked
chats, flood limits) and handed to :mod:`bot.local_api.methods`; multipart file parts become
:class:`Upload`.  ``GET /file/bot<TOKEN>/<file_path>`` serves uploaded files.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from bot.local_api.chats import ChatBook, norm_chat_id
from bot.local_api.formatting import ParseEntitiesError, to_plain_text
from bot.local_api.state import ApiError, FloodLimiter, InjectedFailure, JSONDict

__all__ = ["TOKEN_RE", "BotCall", "BotMethod", "BotRoutes", "Upload"]

TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")

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


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class BotCall:
    """One Bot API call: who (token, bot id), which method, its decoded parameters."""

    token: str
    bot_id: int
    method: str
    params: JSONDict
    request: web.Request | None = None


BotMethod = Callable[[BotCall], Awaitable[Any]]


def _decode_param(key: str, value: Any) -> Any:
    if isinstance(value, str) and key not in _STRING_PARAMS and _JSONISH.match(value):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class BotRoutes(ChatBook):
    """The bot-side HTTP handlers."""

    known_chats_only: bool
    _methods: dict[str, tuple[str, BotMethod]]
    _failures: list[InjectedFailure]
    _limiter: FloodLimiter | None
    _holds: dict[str, asyncio.Event]

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
            match = TOKEN_RE.match(token)
            if not match:
                raise ApiError(401, "Unauthorized")
            entry = self._methods.get(name.lower())
            if entry is None:
                self.calls[name] += 1
                raise ApiError(404, "Not Found: method not found")
            canonical, func = entry
            self.calls[canonical] += 1
            params = await self._read_params(request)
            call = BotCall(token, int(match.group(1)), name.lower(), params, request)
            gate = self._holds.get(call.method)
            if gate is not None:
                await gate.wait()
            self._precheck(call)
            result = await func(call)
        except ApiError as err:
            self.errors[err.error_code] += 1
            if err.error_code == 429:
                self.responses_429 += 1
            chat_id = params.get("chat_id") if params else None
            if params and chat_id is not None and isinstance(norm_chat_id(chat_id), int):
                await self._emit(
                    "bot",
                    "error",
                    norm_chat_id(chat_id),
                    params.get("message_id") if isinstance(params.get("message_id"), int) else None,
                    method=name,
                    error_code=err.error_code,
                    description=err.description,
                )
            return self._json(err.to_payload(), status=err.error_code)
        return self._json({"ok": True, "result": result})

    def _precheck(self, call: BotCall) -> None:
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
            self._limiter.check(call.method, None if chat_id is None else norm_chat_id(chat_id))

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

    # helpers used by bot.local_api.methods -------------------------------------
    def _plain(self, text: str, parse_mode: str | None) -> str:
        try:
            return to_plain_text(text, parse_mode).strip()
        except ParseEntitiesError as exc:
            raise ApiError.bad_request(f"can't parse entities: {exc}") from exc
