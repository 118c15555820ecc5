"""A term moved under its upcoming bookings is refused, like the other guards (issue 11,
item 17): re-importing a file whose start_date moved, or `--term-starts` on such a school."""

from __future__ import annotations

from datetime import date, time

import pytest
import yaml

from core.clock import FixedClock
from core.db import models as m
from core.errors import SchoolFileError
from core.school_file.importer import import_school
from core.school_file.term_shift import shift_terms
from core.services import Services
from core.views import Actor
from tests.support.school_files import (
    DEMO,
    Sessions,
    demo_booking,
    demo_data,
    ids_by_key,
    snapshot,
)

MOVED = (
    "terms[0].start_date: {name} has booking(s) still to come (the first Thu 25 Feb 2027 "
    "17:00); moving its start from 2027-02-01 would leave them on the old dates under new "
    "week numbers; cancel or move them first"
)


async def test_a_term_moved_under_upcoming_bookings_is_refused_and_nothing_written(
    sessions: Sessions, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    booking = await demo_booking(sessions, clock, "piano-hybrid-wed", "ava-nguyen", time(17))
    before = await snapshot(sessions)
    data = demo_data()
    assert str(data["terms"][0]["start_date"]) == "2027-02-01"
    data["terms"][0]["start_date"] = "2027-02-08"
    with pytest.raises(SchoolFileError) as caught:
        await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert caught.value.problems == [MOVED.format(name=data["terms"][0]["name"])]
    assert await snapshot(sessions) == before

    # --term-starts moves the file's terms the same way: refused the same way
    with pytest.raises(SchoolFileError) as caught:
        await import_school(
            sessions, shift_terms(DEMO.read_text(encoding="utf-8"), date(2027, 3, 1)), clock=clock
        )
    assert caught.value.problems[0].startswith("terms[0].start_date:")

    # cutting the term's weeks under a booking is refused too
    data = demo_data()
    data["terms"][0]["weeks"] = 3
    for lesson in data["lessons"]:
        if lesson.get("hybrid"):
            lesson["hybrid"]["individual_weeks"] = [
                w for w in lesson["hybrid"]["individual_weeks"] if w <= 3
            ] or [3]
    with pytest.raises(SchoolFileError) as caught:
        await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert any(p.startswith("terms[0].weeks: ") for p in caught.value.problems)
    assert await snapshot(sessions) == before

    # once the booking is cancelled, the term moves
    services = Services.build(sessions, clock)
    [school_id] = await ids_by_key(sessions, m.School, "music-n-me")
    await services.booking.cancel_booking(school_id, Actor.admin("t"), booking, "term moved")
    data = demo_data()
    data["terms"][0]["start_date"] = "2027-02-08"
    result = await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert result.changed
