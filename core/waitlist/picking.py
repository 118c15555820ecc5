"""The waitlist sweep's statements: every open freed slot moved on in a few set-based passes.

:func:`core.waitlist.offers.prepare_offers` runs them in one transaction, whatever the
number of freed slots and waiting families (a term of 10,000 families sweeps in five
statements, not a few per slot):

1. :data:`CLOSE_EARLY` closes what is decided by the outbox alone: a slot inside the
   24-hour notice (TOO_LATE), a second open row of one slot (DUPLICATE).
2. :data:`OPEN_SLOTS` locks the open slots no offer stands for and gives, for each, what
   the booking rules need from the database: the catalog version, open/closed, whether a
   booking of the teacher overlaps it now, and whether anybody is left to offer it.
   Whether it is still one of the lesson's slots and clear of the teacher's regular
   sessions is asked of the cached catalog (:func:`judge`), as the booking path does.
3. :data:`CLOSE` closes the slots booked again (TAKEN) and those nobody is left for.
4. :data:`PICK` picks, for every slot still to offer, the first family by joining that was
   not offered it and holds no other offer, and inserts the offers, all in one statement.
   Several slots of one week go to successive families (a recursive pass over each week's
   slots in order, carrying the families already picked). An offer is claimed as a
   reminder is in the sent-reminder log (:func:`core.reminders.log.claim`): an
   ``INSERT ... ON CONFLICT DO NOTHING`` whose arbiters are the unique indexes (one OPEN
   offer per slot, one offer per slot and family), so it is made once whoever else tries;
   its ``expires_at`` is its lease: unanswered by then, the slot moves on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.catalog import CatalogCache
from core.booking.rules import find_slot, is_free, time_ok
from core.waitlist import tables as t

CLOSE_EARLY = text("""
WITH closing AS (
    SELECT f.id,
           CASE WHEN f.start_at < CAST(:now AS timestamptz) + interval '24 hours'
                THEN 'TOO_LATE' ELSE 'DUPLICATE' END AS outcome
      FROM waitlist_freed_slots f
     WHERE f.closed_at IS NULL
       AND (f.start_at < CAST(:now AS timestamptz) + interval '24 hours'
            OR EXISTS (SELECT 1 FROM waitlist_freed_slots e
                        WHERE e.closed_at IS NULL AND e.lesson_id = f.lesson_id
                          AND e.start_at = f.start_at AND e.id < f.id))
       FOR UPDATE OF f
), closed AS (
    UPDATE waitlist_freed_slots f SET closed_at = :now, outcome = c.outcome
      FROM closing c WHERE f.id = c.id
    RETURNING f.id
), withdrawn AS (
    UPDATE waitlist_offers o SET status = 'WITHDRAWN', answered_at = :now
      FROM closed c WHERE o.freed_slot_id = c.id AND o.status = 'OPEN'
    RETURNING o.id
)
SELECT (SELECT count(*) FROM closed) AS closed, (SELECT count(*) FROM withdrawn) AS withdrawn
""")

OPEN_SLOTS = text("""
SELECT f.id, f.school_id, f.lesson_id, f.week, f.start_at, f.end_at,
       (SELECT sc.catalog_version FROM schools sc WHERE sc.id = f.school_id) AS version,
       (SELECT hp.bookings_open FROM hybrid_patterns hp WHERE hp.lesson_id = f.lesson_id)
           AS bookings_open,
       EXISTS (SELECT 1 FROM bookings b
                WHERE b.school_id = f.school_id AND b.teacher_id = l.teacher_id
                  AND b.status <> 'CANCELLED'
                  AND b.start_at < f.end_at AND b.end_at > f.start_at) AS booked,
       EXISTS (SELECT 1 FROM waitlist_entries e
                WHERE e.lesson_id = f.lesson_id AND e.week = f.week AND e.left_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM waitlist_offers o
                                   WHERE o.freed_slot_id = f.id AND o.entry_id = e.id))
           AS anyone
  FROM waitlist_freed_slots f
  JOIN lessons l ON l.id = f.lesson_id
 WHERE f.closed_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM waitlist_offers o
                    WHERE o.freed_slot_id = f.id AND o.status = 'OPEN')
 ORDER BY f.id
   FOR UPDATE OF f
""")

CLOSE = text("""
WITH decided AS (
    SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:outcomes AS text[])) AS d(id, outcome)
), closed AS (
    UPDATE waitlist_freed_slots f SET closed_at = :now, outcome = d.outcome
      FROM decided d WHERE f.id = d.id AND f.closed_at IS NULL
    RETURNING f.id, f.outcome
)
UPDATE waitlist_offers o
   SET status = CASE WHEN c.outcome = 'TAKEN' THEN 'LOST' ELSE 'WITHDRAWN' END,
       answered_at = :now
  FROM closed c WHERE o.freed_slot_id = c.id AND o.status = 'OPEN'
""")

PICK = text("""
WITH RECURSIVE slots AS MATERIALIZED (
    SELECT f.id, f.school_id, f.lesson_id, f.week, f.start_at,
           row_number() OVER (PARTITION BY f.lesson_id, f.week ORDER BY f.id) AS n
      FROM waitlist_freed_slots f
     WHERE f.id = ANY (CAST(:ids AS integer[])) AND f.closed_at IS NULL
), pick (lesson_id, week, n, freed_id, entry_id, taken) AS (
    SELECT DISTINCT s.lesson_id, s.week, CAST(0 AS bigint), CAST(NULL AS integer),
           CAST(NULL AS integer), CAST(ARRAY[] AS integer[])
      FROM slots s
    UNION ALL
    SELECT p.lesson_id, p.week, s.n, s.id, c.id,
           CASE WHEN c.id IS NULL THEN p.taken ELSE p.taken || c.id END
      FROM pick p
      JOIN slots s ON s.lesson_id = p.lesson_id AND s.week = p.week AND s.n = p.n + 1
      LEFT JOIN LATERAL (
          SELECT e.id FROM waitlist_entries e
           WHERE e.lesson_id = s.lesson_id AND e.week = s.week AND e.left_at IS NULL
             AND e.id <> ALL (p.taken)
             AND NOT EXISTS (SELECT 1 FROM waitlist_offers o
                              WHERE o.entry_id = e.id AND o.status = 'OPEN')
             AND NOT EXISTS (SELECT 1 FROM waitlist_offers o
                              WHERE o.freed_slot_id = s.id AND o.entry_id = e.id)
           ORDER BY e.joined_at, e.id
           LIMIT 1
      ) c ON true
)
INSERT INTO waitlist_offers (school_id, freed_slot_id, entry_id, offered_at, expires_at, status)
SELECT s.school_id, s.id, p.entry_id, :now,
       LEAST(CAST(:now AS timestamptz) + CAST(:offer_for AS interval),
             s.start_at - interval '24 hours'),
       'OPEN'
  FROM pick p JOIN slots s ON s.id = p.freed_id
 WHERE p.entry_id IS NOT NULL
 ORDER BY s.id
ON CONFLICT DO NOTHING
RETURNING id, freed_slot_id, entry_id
""")


@dataclass(frozen=True, slots=True)
class Verdicts:
    """What :func:`judge` made of the open slots: offer these, close those, leave the rest."""

    offer: list[int]
    close: dict[int, str]  # freed slot id -> outcome
    waiting: int = 0  # bookings closed: offered once they open again, if still in time


async def judge(
    session: AsyncSession, catalogs: CatalogCache, rows: Sequence[Any], now: datetime
) -> Verdicts:
    """The booking rules on each open slot (the rows of :data:`OPEN_SLOTS`).

    Free as :meth:`core.booking.service.BookingService.available_slots` says a parent may
    book it: still one of the lesson's slots of that week, in time, and clear of the
    teacher's bookings (the row's ``booked``) and regular sessions (the catalog, at the
    version read in this transaction). Bookings closed: left as it is. Not free: TAKEN.
    Free, and every waiting family was offered it: NOBODY."""
    offer: list[int] = []
    close: dict[int, str] = {}
    waiting = 0
    by_school: defaultdict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_school[row.school_id].append(row)
    for school_id, school_rows in by_school.items():
        catalog = await catalogs.at_version(session, school_id, school_rows[0].version)
        for row in school_rows:
            lesson = catalog.lesson(row.lesson_id)
            if lesson is None:  # the booking path's NotFound
                close[row.id] = t.NOBODY
                continue
            slot = find_slot(catalog.week_slots(lesson, row.week), row.start_at)
            if slot is not None and not row.bookings_open:
                waiting += 1
                continue
            free = (
                slot is not None
                and not row.booked
                and time_ok(None, slot.start_at, now)
                and is_free(
                    slot, catalog.regular_busy(lesson.teacher_id, slot.start_at, slot.end_at)
                )
            )
            if not free:
                close[row.id] = t.TAKEN  # booked again, or no longer a slot of the lesson
            elif not row.anyone:
                close[row.id] = t.NOBODY
            else:
                offer.append(row.id)
    return Verdicts(offer, close, waiting)
