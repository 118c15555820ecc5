"""Bot API method implementations for :class:`bot.local_api.server.LocalBotApi`.

Each function takes the server and a parsed call and returns the ``result`` value or
raises :class:`bot.local_api.state.ApiError`.  ``METHODS`` maps canonical method names
to these functions; lookup is case-insensitive (done by the server).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import time
from typing import TYPE_CHECKING, Any

from bot.local_api.state import ApiError, FileRecord, JSONDict, StoredMessage, clone

if TYPE_CHECKING:
    from bot.local_api.server import LocalBotApi, _Call

__all__ = ["METHODS"]

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
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


def _require(params: JSONDict, key: str) -> Any:
    value = params.get(key)
    if value is None or value == "":
        raise ApiError.bad_request(f"{key} is empty" if key != "text" else "message text is empty")
    return value


def _int(params: JSONDict, key: str) -> int:
    value = _require(params, key)
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


def _bot_message(self: LocalBotApi, call: _Call, chat_id: Any) -> tuple[Any, JSONDict]:
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


async def get_me(self: LocalBotApi, call: _Call) -> JSONDict:
    return dict(self._bots.get(call.token) or self.register_bot(call.token))


async def get_updates(self: LocalBotApi, call: _Call) -> list[JSONDict]:
    params = call.params
    offset = int(params.get("offset") or 0)
    limit = max(1, min(100, int(params.get("limit") or 100)))
    timeout = float(params.get("timeout") or 0)
    if offset < 0:
        keep = self._updates[offset:]
        self._updates[:] = keep
    elif offset > 0:
        self._updates[:] = [u for u in self._updates if u["update_id"] >= offset]

    def ready() -> bool:
        return self._closing or bool(self._updates)

    if timeout > 0 and not ready():
        async with self._updates_cond:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_cond.wait_for(ready), timeout)
    return clone(self._updates[:limit])


async def delete_webhook(self: LocalBotApi, call: _Call) -> bool:
    self.webhook_url = ""
    if call.params.get("drop_pending_updates"):
        self._updates.clear()
    return True


async def set_webhook(self: LocalBotApi, call: _Call) -> bool:
    self.webhook_url = str(call.params.get("url") or "")
    return True


async def get_webhook_info(self: LocalBotApi, call: _Call) -> JSONDict:
    return {
        "url": self.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(self._updates),
    }


def _scope_and_lang(self: LocalBotApi, params: JSONDict) -> tuple[Any, ...]:
    scope = params.get("scope")
    if scope is not None and not isinstance(scope, dict):
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    return self._scope_key(scope, params.get("language_code"))


async def set_my_commands(self: LocalBotApi, call: _Call) -> bool:
    commands = call.params.get("commands")
    if not isinstance(commands, list):
        raise ApiError.bad_request("can't parse commands JSON object")
    for cmd in commands:
        if not isinstance(cmd, dict) or not _COMMAND_RE.match(str(cmd.get("command", ""))):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(cmd.get("description", ""))) <= 256:
            raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = _scope_and_lang(self, call.params)
    clean = [{"command": c["command"], "description": c["description"]} for c in commands]
    if clean:
        self._commands[key] = clean
    else:
        self._commands.pop(key, None)
    return True


async def get_my_commands(self: LocalBotApi, call: _Call) -> list[JSONDict]:
    return clone(self._commands.get(_scope_and_lang(self, call.params), []))


async def delete_my_commands(self: LocalBotApi, call: _Call) -> bool:
    self._commands.pop(_scope_and_lang(self, call.params), None)
    return True


async def send_message(self: LocalBotApi, call: _Call) -> JSONDict:
    params = call.params
    text = str(_require(params, "text"))
    parse_mode = params.get("parse_mode") or None
    if len(text) > 4096:
        raise ApiError.bad_request("message is too long")
    plain = self._plain(text, parse_mode)
    if not plain:
        raise ApiError.bad_request("message text is empty")
    markup = _validate_markup(params.get("reply_markup"))
    state, msg = _bot_message(self, call, _require(params, "chat_id"))
    msg["text"] = plain
    return await _store_sent(self, state, msg, markup, raw_text=text, parse_mode=parse_mode)


def _new_file(self: LocalBotApi, value: Any, params: JSONDict, default_name: str) -> FileRecord:
    from bot.local_api.server import Upload

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


async def send_document(self: LocalBotApi, call: _Call) -> JSONDict:
    params = call.params
    record = _new_file(self, params.get("document"), params, "document")
    caption, plain, parse_mode = _caption(self, params)
    markup = _validate_markup(params.get("reply_markup"))
    state, msg = _bot_message(self, call, _require(params, "chat_id"))
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


async def send_photo(self: LocalBotApi, call: _Call) -> JSONDict:
    params = call.params
    record = _new_file(self, params.get("photo"), params, "photo.jpg")
    width, height = _image_size(record.data)
    caption, plain, parse_mode = _caption(self, params)
    markup = _validate_markup(params.get("reply_markup"))
    state, msg = _bot_message(self, call, _require(params, "chat_id"))
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
    state = self._chat(_require(params, "chat_id"), create=not self.known_chats_only)
    stored = state.messages.get(_int(params, "message_id"))
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


async def edit_message_text(self: LocalBotApi, call: _Call) -> JSONDict:
    params = call.params
    state, stored = _editable(self, params)
    text = str(_require(params, "text"))
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


async def edit_message_caption(self: LocalBotApi, call: _Call) -> JSONDict:
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


async def edit_message_reply_markup(self: LocalBotApi, call: _Call) -> JSONDict:
    params = call.params
    state, stored = _editable(self, params)
    markup = _inline(_validate_markup(params.get("reply_markup")))
    if markup == stored.message.get("reply_markup"):
        raise ApiError.bad_request(_NOT_MODIFIED)
    return await _finish_edit(self, state, stored, "edit_markup", markup)


async def delete_message(self: LocalBotApi, call: _Call) -> bool:
    params = call.params
    state = self._chat(_require(params, "chat_id"), create=not self.known_chats_only)
    stored = state.messages.get(_int(params, "message_id"))
    if stored is None or stored.deleted:
        raise ApiError.bad_request("message to delete not found")
    stored.deleted = True
    await self._emit("bot", "delete", state.chat["id"], stored.message_id)
    return True


async def answer_callback_query(self: LocalBotApi, call: _Call) -> bool:
    params = call.params
    query_id = str(_require(params, "callback_query_id"))
    query = self._callbacks.get(query_id)
    if query is None or query["answered"]:
        raise ApiError.bad_request(
            "query is too old and response timeout expired or query ID is invalid"
        )
    query["answered"] = True
    answer = {
        "callback_query_id": query_id,
        "message_id": query["message_id"],
        "callback_data": query["data"],
        "text": params.get("text"),
        "show_alert": bool(params.get("show_alert", False)),
        "url": params.get("url"),
        "cache_time": params.get("cache_time"),
    }
    state = self._chat(query["chat_id"])
    state.callback_answers.append(answer)
    await self._emit(
        "bot", "answer_callback", state.chat["id"], query["message_id"], answer=dict(answer)
    )
    return True


async def send_chat_action(self: LocalBotApi, call: _Call) -> bool:
    params = call.params
    state = self._chat(_require(params, "chat_id"), create=not self.known_chats_only)
    action = str(_require(params, "action"))
    await self._emit("bot", "chat_action", state.chat["id"], None, action=action)
    return True


async def get_chat(self: LocalBotApi, call: _Call) -> JSONDict:
    state = self._chat(_require(call.params, "chat_id"), create=not self.known_chats_only)
    info = clone(state.chat)
    info.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    return info


async def get_file(self: LocalBotApi, call: _Call) -> JSONDict:
    record = self._files.get(str(_require(call.params, "file_id")))
    if record is None:
        raise ApiError.bad_request("invalid file_id")
    out: JSONDict = {"file_id": record.file_id, "file_unique_id": record.file_unique_id,
                     "file_path": record.file_path}  # fmt: skip
    if record.data is not None:
        out["file_size"] = len(record.data)
    return out


async def ok_true(self: LocalBotApi, call: _Call) -> bool:
    return True


def _setting(key: str, default: JSONDict) -> tuple[Any, Any]:
    async def setter(self: LocalBotApi, call: _Call) -> bool:
        lang = call.params.get("language_code") or ""
        value = {k: v for k, v in call.params.items() if k != "language_code"}
        self._settings[f"{key}:{lang}"] = value
        return True

    async def getter(self: LocalBotApi, call: _Call) -> JSONDict:
        lang = call.params.get("language_code") or ""
        stored = self._settings.get(f"{key}:{lang}") or {}
        out = dict(default)
        out.update({k: v for k, v in stored.items() if k in default})
        return out

    return setter, getter


_set_desc, _get_desc = _setting("description", {"description": ""})
_set_short, _get_short = _setting("short_description", {"short_description": ""})
_set_name, _get_name = _setting("name", {"name": ""})
_set_menu, _ = _setting("menu_button", {"menu_button": {"type": "commands"}})


async def _get_menu_button(self: LocalBotApi, call: _Call) -> JSONDict:
    menu = (self._settings.get("menu_button:") or {}).get("menu_button")
    return menu if isinstance(menu, dict) else {"type": "commands"}


METHODS: dict[str, Any] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "deleteWebhook": delete_webhook,
    "setWebhook": set_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "sendMessage": send_message,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
    "getChat": get_chat,
    "getFile": get_file,
    "close": ok_true,
    "logOut": ok_true,
    "setMyDescription": _set_desc,
    "getMyDescription": _get_desc,
    "setMyShortDescription": _set_short,
    "getMyShortDescription": _get_short,
    "setMyName": _set_name,
    "getMyName": _get_name,
    "setChatMenuButton": _set_menu,
    "getChatMenuButton": _get_menu_button,
}
