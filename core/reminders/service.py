"""The reminders' public face: what the scheduler and the handlers import.

DESIGN.md "Reminders". The parts: :mod:`core.reminders.rules` (pure cadence and what may
be reminded), :mod:`core.reminders.notices` (what a reminder says, as data),
:mod:`core.reminders.due` (who needs which reminder now) and :mod:`core.reminders.log`
(the sent-reminder log: claims with a lease, outcomes, sweep locks).

No Telegram here: the scheduler renders (with a renderer bot/ gives it) and sends what
this package says is due.
"""

from __future__ import annotations

from core.reminders.due import OnDemandTally, due_not_booked, due_sessions, not_booked_now, tally
from core.reminders.log import (
    BLOCKED,
    CLAIMED,
    FAILED,
    LEASE,
    MAX_ATTEMPTS,
    OUTCOMES,
    RETRY,
    SENT,
    STALE_CLAIM,
    SWEEP_LOCKS,
    UNKNOWN,
    SweepReport,
    claim,
    expire_stale_claims,
    log_counts,
    new_token,
    record,
    renew,
    settled,
    sweep_lock,
)
from core.reminders.notices import BookNow, NotBookedNotice, OnDemandPlan, Reminder, SessionNotice
from core.reminders.rules import (
    NOT_BOOKED,
    ON_DEMAND,
    SESSION,
    NothingToBook,
    RemindersClosed,
    bookable_weeks,
    check_remindable,
    in_window,
    opened_token,
    retry_due,
    round_due,
    school_rules,
    session_due,
)

__all__ = [
    "BLOCKED",
    "CLAIMED",
    "FAILED",
    "LEASE",
    "MAX_ATTEMPTS",
    "NOT_BOOKED",
    "ON_DEMAND",
    "OUTCOMES",
    "RETRY",
    "SENT",
    "SESSION",
    "STALE_CLAIM",
    "SWEEP_LOCKS",
    "UNKNOWN",
    "BookNow",
    "NotBookedNotice",
    "NothingToBook",
    "OnDemandPlan",
    "OnDemandTally",
    "Reminder",
    "RemindersClosed",
    "SessionNotice",
    "SweepReport",
    "bookable_weeks",
    "check_remindable",
    "claim",
    "due_not_booked",
    "due_sessions",
    "expire_stale_claims",
    "in_window",
    "log_counts",
    "new_token",
    "not_booked_now",
    "opened_token",
    "record",
    "renew",
    "retry_due",
    "round_due",
    "school_rules",
    "session_due",
    "settled",
    "sweep_lock",
    "tally",
]
