"""The person in the chat, in process: :class:`UserClient` (``server.user(42)``).

It writes, presses buttons by label and inspects the chat, waiting for the bot to settle
(see ``LocalBotApi.settle``).  The same over HTTP, for another process, is in
:mod:`bot.local_api.user_http`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.local_api.state import BotEvent, JSONDict

if TYPE_CHECKING:
    from bot.local_api.chats import EventPredicate
    from bot.local_api.server import LocalBotApi

__all__ = ["Rows", "UserClient", "find_button", "rows_of"]

Rows = list[list[tuple[str, str | None]]]


def rows_of(message: JSONDict | None) -> Rows:
    markup = (message or {}).get("reply_markup") or {}
    return [
        [(str(b.get("text", "")), b.get("callback_data")) for b in row]
        for row in markup.get("inline_keyboard", [])
    ]


def find_button(rows: Rows, label: str) -> tuple[str, str | None]:
    """Find a button by label: exact, then case-insensitive, then unique substring."""
    flat = [button for row in rows for button in row]
    exact = [b for b in flat if b[0] == label]
    if exact:
        return exact[0]
    folded = [b for b in flat if b[0].casefold() == label.casefold()]
    if folded:
        return folded[0]
    partial = [b for b in flat if label.casefold() in b[0].casefold()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise LookupError(f"button label {label!r} is ambiguous: {[b[0] for b in partial]}")
    raise LookupError(f"no button {label!r}; available: {[b[0] for b in flat]}")


class UserClient:
    """One Telegram user talking to the bot through a :class:`LocalBotApi`.

    ``send``/``press``/``press_button`` wait until the bot has answered and gone quiet
    (see ``LocalBotApi.settle``) and return the bot message touched last (current
    state, as in ``LocalBotApi.chat``), or ``None`` if the bot only answered the
    callback query / deleted messages and nothing is left in the chat.
    """

    def __init__(
        self,
        server: LocalBotApi,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self.server = server
        self.user_id = int(user_id)
        self.first_name = first_name
        self.username = username
        self.language_code = language_code
        self.last_update: JSONDict | None = None
        self.last_events: list[BotEvent] = []

    # -- actions -------------------------------------------------------------------
    async def send(
        self,
        text: str,
        *,
        wait: bool = True,
        quiet: float | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        until: EventPredicate | None = None,
    ) -> JSONDict | None:
        """Write ``text``; with ``wait`` return the bot's reply after settling."""
        after = self.server.seq
        self.last_update = await self.server.send_text(
            self.user_id,
            text,
            first_name=self.first_name,
            username=self.username,
            language_code=self.language_code,
        )
        return await self._settle(after, quiet, timeout, until) if wait else None

    async def press(
        self,
        callback_data: str,
        *,
        message_id: int | None = None,
        wait: bool = True,
        quiet: float | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        until: EventPredicate | None = None,
    ) -> JSONDict | None:
        """Press raw ``callback_data`` on ``message_id`` (default: latest keyboard)."""
        if message_id is None:
            keyboard = self.keyboard_message
            if keyboard is None:
                raise LookupError("no bot message with an inline keyboard in this chat")
            message_id = int(keyboard["message_id"])
        after = self.server.seq
        self.last_update = await self.server.press(
            self.user_id, message_id, callback_data, first_name=self.first_name,
            username=self.username,
        )  # fmt: skip
        return await self._settle(after, quiet, timeout, until) if wait else None

    async def press_button(
        self,
        label: str,
        *,
        message_id: int | None = None,
        wait: bool = True,
        quiet: float | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        until: EventPredicate | None = None,
    ) -> JSONDict | None:
        """Press the inline button labelled ``label`` in the latest keyboard message.

        Falls back to the reply keyboard (sends the label as text) when no inline
        button matches.
        """
        message = (
            self.server.message(self.user_id, message_id) if message_id else self.keyboard_message
        )
        try:
            text, data = find_button(rows_of(message), label)
        except LookupError:
            reply_labels = [t for row in self.reply_keyboard() for t in row]
            if label in reply_labels:
                return await self.send(label, wait=wait, quiet=quiet, timeout=timeout, until=until)
            raise
        if data is None:
            raise ValueError(f"button {text!r} has no callback_data (url/web_app button?)")
        if message is None:
            raise RuntimeError("message is None")
        return await self.press(
            data,
            message_id=int(message["message_id"]),
            wait=wait,
            quiet=quiet,
            timeout=timeout,
            until=until,
        )

    async def _settle(
        self, after: int, quiet: float | None, limit: float | None, until: EventPredicate | None
    ) -> Any:
        update_id = None if self.last_update is None else self.last_update.get("update_id")
        self.last_events = await self.server.settle(
            self.user_id, after, quiet=quiet, timeout=limit, until=until,
            update_id=update_id if isinstance(update_id, int) else None,
        )  # fmt: skip
        for event in reversed(self.last_events):
            if event.kind in ("send", "edit_text", "edit_caption", "edit_markup"):
                message = self.server.message(self.user_id, event.message_id or 0)
                if message and not message["deleted"]:
                    return message
        return self.last_message

    def block(self) -> None:
        self.server.block(self.user_id)

    def unblock(self) -> None:
        self.server.unblock(self.user_id)

    # -- inspection ----------------------------------------------------------------
    @property
    def messages(self) -> list[JSONDict]:
        """Current bot messages in the chat (oldest first, deleted ones omitted)."""
        return self.server.chat(self.user_id)

    @property
    def last_message(self) -> JSONDict | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def keyboard_message(self) -> JSONDict | None:
        """Latest bot message that carries an inline keyboard."""
        for message in reversed(self.messages):
            if rows_of(message):
                return message
        return None

    def buttons(self, message_id: int | None = None) -> Rows:
        """Rows of ``(text, callback_data)`` of a message (default: latest keyboard)."""
        if message_id is not None:
            return rows_of(self.server.message(self.user_id, message_id))
        return rows_of(self.keyboard_message)

    def reply_keyboard(self) -> list[list[str]]:
        markup = self.server.reply_keyboard(self.user_id) or {}
        return [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in markup.get("keyboard", [])
        ]

    @property
    def callback_answers(self) -> list[JSONDict]:
        return self.server.callback_answers(self.user_id)

    @property
    def last_callback_answer(self) -> JSONDict | None:
        answers = self.callback_answers
        return answers[-1] if answers else None

    @property
    def history(self) -> list[BotEvent]:
        return self.server.history(self.user_id)

    def menu(self) -> list[JSONDict]:
        """Effective command menu for this user."""
        return self.server.menu_for(self.user_id, self.language_code or "")

    def documents(self) -> list[tuple[str | None, bytes | None]]:
        """``(file_name, bytes)`` of every document the bot sent to this user."""
        out: list[tuple[str | None, bytes | None]] = []
        for message in self.messages:
            document = message.get("document")
            if document:
                record = self.server.file(document["file_id"])
                out.append((document.get("file_name"), record.data if record else None))
        return out
