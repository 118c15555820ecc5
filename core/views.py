"""What the service returns: plain, immutable values that handlers and the CLI render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.db.models import BookingStatus


class ActorRole(StrEnum):
    PARENT = "parent"
    ADMIN = "admin"
    TEACHER = "teacher"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting. Parents are held to the 24-hour rule and to their own family."""

    role: ActorRole
    label: str  # recorded on bookings: who booked, rescheduled or cancelled
    parent_id: int | None = None
    teacher_id: int | None = None  # a teacher acts only on their own lessons (attendance)

    @classmethod
    def parent(cls, parent_id: int, name: str = "") -> Actor:
        return cls(ActorRole.PARENT, f"parent:{parent_id} {name}".strip(), parent_id)

    @classmethod
    def admin(cls, label: str) -> Actor:
        return cls(ActorRole.ADMIN, f"admin:{label}")

    @classmethod
    def teacher(cls, teacher_id: int, name: str = "") -> Actor:
        return cls(ActorRole.TEACHER, f"teacher:{teacher_id} {name}".strip(), teacher_id=teacher_id)

    @classmethod
    def system(cls, label: str = "cli") -> Actor:
        return cls(ActorRole.SYSTEM, label)

    @property
    def is_parent(self) -> bool:
        return self.role is ActorRole.PARENT

    @property
    def acts_for_school(self) -> bool:
        """Admins and the school's own tools: no 24-hour rule, bookings may be closed."""
        return self.role in (ActorRole.ADMIN, ActorRole.SYSTEM)


@dataclass(frozen=True, slots=True)
class BookingView:
    id: int
    school_id: int
    lesson_id: int
    lesson_key: str
    lesson_name: str
    student_id: int
    student_key: str
    student_name: str
    family_id: int
    family_name: str
    teacher_id: int
    teacher_name: str
    location_name: str | None
    room_name: str | None
    week: int
    start_at: datetime
    end_at: datetime
    status: BookingStatus
    booked_by: str
    updated_by: str | None
    cancelled_by: str | None
    cancel_reason: str | None
    sequence: int
    timezone: str
    confirmed_at: datetime | None = None  # the plan's confirmedAt
    confirmed_by: str | None = None
    declined_at: datetime | None = None  # a PENDING booking the teacher or school declined

    @property
    def awaiting_confirmation(self) -> bool:
        """Booked, and waiting for the teacher's (or the school's) confirmation."""
        return self.status is BookingStatus.PENDING

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.start_at.astimezone(self.tz)

    @property
    def local_end(self) -> datetime:
        return self.end_at.astimezone(self.tz)

    @property
    def active(self) -> bool:
        return self.status is not BookingStatus.CANCELLED

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.location_name, self.room_name) if p) or "—"


@dataclass(frozen=True, slots=True)
class MissingStudent:
    student_id: int
    student_name: str
    family_id: int
    family_name: str
    unreachable: bool = False  # every parent of the family blocked the bot or is not linked


@dataclass(frozen=True, slots=True)
class WeekStats:
    """One individual week: who booked, who did not, and how the booked sessions went.

    ``past`` weeks (every slot has started, so nobody can book any more) keep their
    ``missing`` students as *not booked*, but none of them is still *to book*.
    """

    week: int
    booked: int
    expected: int
    missing: tuple[MissingStudent, ...] = ()  # enrolled students without an active booking
    past: bool = False
    attended: int = 0  # bookings marked COMPLETED
    no_show: int = 0  # bookings marked NO_SHOW

    @property
    def not_booked(self) -> int:
        return len(self.missing)

    @property
    def to_book(self) -> int:
        """Bookings still to be made this week: none once the week is past."""
        return 0 if self.past else len(self.missing)

    @property
    def still_to_book(self) -> tuple[MissingStudent, ...]:
        return () if self.past else self.missing


@dataclass(frozen=True, slots=True)
class LessonStats:
    lesson_id: int
    lesson_key: str
    lesson_name: str
    bookings_open: bool
    enrolled: int
    individual_weeks: tuple[int, ...]
    expected: int  # students x individual weeks
    booked: int  # active bookings (confirmed, pending, completed, no-show)
    completed: int
    pending: int  # bookings still to be made (weeks that can still be booked), "to book"
    pending_status: int  # bookings in the PENDING status
    completion_rate: float  # booked / (booked + pending), 0..1
    weeks: tuple[WeekStats, ...] = field(default=())
    no_show: int = 0  # bookings marked NO_SHOW
    not_booked_past: int = 0  # students who booked nothing in a week that is now past

    @property
    def attended(self) -> int:
        return self.completed

    @property
    def past_weeks(self) -> tuple[int, ...]:
        return tuple(w.week for w in self.weeks if w.past)

    @property
    def missing_families(self) -> list[str]:
        """The families who still have to book (past weeks left out), in order of the weeks."""
        names: list[str] = []
        for week in self.weeks:
            for student in week.still_to_book:
                if student.family_name not in names:
                    names.append(student.family_name)
        return names
