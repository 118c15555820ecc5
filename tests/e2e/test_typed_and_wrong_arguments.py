"""Typed words where the bot expects a button, and commands with wrong arguments, through the
real bot: each gets a plain answer that fits the person (their commands, their language) and
changes nothing."""

from __future__ import annotations

from bot.local_api import LocalBotApi
from core.services import Services
from tests.support.chat import labels
from tests.support.scenes import bookings

ADMIN, TEACHER, SMITH, STRANGER = 1001, 1002, 1011, 4242


async def test_typed_text_is_answered_with_the_commands_of_the_persons_roles(
    api: LocalBotApi, bot_app, services: Services
) -> None:
    parent = await api.user(SMITH).send("15:00 please")
    assert "/book to book" in parent["text"]
    admin = await api.user(ADMIN, language_code="ru").send("открой запись на фортепиано")
    assert admin["text"] == (
        "Пожалуйста, пользуйтесь кнопками или командами: /admin — панель, /lessons — занятия, "
        "/help — всё остальное."
    )
    teacher = await api.user(TEACHER, language_code="de").send("wer kommt morgen?")
    assert "/lessons für Ihre Kurse" in teacher["text"] and "/book" not in teacher["text"]
    stranger = await api.user(STRANGER).send("hi, I want to book piano")
    assert "invite link" in stranger["text"] and "/book" not in stranger["text"]
    assert await bookings(services) == []


async def test_an_admin_naming_a_group_lesson_is_told_it_is_one(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    admin = api.user(ADMIN)
    for command in ("/bookings choir", "/open choir", "/stats choir"):
        answer = await admin.send(command)
        assert (
            answer["text"] == "Junior Choir is a group lesson: nobody books individual slots in it."
        )
    typo = await admin.send("/open choirr")  # no such lesson at all: the hybrid ones listed
    assert "There is no lesson choirr for you" in typo["text"] and "piano" in typo["text"]
    russian = await api.user(ADMIN, language_code="ru").send("/close choir")
    assert russian["text"].startswith("Junior Choir — занятие типа «групповое»")
    alpha, _ = schools
    lessons = await services.directory.lessons(alpha.school, hybrid_only=True)
    assert all(lesson.bookings_open for lesson in lessons)  # nothing was opened or closed


async def test_remind_with_a_week_for_a_school_explains_the_arguments(
    api: LocalBotApi, bot_app
) -> None:
    admin = api.user(ADMIN)
    answer = await admin.send("/remind piano 4")
    assert "You are not an admin of a school '4'. Your schools: alpha." in answer["text"]
    assert "/remind LESSON" in answer["text"]
    assert labels(admin) == []  # no question to send, so nothing can be sent
    german = await api.user(ADMIN, language_code="de").send("/remind piano 4")
    assert "Ihre Schulen: alpha." in german["text"]
    assert api.chat(SMITH) == [] and api.chat(1012) == []  # no family was reminded


async def test_a_week_written_in_other_digits_is_read_or_refused_plainly(
    api: LocalBotApi, bot_app
) -> None:
    """ "²" is a digit to Python but no number: refused like any other wrong week; Arabic-Indic
    digits are a number."""
    for person in (ADMIN, TEACHER):
        user = api.user(person)
        answer = await user.send("/bookings piano ²")
        assert answer["text"] == (
            "“²” is not an individual week of Piano Foundations. Its individual weeks: 4, 8."
        )
        answer = await user.send("/bookings piano ٤")
        assert answer["text"].startswith("Piano Foundations · week 4")
