"""Calendar feeds: a family's or a teacher's calendar at a secret URL, for calendar apps.

A calendar app subscribed to ``/ical/<token>.ics`` polls it every few minutes to hours.
The feed holds the feed's terms (the latest term that has begun, kept until the next one
starts, and every later term): the lessons week by week (one VEVENT per occurrence, in
UTC, like core/calendar/ics.py; a hybrid lesson's individual weeks as placeholders), the
booked sessions with child and teacher, cancelled ones kept as ``STATUS:CANCELLED``, and
the school's events. Its words (summaries, descriptions) are in the owner's language
(core/calendar/feed_reader.py's ``feed_language``: a parent's or the teacher's choice, else
their client's, else the school's), read with the ETag's facts.

UIDs are stable (``booking-<id>``, ``lesson-<id>-w<week>``, ``event-<id>``). SEQUENCE of a
booked session is the booking's own counter (raised by every reschedule and cancel); that
of a lesson or event is the school's catalog version, raised by every import that changes
anything; a change of the owner's language changes the words and the ETag, not SEQUENCE
(the entries, their times and states stay the same). The body is a pure function of the
rows it is made of (DTSTAMP is the last booking change, not the time of the request), so
its ETag can be strong and computed without building it: a hash of the catalog version,
the count, last change and sequence total of the owner's bookings, the feed's date window
and its language, all read by one statement (core/calendar/feed_reader.py). A poll that
carries the ETag back costs that statement and a 304; otherwise one more statement reads
the same facts and the rows, in one snapshot.

Tokens are 256-bit random strings kept as they are (see ``FeedToken``), one live token per
family and per teacher; ``token`` gives the same one again until it is revoked.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.booking.catalog import CatalogCache
from core.calendar.events import CalendarEvent
from core.calendar.feed_reader import (
    FeedUnavailable,
    catalog_of,
    feed_entries,
    feed_language,
    read_content,
    read_stamp,
)
from core.calendar.ics import build_ics
from core.clock import Clock
from core.db.driver import Row
from core.db.engine import unit_of_work
from core.db.models import Family, Teacher
from core.db.records import FeedToken
from core.errors import NotFound
from core.i18n import use_language

__all__ = [
    "FeedFile",
    "FeedNotModified",
    "FeedOwner",
    "FeedService",
    "FeedUnavailable",
    "feed_path",
    "feed_url",
    "feed_window",
]

logger = logging.getLogger(__name__)

# raise when the feed's content changes shape: every ETag changes with it (2: a teacher's
# individual weeks no longer say "book a slot")
FORMAT = 2
REFRESH = timedelta(hours=1)  # the poll interval suggested to calendar apps
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
NO_CHANGE = datetime(2000, 1, 1, tzinfo=UTC)  # DTSTAMP of a feed without any booking yet


@dataclass(frozen=True, slots=True)
class FeedOwner:
    """Whose feed: a family or a teacher of a school (exactly one of the two)."""

    school_id: int
    family_id: int | None = None
    teacher_id: int | None = None

    def __post_init__(self) -> None:
        if (self.family_id is None) == (self.teacher_id is None):
            raise ValueError("a feed belongs to a family or to a teacher")


@dataclass(frozen=True, slots=True)
class FeedFile:
    """The feed's body and its (strong) ETag, unquoted."""

    etag: str
    body: bytes


@dataclass(frozen=True, slots=True)
class FeedNotModified:
    """The caller's copy is current (its ETag matched)."""

    etag: str


def feed_path(token: str) -> str:
    return f"/ical/{token}.ics"


def feed_url(public_url: str, token: str) -> str:
    """The URL to give a calendar app: ``PUBLIC_URL`` + ``/ical/<token>.ics``."""
    return public_url.rstrip("/") + feed_path(token)


def feed_window(terms: Sequence[tuple[date, int]], today: date) -> tuple[date, date] | None:
    """First and last day the feed covers: the latest term that has begun (kept until the
    next one starts) and every later term; None when the school has no term."""
    spans = sorted((start, start + timedelta(days=7 * weeks - 1)) for start, weeks in terms)
    begun = [span for span in spans if span[0] <= today]
    chosen = begun[-1:] + [span for span in spans if span[0] > today]
    if not chosen:
        return None
    return min(s for s, _ in chosen), max(e for _, e in chosen)


class FeedService:
    """Tokens (give, revoke) and the feed of a token, each call one transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        catalogs: CatalogCache,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.catalogs = catalogs
        self.engine: AsyncEngine = sessions.kw["bind"]

    # ------------------------------------------------------------------ tokens

    async def token(self, owner: FeedOwner) -> str:
        """The owner's live token, made on first use: the same URL every time it is asked."""
        async with unit_of_work(self.sessions) as session:
            await self._check_owner(session, owner)
            found = await session.scalar(self._live(owner))
            if found is not None:
                return found
            arbiter = "family_id" if owner.family_id is not None else "teacher_id"
            statement = (
                insert(FeedToken)
                .values(
                    school_id=owner.school_id,
                    family_id=owner.family_id,
                    teacher_id=owner.teacher_id,
                    token=secrets.token_urlsafe(TOKEN_BYTES),
                    created_at=self.clock.now(),
                )
                .on_conflict_do_nothing(
                    index_elements=[arbiter],
                    index_where=text(f"revoked_at IS NULL AND {arbiter} IS NOT NULL"),
                )
                .returning(FeedToken.token)
            )
            made = await session.scalar(statement)
            if made is None:  # made at the same moment by another call: that one stands
                made = await session.scalar(self._live(owner))
                if made is None:
                    raise RuntimeError("feed token neither made nor found")
            await session.commit()
            logger.info("feed token made for %s", owner)
            return made

    async def revoke(self, owner: FeedOwner) -> bool:
        """End the owner's live token (its URL answers 404 from now on); whether there was one."""
        async with unit_of_work(self.sessions) as session:
            await self._check_owner(session, owner)
            result = await session.execute(
                update(FeedToken)
                .where(*self._owner_clause(owner), FeedToken.revoked_at.is_(None))
                .values(revoked_at=self.clock.now())
            )
            await session.commit()
        # AsyncSession.execute is typed Result; an UPDATE gives a CursorResult, with rowcount
        revoked = bool(result.rowcount)  # type: ignore[attr-defined]
        logger.info("feed token of %s revoked: %s", owner, revoked)
        return revoked

    @staticmethod
    def _owner_clause(owner: FeedOwner) -> list[ColumnElement[bool]]:
        if owner.family_id is not None:
            return [FeedToken.school_id == owner.school_id, FeedToken.family_id == owner.family_id]
        return [FeedToken.school_id == owner.school_id, FeedToken.teacher_id == owner.teacher_id]

    def _live(self, owner: FeedOwner) -> Select[str]:
        return select(FeedToken.token).where(
            *self._owner_clause(owner), FeedToken.revoked_at.is_(None)
        )

    @staticmethod
    async def _check_owner(session: AsyncSession, owner: FeedOwner) -> None:
        model: type[Family] | type[Teacher] = Family if owner.family_id is not None else Teacher
        owner_id = owner.family_id if owner.family_id is not None else owner.teacher_id
        found = await session.scalar(
            select(model.id).where(model.id == owner_id, model.school_id == owner.school_id)
        )
        if found is None:
            raise NotFound("No such family." if model is Family else "No such teacher.")

    # ------------------------------------------------------------------ the feed

    async def answer(
        self, token: str, known_etags: Collection[str] = ()
    ) -> FeedFile | FeedNotModified | None:
        """The feed of a token, or that the caller's copy (one of ``known_etags``, unquoted;
        ``*`` for any) is current; None for an unknown or revoked token."""
        if not TOKEN_SHAPE.fullmatch(token):
            return None
        stamp = await read_stamp(self.engine, token)
        if stamp is None:
            return None
        window = self._window(stamp)
        etag = _etag(stamp, window)
        if etag in known_etags or "*" in known_etags:
            return FeedNotModified(etag)
        if window is None:  # no term: a feed without entries
            return FeedFile(etag, self._ics(stamp, window, []))
        content: Row | None = None
        for _ in range(3):  # again only if an import changed the terms in between
            lo, hi = self._bounds(stamp, window)
            content = await read_content(self.engine, token, lo, hi)
            if content is None:
                return None
            latest = self._window(content)
            if latest == window:
                break
            if latest is None:
                return FeedFile(_etag(content, latest), self._ics(content, latest, []))
            window = latest
        if content is None:  # never: each pass above returned or read the content
            raise RuntimeError("feed content not read")
        catalog = await catalog_of(
            self.sessions, self.catalogs, content["school_id"], content["catalog_version"]
        )
        with use_language(feed_language(content)):
            entries = feed_entries(content, catalog, lo, hi)
            body = self._ics(content, window, entries)
        return FeedFile(_etag(content, window), body)

    def _window(self, row: Row) -> tuple[date, date] | None:
        today = self.clock.now().astimezone(ZoneInfo(row["timezone"])).date()
        return feed_window(list(zip(row["term_starts"], row["term_weeks"], strict=True)), today)

    @staticmethod
    def _bounds(row: Row, window: tuple[date, date]) -> tuple[datetime, datetime]:
        """The window's local days as instants: [first midnight, midnight after the last)."""
        tz = ZoneInfo(row["timezone"])
        lo = datetime.combine(window[0], time()).replace(tzinfo=tz)
        hi = datetime.combine(window[1] + timedelta(days=1), time()).replace(tzinfo=tz)
        return lo, hi

    @staticmethod
    def _ics(row: Row, window: tuple[date, date] | None, entries: list[CalendarEvent]) -> bytes:
        """The body: DTSTAMP is the last booking change, so it is a function of the ETag."""
        tz = ZoneInfo(row["timezone"])
        stamp = row["last_change"] or (
            datetime.combine(window[0], time(), tz) if window else NO_CHANGE
        )
        name = f"{row['school_name']} · {row['owner_name']}"
        return build_ics(entries, tz.key, name, now=stamp, refresh=REFRESH)


def _etag(row: Row, window: tuple[date, date] | None) -> str:
    last = row["last_change"].isoformat() if row["last_change"] else "-"
    span = f"{window[0]}/{window[1]}" if window else "-"
    facts = (
        f"{FORMAT}:{row['id']}:{row['catalog_version']}:{row['n']}:{last}:{row['sequences']}:{span}"
        f":{feed_language(row)}"
    )
    return hashlib.sha256(facts.encode()).hexdigest()[:32]
