"""iCalendar files: header, stable UIDs, UTC instants across DST, cancel/reschedule."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from core.calendar.events import CalendarEvent, EventKind
from core.calendar.ics import booking_ics, build_ics, event_uid, ics_calendar

SYDNEY = ZoneInfo("Australia/Sydney")
NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def sydney(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SYDNEY).astimezone(UTC)


def booking(**changes: object) -> CalendarEvent:
    base = CalendarEvent(
        uid="booking-42",
        kind=EventKind.BOOKED_SESSION,
        title="Piano – individual session",
        start=sydney(2027, 4, 3, 16),
        end=sydney(2027, 4, 3, 16, 45),
        teacher="Ana Ruiz",
        location="Riverside Music School",
        room="Room 3",
        description="Bring your scales book.",
        sequence=0,
    )
    return dataclasses.replace(base, **changes)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def vevents(data: bytes) -> list:
    return parse(data).walk("VEVENT")


def term_events(count: int = 60) -> list[CalendarEvent]:
    kinds = list(EventKind)
    return [
        CalendarEvent(
            uid=f"lesson-{n}",
            kind=kinds[n % len(kinds)],
            title=f"Lesson {n}; guitar, voice & piano",
            start=sydney(2027, 2, 1, 9) + timedelta(days=n // 4, hours=n % 4),
            end=sydney(2027, 2, 1, 10) + timedelta(days=n // 4, hours=n % 4),
            teacher="Ben Okafor" if n % 2 else None,
            location="Riverside Music School" if n % 3 else None,
            room=f"Room {n % 5}" if n % 5 else None,
            description="Line one\nline two, with a comma" if n % 4 == 0 else None,
            sequence=n % 3,
            cancelled=n % 7 == 0,
        )
        for n in range(count)
    ]


def test_calendar_header() -> None:
    cal = parse(build_ics(term_events(3), "Australia/Sydney", "Riverside – Term 1", now=NOW))
    assert str(cal["PRODID"]) == "-//musicbot//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert cal["X-WR-CALNAME"] == "Riverside – Term 1"
    assert cal["X-WR-TIMEZONE"] == "Australia/Sydney"
    assert not cal.walk("VTIMEZONE")  # every time is UTC


def test_one_vevent_per_event_with_stable_uids() -> None:
    events = term_events()
    first = build_ics(events, "Australia/Sydney", "Term", now=NOW)
    assert [str(e["UID"]) for e in vevents(first)] == [f"{e.uid}@musicbot" for e in events]
    assert build_ics(events, "Australia/Sydney", "Term", now=NOW) == first
    assert event_uid(events[0]) == "lesson-0@musicbot"


def test_event_properties() -> None:
    (vevent,) = vevents(build_ics([booking(sequence=3)], "Australia/Sydney", "Term", now=NOW))
    assert str(vevent["SUMMARY"]) == "Piano – individual session"
    assert str(vevent["LOCATION"]) == "Riverside Music School, Room 3"
    assert str(vevent["DESCRIPTION"]) == "Teacher: Ana Ruiz\nBring your scales book."
    assert vevent["SEQUENCE"] == 3
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent["DTSTAMP"].dt == NOW


def test_times_are_utc_instants_across_sydney_dst_change() -> None:
    # Daylight saving ends 4 April 2027: 16:00 is 05:00Z before and 06:00Z after.
    before = booking(uid="before", start=sydney(2027, 4, 3, 16), end=sydney(2027, 4, 3, 17))
    after = booking(uid="after", start=sydney(2027, 4, 5, 16), end=sydney(2027, 4, 5, 17))
    data = build_ics([before, after], "Australia/Sydney", "Term", now=NOW)
    text = data.decode()
    assert "DTSTART:20270403T050000Z" in text and "DTEND:20270403T060000Z" in text
    assert "DTSTART:20270405T060000Z" in text and "DTEND:20270405T070000Z" in text
    starts = {str(e["UID"]): e["DTSTART"].dt for e in vevents(data)}
    assert starts == {"before@musicbot": before.start, "after@musicbot": after.start}
    assert starts["before@musicbot"] == datetime(2027, 4, 3, 5, tzinfo=UTC)
    assert starts["after@musicbot"] == datetime(2027, 4, 5, 6, tzinfo=UTC)


def test_aware_non_utc_instants_are_written_in_utc() -> None:
    start = datetime(2027, 4, 3, 16, tzinfo=SYDNEY)
    event = booking(start=start, end=start + timedelta(hours=1))
    assert b"DTSTART:20270403T050000Z" in build_ics([event], "Australia/Sydney", "T", now=NOW)


def test_naive_instants_are_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        build_ics([booking(start=datetime(2027, 4, 3, 16))], "Australia/Sydney", "T", now=NOW)


def test_cancelled_event_is_kept_with_status_cancelled() -> None:
    cancelled = booking(sequence=2, cancelled=True)
    (vevent,) = vevents(build_ics([cancelled], "Australia/Sydney", "Term", now=NOW))
    assert str(vevent["UID"]) == "booking-42@musicbot"
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 2
    assert str(vevent["TRANSP"]) == "TRANSPARENT"


def test_rescheduled_booking_keeps_uid_and_bumps_sequence() -> None:
    original = booking()
    moved = dataclasses.replace(
        original,
        start=original.start + timedelta(days=2),
        end=original.end + timedelta(days=2),
        sequence=original.sequence + 1,
    )
    first = parse(booking_ics(original, "Australia/Sydney", now=NOW))
    second = parse(booking_ics(moved, "Australia/Sydney", now=NOW))
    assert str(first["METHOD"]) == str(second["METHOD"]) == "REQUEST"
    (a,) = first.walk("VEVENT")
    (b,) = second.walk("VEVENT")
    assert str(a["UID"]) == str(b["UID"]) == "booking-42@musicbot"
    assert b["SEQUENCE"] > a["SEQUENCE"]
    assert b["DTSTART"].dt == moved.start != a["DTSTART"].dt


def test_cancelled_booking_is_sent_as_cancel() -> None:
    cal = parse(booking_ics(booking(sequence=1, cancelled=True), "Australia/Sydney", now=NOW))
    assert str(cal["METHOD"]) == "CANCEL"
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED" and vevent["SEQUENCE"] == 1
    publish = parse(booking_ics(booking(), "Australia/Sydney", method="PUBLISH", now=NOW))
    assert str(publish["METHOD"]) == "PUBLISH"
    assert publish["X-WR-CALNAME"] == "Piano – individual session"


def test_matches_the_icalendar_object_model() -> None:
    events = term_events(200)
    fast = build_ics(events, "Australia/Sydney", "Term, 1; 2027", now=NOW)
    model = ics_calendar(events, "Australia/Sydney", "Term, 1; 2027", now=NOW)
    assert parse(fast).to_ical() == model.to_ical()


def test_lines_are_crlf_and_folded_to_75_octets() -> None:
    long = booking(title="Ünïcödé 🎹 " * 20, description="\\" * 200 + ", ; \n" * 30)
    data = build_ics([long], "Australia/Sydney", "T", now=NOW)
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    (vevent,) = vevents(data)
    assert str(vevent["SUMMARY"]) == long.title
    assert str(vevent["DESCRIPTION"]) == f"Teacher: Ana Ruiz\n{long.description}"


@given(
    title=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=300),
    description=st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
        max_size=300,
    ),
)
def test_any_text_round_trips(title: str, description: str) -> None:
    event = booking(title=title, teacher=None, description=description or None)
    data = build_ics([event], "Australia/Sydney", title, now=NOW)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    (vevent,) = vevents(data)
    assert str(vevent["SUMMARY"]) == title
    if description:
        assert str(vevent["DESCRIPTION"]) == description


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_control_characters_never_break_the_file(text: str) -> None:
    event = booking(title=text, description=text)
    data = build_ics([event], "Australia/Sydney", text, now=NOW)
    lines = data.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line and len(line) <= 75 for line in lines)
    (vevent,) = vevents(data)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(c for c in expected if " " <= c != "\x7f" or c in "\n\t")
    assert str(vevent["SUMMARY"]) == expected
