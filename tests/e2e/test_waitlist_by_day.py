"""Leaving the waitlist of a week shown day by day, through the real bot.

Mia Brown's parent (1012) joins piano's week 4 list while the week has its usual few slots;
then the school opens piano 08:00-20:00 on every weekday (tests/e2e/test_full_week.py), so
the week has more free slots than one screen and is shown as its days first. The family
still waits, and leaves the list from the week's days or from one day's times; a stale
leave button and a forged one are answered in plain words, and nothing changes.
"""

from __future__ import annotations

from bot.local_api import LocalBotApi, UserClient
from core.services import Services
from handlers.callbacks import MAX_BYTES
from tests.support.chat import datas, labels, pick_week, tap
from tests.support.factories import SchoolIds
from tests.support.scenes import widen_piano

BROWN = 1012
JOIN = "🔔 Tell me if a slot frees up"
LEAVE = "Leave the waitlist"


async def _waiting_on_a_week_by_days(
    api: LocalBotApi, services: Services, alpha: SchoolIds
) -> UserClient:
    brown = api.user(BROWN)
    await pick_week(brown)
    await tap(brown, JOIN)
    await widen_piano(services, alpha)
    days = await pick_week(brown)
    assert "Pick a day" in days["text"]
    assert "Mia Brown is on the waitlist of Piano Foundations, week 4 (number 1)" in days["text"]
    return brown


def _fits(user: UserClient) -> None:
    assert sum(len(row) for row in user.buttons()) <= 100
    assert all(len(d.encode()) <= MAX_BYTES for d in datas(user))


async def test_a_waiting_family_leaves_the_list_from_the_weeks_days(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    brown = await _waiting_on_a_week_by_days(api, services, alpha)
    assert LEAVE in labels(brown) and JOIN not in labels(brown)
    assert labels(brown)[-2:] == [LEAVE, "‹ Back"]
    _fits(brown)
    [stale] = [d for row in brown.buttons() for text, d in row if text == LEAVE]
    left = await tap(brown, LEAVE)
    assert "Mia Brown is no longer on the waitlist of Piano Foundations, week 4" in left["text"]
    assert await services.waitlist.waiting(alpha.school) == []
    again = await tap(brown, "See free slots")
    assert "Pick a day" in again["text"] and "is on the waitlist" not in again["text"]
    assert LEAVE not in labels(brown)

    late = await brown.press(stale, until=lambda e: e.kind in ("edit_text", "send"))
    assert late is not None and "That child is no longer on the waitlist" in late["text"]
    assert "My bookings" in labels(brown)
    forged = await brown.press(
        f"wl:l:{alpha.school}:999999", until=lambda e: e.kind in ("edit_text", "send")
    )
    assert forged is not None and "That button is not one of yours" in forged["text"]
    assert await services.waitlist.waiting(alpha.school) == []


async def test_a_waiting_family_leaves_the_list_from_one_days_times(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    brown = await _waiting_on_a_week_by_days(api, services, alpha)
    tuesday = await tap(brown, "Tue 23 Feb")
    assert "Tue 23 Feb: 08:00, 08:30" in tuesday["text"]
    assert "is on the waitlist" in tuesday["text"]
    assert labels(brown)[-2:] == [LEAVE, "‹ Back"] and "Tue 09:00" in labels(brown)
    _fits(brown)
    left = await tap(brown, LEAVE)
    assert "no longer on the waitlist" in left["text"]
    assert await services.waitlist.waiting(alpha.school) == []
