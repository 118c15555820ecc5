"""core.booking.slots_cache.WeekStates: what a notice drops, and that a state read while a
notice came in is not kept (the database side: tests/api/test_slots_cache.py)."""

from __future__ import annotations

from core.booking.slots_cache import WeekStates
from core.booking.sql import WeekState

STATE = WeekState(version=3, bookings_open=True, busy=[])


def listening() -> WeekStates:
    async def synced() -> bool:
        return True

    return WeekStates(synced)


async def state_of(states: WeekStates, school: int, teacher: int, lesson: int) -> WeekState | None:
    kept, _ = await states.get(school, teacher, lesson, 4)
    return kept.state if kept is not None else None


async def kept_state(states: WeekStates, school: int, teacher: int, lesson: int) -> None:
    _, ticket = await states.get(school, teacher, lesson, 4)
    assert ticket is not None
    states.keep(ticket, STATE)
    assert await state_of(states, school, teacher, lesson) is STATE


async def test_nothing_kept_is_used_when_not_listening() -> None:
    states = WeekStates()
    _, ticket = await states.get(1, 7, 70, 4)
    assert ticket is not None
    states.keep(ticket, STATE)
    assert await states.get(1, 7, 70, 4) == (None, None)


async def test_a_teachers_notice_drops_that_teachers_weeks_only() -> None:
    states = listening()
    await kept_state(states, 1, 7, 70)
    await kept_state(states, 1, 8, 80)
    await kept_state(states, 2, 7, 90)
    states.heard("1:7")
    assert await state_of(states, 1, 7, 70) is None
    assert await state_of(states, 1, 8, 80) is STATE
    assert await state_of(states, 2, 7, 90) is STATE


async def test_a_school_notice_drops_the_whole_school() -> None:
    states = listening()
    await kept_state(states, 1, 7, 70)
    await kept_state(states, 1, 8, 80)
    await kept_state(states, 2, 7, 90)
    states.heard("1:0")
    assert await state_of(states, 1, 7, 70) is None
    assert await state_of(states, 1, 8, 80) is None
    assert await state_of(states, 2, 7, 90) is STATE


async def test_a_state_read_while_a_notice_came_in_is_not_kept() -> None:
    for notice in ("1:7", "1:0"):
        states = listening()
        _, ticket = await states.get(1, 7, 70, 4)
        assert ticket is not None
        states.heard(notice)  # the read may predate the change the notice tells of
        states.keep(ticket, STATE)
        assert await state_of(states, 1, 7, 70) is None
    states = listening()
    _, ticket = await states.get(1, 7, 70, 4)
    assert ticket is not None
    states.heard("1:8")  # another teacher's change does not matter
    states.keep(ticket, STATE)
    assert await state_of(states, 1, 7, 70) is STATE


async def test_a_reset_or_an_unreadable_notice_forgets_everything() -> None:
    for forget in ("reset", "nonsense"):
        states = listening()
        await kept_state(states, 1, 7, 70)
        _, ticket = await states.get(2, 7, 90, 4)
        assert ticket is not None
        if forget == "reset":
            states.reset()
        else:
            states.heard(forget)
        states.keep(ticket, STATE)
        assert await state_of(states, 1, 7, 70) is None
        assert await state_of(states, 2, 7, 90) is None
