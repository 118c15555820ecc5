"""The parent's page in the Mini App: book through the page and see it in chat; never
another family's child; refusals in plain words; tampered or expired init data shows nothing.

School alpha (Sydney): week 4 starts Monday 22 February 2027; piano's individual weeks are
4 and 8 (the clock stands at 2027-01-19 09:00 UTC).
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from bot.http.miniapp import app_url
from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.services import Services
from tests.support.miniapp import BROWN, SMITH, WEEK4, book_emma, open_as, shot, signed


async def test_parent_books_a_slot_in_the_page_and_it_shows_in_chat(
    page: Page, http_url: str, clock: FixedClock, api: LocalBotApi, schools: Any
) -> None:
    await open_as(page, http_url, clock, SMITH, "tab=book")
    card = page.locator('.card[data-child="emma"][data-lesson="piano"]')
    await expect(card.locator('.week[data-week="1"]')).to_have_attribute("data-status", "group")
    await shot(page, "parent-weeks")
    await card.locator('.week[data-week="4"]').click()
    await page.locator('.slots button[data-time="16:30"]').first.click()
    await expect(page.locator("#main-button")).to_contain_text("16:30")
    await shot(page, "parent-slots")
    await page.locator("#main-button").click()
    await expect(page.locator("#toast")).to_contain_text("Done")
    await expect(card.locator('.week[data-week="4"]')).to_have_attribute("data-status", "booked")
    await expect(page.locator("#my-bookings")).to_contain_text("16:30")
    await shot(page, "parent-booked")

    parent = api.user(SMITH)
    reply = await parent.send("/mybookings")
    assert reply is not None
    text = reply.get("text", "")
    assert "Emma Smith" in text and "16:30" in text


async def test_a_taken_slot_is_refused_in_plain_words_with_fresh_slots(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await open_as(page, http_url, clock, BROWN, "tab=book")
    await page.locator('.card[data-child="mia"][data-lesson="piano"] .week[data-week="4"]').click()
    await page.locator('.slots button[data-time="16:00"]').first.click()
    await book_emma(services, alpha)  # the school gives 16:00 to Emma meanwhile
    await page.locator("#main-button").click()
    await expect(page.locator("#toast")).to_contain_text("Here are the free slots now")
    await expect(
        page.locator('.slots button[data-date="2027-02-22"][data-time="16:00"]')
    ).to_have_count(0)
    await expect(page.locator('.slots button[data-time="16:30"]').first).to_be_visible()
    await shot(page, "parent-slot-taken")


async def test_parent_never_sees_another_familys_child(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await book_emma(services, alpha)
    await open_as(page, http_url, clock, BROWN, WEEK4)
    await expect(page.locator(".fc-event").first).to_be_visible()
    await expect(page.locator("#calendar")).not_to_contain_text("Emma")
    await page.locator('#tabs button[data-tab="book"]').click()
    await expect(page.locator(".card").first).to_contain_text("Mia Brown")
    await expect(page.locator("#view")).not_to_contain_text("Emma")
    await expect(page.locator("#view")).not_to_contain_text("Liam")
    # and the API refuses the page's credentials for Emma
    status = await page.evaluate(
        """async () => (await fetch('/api/hybrid-bookings', {method: 'POST',
             headers: {'Authorization': 'tma ' + new URLSearchParams(location.hash.slice(1)).get('tgWebAppData'),
                       'Content-Type': 'application/json'},
             body: JSON.stringify({lessonId: 'piano', studentId: 'emma', weekNumber: 8, startTime: '17:00', scheduledDate: '2027-03-22'})})).status"""
    )
    assert status == 403, status
    await shot(page, "parent-own-family-only")


async def test_tampered_or_expired_init_data_shows_no_data(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await book_emma(services, alpha)
    good = signed(clock, 1001)
    tampered = good.replace("%22id%22%3A1001", "%22id%22%3A1011")
    assert tampered != good
    expired = signed(clock, 1001, age=2 * 86400)
    for name, init_data in (("tampered", tampered), ("expired", expired), ("missing", "")):
        url = app_url(http_url, init_data, WEEK4) if init_data else f"{http_url}/app/?{WEEK4}"
        await page.goto(url)
        await expect(page.locator("#no-access")).to_contain_text("opens from the school's bot")
        await expect(page.locator(".fc")).to_have_count(0)
        await expect(page.locator("body")).not_to_contain_text("Emma")
        assert await page.evaluate("window.__me === undefined")
        await shot(page, f"no-access-{name}")
