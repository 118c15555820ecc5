"""What a new parent, admin and teacher meet in the chat (issue 11): /cancel stops a flow,
a typed reason is taken without pressing "Other", each role gets an answer that fits it."""

from __future__ import annotations

import logging
from datetime import time

from sqlalchemy import update

from bot.local_api import LocalBotApi
from core.db.models import BookingStatus, Parent
from core.services import Services
from tests.support.chat import labels, pick_week, tap
from tests.support.factories import SchoolIds
from tests.support.scenes import bob_opens_mias_booking, book_for, bookings, is_open

ALPHA_ADMIN, ALPHA_TEACHER = 1001, 1002


async def test_cancel_during_book_stops_the_flow_and_its_old_buttons(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    user = api.user(1012)
    await pick_week(user)
    screen = user.keyboard_message["message_id"]
    stopped = await user.send("/cancel")
    assert "stopped" in stopped["text"].lower() and "nothing to stop" not in stopped["text"]
    refused = await tap(user, "Mon 15:00", message_id=screen)
    assert "out of date" in refused["text"]
    assert await bookings(services) == []
    again = await user.send("/book")  # a new flow after /cancel works as before
    assert "Which lesson" in again["text"]
    weeks = await tap(user, "Piano Foundations")
    assert "Week 4" in " ".join(labels(user)) and "out of date" not in weeks["text"]


async def test_a_typed_reason_is_taken_without_pressing_other(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    _, user = await bob_opens_mias_booking(api, services, alpha)
    prompt = await tap(user, "Cancel booking")
    assert "type your own" in prompt["text"]
    sure = await user.send("Dentist")
    assert "Reason: Dentist" in sure["text"]
    await user.press_button("Yes, cancel it", until=lambda e: e.kind == "send")
    (row,) = await bookings(services)
    assert row.status is BookingStatus.CANCELLED and row.cancel_reason == "Dentist"


async def test_book_from_an_admin_or_a_teacher_fits_their_role(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    admin = await api.user(ALPHA_ADMIN).send("/book")
    assert "invite link" not in admin["text"] and "Book for a family" in admin["text"]
    teacher = await api.user(ALPHA_TEACHER).send("/book")
    assert "invite link" not in teacher["text"] and "/bookings" in teacher["text"]
    looks = await api.user(ALPHA_TEACHER).send("/admin")
    assert "Teachers can look but not change" in looks["text"] and "/lessons" in looks["text"]
    help_text = await api.user(ALPHA_TEACHER).send("/help")
    assert "24 hours" not in help_text["text"] and "You teach here" in help_text["text"]


async def test_bare_lesson_commands_offer_the_lessons_as_buttons(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    admin = api.user(ALPHA_ADMIN)
    asked = await admin.send("/stats")
    assert "Usage" in asked["text"] and "pick a lesson" in asked["text"]
    assert labels(admin) == ["Music Theory", "Piano Foundations"]
    panel = await tap(admin, "Piano Foundations")
    assert "Piano Foundations" in panel["text"] and "Week 4" in " ".join(labels(admin))
    await admin.send("/close")
    await tap(admin, "Piano Foundations")
    assert not await is_open(services, alpha, alpha.piano)
    await admin.send("/open")
    await tap(admin, "Piano Foundations")
    assert await is_open(services, alpha, alpha.piano)


async def test_invite_names_near_matches_and_says_who_is_linked_already(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    admin = api.user(ALPHA_ADMIN)
    typo = await admin.send("/invite smiht")
    assert "no family" in typo["text"] and "Did you mean smith?" in typo["text"]
    await admin.send("/invite smith")
    said = [m["text"] or "" for m in admin.messages]
    assert any("Already linked: Jane Smith" in t for t in said)
    links = [t for t in said if "?start=" in t]
    assert len(links) == 2 and not any("Already linked" in t for t in links)


async def test_a_refused_command_is_logged_without_school_none(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds], caplog
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger="handlers.admin.dashboard")
    await api.user(ALPHA_TEACHER).send("/open piano")
    refused = [r.getMessage() for r in caplog.records if "refused telegram" in r.getMessage()]
    assert refused and all("school None" not in line for line in refused)
    assert "(a command, any school)" in refused[0]


async def test_unreachable_families_are_explained_with_phone_and_an_invite_button(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    async with services.sessions() as session:
        await session.execute(
            update(Parent)
            .where(Parent.telegram_id == 1012)
            .values(telegram_id=None, phone="+61 400 111 222")
        )
        await session.commit()
    admin = api.user(ALPHA_ADMIN)
    week = await admin.send("/bookings piano 4")
    assert "Mia Brown (Brown family) ⚠ unreachable" in week["text"]
    assert "no parent of that family has linked Telegram" in week["text"]
    assert "Brown family: Bob Brown +61 400 111 222" in week["text"]
    assert "Smith family:" not in week["text"]  # Jane is linked
    before = len(admin.messages)
    await admin.press_button("Invite Brown family", until=lambda e: e.kind == "send")
    await admin.send("/help")  # updates are handled in order: the invites are all out
    said = [m["text"] or "" for m in admin.messages[before:]]
    assert any("Bob Brown" in t and "?start=" in t for t in said)

    listed = await admin.send("/invite")  # bare: the families not linked yet
    assert "families not linked yet (1)" in listed["text"]
    assert "Brown family: Bob Brown +61 400 111 222" in listed["text"]
    assert "Invite Brown family" in " ".join(labels(admin))


async def test_an_admin_types_a_cancel_reason_at_the_reason_prompt(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    view = await book_for(services, alpha, alpha.mia, time(15))
    admin = api.user(ALPHA_ADMIN)
    await admin.send("/bookings piano 4")
    await tap(admin, "Mia Brown")
    prompt = await tap(admin, "Cancel booking")
    assert "or type one" in prompt["text"]
    await admin.send("Room flooded")
    cancelled = await services.booking.get_booking(alpha.school, view.id)
    assert cancelled.status is BookingStatus.CANCELLED
    assert cancelled.cancel_reason == "Room flooded"


async def test_an_admins_typed_reason_over_500_characters_is_asked_again_not_cut(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    view = await book_for(services, alpha, alpha.mia, time(15))
    admin = api.user(ALPHA_ADMIN, language_code="de")
    await admin.send("/bookings piano 4")
    await tap(admin, "Mia Brown")
    await tap(admin, "Buchung absagen")
    answer = await admin.send("x" * 501)
    assert answer["text"].startswith("Ein Grund hat höchstens 500 Zeichen.")
    still = await services.booking.get_booking(alpha.school, view.id)
    assert still.status is BookingStatus.CONFIRMED  # nothing cut, nothing cancelled
    await admin.send("Raum überflutet")  # the step still waits for the reason
    cancelled = await services.booking.get_booking(alpha.school, view.id)
    assert cancelled.status is BookingStatus.CANCELLED
    assert cancelled.cancel_reason == "Raum überflutet"
