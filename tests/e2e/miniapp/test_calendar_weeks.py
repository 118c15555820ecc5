"""The Mini App's calendar loads each week once: the neighbouring weeks are fetched while the
page idles, so a week change draws events already in the page without asking the server;
going back and forth never shows an event twice; a filter change loads the weeks afresh.

School alpha (Sydney): week 4 starts Monday 22 February 2027 (the clock: 2027-01-19).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from playwright.async_api import Page, Request, expect

from core.clock import FixedClock
from core.services import Services
from tests.support.miniapp import ADMIN, WEEK4, book_emma, open_as, shot


def calendar_requests(page: Page) -> list[str]:
    """The start dates of every calendar request the page makes, in order."""
    asked: list[str] = []

    def seen(request: Request) -> None:
        if "/api/calendar/events" in request.url:
            asked.append(request.url)

    page.on("request", seen)
    return asked


def starts(asked: list[str]) -> list[str]:
    return [url.split("startDate=")[1][:10] for url in asked]


async def settles(value: Callable[[], Any], expected: Any, seconds: float = 10) -> None:
    """Wait until ``value()`` equals ``expected`` (what the page asks for, as it asks)."""
    for _ in range(int(seconds * 20)):
        if value() == expected:
            return
        await asyncio.sleep(0.05)
    assert value() == expected


async def test_a_week_change_draws_the_prefetched_week_without_asking_the_server(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await book_emma(services, alpha)
    asked = calendar_requests(page)
    await open_as(page, http_url, clock, ADMIN, "date=2027-02-15")
    await expect(page.locator(".fc-event.kind-HYBRID_GROUP").first).to_be_visible()
    # the week shown, then the next one and the one before, while the page idles
    await settles(lambda: sorted(starts(asked)), ["2027-02-08", "2027-02-15", "2027-02-22"])
    await page.locator(".fc-next-button").click()
    booked = page.locator(".fc-event.kind-HYBRID_INDIVIDUAL", has_text="Emma Smith")
    await expect(booked).to_have_count(1)
    # week 4 came from the prefetch; only the week after it is asked for now
    await settles(lambda: starts(asked)[3:], ["2027-03-01"])
    assert starts(asked).count("2027-02-22") == 1
    await shot(page, "admin-week-after-prefetch")


async def test_back_and_forth_never_shows_an_event_twice(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await book_emma(services, alpha)
    asked = calendar_requests(page)
    await open_as(page, http_url, clock, ADMIN, WEEK4)
    booked = page.locator(".fc-event.kind-HYBRID_INDIVIDUAL", has_text="Emma Smith")
    await expect(booked).to_have_count(1)
    for button in (".fc-next-button", ".fc-prev-button", ".fc-prev-button", ".fc-next-button"):
        await page.locator(button).click()
    await expect(page.locator(".fc-toolbar-title")).to_contain_text("22")
    await expect(booked).to_have_count(1)
    await expect(page.locator(".fc-event.kind-HYBRID_PLACEHOLDER")).to_have_count(2)
    assert starts(asked).count("2027-02-22") == 1  # each week fetched once


async def test_a_filter_change_loads_the_weeks_afresh_with_the_filter(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await book_emma(services, alpha)
    asked = calendar_requests(page)
    await open_as(page, http_url, clock, ADMIN, WEEK4)
    booked = page.locator(".fc-event.kind-HYBRID_INDIVIDUAL", has_text="Emma Smith")
    await expect(booked).to_have_count(1)
    # Kim Lee teaches nothing: the week empties and says so
    await page.locator('#view select[name="teacherId"]').select_option("lee")
    await expect(page.locator(".fc-event")).to_have_count(0)
    await expect(page.locator("#calendar-status")).to_have_text(
        "Nothing on the calendar in these days."
    )
    assert any("teacherId=lee" in url and "2027-02-22" in url for url in asked)
    await shot(page, "admin-week-filtered-empty")
    # back to everyone: the week again, each event once
    await page.locator('#view select[name="teacherId"]').select_option("")
    await expect(booked).to_have_count(1)
    await expect(page.locator("#calendar-status")).to_have_text("")
    await page.locator(".fc-next-button").click()
    await expect(page.locator(".fc-event.kind-HYBRID_GROUP").first).to_be_visible()
