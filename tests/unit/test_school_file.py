"""The school file: parsing into typed models, whole-file messages, reading the file."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.errors import SchoolFileError
from core.school_file.loader import parse_school_file, school_file_problems
from core.school_file.schema import SchoolFile, event_instants
from tests.support.school_files import BASE, EXAMPLES, base, problems_after

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
