"""Start-up against a database that is down or hung: retries with backoff, then a plain reason.

Real PostgreSQL behind a small loopback TCP relay the test starts late (a database that
comes up while the bot waits), and a loopback listener that accepts and never answers (a
hung database).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from bot.runtime import open_runtime
from bot.settings import Settings
from core.errors import DatabaseUnavailable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def start_relay(port: int, unix_socket: str) -> asyncio.Server:
    """127.0.0.1:port -> the test server's Unix socket."""

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_unix_connection(unix_socket)
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    return await asyncio.start_server(relay, "127.0.0.1", port)


@pytest.fixture
async def hung_port() -> AsyncIterator[int]:
    """A listener that accepts connections and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, telegram_bot_token="", _env_file=None)  # type: ignore[call-arg]


async def test_a_database_down_at_start_up_is_waited_for_then_refused_plainly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"postgresql+asyncpg://nobody:secret@127.0.0.1:{free_port()}/none"
    caplog.set_level(logging.WARNING, logger="bot.runtime")
    with pytest.raises(DatabaseUnavailable) as refused:
        async with open_runtime(settings_for(url), wait_for_database=1.5):
            pass  # pragma: no cover - never reached
    message = refused.value.message
    assert message.startswith("cannot reach the database at postgresql+asyncpg://nobody:***@")
    assert "refused the connection" in message and "gave up after 3 tries" in message
    assert "secret" not in message
    tries = [r for r in caplog.records if "trying again in" in r.getMessage()]
    assert [r.getMessage().rsplit(" ", 2)[-2] for r in tries] == ["1", "0"]  # 1 s, then 0.5 s
    assert all(r.exc_info is None for r in caplog.records)  # no traceback in the log


async def test_a_database_that_comes_up_while_waiting_is_used(db_url: str) -> None:
    unix_dir = make_url(db_url).query["host"]
    port = free_port()
    url = (
        make_url(db_url)
        .set(host="127.0.0.1", port=port, query={})
        .render_as_string(hide_password=False)
    )

    async def come_up_later() -> asyncio.Server:
        await asyncio.sleep(1.2)
        return await start_relay(port, f"{unix_dir}/.s.PGSQL.5432")

    relay_task = asyncio.create_task(come_up_later())
    try:
        async with open_runtime(settings_for(url), wait_for_database=30) as runtime:
            assert relay_task.done()  # the first tries found nothing listening
            schools = await runtime.services.directory.telegram_accounts()
            assert schools == {}
    finally:
        relay = await relay_task
        relay.close()


async def test_a_hung_database_is_refused_with_the_reason(hung_port: int) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{hung_port}/musicbot"
    with pytest.raises(DatabaseUnavailable) as refused:
        async with open_runtime(settings_for(url), connect_timeout=0.5):
            pass  # pragma: no cover - never reached
    assert refused.value.message.endswith("the database did not answer within 0.5 s")
