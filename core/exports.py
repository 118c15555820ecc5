"""Exports for the office: a term's bookings or attendance, one row per booking, as CSV or xlsx.

A term is named by its key in the school file (``2027-t1``); its name (``Term 1 2027``) or
its start date (``2027-02-01``) are accepted too. The rows come from two queries, both scoped
by school: the term, then every booking of its lessons with family, child, lesson and teacher.
Dates and times are the school's local time. CSV is UTF-8 with a byte-order mark, so that
Excel opens names with accents as they are (other readers skip the mark: ``utf-8-sig``).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

import xlsxwriter  # type: ignore[import-untyped]
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.db.engine import unit_of_work
from core.db.models import (
    Booking,
    BookingStatus,
    Family,
    Lesson,
    School,
    Student,
    Teacher,
    Term,
)
from core.errors import NotFound
from core.i18n import N_, Later


class ExportKind(StrEnum):
    BOOKINGS = "bookings"  # every booking of the term, cancelled ones too
    ATTENDANCE = "attendance"  # sessions that have started and were not cancelled


ATTENDANCE_WORDS = {
    BookingStatus.COMPLETED: "present",
    BookingStatus.NO_SHOW: "no-show",
}

# the columns both exports start with: which booking, whose, when
_SESSION_COLUMNS = (
    *("Booking", "Family", "Child", "Lesson", "Teacher"),
    *("Week", "Date", "Day", "Start", "End"),
)
BOOKING_COLUMNS = (
    *_SESSION_COLUMNS,
    "Status",
    "Booked by",
    "Changed by",
    "Cancelled by",
    "Cancel reason",
)
ATTENDANCE_COLUMNS = (*_SESSION_COLUMNS, "Attendance", "Marked by")


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One booking as the office reads it (local date and times, people by name)."""

    booking_id: int
    family: str
    child: str
    lesson: str
    teacher: str
    week: int
    date: date
    start: str  # HH:MM, school local time
    end: str
    status: BookingStatus
    booked_by: str
    changed_by: str
    cancelled_by: str
    cancel_reason: str

    @property
    def attendance(self) -> str:
        return ATTENDANCE_WORDS.get(self.status, "not marked")

    def values(self, kind: ExportKind) -> tuple[object, ...]:
        head = (
            self.booking_id,
            self.family,
            self.child,
            self.lesson,
            self.teacher,
            self.week,
            self.date,
            f"{self.date:%A}",
            self.start,
            self.end,
        )
        if kind is ExportKind.ATTENDANCE:
            marked_by = self.changed_by if self.status in ATTENDANCE_WORDS else ""
            return (*head, self.attendance, marked_by)
        return (
            *head,
            self.status.value.lower().replace("_", "-"),
            self.booked_by,
            self.changed_by,
            self.cancelled_by,
            self.cancel_reason,
        )


@dataclass(frozen=True, slots=True)
class TermExport:
    school_key: str
    school_name: str
    term_key: str
    term_name: str
    kind: ExportKind
    rows: tuple[ExportRow, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return ATTENDANCE_COLUMNS if self.kind is ExportKind.ATTENDANCE else BOOKING_COLUMNS

    def file_name(self, extension: str) -> str:
        return f"{self.school_key}-{self.term_key}-{self.kind.value}.{extension}"


def person(label: str | None) -> str:
    """A booking's actor label in plain words: 'parent:12 Jane Smith' -> 'Jane Smith (parent)'."""
    if not label:
        return ""
    role, sep, rest = label.partition(":")
    if not sep or role not in ("parent", "admin", "teacher"):
        return label
    if role in ("parent", "teacher"):
        ident, _, name = rest.partition(" ")
        rest = name if ident.isdigit() else rest
    return f"{rest.strip() or role} ({role})"


async def _term(session: AsyncSession, school_id: int, term: str) -> Term:
    """The school's term by key, else by name, else by start date (ISO)."""
    wanted = term.strip()
    match = [Term.key == wanted, Term.name == wanted]
    with contextlib.suppress(ValueError):
        match.append(Term.start_date == date.fromisoformat(wanted))
    found = (
        await session.scalars(
            select(Term).where(Term.school_id == school_id, or_(*match)).order_by(Term.start_date)
        )
    ).all()
    by_key = [t for t in found if t.key == wanted]
    if by_key or len(found) == 1:
        return (by_key or found)[0]
    keys = (
        await session.scalars(
            select(Term.key).where(Term.school_id == school_id).order_by(Term.start_date)
        )
    ).all()
    if found:
        raise NotFound(
            N_("Several terms match '{term}'; name one by its key: {keys}."),
            term=term,
            keys=", ".join(keys),
        )
    known: object = ", ".join(keys) if keys else Later(N_("none"))
    raise NotFound(N_("No term '{term}' in this school (terms: {known})."), term=term, known=known)


class ExportService:
    """Reads a term's bookings for export; one read-only unit of work per call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    async def terms(self, school_id: int) -> list[tuple[int, str, str]]:
        """The school's terms, earliest first: (id, key, name)."""
        async with unit_of_work(self.sessions) as session:
            found = await session.execute(
                select(Term.id, Term.key, Term.name)
                .where(Term.school_id == school_id)
                .order_by(Term.start_date, Term.key)
            )
            return [(int(i), str(k), str(n)) for i, k, n in found.all()]

    async def term_key(self, school_id: int, term_id: int) -> str:
        async with unit_of_work(self.sessions) as session:
            key = await session.scalar(
                select(Term.key).where(Term.school_id == school_id, Term.id == term_id)
            )
            if key is None:
                raise NotFound(N_("No such term in this school."))
            return str(key)

    async def term_export(self, school_id: int, term: str, kind: ExportKind) -> TermExport:
        """Every booking of the term's lessons (attendance: started and not cancelled)."""
        async with unit_of_work(self.sessions) as session:
            school = await session.get(School, school_id)
            if school is None:
                raise NotFound(N_("No such school."))
            found = await _term(session, school_id, term)
            query = (
                select(
                    Booking.id,
                    Family.name,
                    Student.name,
                    Lesson.name,
                    Teacher.name,
                    Booking.week,
                    Booking.start_at,
                    Booking.end_at,
                    Booking.status,
                    Booking.booked_by,
                    Booking.updated_by,
                    Booking.cancelled_by,
                    Booking.cancel_reason,
                )
                .join(Lesson, (Lesson.id == Booking.lesson_id) & (Lesson.school_id == school_id))
                .join(Teacher, Teacher.id == Booking.teacher_id)
                .join(Student, Student.id == Booking.student_id)
                .join(Family, Family.id == Student.family_id)
                .where(Booking.school_id == school_id, Lesson.term_id == found.id)
                .order_by(Booking.start_at, Lesson.name, Student.name, Booking.id)
            )
            if kind is ExportKind.ATTENDANCE:
                query = query.where(
                    Booking.status != BookingStatus.CANCELLED,
                    Booking.start_at <= self.clock.now(),
                )
            result = (await session.execute(query)).all()
            tz = ZoneInfo(school.timezone)
            rows = tuple(_row(r, tz) for r in result)
            return TermExport(school.key, school.name, found.key, found.name, kind, rows)


def _row(r: Sequence[object], tz: ZoneInfo) -> ExportRow:
    (bid, family, child, lesson, teacher, week, start_at, end_at, status, booked, changed,
     cancelled, reason) = r  # fmt: skip
    if not (isinstance(start_at, datetime) and isinstance(end_at, datetime)):
        raise RuntimeError("a booking row without its times")
    start = start_at.astimezone(tz)
    return ExportRow(
        booking_id=int(bid),  # type: ignore[call-overload]
        family=str(family),
        child=str(child),
        lesson=str(lesson),
        teacher=str(teacher),
        week=int(week),  # type: ignore[call-overload]
        date=start.date(),
        start=f"{start:%H:%M}",
        end=f"{end_at.astimezone(tz):%H:%M}",
        status=BookingStatus(str(status)),
        booked_by=person(booked),  # type: ignore[arg-type]
        changed_by=person(changed),  # type: ignore[arg-type]
        cancelled_by=person(cancelled),  # type: ignore[arg-type]
        cancel_reason=str(reason or ""),
    )


def to_csv(export: TermExport) -> bytes:
    """The export as CSV: a header row, then one row per booking; UTF-8 with a BOM."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(export.columns)
    for row in export.rows:
        writer.writerow(
            v.isoformat() if isinstance(v, date) else v for v in row.values(export.kind)
        )
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(export: TermExport) -> bytes:
    """The export as an Excel workbook (XlsxWriter: real date cells, the header frozen).

    Texts stay texts: a family or a reason typed as "=..." or "https://..." is never turned
    into a formula or a link."""
    out = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "default_date_format": "yyyy-mm-dd",
    }
    book = xlsxwriter.Workbook(out, options)
    sheet = book.add_worksheet(export.kind.value.capitalize())
    sheet.freeze_panes(1, 0)
    for column, width in enumerate((9, 22, 22, 26, 20, 6, 11, 11)):
        sheet.set_column(column, column, width)
    sheet.write_row(0, 0, export.columns)
    for number, row in enumerate(export.rows, start=1):
        sheet.write_row(number, 0, row.values(export.kind))
    book.set_properties(
        {"title": f"{export.school_name}: {export.term_name} ({export.kind.value})"}
    )
    book.close()
    return out.getvalue()
