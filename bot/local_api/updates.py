"""The update queue and long polling of :class:`bot.local_api.LocalBotApi`.

Users' messages and button presses become updates in one queue; ``getUpdates`` hands them
out, waiting up to its ``timeout`` (long polling).  As Telegram does, only one poller may
wait at a time: a second concurrent ``getUpdates`` for a bot is answered 409 Conflict, unless
the earlier one's client has gone away (then the earlier one is ended and the new one waits).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time

from aiohttp import web

from bot.local_api.chats import ChatBook
from bot.local_api.state import ApiError, JSONDict, StoredMessage, clone
from bot.local_api.webhook_delivery import WebhookDelivery

__all__ = ["CONFLICT", "UpdateQueue"]

CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running"
)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Poll:
    """One ``getUpdates`` call waiting for updates."""

    def __init__(self, request: web.Request | None) -> None:
        self.request = request
        self.ended = False

    @property
    def client_gone(self) -> bool:
        return self.request is not None and self.request.transport is None


class UpdateQueue(ChatBook):
    """Updates in, long polls out."""

    _closing: bool
    _updates_cond: asyncio.Condition
    _update_ids: itertools.count[int]
    _callbacks: dict[str, JSONDict]
    _callback_ids: itertools.count[int]
    _polls: dict[str, _Poll]

    webhook: WebhookDelivery | None

    def _bot_user(self, token: str | None = None) -> JSONDict:
        """The bot as a Bot API User object (defined by the server)."""
        raise NotImplementedError

    async def poll_updates(
        self,
        token: str,
        offset: int,
        limit: int,
        timeout: float,  # noqa: ASYNC109
        request: web.Request | None = None,
    ) -> list[JSONDict]:
        """``getUpdates``: confirm updates before ``offset``, wait up to ``timeout`` for new."""
        current = self._polls.get(token)
        if current is not None and not current.ended:
            if not current.client_gone:
                raise ApiError(409, CONFLICT)
            current.ended = True
        if offset < 0:
            keep = self._updates[offset:]
            self._updates[:] = keep
        elif offset > 0:
            self._updates[:] = [u for u in self._updates if u["update_id"] >= offset]
        poll = _Poll(request)

        def ready() -> bool:
            return self._closing or poll.ended or bool(self._updates)

        if timeout > 0 and not ready():
            self._polls[token] = poll
            try:
                async with self._updates_cond:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._updates_cond.wait_for(ready), timeout)
            finally:
                if self._polls.get(token) is poll:
                    del self._polls[token]
            if poll.ended and not self._closing:
                raise ApiError(409, CONFLICT)
        return clone(self._updates[:limit])

    # ------------------------------------------------------------------ user actions
    async def push_update(self, payload: JSONDict) -> JSONDict:
        """Queue a raw update (``update_id`` is assigned) for ``getUpdates``, or with a
        webhook set, POST it there (see :mod:`bot.local_api.webhook_delivery`)."""
        update = {"update_id": next(self._update_ids), **clone(payload)}
        if self.webhook is not None:
            self.webhook.deliver(clone(update))
            copy: JSONDict = clone(update)
            return copy
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
        if state.user is None:
            raise RuntimeError("state.user is None")
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
        if state.user is None:
            raise RuntimeError("state.user is None")
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
