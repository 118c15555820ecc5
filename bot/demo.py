"""`musicbot demo`: the real bot, the example school and a chat in this terminal.

No token and no network: an embedded PostgreSQL under DATA_DIR, a local Bot API server on
127.0.0.1, and the person at the keyboard playing one Telegram account. Type text or
commands; type a button's number to press it; `/quit` or Ctrl-D ends the demo. Works with
stdin that is not a terminal too (`printf '/book\\n1\\n' | musicbot demo`).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml
from aiohttp import web
from telegram.ext import Application

from bot.app import build_application, start_bot, stop_bot
from bot.demo_chat import chat
from bot.http import base_url, build_http_app, start_http_server
from bot.http.miniapp import app_url, sign_init_data
from bot.local_api import LocalBotApi
from bot.runtime import open_runtime
from bot.settings import Settings
from core.school_file.importer import import_school
from core.school_file.term_shift import next_monday, shift_terms
from core.services import Services

DEMO_TOKEN = "123456:DEMO-TOKEN"
# shipped inside the package (examples/demo-school.yaml links to it), so an installed
# wheel has it too
DEFAULT_SCHOOL = files("bot") / "demo-school.yaml"

logger = logging.getLogger(__name__)


def _school_text(school_file: str | None) -> str:
    """The school to chat with (the given file, or the demo school), its term from next Monday."""
    source: Traversable = Path(school_file) if school_file else DEFAULT_SCHOOL
    if not source.is_file():
        raise ValueError(f"no such school file: {source}")
    return shift_terms(source.read_text(encoding="utf-8"), next_monday(date.today()))


HOLIDAYS = ((12, 25, "Christmas Day"), (12, 26, "Boxing Day"), (1, 1, "New Year's Day"))


def holiday_note(first_monday: date, weeks: int) -> str | None:
    """The demo moves the example term to next Monday; say so when that puts its weeks over
    the year-end public holidays (the example school does not skip them)."""
    last = first_monday + timedelta(weeks=weeks, days=-1)
    hit = [
        f"{name} {day:%d %b}"
        for year in range(first_monday.year, last.year + 1)
        for month, number, name in HOLIDAYS
        if first_monday <= (day := date(year, month, number)) <= last
    ]
    if not hit:
        return None
    return (
        f"Note: the example term now runs {first_monday:%d %b %Y} – {last:%d %b %Y}, over "
        f"{', '.join(hit)}; the example school does not skip public holidays."
    )


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


def _term_weeks(text: str) -> int:
    """The first term's weeks in the school file (0 when it has none)."""
    terms = (yaml.safe_load(text) or {}).get("terms") or [{}]
    return int(terms[0].get("weeks") or 0)


def _logs_to_file(data_dir: str) -> Path:
    """The demo's logs go to DATA_DIR/demo.log, not into the chat on the terminal."""
    path = Path(data_dir) / "demo.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    return path


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
    log_file = _logs_to_file(str(settings.data_dir))
    note = holiday_note(next_monday(date.today()), _term_weeks(text))
    if note:
        print(note, flush=True)
    print("Starting the demo (embedded database, local Bot API server)…", flush=True)
    print(
        f"Logs go to {log_file}; files the bot sends are saved under "
        f"{Path(settings.data_dir) / 'demo-files'}.",
        flush=True,
    )
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
                await chat(server, user_id, Path(settings.data_dir) / "demo-files")
            finally:
                if http is not None:
                    await http.cleanup()
                await stop_bot(application)
        finally:
            await server.stop()
    print("Bye.", flush=True)
    return 0
