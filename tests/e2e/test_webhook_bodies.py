"""The webhook route's edges: bad bodies are refused (never a 500), and one update id is
acted on once, even when Telegram delivers it twice, to one process or to two."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.http.webhook import SECRET_HEADER
from bot.local_api import LocalBotApi
from core.services import Services
from tests.support.chat import TOKEN
from tests.support.webhook import SECRET, help_update, webhook_process

SIGNED = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}


@pytest.fixture
async def first(api: LocalBotApi, services: Services, schools: Any) -> AsyncIterator[str]:
    async with webhook_process(api, services, bot_token=TOKEN) as (url, _):
        yield url + "/telegram"


@pytest.fixture
async def second(api: LocalBotApi, services: Services, schools: Any) -> AsyncIterator[str]:
    async with webhook_process(api, services, bot_token=TOKEN) as (url, _):
        yield url + "/telegram"


async def test_bad_bodies_are_refused_never_a_server_error(first: str) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    deep_object = b'{"update_id": 1, "message": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}"
    cases = {
        b"[1, 2, 3]": 400,
        b'"just a string"': 400,
        b"42": 400,
        b"null": 400,
        b"{}": 400,
        b'{"update_id": "7"}': 400,
        b'{"update_id": 99999999999999999999999}': 400,
        b'{"update_id": 5, "message": "not an object"}': 400,
        b'{"update_id": 6, "message": {"chat": []}}': 400,
        b"not json": 400,
        deep: 400,
        deep_object: 400,
        b'{"update_id": 8, "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}': 413,
    }
    async with aiohttp.ClientSession() as http:
        for body, expected in cases.items():
            async with http.post(first, data=body, headers=SIGNED) as response:
                text = await response.text()
                assert response.status == expected, (body[:60], response.status)
                assert "Traceback" not in text
        async with http.post(first, data=b"{}", headers={SECRET_HEADER: "wrong"}) as response:
            assert response.status == 403


async def test_the_same_update_twice_to_two_processes_acts_once(
    api: LocalBotApi, first: str, second: str
) -> None:
    async with aiohttp.ClientSession() as http:
        for url in (first, second, first):
            async with http.post(url, json=help_update(910, 1011), headers=SIGNED) as response:
                assert response.status == 200  # acknowledged, so Telegram stops resending
        after = api.seq
        async with http.post(second, json=help_update(911, 1011), headers=SIGNED) as response:
            assert response.status == 200
    await api.wait_for_bot_activity(1011, after=after, timeout=5)
    helps = [m for m in api.chat(1011) if "/book" in m.get("text", "")]
    assert len(helps) == 2  # update 910 once, update 911 once
