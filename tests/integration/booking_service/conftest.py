"""Fixtures of the booking-service tests: ``world`` (the two test schools and their services)
and ``booked`` (a few of school alpha's bookings made by the admin). See tests.support.bookings
for the school and the times."""

from __future__ import annotations

import pytest

from core.services import Services
from tests.support.bookings import ADMIN, MON4_1500, MON4_1530, MON4_1600, MON8_1500, WED4_1700
from tests.support.factories import build_two_schools


@pytest.fixture
async def world(sessions, clock):
    alpha, beta = await build_two_schools(sessions)
    return Services.build(sessions, clock), alpha, beta


@pytest.fixture
async def booked(world):
    """Emma piano weeks 4 and 8, Liam piano week 4, Emma theory week 4 (cancelled), Mia piano."""
    services, alpha, beta = world
    made = {
        "emma4": (alpha.piano, alpha.emma, 4, MON4_1500),
        "emma8": (alpha.piano, alpha.emma, 8, MON8_1500),
        "liam4": (alpha.piano, alpha.liam, 4, MON4_1600),
        "theory": (alpha.theory, alpha.emma, 4, MON4_1530),
        "mia4": (alpha.piano, alpha.mia, 4, WED4_1700),
    }
    b = services.booking
    ids = {
        name: (await b.create_booking(alpha.school, ADMIN, lesson, student, week, at)).id
        for name, (lesson, student, week, at) in made.items()
    }
    await b.cancel_booking(alpha.school, ADMIN, ids["theory"], "dropped")
    return services, alpha, beta, ids
