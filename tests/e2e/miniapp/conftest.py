"""The Mini App in a real headless browser: Debian's chromium driven by Playwright, against
the real HTTP server (bot.http) and the real bot on the local Bot API server, on the two
test schools of tests.support.factories (see tests/e2e/conftest.py for the Telegram ids).

Screenshots of each view go to tests/output/miniapp/ (gitignored).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright

from bot.http import base_url, build_http_app, start_http_server
from bot.http.miniapp import app_url, sign_init_data
from core.clock import FixedClock
from core.services import Services
from core.views import BookingView
from tests.support.chat import TOKEN
from tests.support.factories import SchoolIds
from tests.support.scenes import book_for

ADMIN, TEACHER, SMITH, BROWN = 1001, 1002, 1011, 1012
WEEK4 = "date=2027-02-22"  # the page's address for week 4 (Monday 22 February 2027)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[2] / "output" / "miniapp"


@pytest.fixture
async def http_url(services: Services, bot_app: Any) -> AsyncIterator[str]:
    """The process's HTTP server (API and /app/) on a free port of 127.0.0.1."""
    app: web.Application = build_http_app(services, bot_token=TOKEN, application=bot_app)
    runner = await start_http_server(app, "127.0.0.1", 0)
    try:
        yield base_url(runner)
    finally:
        await runner.cleanup()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 420, "height": 860})
    page = await context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        await context.close()


def signed(
    clock: FixedClock, telegram_id: int, age: int = 0, language_code: str | None = None
) -> str:
    """Init data as Telegram would sign it for this account, ``age`` seconds old (its client
    in ``language_code``, when given)."""
    auth_date = int(clock.now().timestamp()) - age
    return sign_init_data(TOKEN, telegram_id, "Test", auth_date, language_code)


async def open_as(
    page: Page,
    url: str,
    clock: FixedClock,
    telegram_id: int,
    query: str = "",
    age: int = 0,
    theme: dict[str, str] | None = None,
    language_code: str | None = None,
) -> None:
    await page.goto(app_url(url, signed(clock, telegram_id, age, language_code), query, theme))


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def book_emma(services: Services, ids: SchoolIds) -> BookingView:
    """The school's booking of Emma's piano at 16:00 on Monday of week 4."""
    return await book_for(services, ids, ids.emma, time(16))
