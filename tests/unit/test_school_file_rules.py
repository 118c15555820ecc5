"""The school file's rules, one at a time: each change to a valid file and its exact message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.support.school_files import problems_after


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _drop(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return change


def _append(section: str, item: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda data: data[section].append(item)


RULES: list[tuple[str, Callable[[dict[str, Any]], object], str]] = [
    ("required field", _drop(["teachers", 0, "name"]), "teachers[0].name: is required"),
    ("required school", _drop(["school"]), "school: is required"),
    (
        "type",
        _set(["terms", 0, "weeks"], "ten"),
        "terms[0].weeks: input should be a valid integer, got 'ten'",
    ),
    ("unknown key", _set(["lessons", 0, "colour"], "red"), "lessons[0].colour: unknown key"),
    ("unknown top-level key", _set(["pupils"], []), "pupils: unknown key"),
    (
        "unknown nested key",
        _set(["lessons", 0, "hybrid", "availability", 1, "room"], "x"),
        "lessons[0].hybrid.availability[1].room: unknown key",
    ),
    (
        "duplicate key",
        _append("teachers", {"key": "jones", "name": "Other Jones"}),
        "teachers[2].key: duplicate key 'jones' (also teachers[0])",
    ),
    (
        "duplicate room within location",
        lambda data: data["locations"][0]["rooms"].append({"key": "room-1", "name": "Again"}),
        "locations[0].rooms[1].key: duplicate key 'room-1' (also locations[0].rooms[0])",
    ),
    (
        "duplicate student across families",
        _append(
            "families",
            {"key": "jones", "name": "J", "students": [{"key": "emma-smith", "name": "E"}]},
        ),
        "families[1].students[0].key: duplicate key 'emma-smith' (also families[0].students[0])",
    ),
    (
        "unknown teacher",
        _set(["lessons", 0, "teacher"], "smyth"),
        "lessons[0].teacher: no teacher 'smyth' (known: jones, lee)",
    ),
    (
        "unknown term",
        _set(["lessons", 0, "term"], "2027-t9"),
        "lessons[0].term: no term '2027-t9' (known: 2027-t1)",
    ),
    (
        "unknown location",
        _set(["lessons", 1, "location"], "north"),
        "lessons[1].location: no location 'north' (known: main)",
    ),
    (
        "unknown room",
        _set(["lessons", 0, "room"], "room-9"),
        "lessons[0].room: no room 'room-9' in location 'main' (known: room-1)",
    ),
    (
        "unknown student",
        _set(["lessons", 0, "students"], ["emma-smith", "zoe"]),
        "lessons[0].students[1]: no student 'zoe' (known: emma-smith, tom-smith)",
    ),
    (
        "unknown event location",
        _set(["events", 0, "location"], "beach"),
        "events[0].location: no location 'beach' (known: main)",
    ),
    (
        "day",
        _set(["lessons", 0, "day"], "MON"),
        "lessons[0].day: 'MON' is not a day (MONDAY..SUNDAY)",
    ),
    (
        "window day",
        _set(["lessons", 0, "hybrid", "availability", 0, "day"], "monday"),
        "lessons[0].hybrid.availability[0].day: 'monday' is not a day (MONDAY..SUNDAY)",
    ),
    (
        "time format",
        _set(["lessons", 0, "start_time"], "4pm"),
        "lessons[0].start_time: '4pm' is not a time like 16:30",
    ),
    (
        "time out of range",
        _set(["lessons", 0, "hybrid", "availability", 0, "start"], "25:00"),
        "lessons[0].hybrid.availability[0].start: '25:00' is not a time like 16:30",
    ),
    (
        "window end after start",
        _set(["lessons", 0, "hybrid", "availability", 1, "end"], "15:00"),
        "lessons[0].hybrid.availability[1].end: 15:00 is not after start 15:30",
    ),
    ("term weeks", _set(["terms", 0, "weeks"], 16), "terms[0].weeks: must be 1..15, got 16"),
    ("term weeks zero", _set(["terms", 0, "weeks"], 0), "terms[0].weeks: must be 1..15, got 0"),
    (
        "start date is a Monday",
        _set(["terms", 0, "start_date"], date(2027, 2, 3)),
        "terms[0].start_date: 2027-02-03 is a Wednesday, not a Monday",
    ),
    (
        "week outside term",
        _set(["lessons", 0, "hybrid", "individual_weeks"], [4, 16]),
        "lessons[0].hybrid.individual_weeks: week 16 is outside term 2027-t1 (1..10)",
    ),
    (
        "hybrid only for HYBRID",
        _set(
            ["lessons", 1, "hybrid"],
            {
                "individual_weeks": [2],
                "slot_minutes": 20,
                "availability": [{"day": "MONDAY", "start": "15:00", "end": "16:00"}],
            },
        ),
        "lessons[1].hybrid: only HYBRID lessons have one (type is BAND)",
    ),
    (
        "hybrid required for HYBRID",
        _drop(["lessons", 0, "hybrid"]),
        "lessons[0].hybrid: is required for a HYBRID lesson",
    ),
    (
        "individual weeks non-empty",
        _set(["lessons", 0, "hybrid", "individual_weeks"], []),
        "lessons[0].hybrid.individual_weeks: must list at least one week",
    ),
    (
        "individual weeks unique",
        _set(["lessons", 0, "hybrid", "individual_weeks"], [4, 8, 4]),
        "lessons[0].hybrid.individual_weeks: week 4 is listed twice",
    ),
    (
        "slot minutes positive",
        _set(["lessons", 0, "hybrid", "slot_minutes"], 0),
        "lessons[0].hybrid.slot_minutes: must be more than 0, got 0",
    ),
    (
        "slot fits a window",
        _set(["lessons", 0, "hybrid", "slot_minutes"], 300),
        "lessons[0].hybrid.slot_minutes: a 300-minute slot fits in no availability window",
    ),
    (
        "availability non-empty",
        _set(["lessons", 0, "hybrid", "availability"], []),
        "lessons[0].hybrid.availability: must list at least one window",
    ),
    (
        "enrolments within max_students",
        lambda data: data["lessons"][0].update(
            max_students=1, students=["emma-smith", "tom-smith"]
        ),
        "lessons[0].students: 2 students enrolled but max_students is 1",
    ),
    (
        "student listed twice",
        _set(["lessons", 1, "students"], ["emma-smith", "emma-smith"]),
        "lessons[1].students[1]: student 'emma-smith' is listed twice",
    ),
    (
        "timezone",
        _set(["school", "timezone"], "Mars/Olympus"),
        "school.timezone: 'Mars/Olympus' is not a known IANA timezone (e.g. Australia/Sydney)",
    ),
    (
        "telegram id positive",
        _set(["admins", 0, "telegram_id"], -5),
        "admins[0].telegram_id: must be a positive integer (a Telegram user id), got -5",
    ),
    (
        "telegram id integer",
        _set(["families", 0, "parents", 0, "telegram_id"], "3001"),
        "families[0].parents[0].telegram_id: input should be a valid integer, got '3001'",
    ),
    (
        "event end after start",
        _set(["events", 0, "end"], "2027-01-30T09:30"),
        "events[0].end: 2027-01-30T09:30 is not after start 2027-01-30T10:00",
    ),
    (
        "event time format",
        _set(["events", 0, "start"], "Saturday morning"),
        "events[0].start: 'Saturday morning' is not a date and time like 2027-01-30T10:00",
    ),
    (
        "reminder window",
        _set(["school", "reminders"], {"not_booked": {"window_start": "20:00"}}),
        "school.reminders.not_booked.window_end: 20:00 is not after window_start 20:00",
    ),
    (
        "reminder unknown key",
        _set(["school", "reminders"], {"session": {"hours": 2}}),
        "school.reminders.session.hours: unknown key",
    ),
    (
        "reminder every_hours",
        _set(["school", "reminders"], {"not_booked": {"every_hours": 0}}),
        "school.reminders.not_booked.every_hours: must be more than 0, got 0",
    ),
    (
        "reminder enabled is a bool",
        _set(["school", "reminders"], {"session": {"enabled": "maybe"}}),
        "school.reminders.session.enabled: input should be a valid boolean, got 'maybe'",
    ),
    (
        "lesson type",
        _set(["lessons", 1, "type"], "CHOIR"),
        "lessons[1].type: input should be 'INDIVIDUAL', 'GROUP', 'BAND' or 'HYBRID', got 'CHOIR'",
    ),
    (
        "room needs a location",
        _drop(["lessons", 0, "location"]),
        "lessons[0].room: a room needs a location",
    ),
    (
        "phone in quotes",
        _set(["families", 0, "parents", 0, "phone"], 61400000001),
        'families[0].parents[0].phone: write phone numbers in quotes, like "+61400000001"',
    ),
    (
        "lesson ends by midnight",
        _set(["lessons", 1, "start_time"], "23:30"),
        "lessons[1].duration_minutes: a lesson starting at 23:30 must end by midnight",
    ),
]


@pytest.mark.parametrize(("rule", "change", "expected"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_reports_its_path(
    rule: str, change: Callable[[dict[str, Any]], object], expected: str
) -> None:
    problems = problems_after(change)
    assert problems == [expected], rule
