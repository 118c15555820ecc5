"""The school's data as SQLAlchemy tables: every row belongs to one school (tenant).

The bot's own records beside them (invites, the reminder log, chat steps, feed tokens) are in
core.db.records, the waitlist's in core.waitlist.tables; all share ``Base``'s metadata.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, ExcludeConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LessonType(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    GROUP = "GROUP"
    BAND = "BAND"
    HYBRID = "HYBRID"


class BookingStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"
    NO_SHOW = "NO_SHOW"


ACTIVE_STATUSES = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
)


def tstz() -> DateTime:
    """A ``timestamptz`` column's type."""
    return DateTime(timezone=True)


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    # the school file's school.language: the language of users who chose none (core.i18n)
    language: Mapped[str | None] = mapped_column(String(8))
    reminders: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'")
    )
    # bumped by every import that changes lessons, terms, rooms or people: caches check it
    catalog_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(tstz(), server_default=func.now())


class UserLanguage(Base):
    """A Telegram account's language: the one chosen with /language, and the one its client
    last reported (reminders use it for someone who never chose). Keyed by the account, not
    a role: one person may be a parent in two schools and a teacher in a third."""

    __tablename__ = "user_languages"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chosen: Mapped[str | None] = mapped_column(String(8))
    client: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(tstz(), server_default=func.now())


class Admin(Base):
    __tablename__ = "admins"
    __table_args__ = (UniqueConstraint("school_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)


class Teacher(Base):
    __tablename__ = "teachers"
    __table_args__ = (
        UniqueConstraint("school_id", "key"),
        UniqueConstraint("id", "school_id", name="uq_teachers_id_school"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # the teacher's own /agenda off (0014); imports never touch it
    agenda_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class Location(Base):
    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("school_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    rooms: Mapped[list[Room]] = relationship(back_populates="location", order_by="Room.id")


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("location_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[Location] = relationship(back_populates="rooms")


class Term(Base):
    __tablename__ = "terms"
    __table_args__ = (
        UniqueConstraint("school_id", "key"),
        CheckConstraint("weeks BETWEEN 1 AND 15", name="weeks_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)


class Family(Base):
    __tablename__ = "families"
    __table_args__ = (UniqueConstraint("school_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    parents: Mapped[list[Parent]] = relationship(back_populates="family", order_by="Parent.id")
    students: Mapped[list[Student]] = relationship(back_populates="family", order_by="Student.id")


class Parent(Base):
    __tablename__ = "parents"
    __table_args__ = (UniqueConstraint("school_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    # set when Telegram answered 403 (the parent blocked the bot); cleared when they write again
    blocked_at: Mapped[datetime | None] = mapped_column(tstz())
    family: Mapped[Family] = relationship(back_populates="parents")


class Student(Base):
    __tablename__ = "students"
    __table_args__ = (
        UniqueConstraint("school_id", "key"),
        UniqueConstraint("id", "school_id", name="uq_students_id_school"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    family: Mapped[Family] = relationship(back_populates="students")


class Lesson(Base):
    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("school_id", "key"),
        # a booking names its lesson with the lesson's teacher (migration 0004)
        UniqueConstraint("id", "school_id", "teacher_id", name="uq_lessons_id_school_teacher"),
        ForeignKeyConstraint(
            ["teacher_id", "school_id"],
            ["teachers.id", "teachers.school_id"],
            name="fk_lessons_teacher_school",
            ondelete="RESTRICT",
        ),
        CheckConstraint("day BETWEEN 0 AND 6", name="day_range"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[LessonType] = mapped_column(Enum(LessonType, name="lesson_type"))
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(Integer)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    day: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    max_students: Mapped[int | None] = mapped_column(Integer)

    term: Mapped[Term] = relationship()
    teacher: Mapped[Teacher] = relationship()
    location: Mapped[Location | None] = relationship()
    room: Mapped[Room | None] = relationship()
    hybrid: Mapped[HybridPattern | None] = relationship(back_populates="lesson", uselist=False)


class Enrolment(Base):
    __tablename__ = "enrolments"

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))


class HybridPattern(Base):
    __tablename__ = "hybrid_patterns"
    __table_args__ = (CheckConstraint("slot_minutes > 0", name="slot_positive"),)

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    individual_weeks: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    slot_minutes: Mapped[int] = mapped_column(Integer)
    bookings_open: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime | None] = mapped_column(tstz())
    # a parent's booking waits (PENDING) for the teacher's or an admin's confirmation
    approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    lesson: Mapped[Lesson] = relationship(back_populates="hybrid")
    windows: Mapped[list[AvailabilityWindow]] = relationship(
        order_by="AvailabilityWindow.id", cascade="all, delete-orphan"
    )


class AvailabilityWindow(Base):
    __tablename__ = "availability_windows"
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="end_after_start"),
        CheckConstraint("day BETWEEN 0 AND 6", name="day_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("hybrid_patterns.lesson_id", ondelete="CASCADE"), index=True
    )
    day: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        Index(
            "uq_bookings_active_student_week",
            "lesson_id",
            "student_id",
            "week",
            unique=True,
            postgresql_where=text("status <> 'CANCELLED'"),
        ),
        ExcludeConstraint(
            (text("int8range(teacher_id, teacher_id, '[]')"), "="),
            (text("tstzrange(start_at, end_at)"), "&&"),
            name="ex_bookings_teacher_overlap",
            using="gist",
            where=text("status <> 'CANCELLED'"),
        ),
        # lesson and student must be the booking's own school's (migration 0003), and the
        # teacher the lesson's: a lesson's new teacher takes its bookings along (0004)
        ForeignKeyConstraint(
            ["lesson_id", "school_id", "teacher_id"],
            ["lessons.id", "lessons.school_id", "lessons.teacher_id"],
            name="fk_bookings_lesson_teacher",
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        ForeignKeyConstraint(
            ["student_id", "school_id"],
            ["students.id", "students.school_id"],
            name="fk_bookings_student_school",
            ondelete="CASCADE",
        ),
        Index("ix_bookings_school_lesson_week", "school_id", "lesson_id", "week"),
        Index("ix_bookings_start_at", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(Integer)
    lesson_id: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(Integer)
    teacher_id: Mapped[int] = mapped_column(Integer)
    week: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(tstz())
    end_at: Mapped[datetime] = mapped_column(tstz())
    status: Mapped[BookingStatus] = mapped_column(
        Enum(BookingStatus, name="booking_status", native_enum=False, length=16),
        default=BookingStatus.CONFIRMED,
    )
    booked_by: Mapped[str] = mapped_column(String(120))
    updated_by: Mapped[str | None] = mapped_column(String(120))
    cancelled_by: Mapped[str | None] = mapped_column(String(120))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE
    created_at: Mapped[datetime] = mapped_column(tstz())
    updated_at: Mapped[datetime] = mapped_column(tstz())
    cancelled_at: Mapped[datetime | None] = mapped_column(tstz())
    confirmed_at: Mapped[datetime | None] = mapped_column(tstz())  # the plan's confirmedAt
    confirmed_by: Mapped[str | None] = mapped_column(String(120))
    declined_at: Mapped[datetime | None] = mapped_column(tstz())  # a PENDING one declined

    # read-only: bookings are written by id (core/booking_sql.py and the service)
    lesson: Mapped[Lesson] = relationship(viewonly=True)
    student: Mapped[Student] = relationship(viewonly=True)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("school_id", "key"),
        CheckConstraint("end_at > start_at", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    start_at: Mapped[datetime] = mapped_column(tstz())
    end_at: Mapped[datetime] = mapped_column(tstz())
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    location: Mapped[Location | None] = relationship()


# What a feed's ETag statement reads by (migration 0010): a family's students, and the
# bookings of a student or of a teacher, cancelled ones included.
Index("ix_students_family_id", Student.family_id)
Index("ix_bookings_student_id", Booking.student_id)
Index("ix_bookings_teacher_id", Booking.teacher_id)
