"""`musicbot api-key create|list|revoke`: the key printed once on the last line, stored
hashed, listed without it, revoked by label."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from sqlalchemy import text

from core.api_keys import ApiKeys, key_hash
from tests.support.factories import build_two_schools


async def musicbot(db_url: str, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "DATABASE_URL": db_url, "TELEGRAM_BOT_TOKEN": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_create_list_revoke(db_url: str, engine, sessions, clock) -> None:  # type: ignore[no-untyped-def]
    await build_two_schools(sessions)
    code, out, _ = await musicbot(
        db_url, "api-key", "create", "--school", "alpha", "--label", "site"
    )
    assert code == 0
    key = out.strip().splitlines()[-1]
    assert key.startswith("mb_") and len(key) > 40
    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT key_hash FROM api_keys"))).scalars().all()
    assert stored == [key_hash(key)] and key not in stored
    keys = ApiKeys(engine, clock)
    holder = await keys.holder(key)
    assert holder is not None and holder.school_key == "alpha"

    code, _, err = await musicbot(
        db_url, "api-key", "create", "--school", "alpha", "--label", "site"
    )
    assert code == 1 and "already has a key" in err
    code, out, _ = await musicbot(
        db_url, "api-key", "list", "--school", "alpha", "--format", "json"
    )
    listed = json.loads(out)
    assert [k["label"] for k in listed] == ["site"] and key not in out
    code, out, _ = await musicbot(
        db_url, "api-key", "revoke", "--school", "alpha", "--label", "site"
    )
    assert code == 0
    assert await keys.holder(key) is None
    code, _, err = await musicbot(
        db_url, "api-key", "revoke", "--school", "alpha", "--label", "site"
    )
    assert code == 1 and "No key" in err
