"""In-memory state for the local Bot API server (:mod:`bot.local_api.server`).

Plain data containers plus the flood limiter; no networking here.  Everything that
is handed out to callers (``to_dict``) is a deep copy, so tests can keep snapshots.
"""

from __future__ import annotations

import math
import pickle
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, TypeVar

JSONDict = dict[str, Any]
_T = TypeVar("_T")

__all__ = [
    "ApiError",
    "BotEvent",
    "ChatState",
    "FileRecord",
    "FloodLimiter",
    "FloodLimits",
    "InjectedFailure",
    "JSONDict",
    "StoredMessage",
]


def clone(value: _T) -> _T:
    """A deep copy of JSON-shaped data (what the server stores and hands out), about four
    times faster than ``copy.deepcopy``: the server shares the process with the bot under
    test in benchmarks, so its own cost should stay small."""
    copied: _T = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    return copied


class ApiError(Exception):
    """A Telegram-style API error; rendered as ``{"ok": false, ...}``."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_payload(self) -> JSONDict:
        payload: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            payload["parameters"] = {"retry_after": self.retry_after}
        return payload

    @classmethod
    def bad_request(cls, what: str) -> ApiError:
        return cls(400, f"Bad Request: {what}")


@dataclass(frozen=True)
class FloodLimits:
    """Telegram-like flood limits (sliding one-second windows).

    ``global_per_second`` counts all limited calls of the bot, ``per_chat_per_second``
    counts calls per target chat.  ``None`` disables a limit.  ``methods`` are the
    (lower-case) Bot API methods that are counted; by default everything that sends or
    edits a message.  ``retry_after`` forces the advertised wait; otherwise it is the
    time until the window frees up, rounded up to whole seconds (at least 1).
    """

    global_per_second: int | None = 30
    per_chat_per_second: int | None = 1
    retry_after: int | None = None
    methods: frozenset[str] = frozenset(
        {
            "sendmessage",
            "senddocument",
            "sendphoto",
            "editmessagetext",
            "editmessagereplymarkup",
            "editmessagecaption",
        }
    )


class FloodLimiter:
    """Applies :class:`FloodLimits`; ``check`` raises a 429 :class:`ApiError`."""

    def __init__(self, limits: FloodLimits) -> None:
        self.limits = limits
        self._global: deque[float] = deque()
        self._per_chat: dict[int | str, deque[float]] = {}

    @staticmethod
    def _trim(window: deque[float], now: float) -> None:
        while window and window[0] <= now - 1.0:
            window.popleft()

    def _retry_after(self, window: deque[float], now: float) -> int:
        if self.limits.retry_after is not None:
            return max(1, self.limits.retry_after)
        return max(1, math.ceil(window[0] + 1.0 - now))

    def check(self, method: str, chat_id: int | str | None) -> None:
        if method not in self.limits.methods:
            return
        now = time.monotonic()
        self._trim(self._global, now)
        limit = self.limits.global_per_second
        if limit is not None and len(self._global) >= limit:
            wait = self._retry_after(self._global, now)
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        chat_window: deque[float] | None = None
        if chat_id is not None and self.limits.per_chat_per_second is not None:
            chat_window = self._per_chat.setdefault(chat_id, deque())
            self._trim(chat_window, now)
            if len(chat_window) >= self.limits.per_chat_per_second:
                wait = self._retry_after(chat_window, now)
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
            chat_window.append(now)
        self._global.append(now)


@dataclass
class InjectedFailure:
    """A one-off failure registered with ``LocalBotApi.fail_next``."""

    method: str  # lower-case method name, or "*" for any method
    error_code: int
    description: str
    retry_after: int | None = None
    chat_id: int | str | None = None

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        if self.method not in ("*", method):
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)


@dataclass
class FileRecord:
    """A file the bot uploaded (kept in memory)."""

    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    data: bytes | None
    url: str | None = None

    @property
    def file_path(self) -> str:
        return f"files/{self.file_id}/{self.file_name or 'file'}"

    def to_dict(self, *, with_data: bool = False) -> JSONDict:
        out: JSONDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.data) if self.data is not None else None,
            "url": self.url,
        }
        if with_data:
            out["data"] = self.data
        return out


@dataclass
class StoredMessage:
    """A message in a chat, as Telegram would return it, plus bookkeeping."""

    message: JSONDict  # the Bot API Message object (what PTB sees)
    from_bot: bool
    raw_text: str | None = None  # text/caption before parse_mode processing
    parse_mode: str | None = None
    reply_markup: JSONDict | None = None  # as sent, including reply keyboards
    file_id: str | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def message_id(self) -> int:
        return int(self.message["message_id"])

    @property
    def text(self) -> str | None:
        value = self.message.get("text", self.message.get("caption"))
        return None if value is None else str(value)

    def to_dict(self) -> JSONDict:
        """Flattened view used by ``LocalBotApi.chat`` and the ``/_user`` HTTP API."""
        msg = self.message
        out: JSONDict = {
            "message_id": self.message_id,
            "date": msg.get("date"),
            "from_bot": self.from_bot,
            "text": msg.get("text"),
            "caption": msg.get("caption"),
            "raw_text": self.raw_text,
            "parse_mode": self.parse_mode,
            "reply_markup": clone(self.reply_markup),
            "document": clone(msg.get("document")),
            "photo": clone(msg.get("photo")),
            "edited": self.edit_count > 0,
            "edit_count": self.edit_count,
            "deleted": self.deleted,
        }
        return out


@dataclass
class BotEvent:
    """One entry of the event log (``history``).

    ``actor`` is ``"bot"`` or ``"user"``.  ``kind`` is one of ``send``, ``edit_text``,
    ``edit_caption``, ``edit_markup``, ``delete``, ``answer_callback``, ``chat_action``
    (bot), ``error`` (a bot API call for that chat was answered with an error; ``data``
    has method/error_code/description) or ``user_message``, ``user_press`` (user).
    ``activity`` marks events that count as the bot "answering" for
    ``wait_for_bot_activity``/settling (everything the bot does except ``chat_action``
    and failed calls).
    """

    seq: int
    actor: str
    kind: str
    chat_id: int | str | None
    message_id: int | None = None
    data: JSONDict = field(default_factory=dict)
    at: float = field(default_factory=time.time)

    @property
    def activity(self) -> bool:
        return self.actor == "bot" and self.kind not in ("chat_action", "error")

    def to_dict(self) -> JSONDict:
        return {
            "seq": self.seq,
            "actor": self.actor,
            "kind": self.kind,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "data": clone(self.data),
            "at": self.at,
        }


@dataclass
class ChatState:
    """Everything known about one chat."""

    chat: JSONDict  # Bot API Chat object
    user: JSONDict | None = None  # Bot API User object for private chats
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    blocked: bool = False
    callback_answers: list[JSONDict] = field(default_factory=list)
    reply_keyboard: JSONDict | None = None
    delivered: int = 0

    def new_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid

    def bot_messages(self, *, include_deleted: bool = False) -> list[StoredMessage]:
        return [
            m
            for _, m in sorted(self.messages.items())
            if m.from_bot and (include_deleted or not m.deleted)
        ]
