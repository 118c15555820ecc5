"""Importing school files into PostgreSQL: create, idempotent re-import, update, reject."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import yaml
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import FixedClock
from core.db import models as m
from core.errors import SchoolFileError
from core.school_file.importer import import_school
from core.school_file.result import KINDS
from tests.support.school_files import DEMO, SECOND, Sessions, counts, demo_data, snapshot


async def test_import_creates_everything(sessions: Sessions, clock: FixedClock) -> None:
    result = await import_school(sessions, DEMO, clock=clock)
    data = demo_data()
    n_parents = sum(len(f["parents"]) for f in data["families"])
    n_students = sum(len(f["students"]) for f in data["families"])
    n_rooms = sum(len(loc["rooms"]) for loc in data["locations"])
    assert counts(result) == {
        "school": (1, 0, 0),
        "admin": (len(data["admins"]), 0, 0),
        "teacher": (len(data["teachers"]), 0, 0),
        "location": (len(data["locations"]), 0, 0),
        "room": (n_rooms, 0, 0),
        "term": (1, 0, 0),
        "family": (len(data["families"]), 0, 0),
        "parent": (n_parents, 0, 0),
        "student": (n_students, 0, 0),
        "lesson": (len(data["lessons"]), 0, 0),
        "event": (len(data["events"]), 0, 0),
    }
    assert result.school_key == "music-n-me"
    assert result.changed and result.updated == 0 and result.unchanged == 0

    async with sessions() as session:
        school = (await session.execute(select(m.School))).scalar_one()
        assert school.id == result.school_id
        assert school.timezone == "Australia/Sydney"
        assert school.reminders["not_booked"]["every_hours"] == 48
        assert school.reminders["session"] == {"enabled": True, "hours_before": 24}

        lesson = (
            await session.execute(select(m.Lesson).where(m.Lesson.key == "piano-hybrid-mon"))
        ).scalar_one()
        assert lesson.type == m.LessonType.HYBRID
        assert (lesson.day, lesson.start_time, lesson.duration_minutes) == (0, time(16), 60)
        teacher = await session.get(m.Teacher, lesson.teacher_id)
        room = await session.get(m.Room, lesson.room_id)
        assert teacher is not None and teacher.key == "jones" and teacher.telegram_id == 2001
        assert room is not None and room.key == "room-1"

        pattern = await session.get(m.HybridPattern, lesson.id)
        assert pattern is not None
        assert pattern.individual_weeks == [3, 7]
        assert pattern.slot_minutes == 20
        assert pattern.bookings_open is True
        assert pattern.opened_at == clock.now()
        windows = (
            await session.execute(
                select(m.AvailabilityWindow).where(m.AvailabilityWindow.lesson_id == lesson.id)
            )
        ).scalars()
        assert sorted((w.day, w.start_time, w.end_time) for w in windows) == [
            (0, time(15), time(16)),
            (0, time(17), time(19)),
            (1, time(15, 30), time(18)),
        ]
        enrolled = await _enrolled_keys(session, lesson.id)
        assert enrolled == {
            "mia-nguyen",
            "emma-smith",
            "grace-oconnor",
            "arjun-sharma",
            "sofia-rossi",
            "finn-murphy",
        }

        closed = (
            await session.execute(select(m.Lesson).where(m.Lesson.key == "guitar-hybrid-tue"))
        ).scalar_one()
        closed_pattern = await session.get(m.HybridPattern, closed.id)
        assert closed_pattern is not None and closed_pattern.bookings_open is False
        assert closed_pattern.opened_at is None

        regular = (
            await session.execute(select(m.Lesson).where(m.Lesson.key == "rock-band-sat"))
        ).scalar_one()
        assert await session.get(m.HybridPattern, regular.id) is None

        event = (
            await session.execute(select(m.Event).where(m.Event.key == "meet-and-greet"))
        ).scalar_one()
        # 10:00 in Sydney on 30 January (daylight saving, +11:00) is 23:00 UTC the day before
        assert event.start_at == datetime(2027, 1, 29, 23, 0, tzinfo=UTC)
        assert event.type == "MEET_AND_GREET"

        parent = (
            await session.execute(select(m.Parent).where(m.Parent.key == "linh-nguyen"))
        ).scalar_one()
        family = await session.get(m.Family, parent.family_id)
        assert parent.telegram_id == 3001 and family is not None and family.key == "nguyen"


async def _enrolled_keys(session: AsyncSession, lesson_id: int) -> set[str]:
    query = (
        select(m.Student.key)
        .join(m.Enrolment, m.Enrolment.student_id == m.Student.id)
        .where(m.Enrolment.lesson_id == lesson_id)
    )
    return set((await session.execute(query)).scalars())


async def test_importing_twice_changes_nothing(sessions: Sessions, clock: FixedClock) -> None:
    first = await import_school(sessions, DEMO, clock=clock)
    before = await snapshot(sessions)
    clock.set(datetime(2027, 1, 25, 9, 0, tzinfo=UTC))
    second = await import_school(sessions, DEMO.read_text(), clock=clock)
    assert await snapshot(sessions) == before
    assert second.created == 0 and second.updated == 0 and not second.changed
    assert second.unchanged == first.created
    assert {k: (c.created, c.updated) for k, c in second.counts.items()} == {
        k: (0, 0) for k in KINDS
    }
    assert second.summary() == f"music-n-me: 0 created, 0 updated, {first.created} unchanged"
    assert second.as_dict()["kinds"]["lesson"] == {
        "created": 0,
        "updated": 0,
        "unchanged": len(demo_data()["lessons"]),
    }


async def test_changed_file_updates_named_records_and_leaves_others(
    sessions: Sessions, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    before = await snapshot(sessions)

    data = demo_data()
    data["teachers"][0]["name"] = "Samantha Jones"  # jones
    lesson = data["lessons"][0]  # piano-hybrid-mon
    lesson["students"] = [s for s in lesson["students"] if s != "finn-murphy"] + ["noah-williams"]
    lesson["hybrid"]["individual_weeks"] = [3, 6]
    lesson["hybrid"]["bookings_open"] = False  # ignored on update: admins toggle it in chat
    data["lessons"][1]["hybrid"]["availability"][0]["end"] = "16:30"  # guitar-hybrid-tue
    data["events"][0]["end"] = "2027-01-30T12:00"
    data["families"][0]["students"].append({"key": "kai-nguyen", "name": "Kai Nguyen"})
    removed_family = data["families"].pop()  # walker: missing from the file, left alone
    strings = data["lessons"][4]  # junior-strings-fri: a file names only its own students
    strings["students"].remove("isla-walker")
    result = await import_school(sessions, yaml.safe_dump(data, sort_keys=False), clock=clock)

    assert counts(result)["teacher"] == (0, 1, 2)
    assert counts(result)["lesson"] == (0, 3, len(data["lessons"]) - 3)
    assert counts(result)["event"] == (0, 1, 1)
    assert counts(result)["student"] == (
        1,
        0,
        sum(len(f["students"]) for f in data["families"]) - 1,
    )
    assert counts(result)["family"] == (0, 0, len(data["families"]))

    after = await snapshot(sessions)
    for table in ("admins", "locations", "rooms", "terms", "families", "parents"):
        assert after[table] == before[table], table
    # the school row itself is unchanged but for its catalog version, bumped by the change
    # (by value, not position: later migrations add school columns after catalog_version)
    for old, new in zip(before["schools"], after["schools"], strict=True):
        (index,) = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        assert new[index] == old[index] + 1

    async with sessions() as session:
        rows = {row.key: row for row in (await session.execute(select(m.Lesson))).scalars()}
        mon = rows["piano-hybrid-mon"]
        assert await _enrolled_keys(session, mon.id) == {
            "mia-nguyen",
            "emma-smith",
            "grace-oconnor",
            "arjun-sharma",
            "sofia-rossi",
            "noah-williams",
        }
        pattern = await session.get(m.HybridPattern, mon.id)
        assert pattern is not None
        assert pattern.individual_weeks == [3, 6]
        assert pattern.bookings_open is True  # not touched by the re-import
        guitar_windows = (
            await session.execute(
                select(m.AvailabilityWindow.end_time)
                .where(m.AvailabilityWindow.lesson_id == rows["guitar-hybrid-tue"].id)
                .order_by(m.AvailabilityWindow.day, m.AvailabilityWindow.start_time)
            )
        ).scalars()
        assert list(guitar_windows) == [time(16, 30), time(19, 30), time(18)]
        walker = (
            await session.execute(select(m.Family).where(m.Family.key == removed_family["key"]))
        ).scalar_one_or_none()
        assert walker is not None
        jones = (
            await session.execute(select(m.Teacher).where(m.Teacher.key == "jones"))
        ).scalar_one()
        assert jones.name == "Samantha Jones"

    # the windows of lessons whose windows did not change keep their rows (ids)
    untouched = [
        row for row in before["availability_windows"] if row in after["availability_windows"]
    ]
    assert len(untouched) == len(before["availability_windows"]) - 3


async def test_bookings_open_toggled_in_chat_survives_reimport(
    sessions: Sessions, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    async with sessions() as session, session.begin():
        await session.execute(update(m.HybridPattern).values(bookings_open=True))
    result = await import_school(sessions, DEMO, clock=clock)
    assert not result.changed
    async with sessions() as session:
        flags = (await session.execute(select(m.HybridPattern.bookings_open))).scalars()
        assert all(flags)


async def test_lesson_no_longer_hybrid_loses_its_pattern(
    sessions: Sessions, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    data = demo_data()
    data["lessons"][2]["type"] = "GROUP"  # piano-hybrid-wed
    del data["lessons"][2]["hybrid"]
    result = await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert counts(result)["lesson"][1] == 1
    async with sessions() as session:
        lesson = (
            await session.execute(select(m.Lesson).where(m.Lesson.key == "piano-hybrid-wed"))
        ).scalar_one()
        assert lesson.type == m.LessonType.GROUP
        assert await session.get(m.HybridPattern, lesson.id) is None
        windows = await session.execute(
            select(m.AvailabilityWindow).where(m.AvailabilityWindow.lesson_id == lesson.id)
        )
        assert windows.first() is None


async def test_broken_file_writes_nothing(sessions: Sessions, clock: FixedClock) -> None:
    empty = await snapshot(sessions)
    data = demo_data()
    data["lessons"][0]["teacher"] = "smyth"
    data["terms"][0]["weeks"] = 20
    with pytest.raises(SchoolFileError) as caught:
        await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert "lessons[0].teacher: no teacher 'smyth' (known: jones, lee, patel)" in (
        caught.value.problems
    )
    assert "terms[0].weeks: must be 1..15, got 20" in caught.value.problems
    assert await snapshot(sessions) == empty

    await import_school(sessions, DEMO, clock=clock)
    before = await snapshot(sessions)
    data = demo_data()
    data["school"]["name"] = "Renamed"  # a valid change next to an invalid one
    data["events"][0]["end"] = "2027-01-30T09:00"
    with pytest.raises(SchoolFileError):
        await import_school(sessions, yaml.safe_dump(data), clock=clock)
    with pytest.raises(SchoolFileError):
        await import_school(sessions, "school: [unclosed\n", clock=clock)
    assert await snapshot(sessions) == before


async def test_two_schools_side_by_side(sessions: Sessions, clock: FixedClock) -> None:
    await import_school(sessions, DEMO, clock=clock)
    demo_only = await snapshot(sessions)
    second = await import_school(sessions, SECOND, clock=clock)
    assert counts(second)["school"] == (1, 0, 0)
    assert second.updated == 0 and second.unchanged == 0

    async with sessions() as session:
        schools = {s.key: s for s in (await session.execute(select(m.School))).scalars()}
        assert set(schools) == {"music-n-me", "riverside-strings"}
        assert schools["riverside-strings"].timezone == "Europe/London"
        # the same keys exist in both schools, as separate records
        for model, key in ((m.Family, "nguyen"), (m.Parent, "linh-nguyen"), (m.Location, "main")):
            rows = (await session.execute(select(model).where(model.key == key))).scalars().all()
            assert {row.school_id for row in rows} == {s.id for s in schools.values()}, key
        parents = (
            await session.execute(select(m.Parent).where(m.Parent.telegram_id == 3001))
        ).scalars()
        assert len(list(parents)) == 2

    # re-importing either school touches nothing of the other
    after_both = await snapshot(sessions)
    again = await import_school(sessions, DEMO, clock=clock)
    assert not again.changed
    assert await snapshot(sessions) == after_both
    assert all(row in after_both["schools"] for row in demo_only["schools"])


async def test_same_keys_in_a_second_school_do_not_clash(
    sessions: Sessions, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    data = demo_data()
    data["school"]["key"] = "music-n-me-north"
    data["school"]["name"] = "Music 'n Me North"
    result = await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert result.updated == 0 and result.unchanged == 0
    async with sessions() as session:
        lessons = (
            await session.execute(select(m.Lesson).where(m.Lesson.key == "piano-hybrid-mon"))
        ).scalars()
        school_ids = [lesson.school_id for lesson in lessons]
        assert len(set(school_ids)) == 2
