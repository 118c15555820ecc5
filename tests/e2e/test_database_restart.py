"""PostgreSQL stopped (``-m fast`` or ``-m immediate``) and started again under a running bot.

A server of this test's own (the shared test server stays up for the other tests): while it
is down the parent reads the plain "temporarily unavailable, nothing was changed", and
nothing is written; the moment it is back, the very next update works, on the raw driver
path (identities, chat steps, the booking statement) and the ORM alike.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import start_bot, stop_bot
from bot.embedded_db import EmbeddedPostgres, start_embedded
from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.engine import make_engine, make_session_factory, migrate
from core.services import Services
from tests.support.bots import bot_on
from tests.support.factories import build_two_schools
from tests.support.pg import TestServer


class OwnServer:
    """An embedded PostgreSQL that this test may stop and start."""

    def __init__(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="musicbot-restart-"))
        self.embedded: EmbeddedPostgres = start_embedded(self.data_dir, cleanup_mode="delete")

    def _pg_ctl(self, *args: str) -> None:
        from pgserver._commands import pg_ctl

        server = self.embedded.server
        pg_ctl(list(args), pgdata=server.pgdata, user=server.system_user, timeout=30)

    def stop(self, mode: str) -> None:
        self._pg_ctl("-w", "-m", mode, "stop")

    def start(self) -> None:
        log = Path(self.embedded.server.pgdata) / "restart.log"  # written as the server's user
        socket_dir = self.embedded.socket_dir
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(log), "start")


@pytest.fixture(scope="module")
def own_server() -> Iterator[OwnServer]:
    server = OwnServer()
    yield server
    server.embedded.stop()


@pytest.fixture
async def own_db(own_server: OwnServer) -> AsyncIterator[str]:
    """A fresh migrated database on the test's own server."""
    test_server = TestServer(base_url=own_server.embedded.url("postgres"))
    url = await test_server.create_database("restart_test")
    engine = make_engine(url, pool_size=1)
    await migrate(engine)
    await engine.dispose()
    yield url
    await test_server.drop_database("restart_test")


@pytest.fixture
async def running_bot(api: LocalBotApi, own_db: str, clock: FixedClock) -> AsyncIterator[Any]:
    engine = make_engine(own_db, pool_size=4)
    sessions = make_session_factory(engine)
    await build_two_schools(sessions)
    services = Services.build(sessions, clock)
    application = bot_on(api, services)
    await start_bot(application, poll_timeout=1)
    try:
        yield application
    finally:
        await stop_bot(application)
        await engine.dispose()


async def booking_count(url: str) -> int:
    """Counted on a connection of its own, so the bot's pool is not healed by it."""
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(text("SELECT count(*) FROM bookings")))
    finally:
        await engine.dispose()


def screen(event: Any) -> bool:
    return event.kind in ("edit_text", "send")


async def tap(user: Any, label: str) -> Any:
    """Press a button and wait for the screen it leads to."""
    return await user.press_button(label, until=screen)


def says_unavailable(event: Any) -> bool:
    """The bot told the user (an alert or a message) that the system is unavailable."""
    return "unavailable" in str(event.data)


def what_the_user_read(user: Any) -> str:
    answer = user.last_callback_answer or {}
    texts = [answer.get("text") or ""] + [m.get("text") or "" for m in user.messages]
    return "\n".join(texts)


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_a_restarted_database_refuses_plainly_then_the_next_update_works(
    api: LocalBotApi, running_bot: Any, own_server: OwnServer, own_db: str, mode: str
) -> None:
    user = api.user(1012)  # Bob Brown
    first = await user.send("/book", until=screen)
    assert first is not None and "Which lesson" in first["text"]
    await tap(user, "Piano Foundations")
    await tap(user, "Week 4 ·")
    card = await tap(user, "Mon 15:00")
    assert card is not None and "Confirm" in str(user.buttons())

    own_server.stop(mode)
    try:
        await user.press_button("Confirm", until=says_unavailable)
        read = what_the_user_read(user)
        assert "temporarily unavailable" in read and "Nothing was changed" in read
        assert "something went wrong" not in read
        down_reply = await user.send("/mybookings", until=says_unavailable)
        assert down_reply is not None and "temporarily unavailable" in down_reply["text"]
    finally:
        own_server.start()

    assert await booking_count(own_db) == 0  # nothing half-written while it was down
    # the very next update after the restart works: a raw-driver read and write, then a booking
    again = await user.send("/book", until=screen)
    assert again is not None and "Which lesson" in again["text"]
    await tap(user, "Piano Foundations")
    await tap(user, "Week 4 ·")
    await tap(user, "Mon 15:00")
    await user.press_button("Confirm", until=lambda event: event.kind == "send")
    assert "Booked" in user.server.message(1012, again["message_id"])["text"]
    assert await booking_count(own_db) == 1
