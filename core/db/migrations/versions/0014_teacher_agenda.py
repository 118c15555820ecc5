"""teachers.agenda_off: a teacher who said /agenda off gets no evening agenda

Additive: a boolean with a false default, so every existing teacher keeps getting the
agenda when the school turns it on (``reminders.teacher_agenda`` in the school file).
Imports never touch it (it is the teacher's own choice, not the school file's).

Revision ID: 0014
Revises: 0016
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "teachers",
        sa.Column("agenda_off", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("teachers", "agenda_off")
