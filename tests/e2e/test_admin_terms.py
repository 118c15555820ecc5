"""The dashboard by term and stats that know what day it is, through the real bot.

School alpha gets an earlier term (Autumn 2026, with "Old Piano") and a later one (Term 2,
with "Cello"), and Kim Lee teaches "Violin" in Term 1 beside Sam's piano and theory. The
clock stands at Tuesday 2027-01-19: Term 1 (from Monday 2027-02-01) is the one coming up.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.models import BookingStatus
from core.services import Services
from core.views import Actor
from tests.support.chat import labels
from tests.support.chat import tap_shown as tap
from tests.support.terms import Terms

ADMIN = 1001
TEACHER = 1002  # Sam Jones
SHOWN = ("send", "edit_text", "edit_caption")
AFTER_WEEK4 = datetime(2027, 2, 24, 7, 0, tzinfo=UTC)  # Wed 18:00 in Sydney: every slot started


async def press(user, data: str):  # type: ignore[no-untyped-def]
    """Press forged data on a fresh message; return the message now shown."""
    await user.send("/help")
    return await user.press(
        data, message_id=user.last_message["message_id"], until=lambda e: e.kind in SHOWN
    )


async def test_the_dashboard_shows_the_current_term_and_the_others_one_tap_away(
    api: LocalBotApi, bot_app, schools, terms: Terms
) -> None:
    admin = api.user(ADMIN)
    shown = await admin.send("/admin")
    assert "Term 1 (Mon 1 Feb – Sun 11 Apr 2027) · coming up" in shown["text"]
    assert all(name in shown["text"] for name in ("Piano Foundations", "Music Theory", "Violin"))
    assert "Old Piano" not in shown["text"] and "Cello" not in shown["text"]  # no pile-up
    assert "◀ Autumn 2026" in labels(admin) and "Term 2 ▶" in labels(admin)

    earlier = await tap(admin, "◀ Autumn 2026")
    assert "Autumn 2026" in earlier["text"] and "· over" in earlier["text"]
    assert "Old Piano" in earlier["text"] and "Piano Foundations" not in earlier["text"]
    assert not any(label.startswith("◀") for label in labels(admin))  # the first term

    await tap(admin, "Term 1 ▶")
    later = await tap(admin, "Term 2 ▶")
    assert "Cello" in later["text"] and "Violin" not in later["text"]
    assert not any(label.endswith("▶") for label in labels(admin))  # the last term
    panel = await tap(admin, "Cello")
    assert "Cello" in panel["text"]
    back = await tap(admin, "⬅ All lessons")  # back to the lesson's own term
    assert "Term 2" in back["text"] and "Cello" in back["text"]


async def test_the_admin_filters_a_term_by_teacher(
    api: LocalBotApi, bot_app, schools, terms: Terms
) -> None:
    admin = api.user(ADMIN)
    await admin.send("/admin")
    picker = await tap(admin, "👤 All teachers")
    assert "which teacher in Term 1" in picker["text"]
    assert labels(admin) == ["All teachers", "Kim Lee", "Sam Jones"]
    kims = await tap(admin, "Kim Lee")
    assert "Teacher: Kim Lee" in kims["text"] and "Violin" in kims["text"]
    assert "Piano Foundations" not in kims["text"]
    assert "👤 Kim Lee ▾" in labels(admin)
    later = await tap(admin, "Term 2 ▶")  # the filter travels with the term
    assert "Kim Lee has no hybrid lessons in this term." in later["text"]
    await tap(admin, "👤 Kim Lee")
    everyone = await tap(admin, "All teachers")
    assert "Cello" in everyone["text"] and "Teacher:" not in everyone["text"]


async def test_stale_or_forged_term_and_teacher_buttons_get_a_clear_answer(
    api: LocalBotApi, bot_app, schools, terms: Terms
) -> None:
    alpha, beta = schools
    admin = api.user(ADMIN)
    await admin.send("/admin")
    gone = await press(admin, f"ad:tm:{alpha.school}:{terms.beta_term}:0:0")
    assert "That term is not in this school" in gone["text"]
    assert "Term 1" in gone["text"] and "Piano Foundations" in gone["text"]
    stranger = await press(admin, f"ad:tm:{alpha.school}:{terms.term1}:{beta.teacher}:0")
    assert "That teacher does not teach in this school" in stranger["text"]
    assert "Violin" in stranger["text"] and "Teacher:" not in stranger["text"]
    picker = await press(admin, f"ad:tf:{alpha.school}:{terms.beta_term}")
    assert "That term is not in this school" in picker["text"]
    old_page = await press(admin, f"ad:hp:{alpha.school}:7")  # a page button of an older message
    assert "Term 1" in old_page["text"] and "Music Theory" in old_page["text"]
    await press(admin, f"ad:tm:{beta.school}:{terms.beta_term}:0:0")
    assert "not an admin of that school" in admin.messages[-2]["text"]


async def test_a_teacher_sees_the_stats_of_their_own_lessons_only(
    api: LocalBotApi, bot_app, services: Services, schools, terms: Terms, clock: FixedClock
) -> None:
    alpha, beta = schools
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(15), day=0)
    booked = await services.booking.create_booking(
        alpha.school, Actor.admin("setup"), alpha.piano, alpha.emma, 4, start
    )
    clock.set(AFTER_WEEK4)
    await services.attendance.mark(
        alpha.school, Actor.admin("setup"), booked.id, BookingStatus.COMPLETED
    )
    teacher = api.user(TEACHER)
    picker = await teacher.send("/stats")
    assert "Booking stats of which of your lessons?" in picker["text"]
    assert "Violin" not in labels(teacher)  # Kim's
    assert {"Piano Foundations", "Music Theory"} <= set(labels(teacher))
    panel = await tap(teacher, "Piano Foundations")
    text = panel["text"]
    assert "<b>Week 4</b>" not in text  # HTML is rendered, not shown
    assert "Week 4 (Mon 22 Feb): 1/3 booked · not booked 2 · over · attended 1 · no-show 0" in text
    assert "Not booked: Mia Brown (Brown family), Liam Smith (Smith family)" in text
    assert "still to book: 3" in text
    assert not any("Close bookings" in label or "Remind" in label for label in labels(teacher))
    week = await tap(teacher, "Week 4: 1/3 · over")
    assert "Emma Smith" in week["text"]

    direct = await teacher.send("/stats piano")
    assert "Piano Foundations" in direct["text"] and "Week 8" in direct["text"]
    refused = await teacher.send("/stats violin")
    assert "not one of your lessons" in refused["text"]
    for data in (f"tc:st:{alpha.school}:{terms.violin}", f"tc:st:{beta.school}:{beta.piano}"):
        said = await press(teacher, data)
        assert "not one of your lessons" in said["text"], data


async def test_book_for_a_family_is_not_offered_for_a_past_week(
    api: LocalBotApi, bot_app, services: Services, schools, clock: FixedClock
) -> None:
    alpha, _ = schools
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(15), day=0)
    await services.booking.create_booking(
        alpha.school, Actor.admin("setup"), alpha.piano, alpha.emma, 4, start
    )
    admin = api.user(ADMIN)
    await admin.send("/bookings piano 4")
    assert "➕ Book for a family" in labels(admin)  # before the week is over
    clock.set(AFTER_WEEK4)
    week4 = await admin.send("/bookings piano 4")
    assert "This week is over" in week4["text"] and "Still to book" not in week4["text"]
    assert "Liam Smith" in week4["text"]  # listed as not booked
    assert not any("Book for a family" in label for label in labels(admin))
    stale = await press(admin, f"ad:nb:{alpha.school}:{alpha.piano}:4")
    assert "Week 4 of Piano Foundations is over" in stale["text"]
    assert "Nothing was changed" in stale["text"]
    stale_slot = await press(admin, f"ad:ns:{alpha.school}:{alpha.piano}:4:{alpha.liam}")
    assert "is over" in stale_slot["text"]
    week8 = await admin.send("/bookings piano 8")
    assert "➕ Book for a family" in labels(admin) and "Still to book" in week8["text"]
    panel = await admin.send("/stats piano")
    assert "still to book: 3" in panel["text"]
    assert "Week 4: 1/3 · over" in labels(admin)
