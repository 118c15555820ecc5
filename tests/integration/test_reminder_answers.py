"""A reminder's mark goes as soon as the Bot API's answer says delivered (scheduler/answers.py).

A proxy in front of the local Bot API server passes each sendMessage's status line and
headers at once and holds the rest of the answer: the reminder must already be marked
SENT in the database while the bot has not read its answer, and a connection lost after
that status is still one message, counted as sent, never resent.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.local_api import LocalBotApi
from core.reminders import service as core
from core.services import Services
from scheduler.notifier import notifier_request
from scheduler.sweeps import sweep_all
from tests.support.late_proxy import LateProxy
from tests.support.reminders import MORNING, alpha_to_remind, make_notifier, until


@pytest.fixture
async def services(sessions, clock) -> Services:  # type: ignore[no-untyped-def]
    """Alpha's families to remind (beta's bookings closed), at 09:00 in Sydney."""
    services, _, _ = await alpha_to_remind(sessions, clock)
    clock.set(MORNING)
    return services


async def sweep_through(api: LocalBotApi, services: Services, proxy: LateProxy):  # type: ignore[no-untyped-def]
    """Sweep through ``proxy``; once an answer is held, check it is marked, then release."""
    await proxy.start()
    try:
        bot, notifier = make_notifier(api, base_url=proxy.base_url, request=notifier_request())
        async with bot:
            sweep = asyncio.create_task(sweep_all(services.sessions, notifier, services.clock))

            async def held() -> bool:
                return proxy.holding >= 1

            async def marked() -> bool:
                return (await core.log_counts(services.sessions)).get("SENT", 0) >= 1

            await until(held)
            await until(marked)  # its answer's body is still held: the mark went before
            assert proxy.holding >= 1 and not sweep.done()
            proxy.release.set()
            return await asyncio.wait_for(sweep, 30)
    finally:
        await proxy.stop()


async def test_a_reminder_is_marked_before_its_answer_is_read(api, services) -> None:
    proxy = LateProxy(api.root_url, delay=0.0, hold_body=True)
    report = await sweep_through(api, services, proxy)
    assert report.sent == 4 and report.failed == report.unknown == report.retrying == 0
    assert api.metrics()["delivered"] == {"1011": 2, "1012": 2}
    assert await core.log_counts(services.sessions) == {"SENT": 4}


async def test_an_answer_lost_after_its_status_is_one_message_counted_sent(api, services) -> None:
    """The connection drops mid-answer: the status said delivered, so not sent again."""
    proxy = LateProxy(api.root_url, delay=0.0, hold_body=True, drop_body=True)
    report = await sweep_through(api, services, proxy)
    assert report.sent == 4 and report.failed == report.unknown == report.retrying == 0
    assert api.metrics()["delivered"] == {"1011": 2, "1012": 2}  # one copy each
    assert await core.log_counts(services.sessions) == {"SENT": 4}
