"""The Mini App in a real headless browser: Debian's chromium driven by Playwright, against
the real HTTP server (bot.http) and the real bot on the local Bot API server, on the two
test schools of tests.support.factories (see tests/e2e/conftest.py for the Telegram ids).

The tests' steps and ids (open_as, shot, signed, book_emma) are in tests.support.miniapp;
screenshots of each view go to tests/output/miniapp/ (gitignored).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright

from bot.http import base_url, build_http_app, start_http_server
from core.services import Services
from tests.support.chat import TOKEN

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
