"""The feed offer's words and the .ics refresh hint (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from core.calendar.feeds import feed_url
from core.calendar.ics import build_ics, ics_calendar
from handlers.calendar.texts import SUBSCRIBE, feed_offer


def test_one_feed_is_offered_as_its_url_alone() -> None:
    text = feed_offer([("School alpha · my family", "https://x.org/ical/abc.ics")])
    assert SUBSCRIBE in text
    assert "\nhttps://x.org/ical/abc.ics\n" in text
    assert "my family" not in text
    assert "Keep the link to yourself" in text


def test_several_feeds_are_offered_each_with_its_calendar() -> None:
    text = feed_offer(
        [
            ("School alpha · my family", "https://x/a.ics"),
            ("School beta · my lessons", "https://x/b.ics"),
        ]
    )
    assert "School alpha · my family: https://x/a.ics" in text
    assert "School beta · my lessons: https://x/b.ics" in text


def test_the_feed_url_is_the_public_url_and_the_token() -> None:
    assert feed_url("https://school.org/", "tok") == "https://school.org/ical/tok.ics"
    assert feed_url("http://127.0.0.1:8080", "tok") == "http://127.0.0.1:8080/ical/tok.ics"


def test_a_feed_suggests_its_refresh_interval_in_both_outputs() -> None:
    now = datetime(2027, 2, 1, tzinfo=UTC)
    written = build_ics([], "UTC", "x", now=now, refresh=timedelta(hours=1))
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in written
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in written
    modelled = ics_calendar([], "UTC", "x", now=now, refresh=timedelta(hours=1))
    parsed = Calendar.from_ical(written)
    for name in ("REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert parsed[name].to_ical() == modelled[name].to_ical() == b"PT1H"
    assert b"REFRESH-INTERVAL" not in build_ics([], "UTC", "x", now=now)
