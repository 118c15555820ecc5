"""Small schools built straight into the database for integration tests.

School "alpha" (Australia/Sydney): teacher Sam with two hybrid lessons and a group class;
families Smith (two children) and Brown. School "beta" (Europe/London): its own teacher,
lesson and family. Term 1 starts Monday 2027-02-01 and has 10 weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.db.models import (
    Admin,
    AvailabilityWindow,
    Enrolment,
    Family,
    HybridPattern,
    Lesson,
    LessonType,
    Location,
    Parent,
    Room,
    School,
    Student,
    Teacher,
    Term,
)

TERM_START = date(2027, 2, 1)


@dataclass
class SchoolIds:
    school: int
    admin: int
    teacher: int
    other_teacher: int
    piano: int  # hybrid, Monday 16:00, individual weeks 4 and 8, 30-minute slots, open
    theory: int  # hybrid, same teacher, individual week 4, Monday 15:00-17:00 windows, open
    group: int  # regular group class of the same teacher, Wednesday 16:00-17:00
    smith_parent: int
    smith_second_parent: int
    emma: int
    liam: int
    brown_parent: int
    mia: int
    smith_family: int
    brown_family: int


async def _school(
    session: AsyncSession, key: str, tz: str, tg_base: int, open_bookings: bool = True
) -> SchoolIds:
    school = School(key=key, name=f"School {key}", timezone=tz, reminders={})
    session.add(school)
    await session.flush()
    sid = school.id
    admin = Admin(school_id=sid, key="alice", name="Alice Admin", telegram_id=tg_base + 1)
    teacher = Teacher(school_id=sid, key="sam", name="Sam Jones", telegram_id=tg_base + 2)
    other = Teacher(school_id=sid, key="lee", name="Kim Lee", telegram_id=None)
    location = Location(school_id=sid, key="main", name="Main Studio")
    session.add_all([admin, teacher, other, location])
    await session.flush()
    room = Room(school_id=sid, location_id=location.id, key="room-1", name="Room 1")
    term = Term(school_id=sid, key="t1", name="Term 1", start_date=TERM_START, weeks=10)
    session.add_all([room, term])
    await session.flush()

    def lesson(
        key: str, name: str, kind: LessonType, day: int, start: time, minutes: int
    ) -> Lesson:
        return Lesson(
            school_id=sid,
            key=key,
            name=name,
            type=kind,
            term_id=term.id,
            teacher_id=teacher.id,
            location_id=location.id,
            room_id=room.id,
            day=day,
            start_time=start,
            duration_minutes=minutes,
            max_students=8,
        )

    piano = lesson("piano", "Piano Foundations", LessonType.HYBRID, 0, time(16), 60)
    theory = lesson("theory", "Music Theory", LessonType.HYBRID, 1, time(17), 60)
    group = lesson("choir", "Junior Choir", LessonType.GROUP, 2, time(16), 60)
    session.add_all([piano, theory, group])
    await session.flush()
    session.add_all(
        [
            HybridPattern(
                lesson_id=piano.id,
                school_id=sid,
                individual_weeks=[4, 8],
                slot_minutes=30,
                bookings_open=open_bookings,
            ),
            HybridPattern(
                lesson_id=theory.id,
                school_id=sid,
                individual_weeks=[4],
                slot_minutes=30,
                bookings_open=open_bookings,
            ),
        ]
    )
    await session.flush()
    session.add_all(
        [
            AvailabilityWindow(lesson_id=piano.id, day=0, start_time=time(15), end_time=time(19)),
            AvailabilityWindow(
                lesson_id=piano.id, day=2, start_time=time(15, 30), end_time=time(18)
            ),
            AvailabilityWindow(lesson_id=theory.id, day=0, start_time=time(15), end_time=time(17)),
        ]
    )
    smith = Family(school_id=sid, key="smith", name="Smith family")
    brown = Family(school_id=sid, key="brown", name="Brown family")
    session.add_all([smith, brown])
    await session.flush()
    jane = Parent(
        school_id=sid, family_id=smith.id, key="jane", name="Jane Smith", telegram_id=tg_base + 11
    )
    john = Parent(school_id=sid, family_id=smith.id, key="john", name="John Smith")
    bob = Parent(
        school_id=sid, family_id=brown.id, key="bob", name="Bob Brown", telegram_id=tg_base + 12
    )
    emma = Student(school_id=sid, family_id=smith.id, key="emma", name="Emma Smith")
    liam = Student(school_id=sid, family_id=smith.id, key="liam", name="Liam Smith")
    mia = Student(school_id=sid, family_id=brown.id, key="mia", name="Mia Brown")
    session.add_all([jane, john, bob, emma, liam, mia])
    await session.flush()
    for lesson_row, students in ((piano, (emma, liam, mia)), (theory, (emma, mia))):
        for student in students:
            session.add(Enrolment(lesson_id=lesson_row.id, student_id=student.id, school_id=sid))
    await session.flush()
    return SchoolIds(
        school=sid,
        admin=admin.id,
        teacher=teacher.id,
        other_teacher=other.id,
        piano=piano.id,
        theory=theory.id,
        group=group.id,
        smith_parent=jane.id,
        smith_second_parent=john.id,
        emma=emma.id,
        liam=liam.id,
        brown_parent=bob.id,
        mia=mia.id,
        smith_family=smith.id,
        brown_family=brown.id,
    )


async def build_two_schools(
    sessions: async_sessionmaker[AsyncSession],
) -> tuple[SchoolIds, SchoolIds]:
    """School alpha (Sydney, Telegram ids 10xx) and school beta (London, ids 20xx)."""
    async with sessions() as session, session.begin():
        alpha = await _school(session, "alpha", "Australia/Sydney", 1000)
        beta = await _school(session, "beta", "Europe/London", 2000)
    return alpha, beta


async def require_approval(sessions: async_sessionmaker[AsyncSession], lesson: int) -> None:
    """Bookings of the hybrid ``lesson`` wait for the teacher's or an admin's Confirm."""
    async with sessions() as session, session.begin():
        await session.execute(
            update(HybridPattern).where(HybridPattern.lesson_id == lesson).values(approval=True)
        )
