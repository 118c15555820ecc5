"""The admin's view of a week's waitlist through the real bot: the week's bookings offer
"⏳ Waitlist (N)" while families wait; the list is in order of joining, says since when and
whether an offer is out and until when; Back returns to the week.

School alpha (Sydney, clock 2027-01-19 09:00 UTC = 20:00 in Sydney): piano's week 4 starts
Monday 22 February 2027. Emma Smith held Monday 15:00 and cancelled it, so the first family
waiting (Mia Brown) has the freed slot offered; Liam Smith waits after her.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.services import Services
from core.views import Actor
from core.waitlist.offers import prepare_offers
from handlers.formatting import slot_label
from tests.support.chat import labels, tap
from tests.support.factories import SchoolIds

ADMIN = 1001
MON4_1500 = datetime(2027, 2, 22, 15, 0, tzinfo=ZoneInfo("Australia/Sydney")).astimezone(UTC)


async def test_the_admin_sees_who_waits_for_a_week_in_order_with_the_offer_out(
    api: LocalBotApi,
    bot_app,
    services: Services,
    clock: FixedClock,
    schools: tuple[SchoolIds, SchoolIds],
) -> None:
    alpha, _ = schools
    jane = Actor.parent(alpha.smith_parent, "Jane Smith")
    bob = Actor.parent(alpha.brown_parent, "Bob Brown")
    emma = await services.booking.create_booking(
        alpha.school, jane, alpha.piano, alpha.emma, 4, MON4_1500
    )
    await services.waitlist.join(alpha.school, bob, alpha.piano, 4, alpha.mia)
    clock.advance(timedelta(minutes=5))  # Liam joins later: second in line
    await services.waitlist.join(alpha.school, jane, alpha.piano, 4, alpha.liam)
    await services.booking.cancel_booking(alpha.school, jane, emma.id, "Illness")
    assert await prepare_offers(services.sessions, services.booking, clock.now()) == 1
    [first, _second] = await services.waitlist.waiting(alpha.school, alpha.piano, 4)
    assert first.offered_until is not None

    admin = api.user(ADMIN)
    quiet = await admin.send("/bookings piano 3")  # nobody waits for week 3: no button
    assert quiet is not None and not any("Waitlist" in label for label in labels(admin))
    week = await admin.send("/bookings piano 4")
    assert week is not None and "⏳ Waitlist (2)" in labels(admin)
    assert labels(admin).index("⏳ Waitlist (2)") == len(labels(admin)) - 2  # above Back
    shown = await tap(admin, "⏳ Waitlist (2)")
    text = shown["text"]
    assert "Waitlist: Piano Foundations, week 4" in text
    mia = next(line for line in text.split("\n") if line.startswith("1. "))
    liam = next(line for line in text.split("\n") if line.startswith("2. "))
    assert "Mia Brown (Brown family)" in mia and "waiting since Tue 19 Jan 20:00" in mia
    until = slot_label(first.offered_until, ZoneInfo("Australia/Sydney"))
    assert f"offered a slot until {until}" in mia
    assert "Liam Smith (Smith family)" in liam and "waiting since Tue 19 Jan 20:05" in liam
    assert "offered" not in liam
    assert "Australia/Sydney time" in text
    back = await tap(admin, "⬅ Week 4")
    assert "week 4" in back["text"].lower() and "⏳ Waitlist (2)" in labels(admin)
