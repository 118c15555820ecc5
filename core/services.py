"""The core's services, built once from a session factory and a clock, and passed around."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.attendance import AttendanceService
from core.booking.approval import ApprovalService
from core.booking.catalog import CatalogCache
from core.booking.service import BookingService
from core.calendar.feeds import FeedService
from core.calendar.service import CalendarService
from core.chat_steps import ChatSteps
from core.clock import Clock
from core.db.engine import engine_of
from core.directory import Directory
from core.exports import ExportService
from core.family_view import FamilyViewService
from core.invites import InviteService
from core.languages import Languages
from core.waitlist.service import WaitlistService


@dataclass
class Services:
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    booking: BookingService
    calendar: CalendarService
    feeds: FeedService
    directory: Directory
    invites: InviteService
    family_view: FamilyViewService
    catalogs: CatalogCache
    chat_steps: ChatSteps
    exports: ExportService
    attendance: AttendanceService
    approval: ApprovalService
    waitlist: WaitlistService
    languages: Languages

    @property
    def engine(self) -> AsyncEngine:
        """The engine under the session factory (for the driver gateway's statements)."""
        return engine_of(self.sessions)

    @classmethod
    def build(cls, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> Services:
        catalogs = CatalogCache()  # shared: one lesson cache per process
        booking = BookingService(sessions, clock, catalogs)
        return cls(
            sessions=sessions,
            clock=clock,
            booking=booking,
            family_view=FamilyViewService(sessions, clock, catalogs),
            catalogs=catalogs,
            calendar=CalendarService(sessions, clock),
            feeds=FeedService(sessions, clock, catalogs),
            directory=Directory(sessions),
            invites=InviteService(sessions, clock),
            chat_steps=ChatSteps(sessions, clock),
            exports=ExportService(sessions, clock),
            attendance=AttendanceService(sessions, clock),
            approval=ApprovalService(sessions, clock),
            waitlist=WaitlistService(sessions, clock, booking),
            languages=Languages(sessions),
        )
