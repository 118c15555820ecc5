"""Booking approval: a PENDING booking confirmed or declined by the lesson's teacher or the school.

A hybrid lesson with ``approval`` (the school file's ``hybrid.approval: true``) makes each
booking a parent makes PENDING (core.booking.sql decides it in the booking statement; a
booking the school makes is CONFIRMED at once). A PENDING booking holds its slot like a
confirmed one: the database's constraints and every slot check count all bookings that are
not CANCELLED. Confirming sets CONFIRMED with ``confirmed_at``/``confirmed_by``; declining
cancels it (``declined_at``, who and why in ``cancelled_by``/``cancel_reason``), which frees
the slot. Each decision locks the booking's row, so of two presses (or a confirm racing a
decline) exactly one decides and the other is told who did, in plain words.

Who is told (the chat does the telling): :meth:`ApprovalService.approvers` (the lesson's
teacher and the school's admins) and :meth:`ApprovalService.family_chats`. Where each
decider's copy of the request is (:meth:`ApprovalService.record_copies`): once the booking
is decided, cancelled or moved, :meth:`ApprovalService.take_copies` hands them over to be
edited, each once (:meth:`ApprovalService.copies` names those still waiting, taking none).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.approval_copies import ApprovalCopy
from core.booking.queries import booking_query, soonest_first, timezone_of, to_view
from core.clock import Clock
from core.db.engine import unit_of_work
from core.db.models import Admin, Booking, BookingStatus, Lesson, Parent, Teacher
from core.errors import AlreadyDecided, InvalidState, NotAllowed, NotFound
from core.i18n import N_, Later
from core.i18n import gettext as _
from core.views import Actor, ActorRole, BookingView

logger = logging.getLogger(__name__)

MAX_REASON = 500


def may_decide(actor: Actor, lesson_teacher_id: int) -> bool:
    """The school (admins, the CLI, an API key), or the lesson's own teacher."""
    if actor.acts_for_school:
        return True
    return actor.role is ActorRole.TEACHER and actor.teacher_id == lesson_teacher_id


def who_decided(label: str | None) -> str:
    """A recorded actor as a name: 'teacher:4 Sam Jones' -> 'Sam Jones', 'admin:Alice' ->
    'Alice', 'cli' (or nothing) -> 'the school'."""
    role, sep, rest = (label or "").partition(":")
    if not sep:
        return _("the school")
    ident, _space, name = rest.partition(" ")
    if ident.isdigit():
        rest = name
    return rest.strip() or role


def _decider(label: str | None) -> Later:
    """:func:`who_decided` in the language of whoever reads the refusal."""
    return Later(build=lambda: who_decided(label))


@dataclass(frozen=True, slots=True)
class Copy:
    """One decider's message about a booking's approval."""

    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class Recipients:
    """Telegram chats to tell about a booking's approval."""

    chat_ids: tuple[int, ...]
    teacher_chat_id: int | None = None  # the lesson's teacher's, when linked


class ApprovalService:
    """Confirm or decline a PENDING booking; the pending ones; who is told."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    async def _locked(
        self, session: AsyncSession, school_id: int, actor: Actor, booking_id: int
    ) -> Booking:
        booking = (
            await session.scalars(
                booking_query(school_id).where(Booking.id == booking_id).with_for_update(of=Booking)
            )
        ).first()
        if booking is None:
            raise NotFound(N_("No booking #{id} in this school."), id=booking_id)
        if not may_decide(actor, booking.lesson.teacher_id):
            logger.warning(
                "refused: %s deciding booking %s (school %s)", actor.label, booking_id, school_id
            )
            raise NotAllowed(
                N_("Only the lesson's teacher or the school's admins can confirm or decline it.")
            )
        self._check_pending(booking)
        return booking

    @staticmethod
    def _check_pending(booking: Booking) -> None:
        """Refuse, naming who decided, a booking that no longer waits for a decision."""
        who = booking.student.name
        if booking.status is BookingStatus.PENDING:
            return
        if booking.declined_at is not None:
            raise AlreadyDecided(
                N_("{student}'s booking #{id} was already declined by {by}."),
                student=who,
                id=booking.id,
                by=_decider(booking.cancelled_by),
            )
        if booking.status is BookingStatus.CANCELLED:
            raise AlreadyDecided(
                N_("{student}'s booking #{id} was cancelled by {by}; there is nothing to decide."),
                student=who,
                id=booking.id,
                by=_decider(booking.cancelled_by),
            )
        if booking.confirmed_by is not None:
            raise AlreadyDecided(
                N_("{student}'s booking #{id} was already confirmed by {by}."),
                student=who,
                id=booking.id,
                by=_decider(booking.confirmed_by),
            )
        raise AlreadyDecided(
            N_("{student}'s booking #{id} does not wait for a confirmation."),
            student=who,
            id=booking.id,
        )

    async def check_decidable(self, school_id: int, actor: Actor, booking_id: int) -> None:
        """Refuse as :meth:`confirm` would (not theirs, already decided); changes nothing."""
        async with unit_of_work(self.sessions) as session:
            await self._locked(session, school_id, actor, booking_id)

    async def confirm(self, school_id: int, actor: Actor, booking_id: int) -> BookingView:
        """PENDING -> CONFIRMED, with confirmedAt and who confirmed."""
        async with unit_of_work(self.sessions) as session:
            tz_name = await timezone_of(session, school_id)
            booking = await self._locked(session, school_id, actor, booking_id)
            now = self.clock.now()
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_at = now
            booking.confirmed_by = actor.label
            booking.updated_by = actor.label
            booking.updated_at = now
            booking.sequence += 1
            await session.commit()
            logger.info("booking %s confirmed by %s", booking.id, actor.label)
            return to_view(booking, tz_name)

    async def decline(
        self, school_id: int, actor: Actor, booking_id: int, reason: str | None = None
    ) -> BookingView:
        """PENDING -> CANCELLED as declined (with the reason, if any): the slot is free again."""
        text = (reason or "").strip()
        if len(text) > MAX_REASON:
            raise InvalidState(N_("A reason is at most {n} characters."), n=MAX_REASON)
        async with unit_of_work(self.sessions) as session:
            tz_name = await timezone_of(session, school_id)
            booking = await self._locked(session, school_id, actor, booking_id)
            now = self.clock.now()
            booking.status = BookingStatus.CANCELLED
            booking.declined_at = now
            booking.cancelled_at = now
            booking.cancelled_by = actor.label
            booking.cancel_reason = text or None
            booking.updated_by = actor.label
            booking.updated_at = now
            booking.sequence += 1
            await session.commit()
            logger.info("booking %s declined by %s", booking.id, actor.label)
            return to_view(booking, tz_name)

    async def pending(
        self,
        school_id: int,
        *,
        lesson_id: int | None = None,
        teacher_id: int | None = None,
        week: int | None = None,
    ) -> list[BookingView]:
        """Bookings waiting for a decision, soonest first (one lesson, teacher or week)."""
        async with unit_of_work(self.sessions) as session:
            tz_name = await timezone_of(session, school_id)
            query = booking_query(school_id).where(Booking.status == BookingStatus.PENDING)
            if lesson_id is not None:
                query = query.where(Booking.lesson_id == lesson_id)
            if teacher_id is not None:
                query = query.where(Booking.teacher_id == teacher_id)
            if week is not None:
                query = query.where(Booking.week == week)
            return await soonest_first(session, query, tz_name)

    async def approvers(self, school_id: int, lesson_id: int) -> Recipients:
        """The chats that decide: the lesson's teacher and the school's admins (linked ones)."""
        async with unit_of_work(self.sessions) as session:
            teacher = await session.scalar(
                select(Teacher.telegram_id)
                .join(Lesson, Lesson.teacher_id == Teacher.id)
                .where(Lesson.id == lesson_id, Lesson.school_id == school_id)
            )
            admins = await session.scalars(
                select(Admin.telegram_id)
                .where(Admin.school_id == school_id, Admin.telegram_id.is_not(None))
                .order_by(Admin.id)
            )
            ids = [teacher] if teacher is not None else []
            ids += [a for a in admins if a is not None]
            return Recipients(tuple(dict.fromkeys(ids)), teacher)

    async def family_chats(self, school_id: int, booking_id: int) -> Recipients:
        """The chats of the booked student's family: linked parents who have not blocked us."""
        async with unit_of_work(self.sessions) as session:
            booking = (
                await session.scalars(booking_query(school_id).where(Booking.id == booking_id))
            ).first()
            if booking is None:
                return Recipients(())
            found = await session.scalars(
                select(Parent.telegram_id)
                .where(
                    Parent.school_id == school_id,
                    Parent.family_id == booking.student.family_id,
                    Parent.telegram_id.is_not(None),
                    Parent.blocked_at.is_(None),
                )
                .order_by(Parent.id)
            )
            return Recipients(tuple(dict.fromkeys(t for t in found if t is not None)))

    async def record_copies(self, booking_id: int, copies: list[Copy]) -> None:
        """Remember where the deciders' copies of a booking's request are."""
        if not copies:
            return
        now = self.clock.now()
        async with unit_of_work(self.sessions) as session:
            await session.execute(
                insert(ApprovalCopy)
                .values(
                    [
                        {
                            "booking_id": booking_id,
                            "chat_id": c.chat_id,
                            "message_id": c.message_id,
                            "sent_at": now,
                        }
                        for c in copies
                    ]
                )
                .on_conflict_do_nothing()
            )
            await session.commit()

    async def take_copies(self, booking_id: int) -> list[Copy]:
        """The copies of a booking's request not yet settled, forgotten as they are handed
        over: of two processes settling one booking, each copy goes to exactly one."""
        async with unit_of_work(self.sessions) as session:
            taken = await session.execute(
                delete(ApprovalCopy)
                .where(ApprovalCopy.booking_id == booking_id)
                .returning(ApprovalCopy.chat_id, ApprovalCopy.message_id, ApprovalCopy.id)
            )
            rows = sorted(taken.all(), key=lambda row: row[2])
            await session.commit()
            return [Copy(int(chat), int(message)) for chat, message, _id in rows]

    async def copies(self, booking_id: int) -> list[Copy]:
        """The copies of a booking's request not yet settled, in the order sent; nothing is
        taken (what a process that cannot reach the bot names as left unedited)."""
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(
                select(ApprovalCopy.chat_id, ApprovalCopy.message_id)
                .where(ApprovalCopy.booking_id == booking_id)
                .order_by(ApprovalCopy.id)
            )
            return [Copy(int(chat), int(message)) for chat, message in rows.all()]
