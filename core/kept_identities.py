"""An update's roles, read up front with its language and kept for the update's task.

A bot update reads its account's language and chat step in one statement
(:meth:`core.languages.Languages.for_bot_update`); the same statement returns every role the
account holds (``core.identities.IDENTITY_ROWS``), and :func:`keep` holds them for the rest of
that update's task, so :meth:`core.directory.Directory.identities` (``handlers.context.who``,
asked on nearly every update) answers without a round trip of its own.

What is kept is what the database said when the update began. Roles change only through
ORM units of work (an invite redeemed, a school file imported, an account unlinked): opening
one in the task forgets what it kept (:func:`core.db.engine.unit_of_work` calls
:func:`forget`), so a handler that links the account and then asks who it is reads afresh.
A task started from the update and still running much later reads afresh too (``KEPT_FOR``).
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.identities import Identity

# seconds the kept roles are trusted: an update's handlers run well within it
KEPT_FOR = 10.0

_kept: ContextVar[tuple[int, tuple[Identity, ...], float] | None] = ContextVar(
    "identities_kept", default=None
)


def keep(telegram_id: int, identities: tuple[Identity, ...]) -> None:
    """The account's roles as just read; this task's :func:`kept` answers from them."""
    _kept.set((telegram_id, identities, time.monotonic()))


def kept(telegram_id: int) -> tuple[Identity, ...] | None:
    """The roles this task kept for the account, or None (read them)."""
    value = _kept.get()
    if value is None or value[0] != telegram_id or time.monotonic() - value[2] >= KEPT_FOR:
        return None
    return value[1]


def forget() -> None:
    """The next :func:`kept` of this task answers None."""
    if _kept.get() is not None:
        _kept.set(None)
