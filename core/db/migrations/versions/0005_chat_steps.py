"""chat_steps: what a chat waits for, shared by every bot process

A typed answer (a cancellation reason) used to be awaited in the process's memory, so it
was lost on a restart, or when a webhook deployment's next update reached another process.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_steps",
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("args", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("typed", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_id", name=op.f("pk_chat_steps")),
    )


def downgrade() -> None:
    op.drop_table("chat_steps")
