"""The set-based offer sweep at scale, on a real PostgreSQL: many freed slots, many families.

Three lessons of one school (Sydney), each with its own teacher and an individual week 4
(Monday 2027-02-22, 09:00-12:00 in 15-minute slots). Bookings of the first slots are made
and cancelled in SQL, so the bookings trigger writes the outbox as in production. The
families joined in an order that is not their ids' order. Round after round (each offer
left to expire), :func:`prepare_offers` must make exactly the offers the rule gives when
the freed slots are taken one at a time in order (the reference below): each slot to the
first family by joining not yet offered it and holding no other offer now. A second sweep
at the same moment makes none, and at the end every family was offered every slot of its
week exactly once and each slot is closed NOBODY.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from core.services import Services
from core.waitlist.offers import prepare_offers

MONDAY_09 = datetime(2027, 2, 21, 22, 0, tzinfo=UTC)  # Monday 22 Feb 09:00 in Sydney
# lesson id -> (freed slots, waiting families, of which one left the list before the sweeps)
LESSONS = {1: (8, 30, True), 2: (5, 3, False), 3: (1, 40, False)}
OFFER_FOR = timedelta(hours=2)

SCHOOL = [
    "INSERT INTO schools (id, key, name, timezone, reminders)"
    " VALUES (1, 'bulk', 'Bulk School', 'Australia/Sydney', '{}')",
    "INSERT INTO locations (id, school_id, key, name) VALUES (1, 1, 'main', 'Main')",
    "INSERT INTO rooms (id, school_id, location_id, key, name) VALUES (1, 1, 1, 'r1', 'Room 1')",
    "INSERT INTO terms (id, school_id, key, name, start_date, weeks)"
    " VALUES (1, 1, 't1', 'Term 1', '2027-02-01', 10)",
]


async def build(engine) -> dict[int, list[int]]:  # type: ignore[no-untyped-def]
    """The school; lesson id -> its waiting entries' ids in order of joining."""
    rng = random.Random(14)
    order: dict[int, list[int]] = {}
    student = 0
    async with engine.begin() as conn:
        for statement in SCHOOL:
            await conn.execute(text(statement))
        for lesson, (slots, families, one_left) in LESSONS.items():
            await conn.execute(
                text(
                    "INSERT INTO teachers (id, school_id, key, name)"
                    " VALUES (:l, 1, 't' || (CAST(:l AS integer))::text, 'Teacher ' || (CAST(:l AS integer))::text)"
                ),
                {"l": lesson},
            )
            await conn.execute(
                text(
                    "INSERT INTO lessons (id, school_id, key, name, type, term_id, teacher_id,"
                    " location_id, room_id, day, start_time, duration_minutes) VALUES (:l, 1,"
                    " 'l' || (CAST(:l AS integer))::text, 'Lesson ' || (CAST(:l AS integer))::text, 'HYBRID', 1, :l, 1, 1, 2, '16:00', 60)"
                ),
                {"l": lesson},
            )
            await conn.execute(
                text(
                    "INSERT INTO hybrid_patterns (lesson_id, school_id, individual_weeks,"
                    " slot_minutes, bookings_open) VALUES (:l, 1, ARRAY[4], 15, true)"
                ),
                {"l": lesson},
            )
            await conn.execute(
                text(
                    "INSERT INTO availability_windows (lesson_id, day, start_time, end_time)"
                    " VALUES (:l, 0, '09:00', '12:00')"
                ),
                {"l": lesson},
            )
            # the children who book and cancel, then those who wait
            ids = list(range(student + 1, student + slots + families + 1))
            student += slots + families
            for s in ids:
                await conn.execute(
                    text(
                        "INSERT INTO families (id, school_id, key, name)"
                        " VALUES (:s, 1, 'f' || (CAST(:s AS integer))::text, 'Family ' || (CAST(:s AS integer))::text)"
                    ),
                    {"s": s},
                )
                await conn.execute(
                    text(
                        "INSERT INTO students (id, school_id, family_id, key, name)"
                        " VALUES (:s, 1, :s, 's' || (CAST(:s AS integer))::text, 'Child ' || (CAST(:s AS integer))::text)"
                    ),
                    {"s": s},
                )
                await conn.execute(
                    text(
                        "INSERT INTO enrolments (lesson_id, student_id, school_id)"
                        " VALUES (:l, :s, 1)"
                    ),
                    {"l": lesson, "s": s},
                )
            bookers, waiters = ids[:slots], ids[slots:]
            for n, s in enumerate(bookers):
                await conn.execute(
                    text(
                        "INSERT INTO bookings (school_id, lesson_id, student_id, teacher_id,"
                        " week, start_at, end_at, status, booked_by, sequence, created_at,"
                        " updated_at) VALUES (1, :l, :s, :l, 4, :start, :end, 'CONFIRMED',"
                        " 'test', 0, :now, :now)"
                    ),
                    {
                        "l": lesson,
                        "s": s,
                        "start": MONDAY_09 + timedelta(minutes=15 * n),
                        "end": MONDAY_09 + timedelta(minutes=15 * (n + 1)),
                        "now": MONDAY_09 - timedelta(days=40),
                    },
                )
            places = list(range(len(waiters)))
            rng.shuffle(places)  # the n-th to join is not the n-th row
            for n, s in zip(places, waiters, strict=True):
                await conn.execute(
                    text(
                        "INSERT INTO waitlist_entries (school_id, lesson_id, week, student_id,"
                        " joined_by, joined_at) VALUES (1, :l, 4, :s, 'test', :at)"
                    ),
                    {"l": lesson, "s": s, "at": MONDAY_09 - timedelta(days=30, minutes=-n)},
                )
            entries = (
                await conn.execute(
                    text(
                        "SELECT id FROM waitlist_entries WHERE lesson_id = :l"
                        " ORDER BY joined_at, id"
                    ),
                    {"l": lesson},
                )
            ).scalars()
            order[lesson] = list(entries)
            if one_left:  # the third to join left the list: never offered anything
                await conn.execute(
                    text("UPDATE waitlist_entries SET left_at = :at, left_reason = 'LEFT'"
                         " WHERE id = :e"),
                    {"e": order[lesson][2], "at": MONDAY_09 - timedelta(days=29)},
                )  # fmt: skip
                del order[lesson][2]
        # the cancellations free the slots: the trigger writes the outbox, in this order
        await conn.execute(
            text("UPDATE bookings SET status = 'CANCELLED' WHERE status = 'CONFIRMED'")
        )
    return order


async def offers(engine) -> list[tuple[int, int, int, str]]:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT f.lesson_id, o.freed_slot_id, o.entry_id, o.status FROM waitlist_offers o"
                " JOIN waitlist_freed_slots f ON f.id = o.freed_slot_id ORDER BY o.id"
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


class Reference:
    """The rule, one freed slot at a time in order (what the per-slot sweep did)."""

    def __init__(self, slots: dict[int, list[int]], order: dict[int, list[int]]) -> None:
        self.slots, self.order = slots, order
        self.offered: set[tuple[int, int]] = set()
        self.open: dict[int, int] = {}  # slot -> entry
        self.closed: set[int] = set()

    def sweep(self) -> set[tuple[int, int]]:
        made: set[tuple[int, int]] = set()
        for lesson, slots in self.slots.items():
            for slot in slots:
                if slot in self.closed or slot in self.open:
                    continue
                candidates = [e for e in self.order[lesson] if (slot, e) not in self.offered]
                if not candidates:
                    self.closed.add(slot)
                    continue
                busy = set(self.open.values())
                entry = next((e for e in candidates if e not in busy), None)
                if entry is not None:
                    self.open[slot] = entry
                    self.offered.add((slot, entry))
                    made.add((slot, entry))
        return made

    def expire(self) -> None:
        self.open.clear()


async def test_every_freed_slot_is_offered_once_and_in_order_at_scale(engine, sessions, clock):
    order = await build(engine)
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT lesson_id, id FROM waitlist_freed_slots ORDER BY id")
        )
        slots: dict[int, list[int]] = {}
        for lesson, slot in rows:
            slots.setdefault(lesson, []).append(slot)
    assert {lesson: len(s) for lesson, s in slots.items()} == {1: 8, 2: 5, 3: 1}
    services = Services.build(sessions, clock)
    reference = Reference(slots, order)
    seen = 0
    rounds = 0
    while True:
        made = await prepare_offers(sessions, services.booking, clock.now(), OFFER_FOR)
        everything = await offers(engine)
        new = {(slot, entry) for _, slot, entry, _ in everything[seen:]}
        seen = len(everything)
        assert made == len(new)
        assert new == reference.sweep(), f"round {rounds}"
        if rounds == 0:  # the first families by joining, slot after slot
            for lesson, lesson_slots in slots.items():
                firsts = order[lesson][: len(lesson_slots)]
                assert sorted(e for s, e in new if s in lesson_slots) == sorted(firsts)
                assert [dict(new).get(s) for s in lesson_slots[: len(firsts)]] == firsts
        # the same moment again: nothing more is offered
        assert await prepare_offers(sessions, services.booking, clock.now(), OFFER_FOR) == 0
        standing = [(slot, entry) for _, slot, entry, status in everything if status == "OPEN"]
        assert len({s for s, _ in standing}) == len(standing)  # one offer per slot
        assert len({e for _, e in standing}) == len(standing)  # one offer per family
        if not new:
            break
        rounds += 1
        assert rounds < 100
        clock.advance(OFFER_FOR + timedelta(minutes=1))
        reference.expire()
    everything = await offers(engine)
    pairs = [(slot, entry) for _, slot, entry, _ in everything]
    assert len(pairs) == len(set(pairs))  # no family offered one slot twice
    expected = {
        (slot, entry) for lesson, ss in slots.items() for slot in ss for entry in order[lesson]
    }
    assert set(pairs) == expected  # every family offered every slot of its week
    async with engine.connect() as conn:
        outcomes = list(
            (await conn.execute(text("SELECT DISTINCT outcome FROM waitlist_freed_slots")))
            .scalars()
        )  # fmt: skip
    assert outcomes == ["NOBODY"]
