"""Teachers mark attendance from their lesson's week once a session has started."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.models import BookingStatus
from core.services import Services
from core.views import Actor

TEACHER = 1002
BETA_TEACHER = 2002
SHOWN = ("send", "edit_text", "edit_caption")
DURING_LIAM = datetime(2027, 2, 22, 4, 40, tzinfo=UTC)  # Monday 15:40 in Sydney


def data_of(user, label: str) -> str:  # type: ignore[no-untyped-def]
    [found] = [d for row in user.buttons() for text, d in row if text.startswith(label)]
    return str(found)


async def _book(services: Services, ids, student: int, at: time) -> int:  # type: ignore[no-untyped-def]
    start = await services.booking.slot_at(ids.school, ids.piano, 4, at, day=0)
    view = await services.booking.create_booking(
        ids.school, Actor.admin("setup"), ids.piano, student, 4, start
    )
    return view.id


async def test_teacher_marks_a_no_show_then_all_present_for_the_day(
    api: LocalBotApi, bot_app, services: Services, clock: FixedClock, schools
) -> None:
    alpha, _ = schools
    emma = await _book(services, alpha, alpha.emma, time(15, 0))
    liam = await _book(services, alpha, alpha.liam, time(15, 30))
    mia = await _book(services, alpha, alpha.mia, time(17, 0))  # not started at 15:40
    teacher = api.user(TEACHER)
    await teacher.send("/bookings piano 4")
    labels = [text for row in teacher.buttons() for text, _ in row]
    assert not any("All present" in label or "No-show" in label for label in labels)

    clock.set(DURING_LIAM)
    await teacher.send("/bookings piano 4")
    labels = [text for row in teacher.buttons() for text, _ in row]
    assert "✅ 15:00 Emma" in labels and "✅ 15:30 Liam" in labels
    assert not any("Mia" in label for label in labels)  # her session has not started
    no_show = [d for row in teacher.buttons() for t, d in row if t == "🚫 No-show"][0]
    shown = await teacher.press(no_show, until=lambda e: e.kind in SHOWN)
    assert "Marked Emma Smith a no-show." in shown["text"]
    assert "Emma Smith (Smith family) · no-show" in shown["text"]

    shown = await teacher.press(
        data_of(teacher, "✅ All present Mon 22 Feb"), until=lambda e: e.kind in SHOWN
    )
    assert "Marked 1 present on Mon 22 Feb." in shown["text"]
    states = {
        b: (await services.booking.get_booking(alpha.school, b)).status for b in (emma, liam, mia)
    }
    assert states == {
        emma: BookingStatus.NO_SHOW,  # "all present" leaves a marked session alone
        liam: BookingStatus.COMPLETED,
        mia: BookingStatus.CONFIRMED,
    }
    assert (await services.booking.get_booking(alpha.school, liam)).updated_by == (
        f"teacher:{alpha.teacher} Sam Jones"
    )


async def test_a_session_not_started_or_another_teachers_is_refused_in_plain_words(
    api: LocalBotApi, bot_app, services: Services, clock: FixedClock, schools
) -> None:
    alpha, beta = schools
    emma = await _book(services, alpha, alpha.emma, time(15, 0))
    teacher = api.user(TEACHER)
    await teacher.send("/bookings piano 4")
    early = await teacher.press(f"tc:at:{alpha.school}:{emma}:1", until=lambda e: e.kind in SHOWN)
    assert "attendance can be marked once it has started" in early["text"]
    assert "Nothing was changed" in early["text"]
    clock.set(DURING_LIAM)
    other = api.user(BETA_TEACHER)  # teaches in school beta, not alpha
    await other.send("/bookings piano 4")
    refused = await other.press(f"tc:at:{alpha.school}:{emma}:1", until=lambda e: e.kind in SHOWN)
    assert "not one of your lessons" in refused["text"]
    forged = await other.press(
        f"tc:at:{beta.school}:{emma}:1",
        message_id=refused["message_id"],
        until=lambda e: e.kind in SHOWN,
    )
    assert "No booking" in forged["text"]
    assert (await services.booking.get_booking(alpha.school, emma)).status is (
        BookingStatus.CONFIRMED
    )
