"""feed_tokens: the secrets of the calendar feeds (/ical/<token>.ics)

One live token per family and per teacher (partial unique indexes); a revoked one stays as
a row with ``revoked_at`` set. Three indexes for the feed's ETag statement (one statement
per poll): students by family, bookings by student and by teacher. Bookings need nothing new: they already carry ``sequence``
(raised on every reschedule and cancellation) and ``updated_at``, which is what a feed's
SEQUENCE and ETag are made of.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(family_id IS NULL) <> (teacher_id IS NULL)", name=op.f("ck_feed_tokens_one_owner")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_feed_tokens_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["families.id"],
            name=op.f("fk_feed_tokens_family_id_families"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["teachers.id"],
            name=op.f("fk_feed_tokens_teacher_id_teachers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_tokens")),
        sa.UniqueConstraint("token", name=op.f("uq_feed_tokens_token")),
    )
    op.create_index(
        "uq_feed_tokens_live_family",
        "feed_tokens",
        ["family_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL AND family_id IS NOT NULL"),
    )
    op.create_index(
        "uq_feed_tokens_live_teacher",
        "feed_tokens",
        ["teacher_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL AND teacher_id IS NOT NULL"),
    )

    op.create_index("ix_students_family_id", "students", ["family_id"])
    op.create_index("ix_bookings_student_id", "bookings", ["student_id"])
    op.create_index("ix_bookings_teacher_id", "bookings", ["teacher_id"])


def downgrade() -> None:
    op.drop_index("ix_bookings_teacher_id", table_name="bookings")
    op.drop_index("ix_bookings_student_id", table_name="bookings")
    op.drop_index("ix_students_family_id", table_name="students")
    op.drop_index("uq_feed_tokens_live_teacher", table_name="feed_tokens")
    op.drop_index("uq_feed_tokens_live_family", table_name="feed_tokens")
    op.drop_table("feed_tokens")
