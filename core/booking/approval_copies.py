"""Where each decider's copy of an approval request is (migration 0017).

Every decider of a PENDING booking (the lesson's teacher, each admin) gets a message with
Confirm / Decline. Once one decides, or the family cancels or moves the booking before a
decision, the other copies are edited to say so: that needs each copy's chat and message
id, one row per copy, kept here. A row goes once its copy has been edited (or the booking
is gone: ``ON DELETE CASCADE``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base


class ApprovalCopy(Base):
    """One decider's message asking for a decision on one booking."""

    __tablename__ = "approval_copies"
    __table_args__ = (UniqueConstraint("booking_id", "chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
