"""languages: the school's default (schools.language) and each account's (user_languages)

A Telegram account's chosen language (/language) and its client's last reported one are
kept per account, not per role: one person may be a parent in two schools and a teacher in
a third. Both additive: a null language means "not chosen".

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("schools", sa.Column("language", sa.String(length=8), nullable=True))
    op.create_table(
        "user_languages",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chosen", sa.String(length=8), nullable=True),
        sa.Column("client", sa.String(length=16), nullable=True),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("telegram_id", name=op.f("pk_user_languages")),
    )


def downgrade() -> None:
    op.drop_table("user_languages")
    op.drop_column("schools", "language")
