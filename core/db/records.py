"""The bot's own records beside the school's data (core.db.models): invite links, the
reminder log, what a chat waits for, calendar feed tokens. Every table but chat_steps
belongs to one school (tenant).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base, tstz


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(tstz())
    expires_at: Mapped[datetime] = mapped_column(tstz())
    used_at: Mapped[datetime | None] = mapped_column(tstz())
    used_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)


class SentReminder(Base):
    """The reminder log: one row per reminder ever sent; its unique key makes sweeps idempotent."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("parents.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(
        String(20)
    )  # CLAIMED, SENT, RETRY, FAILED, BLOCKED, UNKNOWN
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(tstz())
    sent_at: Mapped[datetime | None] = mapped_column(tstz())
    # a claim is a lease: another process takes it over once it has expired (0006)
    lease_until: Mapped[datetime | None] = mapped_column(tstz(), nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("1"))


class ChatStep(Base):
    """What a chat waits for (a typed cancellation reason, say), shared by every bot process:
    a webhook deployment's next update may reach another process, or a restarted one."""

    __tablename__ = "chat_steps"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    step: Mapped[str] = mapped_column(String(64))
    args: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    typed: Mapped[str | None] = mapped_column(Text)  # an answer kept until it is confirmed
    updated_at: Mapped[datetime] = mapped_column(tstz())


class FeedToken(Base):
    """The secret of a calendar feed (``/ical/<token>.ics``): one family's or one teacher's.

    Kept as it is, not hashed: the chat and the CLI show the same URL again whenever asked
    (a calendar app keeps polling the URL it was given), and whoever can read this table
    can read the calendars themselves anyway. At most one live token per family and per
    teacher (partial unique indexes); a revoked token stays as a row and never answers.
    """

    __tablename__ = "feed_tokens"
    __table_args__ = (
        CheckConstraint("(family_id IS NULL) <> (teacher_id IS NULL)", name="one_owner"),
        Index(
            "uq_feed_tokens_live_family",
            "family_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL AND family_id IS NOT NULL"),
        ),
        Index(
            "uq_feed_tokens_live_teacher",
            "teacher_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL AND teacher_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"))
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(tstz())
    revoked_at: Mapped[datetime | None] = mapped_column(tstz())
