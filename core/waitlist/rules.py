"""The waitlist's rules, pure: how long an offer stands, and what may be offered.

The sweep's statements (core.waitlist.picking) apply :func:`offerable` and
:func:`offer_expiry` in SQL, to every freed slot at once; these are their definition.
"""

from __future__ import annotations

from datetime import datetime, timedelta

WAITLIST = "waitlist_offer"  # the sent-reminder log's kind of an offer message
NOTICE = timedelta(hours=24)  # nobody is offered a slot starting sooner (the 24-hour rule)
OFFER_FOR = timedelta(hours=2)  # default; WAITLIST_OFFER_MINUTES in the settings


def offerable(start_at: datetime, now: datetime) -> bool:
    """A freed slot may be offered while it still starts at least 24 hours from now."""
    return start_at - now >= NOTICE


def offer_expiry(start_at: datetime, now: datetime, offer_for: timedelta) -> datetime:
    """An offer stands ``offer_for``, and never past the moment the slot enters 24 hours."""
    return min(now + offer_for, start_at - NOTICE)


def offer_key(offer_id: int, parent_id: int) -> str:
    """The sent-reminder log's key of one offer's message to one parent: sent once."""
    return f"{WAITLIST}:{offer_id}:{parent_id}"
