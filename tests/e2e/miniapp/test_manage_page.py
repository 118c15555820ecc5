"""The admin's management page in the Mini App: lessons with their booking state, closing and
opening bookings (and the chat seeing it), the students x weeks table, booking for a family.

School alpha (Sydney): piano's individual weeks are 4 and 8; bookings start open.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.models import BookingStatus
from core.services import Services
from tests.support.miniapp import ADMIN, SMITH, book_emma, open_as, shot

CLOSED = "Bookings are closed right now"  # the parent's week list in chat says so
# how long a screen may take after a click that goes to the server and back (a wait, not a
# timed assertion: Playwright's 5 s default is short on a loaded 2-core machine)
AFTER_SERVER = 20_000


async def test_admin_closes_and_opens_bookings_and_the_chat_sees_it(
    page: Page, http_url: str, clock: FixedClock, api: LocalBotApi, schools: Any
) -> None:
    await open_as(page, http_url, clock, ADMIN, "tab=manage")
    card = page.locator('.card[data-lesson="piano"]')
    await expect(card.locator(".badge")).to_have_text("Open")
    await expect(card.locator(".stats")).to_contain_text("0/6 booked")
    await shot(page, "admin-manage")

    await card.get_by_role("button", name="Close bookings").click()
    await expect(card.locator(".badge")).to_have_text("Closed", timeout=AFTER_SERVER)
    parent = api.user(SMITH)
    await parent.send("/book")
    await parent.press_button("Emma Smith")
    await parent.press_button("Piano Foundations")
    assert CLOSED in (parent.last_message or {}).get("text", "")

    await card.get_by_role("button", name="Open bookings").click()
    await expect(card.locator(".badge")).to_have_text("Open", timeout=AFTER_SERVER)
    await parent.send("/book")
    await parent.press_button("Emma Smith")
    await parent.press_button("Piano Foundations")
    assert CLOSED not in (parent.last_message or {}).get("text", "")


async def test_admin_sees_who_booked_and_books_for_a_family(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await book_emma(services, alpha)
    await open_as(page, http_url, clock, ADMIN, "tab=manage")
    card = page.locator('.card[data-lesson="piano"]')
    await expect(card.locator(".stats")).to_contain_text("1/6 booked")
    await card.get_by_role("button", name="Who booked").click()
    table = page.locator("table.grid")
    await expect(table.locator('tr[data-student="emma"] td.booked')).to_contain_text("16:00")
    await expect(table.locator('tr[data-student="mia"] td.missing')).to_have_count(2)
    await shot(page, "admin-booking-table")

    await table.locator('tr[data-student="mia"]').get_by_role("button", name="Mia Brown").click()
    await page.locator("dialog#detail").get_by_role("button", name="Book week 4").click()
    await page.locator('.slots button[data-time="17:00"]').first.click()
    await page.locator("#main-button").click()
    await expect(page.locator("#toast")).to_contain_text("Done", timeout=AFTER_SERVER)
    await expect(table.locator('tr[data-student="mia"] td.booked')).to_contain_text(
        "17:00", timeout=AFTER_SERVER
    )
    found = await services.booking.lesson_bookings(alpha.school, alpha.piano, week=4)
    mia = [
        b for b in found if b.student_id == alpha.mia and b.status is not BookingStatus.CANCELLED
    ]
    assert len(mia) == 1 and mia[0].booked_by.startswith("admin:")
