"""`musicbot demo`: the real bot, the example school and a chat in this terminal.

No token and no network: an embedded PostgreSQL under DATA_DIR, a local Bot API server on
127.0.0.1, and the person at the keyboard playing one Telegram account. Type text or
commands; type a button's number to press it; `/quit` or Ctrl-D ends the demo. Works with
stdin that is not a terminal too (`printf '/book\\n1\\n' | musicbot demo`).
"""

from __future__ import annotations

import logging
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from bot.app import build_application, start_bot, stop_bot
from bot.demo_chat import chat
from bot.local_api import LocalBotApi
from bot.runtime import open_runtime
from bot.settings import Settings
from core.school_file.importer import import_school
from core.school_file.term_shift import next_monday, shift_terms

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


def _quiet_logs(level: str) -> None:
    if level == "DEBUG":
        return
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("httpx", "telegram", "apscheduler", "pgserver", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)


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


async def run_demo(settings: Settings, user_id: int = 3001, school_file: str | None = None) -> int:
    """Start everything, chat until /quit or end of input, stop everything."""
    text = _school_text(school_file)
    _quiet_logs(settings.log_level)
    log_file = _logs_to_file(str(settings.data_dir))
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
            try:
                await chat(server, user_id, Path(settings.data_dir) / "demo-files")
            finally:
                await stop_bot(application)
        finally:
            await server.stop()
    print("Bye.", flush=True)
    return 0
