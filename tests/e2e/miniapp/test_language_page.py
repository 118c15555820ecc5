"""The Mini App in the family's language, in a real browser: a parent who chose Russian with
/language sees the calendar, its dates and buttons, the booking page and a refusal in
Russian; a parent whose Telegram client is German (and who chose nothing) sees German.

School alpha (Sydney): week 4 starts Monday 22 February 2027; piano's individual weeks are
4 and 8 (the clock stands at 2027-01-19 09:00 UTC).
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from core.clock import FixedClock
from core.services import Services
from tests.support.miniapp import BROWN, SMITH, WEEK4, book_emma, open_as, shot


async def test_a_russian_parent_sees_the_page_in_russian(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    await services.languages.choose(SMITH, "ru")
    await open_as(page, http_url, clock, SMITH, WEEK4, language_code="en")
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    tabs = page.locator("#tabs")
    await expect(tabs.locator('[data-tab="calendar"]')).to_have_text("Календарь")
    await expect(tabs.locator('[data-tab="book"]')).to_have_text("Запись")
    await expect(page.locator(".legend")).to_contain_text("Индивидуальное занятие (записано)")
    await expect(page.locator(".fc-today-button")).to_have_text("Сегодня")
    await expect(page.locator(".fc-timeGridWeek-button")).to_have_text("Неделя")
    # FullCalendar's dates through Intl in Russian: "22 – 28 февр. 2027 г."
    await expect(page.locator(".fc-toolbar-title")).to_contain_text("февр")
    await expect(page.locator(".fc-col-header")).to_contain_text("пн")
    await shot(page, "ru-week")

    await tabs.locator('[data-tab="book"]').click()
    await expect(page.locator("#view h2").first).to_have_text(
        "Записаться на индивидуальное занятие"
    )
    card = page.locator('.card[data-child="emma"][data-lesson="piano"]')
    await expect(card.locator('.week[data-week="4"]')).to_have_text("Н4 записаться")
    await expect(page.locator("#my-bookings")).to_contain_text("Записей пока нет.")
    await shot(page, "ru-book")


async def test_a_refusal_in_the_page_is_russian_too(
    page: Page, http_url: str, clock: FixedClock, services: Services, schools: Any
) -> None:
    alpha, _ = schools
    await services.languages.choose(BROWN, "ru")
    await open_as(page, http_url, clock, BROWN, "tab=book")
    card = page.locator('.card[data-child="mia"][data-lesson="piano"]')
    await card.locator('.week[data-week="4"]').click()
    await expect(page.locator(".slots button").first).to_be_visible()
    await expect(page.locator("#view p.hint").first).to_have_text("Выберите время и подтвердите.")
    await book_emma(services, alpha)  # the slot goes while Mia's parent looks at it
    await page.locator('.slots button[data-time="16:00"]').first.click()
    await expect(page.locator("#main-button")).to_contain_text("Записать:")
    await page.locator("#main-button").click()
    await expect(page.locator("#toast")).to_contain_text("Это время только что заняли.")
    await expect(page.locator("#toast")).to_contain_text("Вот свободное время сейчас.")


async def test_a_german_client_sees_german_without_a_choice(
    page: Page, http_url: str, clock: FixedClock, schools: Any
) -> None:
    await open_as(page, http_url, clock, SMITH, WEEK4, language_code="de-AT")
    await expect(page.locator("html")).to_have_attribute("lang", "de")
    await expect(page.locator('#tabs [data-tab="calendar"]')).to_have_text("Kalender")
    await expect(page.locator(".fc-today-button")).to_have_text("Heute")
    await expect(page.locator(".fc-toolbar-title")).to_contain_text("Feb")
    await expect(page.locator(".fc-col-header")).to_contain_text("Mo")
