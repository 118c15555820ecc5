"""The waitlist's tables (migration 0013): entries, the freed-slot outbox, offers.

The outbox is written by a trigger on ``bookings`` (see the migration), in the transaction
that frees a slot, whatever path freed it (cancel, reschedule, a declined PENDING booking,
the CLI or the API); the same trigger takes a child off the list once it is booked that week.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base, tstz

# entry left_reason
LEFT_BY_PARENT = "LEFT"
LEFT_BOOKED = "BOOKED"  # set by the trigger

# offer status
OPEN = "OPEN"
ACCEPTED = "ACCEPTED"
DECLINED = "DECLINED"
EXPIRED = "EXPIRED"
LOST = "LOST"  # someone else took the slot first
WITHDRAWN = "WITHDRAWN"  # the family left the list, or the slot is gone

# freed-slot outcome
TAKEN = "TAKEN"  # booked again (by a waiting family or anyone)
TOO_LATE = "TOO_LATE"  # inside the 24-hour notice
NOBODY = "NOBODY"  # every waiting family was offered it
DUPLICATE = "DUPLICATE"  # the same slot is already being offered


class WaitlistEntry(Base):
    __tablename__ = "waitlist_entries"
    __table_args__ = (
        Index(
            "uq_waitlist_entries_waiting",
            "lesson_id",
            "week",
            "student_id",
            unique=True,
            postgresql_where=text("left_at IS NULL"),
        ),
        Index("ix_waitlist_entries_school_lesson_week", "school_id", "lesson_id", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("parents.id", ondelete="SET NULL"))
    joined_by: Mapped[str] = mapped_column(String(120))
    joined_at: Mapped[datetime] = mapped_column(tstz())
    left_at: Mapped[datetime | None] = mapped_column(tstz())
    left_reason: Mapped[str | None] = mapped_column(String(20))


class FreedSlot(Base):
    __tablename__ = "waitlist_freed_slots"
    __table_args__ = (
        Index("ix_waitlist_freed_slots_open", "id", postgresql_where=text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(tstz())
    end_at: Mapped[datetime] = mapped_column(tstz())
    booking_id: Mapped[int | None] = mapped_column(Integer)
    freed_at: Mapped[datetime] = mapped_column(tstz())
    closed_at: Mapped[datetime | None] = mapped_column(tstz())
    outcome: Mapped[str | None] = mapped_column(String(20))


class WaitlistOffer(Base):
    __tablename__ = "waitlist_offers"
    __table_args__ = (
        UniqueConstraint("freed_slot_id", "entry_id", name="uq_waitlist_offers_slot_entry"),
        Index(
            "uq_waitlist_offers_open_slot",
            "freed_slot_id",
            unique=True,
            postgresql_where=text("status = 'OPEN'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    freed_slot_id: Mapped[int] = mapped_column(
        ForeignKey("waitlist_freed_slots.id", ondelete="CASCADE")
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entries.id", ondelete="CASCADE"))
    offered_at: Mapped[datetime] = mapped_column(tstz())
    expires_at: Mapped[datetime] = mapped_column(tstz())
    status: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime | None] = mapped_column(tstz())
    booking_id: Mapped[int | None] = mapped_column(Integer)
