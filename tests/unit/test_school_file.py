"""The school file: parsing into typed models and whole-file validation messages."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.errors import SchoolFileError
from core.school_file.loader import parse_school_file, school_file_problems
from core.school_file.schema import SchoolFile, event_instants

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

BASE = """
school:
  key: music-n-me
  name: "Music 'n Me"
  timezone: Australia/Sydney
admins:
  - key: alice
    name: Alice Admin
    telegram_id: 1001
teachers:
  - key: jones
    name: Sam Jones
    telegram_id: 2001
  - key: lee
    name: Mei Lee
locations:
  - key: main
    name: Main Studio
    rooms:
      - key: room-1
        name: Room 1
terms:
  - key: 2027-t1
    name: Term 1 2027
    start_date: 2027-02-01
    weeks: 10
families:
  - key: smith
    name: Smith family
    parents:
      - key: jane-smith
        name: Jane Smith
        telegram_id: 3001
        phone: "+61400000001"
    students:
      - key: emma-smith
        name: Emma Smith
      - key: tom-smith
        name: Tom Smith
lessons:
  - key: piano-hybrid-mon
    name: Piano Foundations
    type: HYBRID
    term: 2027-t1
    teacher: jones
    location: main
    room: room-1
    day: MONDAY
    start_time: "16:00"
    duration_minutes: 60
    max_students: 8
    students: [emma-smith]
    hybrid:
      individual_weeks: [4, 8]
      slot_minutes: 30
      availability:
        - day: MONDAY
          start: "15:00"
          end: "19:00"
        - day: WEDNESDAY
          start: "15:30"
          end: "18:00"
      bookings_open: false
  - key: band
    name: Rock Band
    type: BAND
    term: 2027-t1
    teacher: lee
    location: main
    day: SATURDAY
    start_time: "10:00"
    duration_minutes: 90
    students: [emma-smith, tom-smith]
events:
  - key: mg-feb
    title: Meet & Greet
    type: MEET_AND_GREET
    start: 2027-01-30T10:00
    end: 2027-01-30T11:00
    location: main
"""


def base() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(BASE))


def problems_after(change: Callable[[dict[str, Any]], object]) -> list[str]:
    data = base()
    change(data)
    return school_file_problems(yaml.safe_dump(data, sort_keys=False))


def hybrid(data: dict[str, Any]) -> dict[str, Any]:
    return data["lessons"][0]["hybrid"]


# --- valid files ---------------------------------------------------------------------------


def test_base_is_valid_and_typed() -> None:
    parsed = parse_school_file(BASE)
    assert isinstance(parsed, SchoolFile)
    assert parsed.school.key == "music-n-me"
    lesson = parsed.lessons[0]
    assert lesson.start_time == time(16, 0)
    assert lesson.day_index == 0
    assert lesson.hybrid is not None
    assert lesson.hybrid.individual_weeks == [4, 8]
    assert lesson.hybrid.availability[1].day_index == 2
    assert parsed.terms[0].start_date == date(2027, 2, 1)
    assert parsed.events[0].start == datetime(2027, 1, 30, 10, 0)
    assert parsed.lessons[1].hybrid is None


@pytest.mark.parametrize("name", ["demo-school.yaml", "second-school.yaml"])
def test_example_files_are_valid(name: str) -> None:
    path = EXAMPLES / name
    assert school_file_problems(path) == []
    assert parse_school_file(path).school.key
    assert parse_school_file(str(path)).school.key  # a path given as a string


def test_demo_file_shape() -> None:
    demo = parse_school_file(EXAMPLES / "demo-school.yaml")
    assert demo.school.key == "music-n-me"
    assert demo.school.timezone == "Australia/Sydney"
    hybrids = [lesson for lesson in demo.lessons if lesson.type == "HYBRID"]
    assert len(hybrids) == 3
    assert any(lesson.hybrid and lesson.hybrid.bookings_open for lesson in hybrids)
    assert {lesson.type for lesson in demo.lessons} == {"HYBRID", "INDIVIDUAL", "GROUP", "BAND"}
    assert len(demo.families) >= 12
    assert sum(len(f.students) for f in demo.families) >= 15
    assert any(len(f.parents) == 2 for f in demo.families)
    ids = {p.telegram_id for f in demo.families for p in f.parents}
    assert {3001, 3002, 3003} <= ids
    assert 1001 in {a.telegram_id for a in demo.admins}
    assert {2001, 2002} <= {t.telegram_id for t in demo.teachers}
    assert demo.terms[0].key == "demo-term"
    assert demo.terms[0].weeks == 10
    assert "MEET_AND_GREET" in {e.type for e in demo.events}


def test_demo_hybrid_windows_leave_room_for_every_student() -> None:
    demo = parse_school_file(EXAMPLES / "demo-school.yaml")
    for lesson in demo.lessons:
        if lesson.hybrid is None:
            continue
        slots = sum(w.minutes // lesson.hybrid.slot_minutes for w in lesson.hybrid.availability)
        assert slots >= len(lesson.students), lesson.key


def test_a_parent_shares_a_telegram_id_across_the_example_schools() -> None:
    first = parse_school_file(EXAMPLES / "demo-school.yaml")
    second = parse_school_file(EXAMPLES / "second-school.yaml")
    assert second.school.key == "riverside-strings"
    assert second.school.timezone == "Europe/London"

    def ids(school: SchoolFile) -> set[int | None]:
        return {p.telegram_id for f in school.families for p in f.parents}

    assert 3001 in ids(first) & ids(second)


def test_reminders_default_and_explicit() -> None:
    parsed = parse_school_file(BASE)
    assert parsed.school.reminders.as_dict() == {
        "not_booked": {
            "enabled": True,
            "every_hours": 48,
            "max_times": 3,
            "window_start": "09:00",
            "window_end": "20:00",
        },
        "session": {"enabled": True, "hours_before": 24},
    }
    data = base()
    data["school"]["reminders"] = {"not_booked": {"every_hours": 24}, "session": {"enabled": False}}
    parsed = parse_school_file(yaml.safe_dump(data))
    stored = parsed.school.reminders.as_dict()
    assert stored["not_booked"]["every_hours"] == 24
    assert stored["not_booked"]["max_times"] == 3
    assert stored["session"] == {"enabled": False, "hours_before": 24}


def test_event_instants_use_the_school_timezone() -> None:
    parsed = parse_school_file(BASE)
    start, end = event_instants(parsed.events[0], parsed.school.timezone)
    assert start.utcoffset() is not None
    assert start.isoformat() == "2027-01-30T10:00:00+11:00"  # Sydney summer time
    assert (end - start).total_seconds() == 3600


def test_unquoted_times_are_read_as_times() -> None:
    text = BASE.replace('start_time: "16:00"', "start_time: 16:00")
    assert parse_school_file(text).lessons[0].start_time == time(16, 0)


# --- each rule, with its exact message -------------------------------------------------------


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


def test_problems_raise_school_file_error() -> None:
    data = base()
    data["lessons"][0]["teacher"] = "smyth"
    with pytest.raises(SchoolFileError) as caught:
        parse_school_file(yaml.safe_dump(data))
    assert caught.value.problems == ["lessons[0].teacher: no teacher 'smyth' (known: jones, lee)"]
    assert caught.value.message.startswith("lessons[0].teacher: no teacher 'smyth'")


def test_many_problems_are_reported_at_once() -> None:
    def change(data: dict[str, Any]) -> None:
        data["school"]["timezone"] = "Nowhere/Town"
        data["teachers"][1]["telegram_id"] = 0
        data["terms"][0]["start_date"] = date(2027, 2, 2)
        data["lessons"][0]["teacher"] = "smyth"
        data["lessons"][0]["day"] = "FUNDAY"  # a type error in the same lesson
        data["lessons"][0]["hybrid"]["individual_weeks"] = [4, 12]
        data["lessons"][1]["students"] = ["nobody"]
        data["events"][0]["end"] = "2027-01-30T08:00"
        data["extra"] = True

    problems = problems_after(change)
    assert problems == [  # in file order; unknown top-level keys first
        "extra: unknown key",
        "school.timezone: 'Nowhere/Town' is not a known IANA timezone (e.g. Australia/Sydney)",
        "teachers[1].telegram_id: must be a positive integer (a Telegram user id), got 0",
        "terms[0].start_date: 2027-02-02 is a Tuesday, not a Monday",
        "lessons[0].day: 'FUNDAY' is not a day (MONDAY..SUNDAY)",
        "lessons[0].teacher: no teacher 'smyth' (known: jones, lee)",
        "lessons[0].hybrid.individual_weeks: week 12 is outside term 2027-t1 (1..10)",
        "lessons[1].students[0]: no student 'nobody' (known: emma-smith, tom-smith)",
        "events[0].end: 2027-01-30T08:00 is not after start 2027-01-30T10:00",
    ]
    with pytest.raises(SchoolFileError) as caught:
        parse_school_file(yaml.safe_dump(base() | {"extra": 1, "pupils": 2}))
    assert len(caught.value.problems) == 2
    assert "(and 1 more)" in caught.value.message


def test_reference_to_an_invalid_item_is_not_reported_twice() -> None:
    problems = problems_after(lambda data: data["teachers"][0].update(telegram_id="x"))
    assert problems == ["teachers[0].telegram_id: input should be a valid integer, got 'x'"]


def test_yaml_syntax_error_names_the_line() -> None:
    text = BASE.replace("    name: Sam Jones", "    name: [Sam Jones")
    problems = school_file_problems(text)
    assert len(problems) == 1
    # the bracket opened on line 12 is found unclosed on line 13 ("telegram_id: 2001")
    assert problems[0].startswith("line 13, column 16: ")
    assert problems[0].endswith("(YAML syntax)")
    with pytest.raises(SchoolFileError):
        parse_school_file(text)


def test_duplicate_mapping_key_is_a_syntax_error() -> None:
    text = BASE.replace("    name: Sam Jones", "    name: Sam Jones\n    name: Sam Jonas")
    assert school_file_problems(text) == ["line 13, column 5: duplicate key 'name' (YAML syntax)"]


def test_empty_and_non_mapping_files() -> None:
    assert school_file_problems("") == ["school file: the file is empty"]
    assert school_file_problems("- a\n- b\n") == [
        "school file: expected a mapping with keys school, admins, teachers, locations, "
        "terms, families, lessons, events"
    ]
    assert school_file_problems("school: {}\nlessons: {}\n") == [
        "school.key: is required",
        "school.name: is required",
        "school.timezone: is required",
        "lessons: expected a list",
    ]


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert school_file_problems(missing) == [f"{missing}: file not found"]
