"""`musicbot demo`: the real bot, the example school and a chat in this terminal.

No token and no network: an embedded PostgreSQL under DATA_DIR, a local Bot API server on
127.0.0.1, and the person at the keyboard playing one Telegram account. Type text or
commands; type a button's number to press it; `/quit` or Ctrl-D ends the demo. Works with
stdin that is not a terminal too (`printf '/book\\n1\\n' | musicbot demo`).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.app import build_application, start_bot, stop_bot
from bot.http import base_url, build_http_app, start_http_server
from bot.http.miniapp import app_url, sign_init_data
from bot.local_api import BotEvent, LocalBotApi
from bot.runtime import open_runtime
from bot.settings import Settings
from core.school_file.importer import import_school
from core.school_file.term_shift import next_monday, shift_terms
from core.services import Services

DEMO_TOKEN = "123456:DEMO-TOKEN"
DEFAULT_SCHOOL = Path(__file__).resolve().parents[1] / "examples" / "demo-school.yaml"
QUIET = 0.3  # seconds of silence after which the bot is taken to be done answering
WAIT = 8.0

logger = logging.getLogger(__name__)


@dataclass
class Screen:
    """What the terminal shows: the numbered buttons of the latest keyboard."""

    buttons: dict[int, tuple[int, str]] = field(default_factory=dict)  # n -> (message, data)
    shown: set[int] = field(default_factory=set)


def _school_text(school_file: str | None) -> str:
    path = Path(school_file) if school_file else DEFAULT_SCHOOL
    if not path.is_file():
        raise ValueError(f"no such school file: {path}")
    return shift_terms(path.read_text(encoding="utf-8"), next_monday(date.today()))


def _quiet_logs(level: str) -> None:
    if level == "DEBUG":
        return
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("httpx", "telegram", "apscheduler", "pgserver", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)


async def _start_http(
    services: Services,
    settings: Settings,
    application: Application,  # type: ignore[type-arg]
) -> web.AppRunner | None:
    """The HTTP server (health, API, Mini App) as in `musicbot run`; the demo goes on
    without it when its port is taken."""
    app = build_http_app(
        services,
        bot_token=DEMO_TOKEN,
        auth_max_age=settings.webapp_auth_max_age,
        public_url=settings.base_url,
        application=application,
    )
    try:
        runner = await start_http_server(app, settings.listen, settings.port)
    except OSError as exc:
        print(f"(HTTP server not started on {settings.listen}:{settings.port}: {exc.strerror})")
        return None
    print(f"HTTP API at {base_url(runner)}/api/openapi.json", flush=True)
    print_miniapp_urls(base_url(runner), int(services.clock.now().timestamp()))
    return runner


DEMO_ACCOUNTS = ((3001, "parent", "book"), (2001, "teacher", "calendar"), (1001, "admin", "manage"))


def print_miniapp_urls(url: str, now: int) -> None:
    """Mini App links for the demo's parent, teacher and admin, signed with the demo's token
    as Telegram signs init data: open them in a browser on this machine."""
    print("The Mini App in a browser (valid for a day):", flush=True)
    for telegram_id, role, tab in DEMO_ACCOUNTS:
        init_data = sign_init_data(DEMO_TOKEN, telegram_id, role.title(), now)
        print(f"  {role} {telegram_id}: {app_url(url, init_data, f'tab={tab}')}", flush=True)


async def run_demo(settings: Settings, user_id: int = 3001, school_file: str | None = None) -> int:
    """Start everything, chat until /quit or end of input, stop everything."""
    text = _school_text(school_file)
    _quiet_logs(settings.log_level)
    print("Starting the demo (embedded database, local Bot API server)…", flush=True)
    async with open_runtime(settings) as runtime:
        result = await import_school(runtime.services.sessions, text, clock=runtime.services.clock)
        logger.info("demo school imported: %s", result)
        server = LocalBotApi(bot_username="musicbot_demo_bot")
        await server.start()
        application = build_application(
            runtime.services,
            token=DEMO_TOKEN,
            base_url=server.base_url,
            base_file_url=server.base_file_url,
            settings=settings,
            use_rate_limiter=False,
        )
        try:
            await start_bot(application, poll_timeout=1)
            http = await _start_http(runtime.services, settings, application)
            try:
                await chat(server, user_id)
            finally:
                if http is not None:
                    await http.cleanup()
                await stop_bot(application)
        finally:
            await server.stop()
    print("Bye.", flush=True)
    return 0


async def chat(server: LocalBotApi, user_id: int) -> None:
    """The terminal conversation: one line in, the bot's answer out, until /quit or EOF."""
    screen = Screen()
    print(
        f"You are Telegram user {user_id}. Type /start, /book, /mybookings, /help; "
        "a number presses that button; /quit ends.\n",
        flush=True,
    )
    while True:
        line = await asyncio.to_thread(_read_line)
        if line is None or line.strip() in ("/quit", "/exit"):
            return
        line = line.strip()
        if not line:
            continue
        after = server.seq
        if line.isdigit() and int(line) in screen.buttons:
            message_id, data = screen.buttons[int(line)]
            await server.press(user_id, message_id, data)
        elif line.isdigit() and screen.buttons:
            print(f"  (no button {line}; buttons are 1–{max(screen.buttons)})", flush=True)
            continue
        else:
            await server.send_text(user_id, line, first_name="Demo")
        try:
            events = await server.settle(user_id, after, quiet=QUIET, timeout=WAIT)
        except TimeoutError:
            print("  (the bot did not answer)", flush=True)
            continue
        render(server, user_id, events, screen)


def _read_line() -> str | None:
    if sys.stdin.isatty():
        try:
            return input("you> ")
        except EOFError:
            return None
    line = sys.stdin.readline()
    if not line:
        return None
    print(f"you> {line.rstrip()}", flush=True)
    return line


def render(server: LocalBotApi, user_id: int, events: list[BotEvent], screen: Screen) -> None:
    """Print the messages the bot sent or changed; number the buttons of the latest keyboard."""
    touched: list[tuple[int, bool]] = []
    for event in events:
        if event.kind == "answer_callback":
            answer = event.data.get("answer") or {}
            if answer.get("text"):
                print(f"  [{answer['text']}]", flush=True)
        elif (
            event.kind in ("send", "edit_text", "edit_markup", "edit_caption") and event.message_id
        ):
            touched = [t for t in touched if t[0] != event.message_id]
            touched.append((event.message_id, event.kind != "send"))
    for message_id, is_edit in touched:
        message = server.message(user_id, message_id)
        if message is None or message.get("deleted"):
            continue
        print(
            format_message(message, updated=is_edit and message_id in screen.shown, screen=screen)
        )
        screen.shown.add(message_id)
    sys.stdout.flush()


def format_message(message: dict[str, Any], *, updated: bool, screen: Screen) -> str:
    head = "bot (updated)>" if updated else "bot>"
    body = message.get("text") or message.get("caption") or ""
    document = message.get("document")
    lines = [head]
    if document:
        lines.append(f"  [file: {document.get('file_name')}]")
    lines += [f"  {line}" for line in body.splitlines()]
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    if rows:
        screen.buttons = {}
        for row in rows:
            cells = []
            for button in row:
                number = len(screen.buttons) + 1
                screen.buttons[number] = (
                    int(message["message_id"]),
                    button.get("callback_data", ""),
                )
                cells.append(f"[{number}] {button.get('text', '')}")
            lines.append("  " + "   ".join(cells))
    return "\n".join(lines) + "\n"
