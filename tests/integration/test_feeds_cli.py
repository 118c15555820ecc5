"""`musicbot feed`: the URL of a family's or teacher's calendar feed, the same one each time,
until `--revoke` ends it (run as a real process on the test database)."""

from __future__ import annotations

import json

from core.booking.catalog import CatalogCache
from core.calendar.feeds import FeedOwner, FeedService
from core.clock import SystemClock
from tests.support.cli import musicbot
from tests.support.factories import build_two_schools


async def test_feed_prints_the_same_url_until_revoked_then_a_new_one(
    db_url, sessions, tmp_path
) -> None:
    alpha, _ = await build_two_schools(sessions)
    public = {"PUBLIC_URL": "https://school.example.org/"}
    args = ("feed", "--school", "alpha", "--family", "smith")
    code, first, err = await musicbot(db_url, tmp_path, *args, **public)
    assert code == 0, err
    url = first.strip()
    assert url.startswith("https://school.example.org/ical/") and url.endswith(".ics")
    assert (await musicbot(db_url, tmp_path, *args, **public))[1].strip() == url
    token = url.removeprefix("https://school.example.org/ical/").removesuffix(".ics")
    feeds = FeedService(sessions, SystemClock(), CatalogCache())
    owner = FeedOwner(alpha.school, family_id=alpha.smith_family)
    assert await feeds.token(owner) == token
    assert await feeds.answer(token) is not None

    code, out, _ = await musicbot(db_url, tmp_path, *args, "--revoke")
    assert code == 0 and out.strip() == "calendar feed of family smith revoked"
    assert await feeds.answer(token) is None
    code, out, _ = await musicbot(db_url, tmp_path, *args, "--format", "json")
    fresh = json.loads(out)
    # without PUBLIC_URL: the HTTP server's own address
    assert fresh["url"].startswith("http://127.0.0.1:8080/ical/")
    assert token not in fresh["url"]


async def test_feed_of_a_teacher_and_its_refusals(db_url, sessions, tmp_path) -> None:
    await build_two_schools(sessions)
    code, out, err = await musicbot(
        db_url, tmp_path, "feed", "--school", "beta", "--teacher", "sam", HTTP_PORT="9000"
    )
    assert code == 0, err
    assert out.startswith("http://127.0.0.1:9000/ical/")
    code, _, err = await musicbot(db_url, tmp_path, "feed", "--school", "beta", "--family", "nope")
    assert code == 1 and err.startswith("error:") and "family" in err
    code, _, err = await musicbot(
        db_url, tmp_path, "feed", "--school", "beta", "--family", "smith", "--teacher", "sam"
    )
    assert code == 2 and "not allowed with" in err
    code, out, _ = await musicbot(
        db_url, tmp_path, "feed", "--school", "beta", "--teacher", "lee", "--revoke"
    )
    assert code == 0 and "had no live URL" in out
