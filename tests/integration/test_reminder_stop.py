"""A process stopping mid-sweep (SIGTERM, a rolling restart) releases the reminders it had
claimed but not sent: the next sweep of any process sends them at once (issue 10).

A reminder whose send is waiting (here: the backoff after a 502) when the sweep is stopped
is marked RETRY, not left CLAIMED until its lease runs out, nor UNKNOWN (never resent).
"""

from __future__ import annotations

import asyncio

import pytest

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.reminders import service as core
from core.services import Services
from scheduler.sweeps import sweep_all
from tests.support.reminders import MORNING, alpha_to_remind, make_notifier


@pytest.fixture
async def services(sessions, clock) -> Services:  # type: ignore[no-untyped-def]
    """Both schools; beta's bookings closed, so that only alpha's 4 reminders are due."""
    services, _, _ = await alpha_to_remind(sessions, clock)
    return services


async def test_a_sweep_stopped_while_a_send_waits_releases_its_claim(
    api: LocalBotApi, services: Services, clock: FixedClock
) -> None:
    clock.set(MORNING)
    bot, slow = make_notifier(api, backoff_seconds=30.0)
    async with bot:
        for _ in range(4):  # every reminder's first attempt: 502, then a 30 s backoff
            api.fail_next("sendMessage", 502, "Bad Gateway")
        sweep = asyncio.create_task(sweep_all(services.sessions, slow, clock))
        while sum(api.errors.values()) < 4:  # noqa: ASYNC110 (the Bot API's own counter)
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # all four now wait in their backoff, claimed
        sweep.cancel()  # what stopping the scheduler does after its grace
        await asyncio.gather(sweep, return_exceptions=True)
    assert await core.log_counts(services.sessions) == {"RETRY": 4}  # released, not UNKNOWN
    bot, fast = make_notifier(api)
    async with bot:
        report = await sweep_all(services.sessions, fast, clock)  # any process, at once
    assert report.sent == 4
    assert api.metrics()["delivered"] == {"1011": 2, "1012": 2}
