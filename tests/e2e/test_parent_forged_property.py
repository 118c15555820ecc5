"""Property: no forged parent button, whatever its ids, changes another family's or school's data."""

from __future__ import annotations

import asyncio
from datetime import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.db.models import Booking
from core.views import Actor
from tests.support.scenes import book_for

SHAPES = {  # action -> number of integer fields after the school id
    ("bk", "c"): 0,
    ("bk", "l"): 1,
    ("bk", "w"): 2,
    ("bk", "s"): 3,
    ("bk", "d"): 4,
    ("bk", "k"): 4,
    ("bk", "y"): 4,
    ("my", "l"): 0,
    ("my", "v"): 1,
    ("my", "r"): 1,
    ("my", "d"): 2,
    ("my", "t"): 2,
    ("my", "m"): 2,
    ("my", "c"): 1,
    ("my", "q"): 2,
    ("my", "z"): 2,
    ("sc", "b"): 0,
    ("sc", "m"): 0,
}


async def others_bookings(services, mia: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Every booking not of the Brown family (the presser's own), as a comparable snapshot."""
    async with services.sessions() as session:
        rows = await session.execute(
            select(
                Booking.id, Booking.student_id, Booking.status, Booking.start_at,
                Booking.sequence, Booking.cancel_reason,
            ).where(Booking.student_id != mia).order_by(Booking.id)
        )  # fmt: skip
        return [tuple(r) for r in rows]


async def test_forged_buttons_never_touch_other_families_or_schools(
    api, bot_app, services, schools, caplog
) -> None:  # type: ignore[no-untyped-def]
    alpha, beta = schools
    smith = await book_for(services, alpha, alpha.emma, time(15))
    beta_start = await services.booking.slot_at(beta.school, beta.piano, 4, time(15), 0)
    beta_booking = await services.booking.create_booking(
        beta.school, Actor.admin("t"), beta.piano, beta.mia, 4, beta_start
    )
    before = await others_bookings(services, alpha.mia)
    slot_minutes = [int(smith.start_at.timestamp()) // 60 + 30 * k for k in range(-2, 8)]
    ids = st.sampled_from(
        [
            alpha.school, beta.school, alpha.emma, alpha.liam, alpha.mia, beta.emma, beta.mia,
            alpha.piano, alpha.theory, alpha.group, beta.piano, smith.id, beta_booking.id,
            0, 1, 2, 3, 4, 8, -1,
        ]
    )  # fmt: skip
    value = st.one_of(ids, st.integers(-(10**11), 10**11), st.sampled_from(slot_minutes))
    user = api.user(1012)
    await user.send("/mybookings")
    mid = user.keyboard_message["message_id"]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        shape=st.sampled_from(sorted(SHAPES)),
        school=st.sampled_from([alpha.school, beta.school, 999]),
        fields=st.lists(value, min_size=5, max_size=5),
    )
    def forge(shape: tuple[str, str], school: int, fields: list[int]) -> None:
        area, action = shape
        args = ":".join(str(f) for f in [school, *fields[: SHAPES[shape]]])
        examples.append(f"{area}:{action}:{args}")

    examples: list[str] = []
    forge()
    for data in examples:
        answered = len(user.callback_answers)
        await user.press(
            data, message_id=mid, quiet=0.05, until=lambda e: e.kind == "answer_callback"
        )
        assert len(user.callback_answers) == answered + 1, data
    await asyncio.sleep(0.5)  # let the last handlers finish their edits
    assert await others_bookings(services, alpha.mia) == before
    # every forged button got plain words from its handler, none ended in the error handler
    failures = [r for r in caplog.records if r.name == "handlers.common" and r.levelno >= 40]
    assert not failures, [r.getMessage() for r in failures]
