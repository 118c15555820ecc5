"""The Mini App opened with what a person may really have: a mistyped ?date= in its address,
or an account the school does not know that chose its language in the bot. The page shows
this week rather than a script error, and speaks the refusal's language throughout."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from core.clock import FixedClock
from core.services import Services
from tests.support.miniapp import BROWN, open_as, shot

STRANGER = 4242
THIS_WEEK = "Jan 18 – 24, 2027"  # the test clock's week (2027-01-19)


async def test_a_date_that_is_no_day_shows_this_week(
    page: Page, http_url: str, clock: FixedClock, schools: Any
) -> None:
    for wrong in ("garbage", "2027-02-30", "99999-01-01", "2027-13-45"):
        await page.goto("about:blank")  # a new page each time, not a jump within this one
        await open_as(page, http_url, clock, BROWN, f"date={wrong}")
        await expect(page.locator(".fc-toolbar-title")).to_have_text(THIS_WEEK)
        await expect(page.locator("#view")).not_to_contain_text("Cannot read")
    await page.goto("about:blank")
    await open_as(page, http_url, clock, BROWN, "date=2027-02-22")  # a real day still counts
    await expect(page.locator(".fc-toolbar-title")).to_have_text("Feb 22 – 28, 2027")
    await shot(page, "bad-date")


async def test_an_unlinked_account_is_refused_in_one_language_the_one_it_chose(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    await services.languages.choose(STRANGER, "ru")
    await open_as(page, http_url, clock, STRANGER)  # its client names no language
    await expect(page.locator("#no-access")).to_have_text(
        "Этот аккаунт Telegram пока не привязан к школе."
    )
    await expect(page.locator("#title")).to_have_text("Музыкальная школа")
    await shot(page, "unlinked-russian")
