"""Bot API methods that send, edit and delete messages, for :class:`bot.local_api.LocalBotApi`.

``sendMessage``, ``sendDocument``, ``sendPhoto``, the ``editMessage*`` family and
``deleteMessage``, with Telegram's checks (lengths, markup, entities, "not modified").
Each function takes the server and a parsed call and returns the ``result`` or raises
:class:`bot.local_api.state.ApiError`.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING, Any

from bot.local_api.state import ApiError, FileRecord, JSONDict, StoredMessage, clone

if TYPE_CHECKING:
    from bot.local_api.routing import BotCall
    from bot.local_api.server import LocalBotApi

__all__ = [
    "delete_message",
    "edit_message_caption",
    "edit_message_reply_markup",
    "edit_message_text",
    "require",
    "require_int",
    "send_document",
    "send_message",
    "send_photo",
]

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def require(params: JSONDict, key: str) -> Any:
    value = params.get(key)
    if value is None or value == "":
        raise ApiError.bad_request(f"{key} is empty" if key != "text" else "message text is empty")
    return value


def require_int(params: JSONDict, key: str) -> int:
    value = require(params, key)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError.bad_request(f"invalid {key} specified") from exc


MAX_INLINE_BUTTONS = 100  # Telegram refuses a bigger inline keyboard


def _validate_markup(markup: Any) -> JSONDict | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError.bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup "
                                       "must be an Array of Arrays")  # fmt: skip
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise ApiError.bad_request("reply markup is too long")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise ApiError.bad_request("BUTTON_TEXT_INVALID")
                if not any(k in button for k in _BUTTON_ACTIONS):
                    raise ApiError.bad_request("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not (1 <= len(str(data).encode()) <= 64):
                    raise ApiError.bad_request("BUTTON_DATA_INVALID")
        return clone(markup)
    if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
        return clone(markup)
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")


def _inline(markup: JSONDict | None) -> JSONDict | None:
    return markup if markup is not None and "inline_keyboard" in markup else None


def _bot_message(self: LocalBotApi, call: BotCall, chat_id: Any) -> tuple[Any, JSONDict]:
    state = self._chat(chat_id, create=not self.known_chats_only)
    msg: JSONDict = {
        "message_id": state.new_message_id(),
        "from": self._bot_user(call.token),
        "chat": clone(state.chat),
        "date": int(time.time()),
    }
    params = call.params
    reply_params = params.get("reply_parameters")
    reply_to = params.get("reply_to_message_id")
    if isinstance(reply_params, dict):
        reply_to = reply_params.get("message_id")
    if reply_to is not None:
        target = state.messages.get(int(reply_to))
        if target is not None and not target.deleted:
            msg["reply_to_message"] = clone(target.message)
        elif not (
            isinstance(reply_params, dict) and reply_params.get("allow_sending_without_reply")
        ):
            raise ApiError.bad_request("message to be replied not found")
    return state, msg


async def _store_sent(
    self: LocalBotApi,
    state: Any,
    msg: JSONDict,
    markup: JSONDict | None,
    *,
    raw_text: str | None,
    parse_mode: str | None,
    file_id: str | None = None,
) -> JSONDict:
    inline = _inline(markup)
    if inline is not None:
        msg["reply_markup"] = inline
    if markup is not None and "keyboard" in markup:
        state.reply_keyboard = clone(markup)
    elif markup is not None and markup.get("remove_keyboard"):
        state.reply_keyboard = None
    stored = StoredMessage(msg, True, raw_text, parse_mode, markup, file_id)
    state.messages[msg["message_id"]] = stored
    state.delivered += 1
    await self._emit("bot", "send", state.chat["id"], msg["message_id"], message=stored.to_dict())
    return clone(msg)


async def send_message(self: LocalBotApi, call: BotCall) -> JSONDict:
    params = call.params
    text = str(require(params, "text"))
    parse_mode = params.get("parse_mode") or None
    if len(text) > 4096:
        raise ApiError.bad_request("message is too long")
    plain = self._plain(text, parse_mode)
    if not plain:
        raise ApiError.bad_request("message text is empty")
    markup = _validate_markup(params.get("reply_markup"))
    state, msg = _bot_message(self, call, require(params, "chat_id"))
    msg["text"] = plain
    return await _store_sent(self, state, msg, markup, raw_text=text, parse_mode=parse_mode)


def _new_file(self: LocalBotApi, value: Any, params: JSONDict, default_name: str) -> FileRecord:
    from bot.local_api.routing import Upload

    if isinstance(value, str) and value.startswith("attach://"):
        value = params.get(value[len("attach://") :])
    if isinstance(value, Upload):
        n = next(self._file_ids)
        record = FileRecord(
            file_id=f"BQACAgIAAxkBAAI{n:08d}",
            file_unique_id=f"AgAD{n:08d}",
            file_name=value.filename or default_name,
            mime_type=value.content_type,
            data=value.data,
        )
        self._files[record.file_id] = record
        return record
    if isinstance(value, str) and value:
        if value in self._files:
            return self._files[value]
        if value.startswith(("http://", "https://")):
            n = next(self._file_ids)
            record = FileRecord(f"URL{n:08d}", f"AgADU{n:08d}", value.rsplit("/", 1)[-1],
                                None, None, url=value)  # fmt: skip
            self._files[record.file_id] = record
            return record
        raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
    raise ApiError.bad_request("there is no file in the request")


def _caption(self: LocalBotApi, params: JSONDict) -> tuple[str | None, str | None, str | None]:
    caption = params.get("caption")
    if caption is None or caption == "":
        return None, None, None
    caption = str(caption)
    if len(caption) > 1024:
        raise ApiError.bad_request("message caption is too long")
    parse_mode = params.get("parse_mode") or None
    return caption, self._plain(caption, parse_mode), parse_mode


async def send_document(self: LocalBotApi, call: BotCall) -> JSONDict:
    params = call.params
    record = _new_file(self, params.get("document"), params, "document")
    caption, plain, parse_mode = _caption(self, params)
    markup = _validate_markup(params.get("reply_markup"))
    state, msg = _bot_message(self, call, require(params, "chat_id"))
    msg["document"] = {
        k: v
        for k, v in record.to_dict().items()
        if k in ("file_id", "file_unique_id", "file_name", "mime_type", "file_size")
        and v is not None
    }
    if plain:
        msg["caption"] = plain
    return await _store_sent(
        self, state, msg, markup, raw_text=caption, parse_mode=parse_mode, file_id=record.file_id
    )


def _image_size(data: bytes | None) -> tuple[int, int]:
    if not data:
        return 1, 1
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow is a project dependency
        return 1, 1
    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(image.width), int(image.height)
    except Exception as exc:  # noqa: BLE001 - any decoder failure is Telegram's error
        raise ApiError.bad_request("IMAGE_PROCESS_FAILED") from exc


async def send_photo(self: LocalBotApi, call: BotCall) -> JSONDict:
    params = call.params
    record = _new_file(self, params.get("photo"), params, "photo.jpg")
    width, height = _image_size(record.data)
    caption, plain, parse_mode = _caption(self, params)
    markup = _validate_markup(params.get("reply_markup"))
    state, msg = _bot_message(self, call, require(params, "chat_id"))
    size = {"file_id": record.file_id, "file_unique_id": record.file_unique_id,
            "width": width, "height": height}  # fmt: skip
    if record.data is not None:
        size["file_size"] = len(record.data)
    msg["photo"] = [size]
    if plain:
        msg["caption"] = plain
    return await _store_sent(
        self, state, msg, markup, raw_text=caption, parse_mode=parse_mode, file_id=record.file_id
    )


def _editable(self: LocalBotApi, params: JSONDict) -> tuple[Any, StoredMessage]:
    if params.get("inline_message_id"):
        raise ApiError.bad_request("inline messages are not supported by the local Bot API")
    state = self._chat(require(params, "chat_id"), create=not self.known_chats_only)
    stored = state.messages.get(require_int(params, "message_id"))
    if stored is None or stored.deleted:
        raise ApiError.bad_request("message to edit not found")
    if not stored.from_bot:
        raise ApiError.bad_request("message can't be edited")
    return state, stored


async def _finish_edit(
    self: LocalBotApi, state: Any, stored: StoredMessage, kind: str, markup: JSONDict | None
) -> JSONDict:
    inline = _inline(markup)
    if inline is None:
        stored.message.pop("reply_markup", None)
    else:
        stored.message["reply_markup"] = inline
    stored.reply_markup = inline
    stored.message["edit_date"] = int(time.time())
    stored.edit_count += 1
    await self._emit("bot", kind, state.chat["id"], stored.message_id, message=stored.to_dict())
    return clone(stored.message)


def _same_text(stored: StoredMessage, plain: str, raw: str | None, mode: str | None) -> bool:
    old = stored.message.get("text", stored.message.get("caption"))
    if old != plain:
        return False
    if not mode and not stored.parse_mode:
        return True
    return (raw, mode) == (stored.raw_text, stored.parse_mode)


async def edit_message_text(self: LocalBotApi, call: BotCall) -> JSONDict:
    params = call.params
    state, stored = _editable(self, params)
    text = str(require(params, "text"))
    if len(text) > 4096:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")
    parse_mode = params.get("parse_mode") or None
    plain = self._plain(text, parse_mode)
    if not plain:
        raise ApiError.bad_request("message text is empty")
    if "text" not in stored.message:
        raise ApiError.bad_request("there is no text in the message to edit")
    markup = _inline(_validate_markup(params.get("reply_markup")))
    if _same_text(stored, plain, text, parse_mode) and markup == stored.message.get("reply_markup"):
        raise ApiError.bad_request(_NOT_MODIFIED)
    stored.message["text"] = plain
    stored.raw_text, stored.parse_mode = text, parse_mode
    return await _finish_edit(self, state, stored, "edit_text", markup)


async def edit_message_caption(self: LocalBotApi, call: BotCall) -> JSONDict:
    params = call.params
    state, stored = _editable(self, params)
    if "text" in stored.message:
        raise ApiError.bad_request("there is no caption in the message to edit")
    caption, plain, parse_mode = _caption(self, params)
    markup = _inline(_validate_markup(params.get("reply_markup")))
    if _same_text(stored, plain or "", caption, parse_mode) and markup == stored.message.get(
        "reply_markup"
    ):
        raise ApiError.bad_request(_NOT_MODIFIED)
    if plain:
        stored.message["caption"] = plain
    else:
        stored.message.pop("caption", None)
    stored.raw_text, stored.parse_mode = caption, parse_mode
    return await _finish_edit(self, state, stored, "edit_caption", markup)


async def edit_message_reply_markup(self: LocalBotApi, call: BotCall) -> JSONDict:
    params = call.params
    state, stored = _editable(self, params)
    markup = _inline(_validate_markup(params.get("reply_markup")))
    if markup == stored.message.get("reply_markup"):
        raise ApiError.bad_request(_NOT_MODIFIED)
    return await _finish_edit(self, state, stored, "edit_markup", markup)


async def delete_message(self: LocalBotApi, call: BotCall) -> bool:
    params = call.params
    state = self._chat(require(params, "chat_id"), create=not self.known_chats_only)
    stored = state.messages.get(require_int(params, "message_id"))
    if stored is None or stored.deleted:
        raise ApiError.bad_request("message to delete not found")
    stored.deleted = True
    await self._emit("bot", "delete", state.chat["id"], stored.message_id)
    return True
