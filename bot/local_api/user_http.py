"""The person in the chat over HTTP, for :class:`bot.local_api.LocalBotApi`.

* :func:`register_user_routes` -- the same over HTTP (JSON) under ``/_user``:

  ====== ================================ =============================================
  POST   /_user/{uid}/send                {text, first_name?, username?, language_code?,
                                          wait?=true, quiet?, timeout?, until_kind?}
                                          -> {update, events, last_message}
  POST   /_user/{uid}/press               {label? | callback_data?, message_id?, wait?,
                                          quiet?, timeout?, until_kind?} -> {update, events, last_message}
  GET    /_user/{uid}/chat                ?include_deleted=1 -> {messages, callback_answers,
                                          reply_keyboard, blocked, delivered, history}
  GET    /_user/{uid}/buttons             ?message_id= -> {message_id, rows:[[[text, data]]]}
  GET    /_user/{uid}/commands            ?language_code= -> effective menu [{command, ...}]
  POST   /_user/{uid}/block | /unblock    -> {ok}
  POST   /_user/{uid}/wait                {after, timeout} -> {event} (408 on timeout)
  POST   /_user/{uid}/settle              {after, quiet?, timeout?, until_kind?} -> {events}
  GET    /_user/history                   ?after=&chat_id= -> {seq, events}
  GET    /_user/files/{file_id}           -> {file_id, file_name, mime_type, data_b64, ...}
  GET    /_user/metrics                   -> counters (see ``LocalBotApi.metrics``)
  POST   /_user/fail_next                 {method, error_code, description, retry_after?,
                                          chat_id?}
  POST   /_user/limits                    {global_per_second?, per_chat_per_second?,
                                          retry_after?} or {"enabled": false}
  POST   /_user/reset                     -> {ok}
  ====== ================================ =============================================

* :class:`LocalBotApiClient` -- a small aiohttp client for that HTTP API (benchmarks,
  demos in another process).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from bot.local_api.state import FloodLimits, JSONDict
from bot.local_api.user import rows_of

if TYPE_CHECKING:
    from bot.local_api.server import LocalBotApi

__all__ = ["LocalBotApiClient", "register_user_routes"]


# ---------------------------------------------------------------------- HTTP API
def register_user_routes(app: web.Application, server: LocalBotApi) -> None:
    """Mount the ``/_user`` JSON API for ``server`` on ``app``."""

    async def body(request: web.Request) -> JSONDict:
        if not request.can_read_body:
            return {}
        data = await request.json()
        return data if isinstance(data, dict) else {}

    def uid(request: web.Request) -> int:
        try:
            return int(request.match_info["uid"])
        except ValueError as exc:
            raise web.HTTPBadRequest(text="user id must be an integer") from exc

    def reply(data: Any, status: int = 200) -> web.Response:
        return web.json_response(data, status=status)

    async def interact(request: web.Request, pressing: bool) -> web.Response:
        data = await body(request)
        user = server.user(
            uid(request),
            first_name=data.get("first_name"),
            username=data.get("username"),
            language_code=data.get("language_code"),
        )
        until_kind = data.get("until_kind")
        kwargs: dict[str, Any] = {
            "wait": bool(data.get("wait", True)),
            "quiet": data.get("quiet"),
            "timeout": data.get("timeout"),
            "until": (lambda e: e.kind == until_kind) if until_kind else None,
        }
        try:
            if not pressing:
                last = await user.send(str(data.get("text", "")), **kwargs)
            elif data.get("label") is not None:
                last = await user.press_button(
                    str(data["label"]), message_id=data.get("message_id"), **kwargs
                )
            else:
                last = await user.press(
                    str(data.get("callback_data", "")), message_id=data.get("message_id"), **kwargs
                )
        except (LookupError, ValueError) as exc:
            return reply({"error": str(exc)}, 404)
        except TimeoutError:
            return reply({"error": "timeout waiting for the bot", "update": user.last_update}, 408)
        return reply(
            {
                "update": user.last_update,
                "events": [e.to_dict() for e in user.last_events],
                "last_message": last if kwargs["wait"] else user.last_message,
            }
        )

    async def send(request: web.Request) -> web.Response:
        return await interact(request, pressing=False)

    async def press(request: web.Request) -> web.Response:
        return await interact(request, pressing=True)

    async def chat(request: web.Request) -> web.Response:
        deleted = request.query.get("include_deleted", "") in ("1", "true", "yes")
        return reply(server.chat_state(uid(request), include_deleted=deleted))

    async def buttons(request: web.Request) -> web.Response:
        user = server.user(uid(request))
        mid = request.query.get("message_id")
        message = server.message(user.user_id, int(mid)) if mid else user.keyboard_message
        return reply(
            {
                "message_id": message["message_id"] if message else None,
                "rows": [[list(b) for b in row] for row in rows_of(message)],
            }
        )

    async def commands(request: web.Request) -> web.Response:
        return reply(server.menu_for(uid(request), request.query.get("language_code", "")))

    async def block(request: web.Request) -> web.Response:
        server.block(uid(request))
        return reply({"ok": True})

    async def unblock(request: web.Request) -> web.Response:
        server.unblock(uid(request))
        return reply({"ok": True})

    async def wait(request: web.Request) -> web.Response:
        data = await body(request)
        try:
            event = await server.wait_for_bot_activity(
                uid(request), after=int(data.get("after", 0)), timeout=float(data.get("timeout", 5))
            )
        except TimeoutError:
            return reply({"error": "timeout"}, 408)
        return reply({"event": event.to_dict()})

    async def settle(request: web.Request) -> web.Response:
        data = await body(request)
        try:
            until_kind = data.get("until_kind")
            events = await server.settle(
                uid(request),
                int(data.get("after", 0)),
                quiet=data.get("quiet"),
                timeout=data.get("timeout"),
                until=(lambda e: e.kind == until_kind) if until_kind else None,
            )
        except TimeoutError:
            return reply({"error": "timeout"}, 408)
        return reply({"events": [e.to_dict() for e in events]})

    async def history(request: web.Request) -> web.Response:
        chat_id = request.query.get("chat_id")
        events = server.history(chat_id, after=int(request.query.get("after", 0)))
        return reply({"seq": server.seq, "events": [e.to_dict() for e in events]})

    async def file(request: web.Request) -> web.Response:
        record = server.file(request.match_info["file_id"])
        if record is None:
            return reply({"error": "file not found"}, 404)
        out = record.to_dict()
        out["data_b64"] = base64.b64encode(record.data).decode() if record.data else None
        return reply(out)

    async def metrics(request: web.Request) -> web.Response:
        return reply(server.metrics())

    async def fail_next(request: web.Request) -> web.Response:
        data = await body(request)
        server.fail_next(
            str(data["method"]),
            int(data["error_code"]),
            str(data["description"]),
            data.get("retry_after"),
            chat_id=data.get("chat_id"),
        )
        return reply({"ok": True})

    async def limits(request: web.Request) -> web.Response:
        data = await body(request)
        if data.get("enabled", True) is False:
            server.set_limits(None)
        else:
            keys = ("global_per_second", "per_chat_per_second", "retry_after")
            server.set_limits(FloodLimits(**{k: data[k] for k in keys if k in data}))
        return reply({"ok": True})

    async def reset(request: web.Request) -> web.Response:
        server.reset()
        return reply({"ok": True})

    r = app.router
    r.add_get("/_user/history", history)
    r.add_get("/_user/metrics", metrics)
    r.add_get("/_user/files/{file_id}", file)
    r.add_post("/_user/fail_next", fail_next)
    r.add_post("/_user/limits", limits)
    r.add_post("/_user/reset", reset)
    r.add_post("/_user/{uid}/send", send)
    r.add_post("/_user/{uid}/press", press)
    r.add_get("/_user/{uid}/chat", chat)
    r.add_get("/_user/{uid}/buttons", buttons)
    r.add_get("/_user/{uid}/commands", commands)
    r.add_post("/_user/{uid}/block", block)
    r.add_post("/_user/{uid}/unblock", unblock)
    r.add_post("/_user/{uid}/wait", wait)
    r.add_post("/_user/{uid}/settle", settle)


class LocalBotApiClient:
    """Thin async client for the ``/_user`` HTTP API (e.g. from a benchmark process).

    ``LocalBotApiClient("http://127.0.0.1:8081")``; use as ``async with``.
    """

    def __init__(self, root_url: str) -> None:
        self.root_url = root_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LocalBotApiClient:
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(self, method: str, path: str, **kwargs: Any) -> JSONDict:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.request(method, f"{self.root_url}/_user{path}", **kwargs) as r:
            data: JSONDict = await r.json()  # the user API always answers a JSON object
            if r.status == 408:
                raise TimeoutError(data.get("error"))
            if r.status >= 400:
                raise LookupError(data.get("error", f"HTTP {r.status}"))
            return data

    async def send(self, user_id: int, text: str, **options: Any) -> JSONDict:
        return await self._call("POST", f"/{user_id}/send", json={"text": text, **options})

    async def press(self, user_id: int, **options: Any) -> JSONDict:
        """``label=...`` or ``callback_data=...`` (+ ``message_id``, ``wait``, ...)."""
        return await self._call("POST", f"/{user_id}/press", json=options)

    async def chat(self, user_id: int) -> JSONDict:
        return await self._call("GET", f"/{user_id}/chat")

    async def block(self, user_id: int) -> None:
        await self._call("POST", f"/{user_id}/block")

    async def unblock(self, user_id: int) -> None:
        await self._call("POST", f"/{user_id}/unblock")

    async def metrics(self) -> JSONDict:
        return await self._call("GET", "/metrics")

    async def history(self, after: int = 0) -> JSONDict:
        return await self._call("GET", "/history", params={"after": str(after)})

    async def file(self, file_id: str) -> bytes:
        data = await self._call("GET", f"/files/{file_id}")
        return base64.b64decode(data["data_b64"] or "")

    async def fail_next(self, method: str, error_code: int, description: str, **kw: Any) -> None:
        payload = {"method": method, "error_code": error_code, "description": description, **kw}
        await self._call("POST", "/fail_next", json=payload)

    async def set_limits(self, **limits: Any) -> None:
        await self._call("POST", "/limits", json=limits or {"enabled": False})

    async def reset(self) -> None:
        await self._call("POST", "/reset")
