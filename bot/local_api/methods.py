"""The Bot API method table, and the methods that do not send messages, for :class:`bot.local_api.server.LocalBotApi`.

Each function takes the server and a parsed call and returns the ``result`` value or
raises :class:`bot.local_api.state.ApiError`.  ``METHODS`` maps canonical method names
to these functions; lookup is case-insensitive (done by the server).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.local_api.messages import (
    delete_message,
    edit_message_caption,
    edit_message_reply_markup,
    edit_message_text,
    require,
    send_document,
    send_message,
    send_photo,
)
from bot.local_api.state import ApiError, JSONDict, clone

if TYPE_CHECKING:
    from bot.local_api.routing import BotCall
    from bot.local_api.server import LocalBotApi

__all__ = ["METHODS"]

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


async def get_me(self: LocalBotApi, call: BotCall) -> JSONDict:
    return dict(self._bots.get(call.token) or self.register_bot(call.token))


async def get_updates(self: LocalBotApi, call: BotCall) -> list[JSONDict]:
    params = call.params
    return await self.poll_updates(
        call.token,
        int(params.get("offset") or 0),
        max(1, min(100, int(params.get("limit") or 100))),
        float(params.get("timeout") or 0),
        call.request,
    )


async def delete_webhook(self: LocalBotApi, call: BotCall) -> bool:
    await self.set_webhook_delivery("", "")
    if call.params.get("drop_pending_updates"):
        self._updates.clear()
    return True


async def set_webhook(self: LocalBotApi, call: BotCall) -> bool:
    url = str(call.params.get("url") or "")
    secret = str(call.params.get("secret_token") or "")
    try:
        connections = int(call.params.get("max_connections") or 40)
    except ValueError as exc:
        raise ApiError(400, "Bad Request: max_connections must be a number") from exc
    try:
        await self.set_webhook_delivery(url, secret, connections)
    except ValueError as exc:
        raise ApiError(400, f"Bad Request: bad webhook: {exc}") from exc
    return True


async def get_webhook_info(self: LocalBotApi, call: BotCall) -> JSONDict:
    return {
        "url": self.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(self._updates) + self.webhook_pending,
    }


def _scope_and_lang(self: LocalBotApi, params: JSONDict) -> tuple[Any, ...]:
    scope = params.get("scope")
    if scope is not None and not isinstance(scope, dict):
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    return self._scope_key(scope, params.get("language_code"))


async def set_my_commands(self: LocalBotApi, call: BotCall) -> bool:
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


async def get_my_commands(self: LocalBotApi, call: BotCall) -> list[JSONDict]:
    return clone(self._commands.get(_scope_and_lang(self, call.params), []))


async def delete_my_commands(self: LocalBotApi, call: BotCall) -> bool:
    self._commands.pop(_scope_and_lang(self, call.params), None)
    return True


async def answer_callback_query(self: LocalBotApi, call: BotCall) -> bool:
    params = call.params
    query_id = str(require(params, "callback_query_id"))
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


async def send_chat_action(self: LocalBotApi, call: BotCall) -> bool:
    params = call.params
    state = self._chat(require(params, "chat_id"), create=not self.known_chats_only)
    action = str(require(params, "action"))
    await self._emit("bot", "chat_action", state.chat["id"], None, action=action)
    return True


async def get_chat(self: LocalBotApi, call: BotCall) -> JSONDict:
    state = self._chat(require(call.params, "chat_id"), create=not self.known_chats_only)
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


async def get_file(self: LocalBotApi, call: BotCall) -> JSONDict:
    record = self._files.get(str(require(call.params, "file_id")))
    if record is None:
        raise ApiError.bad_request("invalid file_id")
    out: JSONDict = {"file_id": record.file_id, "file_unique_id": record.file_unique_id,
                     "file_path": record.file_path}  # fmt: skip
    if record.data is not None:
        out["file_size"] = len(record.data)
    return out


async def ok_true(self: LocalBotApi, call: BotCall) -> bool:
    return True


def _setting(key: str, default: JSONDict) -> tuple[Any, Any]:
    async def setter(self: LocalBotApi, call: BotCall) -> bool:
        lang = call.params.get("language_code") or ""
        value = {k: v for k, v in call.params.items() if k != "language_code"}
        self._settings[f"{key}:{lang}"] = value
        return True

    async def getter(self: LocalBotApi, call: BotCall) -> JSONDict:
        lang = call.params.get("language_code") or ""
        stored = self._settings.get(f"{key}:{lang}") or {}
        out = dict(default)
        out.update({k: v for k, v in stored.items() if k in default})
        return out

    return setter, getter


_set_desc, _get_desc = _setting("description", {"description": ""})
_set_short, _get_short = _setting("short_description", {"short_description": ""})
_set_name, _get_name = _setting("name", {"name": ""})


async def _set_menu(self: LocalBotApi, call: BotCall) -> bool:
    """A chat's menu button (``chat_id``), or the default one without it."""
    chat_id = call.params.get("chat_id")
    menu = call.params.get("menu_button")
    self._settings[f"menu_button:{chat_id or ''}"] = menu if isinstance(menu, dict) else None
    return True


async def _get_menu_button(self: LocalBotApi, call: BotCall) -> JSONDict:
    return self.menu_button_for(call.params.get("chat_id"))


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
