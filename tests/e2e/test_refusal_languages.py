"""A refusal with a date reaches the family in its language, the date in that language's
words, through the real bot (issue 15); the log lines about it stay English.

School alpha is in Sydney: week 4 starts Monday 22 February 2027 (clock: 2027-01-19)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, time

import pytest

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.models import BookingStatus
from core.services import Services
from tests.support.chat import labels, open_booking, tap
from tests.support.scenes import book_for, bookings

CYRILLIC = re.compile("[\u0400-\u04ff]")
TWENTY_THREE_HOURS_BEFORE = datetime(2027, 2, 21, 5, 0, tzinfo=UTC)  # Mon 15:00 Sydney - 23 h


def _english_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = [record.getMessage() for record in caplog.records]
    assert not [line for line in lines if CYRILLIC.search(line) or "Termin" in line]
    return lines


async def test_a_russian_parent_confirming_inside_24_hours_is_refused_in_russian(
    api: LocalBotApi,
    bot_app,
    services: Services,
    clock: FixedClock,
    schools,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    user = api.user(1012, language_code="ru-RU")  # Bob Brown: Mia
    await user.send("/book")
    await tap(user, "Piano Foundations")
    await tap(user, "Неделя 4 ·")
    card = await tap(user, "пн 15:00")
    assert "Проверьте и подтвердите" in card["text"]
    clock.set(TWENTY_THREE_HOURS_BEFORE)
    refused = await tap(user, "Подтвердить")
    assert "До занятия (пн, 22 февр. 15:00) меньше 24 часов" in refused["text"]
    assert "свяжитесь со школой" in refused["text"] and "(School alpha)" in refused["text"]
    assert "less than 24 hours" not in refused["text"] and "Mon" not in refused["text"]
    assert await bookings(services) == []
    _english_logs(caplog)


async def test_a_german_parent_is_refused_in_german_with_a_german_date(
    api: LocalBotApi,
    bot_app,
    services: Services,
    clock: FixedClock,
    schools,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    alpha, _ = schools
    await book_for(services, alpha, alpha.emma, time(15))
    parent = api.user(1011)  # Jane Smith: her client reports no language; she chooses German
    await parent.send("/language")
    await parent.press_button("Deutsch")
    clock.set(TWENTY_THREE_HOURS_BEFORE)
    await open_booking(parent, "Emma · Piano")
    assert "Buchung absagen" in labels(parent)
    refused = await tap(parent, "Buchung absagen")
    assert (
        "Dieser Termin (Mo., 22. Feb. 15:00) ist weniger als 24 Stunden entfernt"
        in (refused["text"])
    )
    assert "Bitte wenden Sie sich an die Schule." in refused["text"]
    assert "(School alpha)" in refused["text"] and "less than 24" not in refused["text"]
    (row,) = await bookings(services)
    assert row.status is BookingStatus.CONFIRMED
    _english_logs(caplog)


@pytest.mark.parametrize(
    ("language_code", "cancel", "refusal"),
    [
        ("ru", "Отменить запись", ["До занятия (пн, 22 февр. 15:00) меньше 24 часов"]),
        (
            None,  # an English client still reads the English refusal with its date
            "Cancel booking",
            [
                "That session (Mon 22 Feb 15:00) is less than 24 hours away",
                "Please contact the school.",
            ],
        ),
    ],
    ids=["russian", "english"],
)
async def test_a_parent_cancelling_inside_24_hours_is_refused_in_their_language(
    api: LocalBotApi,
    bot_app,
    services: Services,
    clock: FixedClock,
    schools,
    language_code: str | None,
    cancel: str,
    refusal: list[str],
) -> None:
    alpha, _ = schools
    await book_for(services, alpha, alpha.mia, time(15))
    clock.set(TWENTY_THREE_HOURS_BEFORE)
    user = api.user(1012, language_code=language_code)
    await open_booking(user)
    refused = await tap(user, cancel)
    for line in refusal:
        assert line in refused["text"]
    (row,) = await bookings(services)
    assert row.status is BookingStatus.CONFIRMED
