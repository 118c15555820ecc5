"""The waitlist through the real bot: join a week's list, another family cancels, the first
family waiting is offered the freed slot and takes it.

School alpha (Sydney): piano's week 4 is Monday 22 February 2027. Emma Smith (parent 1011)
holds Monday 15:00; Mia Brown's parent (1012) waits. The offers go out from the bot's own
waitlist sweep (the scheduler's job), with the bot's notifier.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.local_api import LocalBotApi
from bot.reminders import wire_reminders
from core.db.models import BookingStatus
from core.services import Services
from core.views import Actor
from tests.support.chat import confirm, open_booking, pick_week, tap
from tests.support.factories import SchoolIds
from tests.support.scenes import bookings

MON4_1500 = datetime(2027, 2, 22, 15, 0, tzinfo=ZoneInfo("Australia/Sydney")).astimezone(UTC)
JOIN = "🔔 Tell me if a slot frees up"


async def emma_booked(services: Services, alpha: SchoolIds) -> None:
    await services.booking.create_booking(
        alpha.school, Actor.parent(alpha.smith_parent, "Jane Smith"), alpha.piano, alpha.emma, 4,
        MON4_1500,
    )  # fmt: skip


async def test_a_waiting_parent_is_offered_the_cancelled_slot_and_takes_it(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    await emma_booked(services, alpha)
    brown = api.user(1012)
    slots = await pick_week(brown)
    assert "Mon 15:00" not in slots["text"].split("Free slots")[-1].split("\n")[0]
    joined = await tap(brown, JOIN)
    assert "Mia Brown is on the waitlist of Piano Foundations, week 4 (number 1)" in joined["text"]
    listed = await brown.send("/mybookings")
    assert "Waiting for a slot" in listed["text"]
    again = await brown.send("/book")
    assert again is not None
    await tap(brown, "Piano Foundations")
    week = await tap(brown, "Week 4 ·")
    assert "is on the waitlist" in week["text"]  # the week view shows the place on the list

    smith = api.user(1011)
    await open_booking(smith, "Emma · Piano")
    await tap(smith, "Cancel booking")
    await tap(smith, "Illness")
    await confirm(smith, "Yes, cancel it")

    report = await wire_reminders(bot_app).waitlist_sweep()
    assert report is not None and report.sent == 1
    offer = api.chat(1012)[-1]
    assert "A slot has freed up: Piano Foundations" in offer["text"]
    assert "Mia Brown – week 4, Monday 22 February 2027, 15:00–15:30" in offer["text"]
    assert all("A slot has freed up" not in (m.get("text") or "") for m in api.chat(1011))
    await tap(brown, "✅ Book it")
    done = brown.server.message(1012, offer["message_id"])  # the offer, edited in place
    assert "Booked" in done["text"]
    (name, _ics), *_ = brown.documents()
    assert name and name.endswith(".ics")
    mia = [r for r in await bookings(services) if r.student_id == alpha.mia]
    assert [(r.start_at, r.status) for r in mia] == [(MON4_1500, BookingStatus.CONFIRMED)]
    assert mia[0].booked_by.startswith(f"parent:{alpha.brown_parent}")
    listed = await brown.send("/mybookings")
    assert "Waiting for a slot" not in listed["text"]
    again_report = await wire_reminders(bot_app).waitlist_sweep()
    assert again_report is not None and again_report.sent == 0


async def test_an_offer_someone_else_took_first_is_refused_and_the_family_stays_waiting(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    await emma_booked(services, alpha)
    brown = api.user(1012)
    await pick_week(brown)
    await tap(brown, JOIN)
    [emma] = await bookings(services)
    await services.booking.cancel_booking(alpha.school, Actor.admin("alice"), emma.id, "moved")
    await wire_reminders(bot_app).waitlist_sweep()
    await services.booking.create_booking(  # the school books Liam into it meanwhile
        alpha.school, Actor.admin("alice"), alpha.piano, alpha.liam, 4, MON4_1500
    )
    await tap(brown, "✅ Book it")
    lost = brown.keyboard_message
    assert lost is not None
    assert "someone else took that slot just before you" in lost["text"]
    assert "You stay on the waitlist" in lost["text"]
    assert len(await services.waitlist.waiting(alpha.school, alpha.piano, 4)) == 1


async def test_a_parent_leaves_the_list_from_mybookings(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    brown = api.user(1012)
    await pick_week(brown)
    await tap(brown, JOIN)
    left = await open_booking(brown, "Leave waitlist: Mia Brown, week 4")
    assert "no longer on the waitlist" in left["text"]
    assert await services.waitlist.waiting(alpha.school) == []
    forged = await brown.press(f"wl:a:{alpha.school}:999999")
    assert forged is not None
    assert await services.waitlist.waiting(alpha.school) == []
