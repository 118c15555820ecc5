"""sent_reminders: a claim is a lease; transient failures are retried

A claim used to be forever: a process killed between the claim and the outcome left a
reminder that nobody sent. Now a claim holds a lease (``lease_until``, owned by
``claim_token``) that another process takes over once it expires, and ``attempts`` counts
the claims of a reminder whose send failed for a reason that may pass (5xx, network).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sent_reminders", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("sent_reminders", sa.Column("claim_token", sa.String(length=32), nullable=True))
    op.add_column(
        "sent_reminders",
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )


def downgrade() -> None:
    op.drop_column("sent_reminders", "attempts")
    op.drop_column("sent_reminders", "claim_token")
    op.drop_column("sent_reminders", "lease_until")
