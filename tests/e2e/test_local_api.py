"""End-to-end tests of the local Bot API server with a real PTB ``Application``."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from PIL import Image
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.local_api import FloodLimits, LocalBotApi, LocalBotApiClient

TOKEN = "123456:TEST"
ALICE = 1001
BOB = 1002

KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Book a lesson", callback_data="book")],
        [InlineKeyboardButton("Cancel", callback_data="cancel")],
    ]
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "<b>Welcome</b> &amp; hello!", parse_mode="HTML", reply_markup=KEYBOARD
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def send_doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await context.bot.send_document(
        update.effective_chat.id,
        document=b"%PDF-1.4 fake",
        filename="schedule.pdf",
        caption="Your schedule",
        reply_markup=KEYBOARD,
    )


async def reply_keyboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "Main menu", reply_markup=ReplyKeyboardMarkup([["My lessons", "Help"]])
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(text=f"got {query.data}", show_alert=query.data == "cancel")
    message = query.message
    if message is not None and getattr(message, "text", None) is None:
        # Telegram refuses editMessageText on documents; the server emulates that
        await query.edit_message_caption(f"You chose {query.data}")
    else:
        await query.edit_message_text(f"You chose {query.data}")


@pytest.fixture
async def server() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(settle_quiet=0.05, settle_timeout=3.0) as srv:
        yield srv


@pytest.fixture
async def app(server: LocalBotApi) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("doc", send_doc))
    application.add_handler(CommandHandler("menu", reply_keyboard))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    errors: list[BaseException] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)  # type: ignore[arg-type]

    application.add_error_handler(on_error)
    application.bot_data["errors"] = errors
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    assert errors == []


async def test_get_me_and_urls(server: LocalBotApi, app: Application) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/bot"
    assert app.bot.id == 123456
    assert app.bot.username == "musicbot_test_bot"
    assert server.metrics()["calls"]["getMe"] >= 1


async def test_message_round_trip(server: LocalBotApi, app: Application) -> None:
    alice = server.user(ALICE, first_name="Alice")
    started = time.monotonic()
    reply = await alice.send("hello there")
    assert time.monotonic() - started < 0.9  # long poll woke up immediately
    assert reply is not None and reply["text"] == "echo: hello there"
    assert [m["text"] for m in server.chat(ALICE)] == ["echo: hello there"]
    assert server.metrics()["delivered"] == {str(ALICE): 1}


async def test_command_html_and_button_press(server: LocalBotApi, app: Application) -> None:
    alice = server.user(ALICE)
    welcome = await alice.send("/start")
    assert welcome is not None
    assert welcome["text"] == "Welcome & hello!"  # tags stripped, entities unescaped
    assert welcome["raw_text"] == "<b>Welcome</b> &amp; hello!"
    assert alice.buttons() == [[("Book a lesson", "book")], [("Cancel", "cancel")]]

    edited = await alice.press_button("book a")  # case-insensitive substring
    assert edited is not None
    assert edited["message_id"] == welcome["message_id"]
    assert edited["text"] == "You chose book"
    assert edited["edited"] and edited["edit_count"] == 1
    assert edited["reply_markup"] is None  # editMessageText without markup drops it
    answer = alice.last_callback_answer
    assert answer is not None
    assert answer["text"] == "got book" and answer["show_alert"] is False
    kinds = [e.kind for e in alice.history]
    assert kinds == ["user_message", "send", "user_press", "answer_callback", "edit_text"]


async def test_forged_callback_on_unknown_message(server: LocalBotApi, app: Application) -> None:
    await server.user(ALICE).send("/start")
    after = server.seq
    await server.press(ALICE, 999, "cancel")
    answered = await server.wait_for_bot_activity(ALICE, after=after, timeout=3)
    assert answered.kind == "answer_callback" and answered.message_id == 999
    assert server.callback_answers(ALICE)[-1]["show_alert"] is True
    # editing the synthesized (non-existent) message fails inside the bot ...
    failed = await server.wait_for(chat_id=ALICE, kind="error", after=after, timeout=3)
    assert failed.data["description"] == "Bad Request: message to edit not found"
    errors = app.bot_data["errors"]
    for _ in range(200):  # ... and reaches PTB's error handler right after
        if errors:
            break
        await asyncio.sleep(0.01)
    assert len(errors) == 1 and isinstance(errors[0], BadRequest)
    errors.clear()


async def test_blocked_user_raises_forbidden(server: LocalBotApi, app: Application) -> None:
    server.block(BOB)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await app.bot.send_message(BOB, "reminder")
    server.unblock(BOB)
    msg = await app.bot.send_message(BOB, "reminder")
    assert msg.chat.id == BOB and msg.text == "reminder"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_injected_and_flood_limits(server: LocalBotApi, app: Application) -> None:
    server.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
        await app.bot.send_message(ALICE, "hi")
    await app.bot.send_message(ALICE, "hi")  # one-off failure consumed

    server.set_limits(FloodLimits(global_per_second=30, per_chat_per_second=1))
    await app.bot.send_message(BOB, "first")
    with pytest.raises(RetryAfter, match="Retry in 1 second"):
        await app.bot.send_message(BOB, "second")
    assert server.metrics()["responses_429"] == 2
    assert server.metrics()["delivered"][str(BOB)] == 1


async def test_commands_per_chat_scope(server: LocalBotApi, app: Application) -> None:
    await app.bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await app.bot.set_my_commands(
        [BotCommand("book", "Book a lesson"), BotCommand("admin", "Admin panel")],
        scope=BotCommandScopeChat(ALICE),
    )
    assert [c["command"] for c in server.menu_for(ALICE)] == ["book", "admin"]
    assert [c["command"] for c in server.menu_for(BOB)] == ["start", "help"]
    assert server.commands({"type": "chat", "chat_id": ALICE}) is not None
    fetched = await app.bot.get_my_commands(scope=BotCommandScopeChat(ALICE))
    assert [c.command for c in fetched] == ["book", "admin"]
    await app.bot.delete_my_commands(scope=BotCommandScopeChat(ALICE))
    assert [c["command"] for c in server.menu_for(ALICE)] == ["start", "help"]


async def test_send_document_and_photo(server: LocalBotApi, app: Application) -> None:
    alice = server.user(ALICE)
    doc = await alice.send("/doc")
    assert doc is not None and doc["caption"] == "Your schedule"
    assert doc["document"]["file_name"] == "schedule.pdf"
    assert doc["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "book"
    assert alice.documents() == [("schedule.pdf", b"%PDF-1.4 fake")]
    tg_file = await app.bot.get_file(doc["document"]["file_id"])
    assert bytes(await tg_file.download_as_bytearray()) == b"%PDF-1.4 fake"

    buf = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buf, format="PNG")
    photo = await app.bot.send_photo(ALICE, photo=buf.getvalue(), caption="chart")
    assert photo.photo[-1].width == 4 and photo.photo[-1].height == 3
    record = server.file(photo.photo[-1].file_id)
    assert record is not None and record.data == buf.getvalue()


async def test_edit_not_modified(server: LocalBotApi, app: Application) -> None:
    msg = await app.bot.send_message(ALICE, "Slot 10:00", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match="not modified"):
        await app.bot.edit_message_text(
            "Slot 10:00", chat_id=ALICE, message_id=msg.message_id, reply_markup=KEYBOARD
        )
    with pytest.raises(BadRequest, match="not modified"):
        await app.bot.edit_message_reply_markup(ALICE, msg.message_id, reply_markup=KEYBOARD)
    await app.bot.edit_message_reply_markup(ALICE, msg.message_id, reply_markup=None)
    assert server.chat(ALICE)[-1]["reply_markup"] is None
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await app.bot.send_message(ALICE, "1 < 2", parse_mode="HTML")
    assert await app.bot.delete_message(ALICE, msg.message_id)
    assert server.chat(ALICE) == []


async def test_an_inline_keyboard_of_more_than_100_buttons_is_refused_like_telegram(
    server: LocalBotApi, app: Application
) -> None:
    def grid(buttons: int) -> InlineKeyboardMarkup:
        row = [InlineKeyboardButton(str(n), callback_data=f"n:{n}") for n in range(buttons)]
        return InlineKeyboardMarkup([row[i : i + 4] for i in range(0, buttons, 4)])

    await app.bot.send_message(ALICE, "100 buttons", reply_markup=grid(100))
    with pytest.raises(BadRequest, match="(?i)reply markup is too long"):
        await app.bot.send_message(ALICE, "101 buttons", reply_markup=grid(101))
    assert [m["text"] for m in server.chat(ALICE)] == ["100 buttons"]


async def test_reply_keyboard_and_http_user_api(server: LocalBotApi, app: Application) -> None:
    async with LocalBotApiClient(server.root_url) as client:
        result = await client.send(ALICE, "/menu")
        assert result["last_message"]["text"] == "Main menu"
        assert server.user(ALICE).reply_keyboard() == [["My lessons", "Help"]]
        result = await client.press(ALICE, label="Help")  # reply keyboard -> sends text
        assert result["last_message"]["text"] == "echo: Help"
        await client.send(ALICE, "/doc")
        result = await client.press(ALICE, label="Cancel", until_kind="edit_caption")
        assert result["last_message"]["caption"] == "You chose cancel"
        state = await client.chat(ALICE)
        assert state["callback_answers"][-1]["show_alert"] is True
        doc = next(m for m in state["messages"] if m["document"])
        assert await client.file(doc["document"]["file_id"]) == b"%PDF-1.4 fake"
        metrics = await client.metrics()
        assert metrics["calls"]["answerCallbackQuery"] == 1


async def test_raw_protocol_errors(server: LocalBotApi) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{server.base_url}{TOKEN}/noSuchMethod") as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        url = f"{server.base_url}{TOKEN}/SENDMESSAGE"  # case-insensitive method names
        async with session.post(url, data={"chat_id": "5", "text": "x"}) as resp:
            body = await resp.json()
            assert body["ok"] and body["result"]["chat"] == {
                "id": 5,
                "type": "private",
                "first_name": "User5",
            }
    with pytest.raises(ValueError):
        LocalBotApi(host="0.0.0.0")


async def test_the_bots_request_over_aiohttp_survives_a_shutdown_and_sends_files(
    server: LocalBotApi,
) -> None:
    from telegram import Bot

    from bot.app import bot_request

    bot = Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url,
              request=bot_request())  # fmt: skip
    for round_no in (1, 2):  # a bot shut down and initialised again opens a fresh pool
        async with bot:
            assert (await bot.get_me()).username
            await bot.send_message(ALICE, f"round {round_no}")
            await bot.send_document(ALICE, b"BEGIN:VCALENDAR", filename="a.ics")
    texts = [m.get("text") for m in server.chat(ALICE)]
    assert texts[0] == "round 1" and "round 2" in texts
    documents = [m for m in server.chat(ALICE) if m.get("document")]
    assert len(documents) == 2
    assert server.file(documents[1]["document"]["file_id"]).data == b"BEGIN:VCALENDAR"  # type: ignore[union-attr]
