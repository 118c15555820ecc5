"""How the page travels: the calendar bundle pre-compressed, large API answers gzipped, small
ones as they are; the Mini App's files come from the package, nothing from outside."""

from __future__ import annotations

from typing import Any

import aiohttp

from core.clock import FixedClock
from tests.support.miniapp import ADMIN, signed


async def fetch(url: str, headers: dict[str, str]) -> tuple[int, str | None, bytes]:
    async with (
        aiohttp.ClientSession(auto_decompress=False) as http,
        http.get(url, headers=headers) as response,
    ):
        return response.status, response.headers.get("Content-Encoding"), await response.read()


async def test_the_bundle_and_big_answers_travel_gzipped(
    http_url: str, clock: FixedClock, schools: Any
) -> None:
    gzip = {"Accept-Encoding": "gzip"}
    status, encoding, body = await fetch(
        f"{http_url}/app/vendor/fullcalendar/index.global.min.js", gzip
    )
    assert (status, encoding) == (200, "gzip") and body[:2] == b"\x1f\x8b"
    plain = {"Accept-Encoding": "identity"}
    status, encoding, _ = await fetch(
        f"{http_url}/app/vendor/fullcalendar/index.global.min.js", plain
    )
    assert (status, encoding) == (200, None)

    tma = {"Authorization": f"tma {signed(clock, ADMIN)}", **gzip}
    week = "/api/calendar/events?startDate=2027-02-01&endDate=2027-03-28"
    status, encoding, _ = await fetch(http_url + week, tma)
    assert (status, encoding) == (200, "gzip")
    status, encoding, body = await fetch(http_url + "/api/openapi.json", plain)
    assert status == 200 and encoding is None and body.startswith(b"{")
    status, encoding, _ = await fetch(http_url + "/api/me", {"Accept-Encoding": "gzip"})
    assert (status, encoding) == (401, None)  # a short refusal goes as it is
