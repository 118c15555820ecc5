"""`musicbot run` as a real process against the local Bot API server.

* At LOG_LEVEL=DEBUG no log line carries the bot token, the webhook secret, an invite token
  or what a user wrote (row 11 of issue 10).
* A second process polling the same token says so in one line and stops, non-zero; the first
  goes on (row 13).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.local_api import LocalBotApi
from core.services import Services
from tests.support.factories import SchoolIds

TOKEN = "987654321:AAHsecretPartOfTheBotToken_0123456789"
WEBHOOK_SECRET = "webhookSecret-0123456789abcdef"
PRIVATE_WORDS = "my daughter's private note 4711"


@dataclass
class BotProcess:
    """A running ``python -m bot run`` and everything it wrote (stdout and stderr)."""

    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    @property
    def output(self) -> str:
        return "".join(self.lines)

    async def read(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            self.lines.append(line.decode(errors="replace"))

    async def wait_for_line(self, part: str, timeout: float = 180) -> None:  # noqa: ASYNC109
        async def seen() -> None:
            while not any(part in line for line in self.lines):
                if self.process.returncode is not None:
                    raise AssertionError(f"exited before {part!r}:\n{self.output}")
                await asyncio.sleep(0.05)

        await asyncio.wait_for(seen(), timeout)

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            code = await self.process.wait()
        if self.reader is not None:
            await self.reader
        return code


@pytest.fixture
async def run_bot(api: LocalBotApi, db_url: str, tmp_path: Path) -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for bot in started:
        await bot.stop()


async def start_run(
    started: list[BotProcess], api: LocalBotApi, db_url: str, tmp_path: Path, level: str
) -> BotProcess:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": db_url,
        "DATA_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": level,
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "HTTP_PORT": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("WEBHOOK_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    bot = BotProcess(process)
    bot.reader = asyncio.create_task(bot.read())
    started.append(bot)
    await bot.wait_for_line("is running")
    return bot


async def test_debug_logs_carry_no_secret_and_no_message_text(
    api: LocalBotApi,
    run_bot: list[BotProcess],
    db_url: str,
    tmp_path: Path,
    services: Services,
    schools: tuple[SchoolIds, SchoolIds],
) -> None:
    alpha, _ = schools
    [invite, *_] = await services.invites.issue(alpha.school, alpha.smith_family, timedelta(days=3))
    bot = await start_run(run_bot, api, db_url, tmp_path, "DEBUG")
    linked = await api.user(5555).send(f"/start {invite.token}", timeout=30)
    assert linked is not None
    await api.user(1012).send(PRIVATE_WORDS, timeout=30)
    await api.user(1012).send("/book", timeout=30)
    assert await bot.stop() == 0
    output = bot.output
    assert "DEBUG" in output and "Calling Bot API endpoint `sendMessage`" in output
    for secret in (TOKEN, TOKEN.split(":")[1], WEBHOOK_SECRET, invite.token, PRIVATE_WORDS):
        assert secret not in output, f"{secret!r} is in the log"


async def test_a_second_process_polling_the_same_token_says_so_and_stops(
    api: LocalBotApi,
    run_bot: list[BotProcess],
    db_url: str,
    tmp_path: Path,
    schools: tuple[SchoolIds, SchoolIds],
) -> None:
    (tmp_path / "first").mkdir()
    first = await start_run(run_bot, api, db_url, tmp_path / "first", "INFO")
    assert await api.user(1012).send("/help", timeout=30) is not None
    second_dir = tmp_path / "second"
    second_dir.mkdir()
    env_dir = second_dir
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=env_dir,
        env={
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": db_url,
            "DATA_DIR": str(second_dir / "var"),
            "LOG_LEVEL": "INFO",
            "HTTP_PORT": "0",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 180)
    errors = [line for line in err.decode().splitlines() if line.startswith("error:")]
    assert process.returncode not in (0, None)
    assert len(errors) == 1 and "409 Conflict" in errors[0], err.decode()
    assert "Traceback" not in err.decode() + out.decode()
    answer = await api.user(1011).send("/help", timeout=30)  # the first one goes on
    assert answer is not None and "/book" in answer["text"]
    assert await first.stop() == 0
    assert "Traceback" not in first.output
