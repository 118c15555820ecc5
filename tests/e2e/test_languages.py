"""The family's language, through the real bot (issue 15): a Russian client is answered in
Russian from /start to the calendar file; /language is remembered and reminders follow it;
an unknown language falls back to the school's; command menus are set per language.

School alpha is in Sydney: week 4 starts Monday 22 February 2027 (clock: 2027-01-19)."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.app import menus_set
from bot.local_api import BotEvent, LocalBotApi
from core.db.models import School, UserLanguage
from core.services import Services
from tests.support.chat import confirm, labels, tap
from tests.support.factories import SchoolIds


def _unfolded(ics: bytes) -> str:
    """The .ics as text with RFC 5545's folded lines joined again."""
    return ics.decode("utf-8").replace("\r\n ", "")


def SENT_REPORT(event: BotEvent) -> bool:  # noqa: N802 (reads as a constant at call sites)
    return "Sent:" in ((event.data.get("message") or {}).get("text") or "")


def QUESTION(event: BotEvent) -> bool:  # noqa: N802
    return "send?" in ((event.data.get("message") or {}).get("text") or "")


async def test_a_russian_client_books_in_russian_from_start_to_the_calendar_file(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    user = api.user(1012, language_code="ru-RU")  # Bob Brown: Mia, two lessons
    start = await user.send("/start")
    assert "С возвращением" in start["text"] and "/mybookings" in start["text"]
    first = await user.send("/book")
    assert "На какое занятие?" in first["text"]
    await tap(user, "Piano Foundations")
    assert "Неделя 4 · 22 февр. · 📝 записаться" in labels(user)
    assert "Неделя 1 · 1 февр. · 👥 группа" in labels(user)
    slots = await tap(user, "Неделя 4 ·")
    assert "Свободное время, неделя 4" in slots["text"]
    assert "пн, 22 февр.: 15:00" in slots["text"] and "Sydney" in slots["text"]
    assert "Выберите время" in slots["text"]
    card = await tap(user, "пн 15:00")
    assert "Проверьте и подтвердите" in card["text"]
    assert "понедельник, 22 февраля 2027" in card["text"]
    assert "Преподаватель: Sam Jones" in card["text"] and "Время: 15:00–15:30" in card["text"]
    await confirm(user, "Подтвердить")
    done = user.server.message(1012, first["message_id"])
    assert "Записано ✅" in done["text"] and "не позднее чем за 24 часа" in done["text"]
    assert labels(user)[:2] == ["Перенести", "Отменить запись"]
    (name, data), *_ = user.documents()
    assert name == "booking-1.ics" or (name or "").endswith(".ics")
    assert data is not None
    ics = _unfolded(data)
    assert "SUMMARY:Piano Foundations: Mia Brown (индивидуально)" in ics
    assert "Преподаватель: Sam Jones" in ics and "Запись № " in ics
    caption = [m for m in api.chat(1012) if m.get("document")][-1].get("caption", "")
    assert "Добавить в календарь" in caption


async def test_a_client_without_a_language_or_in_english_is_answered_in_english(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    for user in (api.user(1012), api.user(1011, language_code="en-GB")):
        answer = await user.send("/book")
        assert "Which" in answer["text"]
    await tap(api.user(1012), "Piano Foundations")
    assert "Week 4 · 22 Feb · 📝 to book" in labels(api.user(1012))


async def test_a_parent_who_chose_german_gets_german_reminders(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    parent = api.user(1011)  # Jane Smith: her client reports no language
    question = await parent.send("/language")
    assert labels(parent) == ["English", "Русский", "Deutsch"]
    assert "language" in question["text"]
    chosen = await parent.press_button("Deutsch")
    assert chosen is not None and "Ab jetzt schreibe ich Ihnen auf Deutsch" in chosen["text"]
    async with services.sessions() as session:
        row = await session.get(UserLanguage, 1011)
    assert row is not None and row.chosen == "de"
    assert "Für welches Kind" in (await parent.send("/book"))["text"]

    admin = api.user(1001)  # the admin's own chat stays English
    await admin.send("/remind piano", until=QUESTION)
    report = await admin.press_button("Send", until=SENT_REPORT)
    assert "Sent: 2" in report["text"]
    smith = api.chat(1011)[-1]
    assert "Bitte buchen Sie einen Einzeltermin" in smith["text"]
    assert "Woche 4 (ab Mo., 22. Feb.)" in smith["text"]
    buttons = [b["text"] for row in smith["reply_markup"]["inline_keyboard"] for b in row]
    assert "Emma Smith buchen – Woche 4" in buttons
    brown = api.chat(1012)[-1]  # never chose, client unknown: the school's (none): English
    assert "please book an individual slot" in brown["text"]


async def test_a_russian_client_who_chose_english_is_answered_in_english(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    user = api.user(1012, language_code="ru")
    await user.send("/language")
    chosen = await user.press_button("English")
    assert chosen is not None and "From now on I speak English with you." in chosen["text"]
    assert "Which lesson?" in (await user.send("/book"))["text"]


async def test_an_unknown_language_falls_back_to_the_school_language(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    async with services.sessions() as session:
        await session.execute(update(School).where(School.id == alpha.school).values(language="ru"))
        await session.commit()
    japanese = await api.user(1012, language_code="ja").send("/book")
    assert "На какое занятие?" in japanese["text"]
    german = await api.user(1011, language_code="de-AT").send("/book")
    assert "Für welches Kind" in german["text"]  # a client language we have comes first
    stranger = await api.user(4242, language_code="ja").send("/start")
    assert "Hello! I book individual lesson slots" in stranger["text"]  # no school: English
    async with services.sessions() as session:
        clients = dict(
            (await session.execute(select(UserLanguage.telegram_id, UserLanguage.client))).all()
        )
    assert clients[1012] == "ja" and clients[4242] == "ja"


async def test_command_menus_are_set_for_each_language(
    api: LocalBotApi, bot_app, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    await menus_set(bot_app)

    def descriptions(commands: list[dict[str, str]] | None) -> dict[str, str]:
        return {c["command"]: c["description"] for c in commands or []}

    default = {"type": "default"}
    assert descriptions(api.commands(default))["start"].startswith("Start")
    assert descriptions(api.commands(default, "en"))["start"].startswith("Start")
    assert descriptions(api.commands(default, "ru"))["language"] == "Выбрать язык общения"
    assert descriptions(api.commands(default, "de"))["help"] == "Was ich kann"
    parent = {"type": "chat", "chat_id": 1012}
    assert descriptions(api.commands(parent))["book"] == "Book an individual lesson slot"
    assert (
        descriptions(api.commands(parent, "ru"))["book"] == "Записаться на индивидуальное занятие"
    )
    assert descriptions(api.commands(parent, "de"))["mybookings"].startswith("Buchungen ansehen")
    admin = descriptions(api.menu_for(1001, "de"))
    assert admin["admin"] == "Übersicht der Hybridkurse"

    user = api.user(1011)  # choosing a language gives every client that language's menu
    await user.send("/language")
    await user.press_button("Русский")
    for code in ("", "en", "de"):
        assert descriptions(api.menu_for(1011, code))["book"].startswith("Записаться")
