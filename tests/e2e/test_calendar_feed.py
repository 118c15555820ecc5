"""/calendar offers the calendar feed: a parent their family's, a teacher their own; the URL
it shows is the one the feed server answers (read back over HTTP on 127.0.0.1)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from icalendar import Calendar

from bot.local_api import LocalBotApi
from core.calendar.feeds import FeedOwner, feed_path
from core.services import Services
from handlers.calendar.texts import SUBSCRIBE
from tests.support.factories import SchoolIds
from tests.support.feeds import feed_server

ADMIN, TEACHER, SMITH, BROWN = 1001, 1002, 1011, 1012
URL = re.compile(r"http://127\.0\.0\.1:8080/ical/([A-Za-z0-9_-]+)\.ics")


@pytest.fixture
async def http(services: Services) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    async with feed_server(services) as client:
        yield client


def offered(event) -> bool:  # type: ignore[no-untyped-def]
    return event.kind == "send" and SUBSCRIBE in str(event.data)


async def offer_of(api: LocalBotApi, user_id: int) -> str:
    """The offer /calendar sends (one per /calendar, after the week's picture)."""
    user = api.user(user_id)
    before = len(user.messages)
    await user.send("/calendar", until=offered)
    new = user.messages[before:]
    offers = [m["text"] for m in new if SUBSCRIBE in (m.get("text") or "")]
    assert len(offers) == 1, new
    assert new[0].get("photo")  # the week's picture first
    return offers[0]


async def test_a_parent_is_offered_their_familys_feed_and_it_reads_back(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds], http
) -> None:
    alpha, _ = schools
    text = await offer_of(api, SMITH)
    tokens = URL.findall(text)
    assert len(tokens) == 1
    owner = FeedOwner(alpha.school, family_id=alpha.smith_family)
    assert tokens[0] == await services.feeds.token(owner)
    # asked again: the same URL (a calendar app keeps the one it was given)
    assert URL.findall(await offer_of(api, SMITH)) == tokens

    response = await http.get(feed_path(tokens[0]))
    assert response.status == 200
    calendar = Calendar.from_ical(await response.read())
    assert str(calendar["X-WR-CALNAME"]) == "School alpha · Smith family"
    assert calendar.walk("VEVENT")

    brown = URL.findall(await offer_of(api, BROWN))
    assert brown and brown != tokens


async def test_a_teacher_is_offered_their_own_feed_and_an_admin_none(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds], http
) -> None:
    alpha, _ = schools
    tokens = URL.findall(await offer_of(api, TEACHER))
    assert tokens == [await services.feeds.token(FeedOwner(alpha.school, teacher_id=alpha.teacher))]
    response = await http.get(feed_path(tokens[0]))
    summaries = [
        str(e["SUMMARY"]) for e in Calendar.from_ical(await response.read()).walk("VEVENT")
    ]
    assert "Junior Choir" in summaries  # the teacher's own class, no family's filter

    admin = api.user(ADMIN)
    await admin.send("/calendar", until=lambda e: e.kind == "send")
    await admin.send("/help")  # anything the bot would still send after the picture lands first
    assert not any(SUBSCRIBE in (m.get("text") or "") for m in admin.messages)
