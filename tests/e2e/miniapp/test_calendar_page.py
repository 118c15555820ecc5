"""Everyone's calendar in the Mini App: the admin sees the week with the booked child and
opens an event's detail; a teacher sees their own week; a parent sees only their family.

School alpha (Sydney): week 4 starts Monday 22 February 2027; piano's individual weeks are
4 and 8 (the clock stands at 2027-01-19 09:00 UTC).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import Page, expect

from core.clock import FixedClock
from core.db.models import Event
from core.services import Services
from tests.support.miniapp import ADMIN, TEACHER, WEEK4, book_emma, open_as, shot


async def test_admin_sees_the_week_with_the_booked_child_and_opens_its_detail(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await book_emma(services, alpha)
    await open_as(page, http_url, clock, ADMIN, WEEK4)
    booked = page.locator(".fc-event.kind-HYBRID_INDIVIDUAL", has_text="Emma Smith")
    await expect(booked).to_have_count(1)
    await expect(page.locator(".legend")).to_contain_text("Booked individual session")
    await expect(page.locator(".fc-toolbar-title")).to_contain_text("Feb")
    await shot(page, "admin-week")
    await page.set_viewport_size({"width": 1000, "height": 760})
    await page.wait_for_function("document.querySelector('.fc-timegrid-body').offsetWidth > 900")
    await shot(page, "admin-week-wide")
    await page.set_viewport_size({"width": 420, "height": 860})
    await booked.click()
    detail = page.locator("dialog#detail")
    await expect(detail).to_be_visible()
    for text in ("Piano Foundations", "Emma Smith", "Sam Jones", "Room 1", "Main Studio", "16:00"):
        await expect(detail).to_contain_text(text)
    await shot(page, "admin-event-detail")
    await detail.get_by_role("button", name="Close").click()
    group = page.locator(".fc-event.kind-HYBRID_GROUP").first
    await page.locator(".fc-next-button").click()  # week 5: piano's group week
    await expect(page.locator(".fc-event.kind-HYBRID_GROUP").first).to_be_visible()
    await group.click()
    await expect(detail).to_contain_text("Enrolled")
    await expect(detail).to_contain_text("/8")


async def test_today_is_marked_and_the_week_moves(
    page: Page, http_url: str, clock: FixedClock, schools: Any
) -> None:
    await open_as(page, http_url, clock, TEACHER)
    # the server's today (2027-01-19 in Sydney) is the week shown, and marked
    await expect(page.locator('.fc-day-today[data-date="2027-01-19"]').first).to_be_visible()
    await page.locator(".fc-next-button").click()
    await expect(page.locator('.fc-col-header-cell[data-date="2027-01-26"]')).to_be_visible()
    await shot(page, "teacher-week")


async def test_the_page_follows_telegrams_dark_theme(
    page: Page, http_url: str, clock: FixedClock, schools: Any
) -> None:
    dark = {"bg_color": "#17212b", "text_color": "#f5f5f5", "button_color": "#5288c1"}
    await open_as(page, http_url, clock, TEACHER, WEEK4, theme=dark)
    await expect(page.locator(".fc-event").first).to_be_visible()
    assert await page.evaluate("document.documentElement.dataset.scheme") == "dark"
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"
    await shot(page, "teacher-week-dark")


async def test_a_teacher_sees_their_lessons_and_the_schools_meet_and_greet(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await book_emma(services, alpha)
    async with services.sessions() as session, session.begin():
        start = datetime(2027, 2, 24, 18, 0, tzinfo=ZoneInfo("Australia/Sydney"))
        session.add(
            Event(
                school_id=alpha.school,
                key="mg",
                title="Meet the teachers",
                type="MEET_AND_GREET",
                start_at=start,
                end_at=start + timedelta(hours=1),
            )
        )
    await open_as(page, http_url, clock, TEACHER, WEEK4)
    await expect(page.locator(".fc-event.kind-MEET_AND_GREET")).to_contain_text("Meet the teachers")
    await expect(page.locator(".fc-event.kind-HYBRID_INDIVIDUAL")).to_contain_text("Emma Smith")
    await expect(page.locator('#view select[name="teacherId"]')).to_have_count(0)
    await shot(page, "teacher-week-with-meet-and-greet")
