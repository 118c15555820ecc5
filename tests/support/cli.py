"""The `musicbot` command line run as a real process on a test database."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

MUSICBOT = Path(sys.executable).with_name("musicbot")


def cli_env(db_url: str) -> dict[str, str]:
    """This process's environment without its Telegram and database settings, on ``db_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(DATABASE_URL=db_url, LOG_LEVEL="WARNING")
    return env


async def run_cli(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    """`musicbot *args` in ``cwd`` with exactly ``env``: its exit code, stdout and stderr."""
    proc = await asyncio.create_subprocess_exec(
        str(MUSICBOT),
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def musicbot(db_url: str, cwd: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """`musicbot *args` on ``db_url``, without the HTTP settings of this process either, plus
    ``env``."""
    inherited = cli_env(db_url).items()
    environ = {k: v for k, v in inherited if not k.startswith(("HTTP_", "PUBLIC_URL"))}
    return await run_cli(environ | env, cwd, *args)
