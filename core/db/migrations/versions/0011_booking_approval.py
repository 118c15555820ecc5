"""booking approval: a hybrid lesson may ask for the teacher's confirmation of each booking

``hybrid_patterns.approval`` (from the school file's ``hybrid.approval``, default false)
makes a parent's booking PENDING until the lesson's teacher or an admin confirms or declines
it. A booking records who confirmed it and when (``confirmed_by``, ``confirmed_at``: the
plan's confirmedAt), and when it was declined (``declined_at``; who and why stay in
``cancelled_by`` and ``cancel_reason``, as for any cancellation). All additive.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "hybrid_patterns",
        sa.Column("approval", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("bookings", sa.Column("confirmed_at", sa.DateTime(timezone=True)))
    op.add_column("bookings", sa.Column("confirmed_by", sa.String(length=120)))
    op.add_column("bookings", sa.Column("declined_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("bookings", "declined_at")
    op.drop_column("bookings", "confirmed_by")
    op.drop_column("bookings", "confirmed_at")
    op.drop_column("hybrid_patterns", "approval")
