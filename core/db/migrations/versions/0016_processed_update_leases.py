"""processed_updates.lease_until: an update is marked while it is handled, with a lease

The webhook answers Telegram only after the update was handled. While a process handles
it, its row carries ``lease_until`` (renewed as long as the handling lasts); once handled,
``lease_until`` is NULL. A process that dies mid-update leaves a lease that runs out, and
Telegram's resend is then handled by whichever process it reaches. Rows from before this
revision were handled already: NULL.

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "processed_updates",
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("processed_updates", "lease_until")
