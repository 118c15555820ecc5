"""approval_copies: where each decider's copy of an approval request is

One row per message asking a decider (the lesson's teacher, an admin) to confirm or decline
a PENDING booking: once one decides, or the family cancels or moves it first, the other
copies are edited to say so (handlers.approval.chat), and their rows go.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "approval_copies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "booking_id",
            sa.Integer(),
            sa.ForeignKey(
                "bookings.id",
                ondelete="CASCADE",
                name="fk_approval_copies_booking_id_bookings",
            ),
            nullable=False,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "booking_id", "chat_id", "message_id", name="uq_approval_copies_booking_id"
        ),
    )
    op.create_index("ix_approval_copies_booking_id", "approval_copies", ["booking_id"])


def downgrade() -> None:
    op.drop_index("ix_approval_copies_booking_id", table_name="approval_copies")
    op.drop_table("approval_copies")
