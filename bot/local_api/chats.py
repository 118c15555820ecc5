"""The chats, the event log and waiting on it, for :class:`bot.local_api.LocalBotApi`.

:class:`ChatBook` holds what a person in each chat would see (messages, callback answers,
reply keyboard, blocked flag, command menus) and the event log of everything the bot and the
users did; ``wait_for`` and ``settle`` wait on that log, event driven.
"""

from __future__ import annotations

import asyncio
import bisect
from collections import Counter
from collections.abc import Callable
from typing import Any

from bot.local_api.state import (
    ApiError,
    BotEvent,
    ChatState,
    FileRecord,
    JSONDict,
    clone,
)

__all__ = ["ChatBook", "EventPredicate", "norm_chat_id", "scope_key"]

EventPredicate = Callable[[BotEvent], bool]


def norm_chat_id(chat_id: Any) -> int | str:
    """A chat id as Telegram takes it: an integer, or an ``@username`` string."""
    if isinstance(chat_id, bool) or chat_id is None:
        raise ApiError.bad_request("chat_id is empty")
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id).strip()
    try:
        return int(text)
    except ValueError:
        return text


def scope_key(scope: JSONDict | None, language_code: str | None) -> tuple[Any, ...]:
    """The key a command menu is stored under (scope type, chat, user, language)."""
    scope = scope or {"type": "default"}
    chat_id = scope.get("chat_id")
    return (
        scope.get("type", "default"),
        None if chat_id is None else str(chat_id),
        scope.get("user_id"),
        language_code or "",
    )


class ChatBook:
    """Chats, events and waiting: the part of the server a test reads."""

    settle_quiet: float
    settle_timeout: float
    bot_username: str
    bot_first_name: str
    _chats: dict[int | str, ChatState]
    _events: list[BotEvent]
    _chat_events: dict[int | str, list[BotEvent]]
    _events_cond: asyncio.Condition
    _chat_conds: dict[int | str, asyncio.Condition]
    _handled: set[int]
    _handled_cond: asyncio.Condition
    _tracking: bool
    _files: dict[str, FileRecord]
    _commands: dict[tuple[Any, ...], list[JSONDict]]
    _settings: dict[str, Any]
    _updates: list[JSONDict]
    calls: Counter[str]
    errors: Counter[int]
    responses_429: int

    _scope_key = staticmethod(scope_key)

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
        cid = norm_chat_id(chat_id)
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
        if user is None:
            raise RuntimeError("user is None")
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
        return self._events_after(None if chat_id is None else norm_chat_id(chat_id), after)

    def chat(self, user_id: int | str, *, include_deleted: bool = False) -> list[JSONDict]:
        """Current state of every bot message in the chat, oldest first."""
        state = self._chats.get(norm_chat_id(user_id))
        if state is None:
            return []
        return [m.to_dict() for m in state.bot_messages(include_deleted=include_deleted)]

    def chat_state(self, user_id: int | str, *, include_deleted: bool = False) -> JSONDict:
        """Messages, callback answers, reply keyboard, blocked flag and history."""
        cid = norm_chat_id(user_id)
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
        state = self._chats.get(norm_chat_id(user_id))
        return clone(state.callback_answers) if state else []

    def reply_keyboard(self, user_id: int | str) -> JSONDict | None:
        state = self._chats.get(norm_chat_id(user_id))
        return clone(state.reply_keyboard) if state else None

    def message(self, chat_id: int | str, message_id: int) -> JSONDict | None:
        state = self._chats.get(norm_chat_id(chat_id))
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

    def menu_button_for(self, chat_id: int | str | None = None) -> JSONDict:
        """The menu button a chat shows: its own, else the bot's default, else commands."""
        settings = self._settings
        for key in ([f"menu_button:{chat_id}"] if chat_id else []) + ["menu_button:"]:
            menu = settings.get(key)
            if isinstance(menu, dict):
                return clone(menu)
        return {"type": "commands"}

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
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> BotEvent:
        """First event with ``seq > after`` matching all criteria; ``TimeoutError`` if none."""
        cid = None if chat_id is None else norm_chat_id(chat_id)

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
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> BotEvent:
        """First bot activity (not chat actions) in the chat after ``after``."""
        return await self.wait_for(
            lambda e: e.activity, chat_id=user_id, after=after, timeout=timeout
        )

    def track_handling(self, on: bool = True) -> None:
        """The bot will say when it has finished each update (:meth:`handled`; the e2e
        harness wraps the Application's ``process_update``, tests/support/handling.py):
        from now on :meth:`settle` waits for that before it reads the chat, so a test never
        reads a chat while the bot is still handling what the user did. ``on=False`` ends
        it (the tracked bot stopped)."""
        self._tracking = on

    async def handled(self, update_id: int) -> None:
        """The bot has finished handling update ``update_id`` (every handler returned)."""
        self._handled.add(update_id)
        async with self._handled_cond:
            self._handled_cond.notify_all()

    async def wait_handled(self, update_id: int, timeout: float) -> None:  # noqa: ASYNC109
        """Until the bot has finished ``update_id``; ``TimeoutError`` after ``timeout``."""
        async with self._handled_cond:
            await asyncio.wait_for(
                self._handled_cond.wait_for(lambda: update_id in self._handled), timeout
            )

    async def settle(
        self,
        user_id: int | str,
        after: int,
        *,
        quiet: float | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        until: EventPredicate | None = None,
        update_id: int | None = None,
    ) -> list[BotEvent]:
        """Wait until the bot has answered and then gone quiet; return its activity.

        With ``until``, the quiet period only starts once an activity event matching
        it has arrived (robust under load, e.g. ``until=lambda e: e.kind == "edit_text"``).
        With ``update_id`` (the user's update) and :meth:`track_handling` on, it first waits
        until the bot has finished that update.
        """
        quiet = self.settle_quiet if quiet is None else quiet
        timeout = self.settle_timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if update_id is not None and self._tracking:
            await self.wait_handled(update_id, timeout)
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
