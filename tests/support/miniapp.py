"""Steps and ids of the Mini App's browser tests (tests/e2e/miniapp/, whose conftest.py has the
browser, the page and the HTTP server): open the app signed in as someone, take a screenshot,
init data signed as Telegram signs it, the school's booking of Emma. School alpha: 1001 admin,
1002 teacher, 1011 Jane Smith (Emma, Liam), 1012 Bob Brown (Mia)."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from playwright.async_api import Page

from bot.http.miniapp import app_url, sign_init_data
from core.clock import FixedClock
from core.services import Services
from core.views import BookingView
from tests.support.chat import TOKEN
from tests.support.factories import SchoolIds
from tests.support.scenes import book_for

ADMIN, TEACHER, SMITH, BROWN = 1001, 1002, 1011, 1012
WEEK4 = "date=2027-02-22"  # the page's address for week 4 (Monday 22 February 2027)
SHOTS = Path(__file__).resolve().parents[1] / "output" / "miniapp"


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
