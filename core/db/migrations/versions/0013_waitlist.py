"""waitlist: families waiting for a full individual week, freed slots, offers

``waitlist_entries``: a child waits for a slot of one lesson's individual week (at most one
waiting entry per child, lesson and week). ``waitlist_freed_slots`` is an outbox: a trigger
on ``bookings`` writes a row, in the transaction that frees it, whenever an active booking
of a week somebody waits for stops holding its slot (PENDING or CONFIRMED to anything but
the attendance marks: cancelled, a PENDING declined) or moves to another time; the same
trigger takes a child off the list once it has an active booking of that week, however it
was made. ``waitlist_offers``: a freed slot offered to one
waiting family at a time (the sweep in scheduler/waitlist.py; sent once through the
sent-reminder log).

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGER_FUNCTION = """
CREATE FUNCTION waitlist_booking_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- a booking holding its slot (PENDING or CONFIRMED) that stops holding it: cancelled,
  -- declined, any status but the attendance marks; or moved to another time
  IF TG_OP = 'UPDATE' AND OLD.status IN ('PENDING', 'CONFIRMED')
     AND (NEW.status NOT IN ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW')
          OR NEW.start_at <> OLD.start_at
          OR NEW.week <> OLD.week OR NEW.lesson_id <> OLD.lesson_id) THEN
    IF EXISTS (SELECT 1 FROM waitlist_entries e
               WHERE e.lesson_id = OLD.lesson_id AND e.week = OLD.week
                 AND e.left_at IS NULL) THEN
      INSERT INTO waitlist_freed_slots
        (school_id, lesson_id, week, start_at, end_at, booking_id, freed_at)
      VALUES
        (OLD.school_id, OLD.lesson_id, OLD.week, OLD.start_at, OLD.end_at, OLD.id,
         clock_timestamp());
    END IF;
  END IF;
  -- a child with a booking of the week (made any way) leaves that week's list
  IF NEW.status IN ('PENDING', 'CONFIRMED')
     AND (TG_OP = 'INSERT' OR OLD.status NOT IN ('PENDING', 'CONFIRMED')
          OR NEW.week <> OLD.week OR NEW.lesson_id <> OLD.lesson_id) THEN
    UPDATE waitlist_entries SET left_at = clock_timestamp(), left_reason = 'BOOKED'
     WHERE lesson_id = NEW.lesson_id AND week = NEW.week AND student_id = NEW.student_id
       AND left_at IS NULL;
  END IF;
  RETURN NULL;
END
$$;
"""


def _tstz() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "school_id", sa.Integer(), sa.ForeignKey("schools.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "lesson_id", sa.Integer(), sa.ForeignKey("lessons.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column(
            "student_id", sa.Integer(), sa.ForeignKey("students.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "parent_id", sa.Integer(), sa.ForeignKey("parents.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("joined_by", sa.String(120), nullable=False),
        sa.Column("joined_at", _tstz(), nullable=False),
        sa.Column("left_at", _tstz(), nullable=True),
        sa.Column("left_reason", sa.String(20), nullable=True),
    )  # fmt: skip
    op.create_index(
        "uq_waitlist_entries_waiting",
        "waitlist_entries",
        ["lesson_id", "week", "student_id"],
        unique=True,
        postgresql_where=sa.text("left_at IS NULL"),
    )
    op.create_index(
        "ix_waitlist_entries_school_lesson_week",
        "waitlist_entries",
        ["school_id", "lesson_id", "week"],
    )
    op.create_table(
        "waitlist_freed_slots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "school_id", sa.Integer(), sa.ForeignKey("schools.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "lesson_id", sa.Integer(), sa.ForeignKey("lessons.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("start_at", _tstz(), nullable=False),
        sa.Column("end_at", _tstz(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("freed_at", _tstz(), nullable=False),
        sa.Column("closed_at", _tstz(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
    )  # fmt: skip
    op.create_index(
        "ix_waitlist_freed_slots_open",
        "waitlist_freed_slots",
        ["id"],
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_table(
        "waitlist_offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "school_id", sa.Integer(), sa.ForeignKey("schools.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "freed_slot_id", sa.Integer(),
            sa.ForeignKey("waitlist_freed_slots.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column(
            "entry_id", sa.Integer(), sa.ForeignKey("waitlist_entries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("offered_at", _tstz(), nullable=False),
        sa.Column("expires_at", _tstz(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answered_at", _tstz(), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("freed_slot_id", "entry_id", name="uq_waitlist_offers_slot_entry"),
    )  # fmt: skip
    op.create_index(
        "uq_waitlist_offers_open_slot",
        "waitlist_offers",
        ["freed_slot_id"],
        unique=True,
        postgresql_where=sa.text("status = 'OPEN'"),
    )
    op.execute(TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER bookings_waitlist AFTER INSERT OR UPDATE ON bookings "
        "FOR EACH ROW EXECUTE FUNCTION waitlist_booking_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS bookings_waitlist ON bookings")
    op.execute("DROP FUNCTION IF EXISTS waitlist_booking_change()")
    op.drop_table("waitlist_offers")
    op.drop_table("waitlist_freed_slots")
    op.drop_table("waitlist_entries")
