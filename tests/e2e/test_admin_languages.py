"""The admin's chat in the admin's language, through the real bot (issue 15): an admin whose
client reports ``ru`` gets the Russian dashboard, lesson panel, week, booking card and
cancellation; an admin who chose German with /language gets German screens and reminder
reports, while each family is told in its own language; the core's refusals (a stale button, a
forged family) reach the admin in the admin's language.

School alpha is in Sydney: week 4 starts Monday 22 February 2027 (clock: 2027-01-19)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

from sqlalchemy import update

from bot.local_api import BotEvent, LocalBotApi
from core.db.models import Booking, School
from core.services import Services
from core.views import Actor
from tests.support.chat import labels, press_forged, tap
from tests.support.factories import SchoolIds

ADMIN = 1001
ACTOR = Actor.admin("test")


async def book(services: Services, ids: SchoolIds, student: int, at: time) -> int:
    start = await services.booking.slot_at(ids.school, ids.piano, 4, at, day=0)
    booking = await services.booking.create_booking(ids.school, ACTOR, ids.piano, student, 4, start)
    return booking.id


def says(words: str) -> Callable[[BotEvent], bool]:
    def found(event: BotEvent) -> bool:
        return words in ((event.data.get("message") or {}).get("text") or "")

    return found


async def test_an_admin_whose_client_reports_russian_runs_the_school_in_russian(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    emma = await book(services, alpha, alpha.emma, time(15))
    await book(services, alpha, alpha.liam, time(15, 30))
    admin = api.user(ADMIN, language_code="ru")

    dashboard = await admin.send("/admin")
    assert "School alpha · гибридные занятия" in dashboard["text"]
    assert "(пн, 1 февр. – вс, 11 апр. 2027) · скоро" in dashboard["text"]
    assert "• Piano Foundations (piano): открыта, записано 2/6" in dashboard["text"]
    assert "Выберите занятие" in dashboard["text"]
    assert "🟢 Piano Foundations · открыта · 2/6" in labels(admin)
    assert "📤 Выгрузить период (xlsx)" in labels(admin)
    assert "👤 Все преподаватели ▾" in labels(admin)

    panel = await tap(admin, "Piano Foundations")
    assert "Sam Jones · понедельник 16:00" in panel["text"]
    assert "Запись открыта." in panel["text"]
    assert "Учеников: 3 · записано 2/6 (33%) · осталось записать: 4" in panel["text"]
    assert "Неделя 4 (пн, 22 февр.): записано 2/3" in panel["text"]
    assert "Осталось записать: Mia Brown (Brown family)" in panel["text"]
    assert labels(admin)[:3] == ["🔴 Закрыть запись", "Неделя 4: 2/3", "Неделя 8: 0/3"]

    week = await tap(admin, "Неделя 4")
    assert "Piano Foundations · неделя 4 (пн, 22 февр.)\n2 записи\n" in week["text"]
    assert "15:00–15:30 Emma Smith (Smith family) · подтверждена" in week["text"]
    assert "Ещё не записались\n• Mia Brown (Brown family)" in week["text"]
    assert "➕ Записать за семью" in labels(admin)

    card = await tap(admin, "Emma Smith")
    assert f"Запись № {emma} · подтверждена" in card["text"]
    assert "понедельник, 22 февраля 2027, 15:00–15:30" in card["text"]
    assert "Записал(а): test (администратор)" in card["text"]
    assert labels(admin) == ["🔁 Перенести", "✖ Отменить запись", "⬅ Неделя"]

    ask = await tap(admin, "✖ Отменить запись")
    assert "Выберите причину или напишите свою" in ask["text"]
    done = await tap(admin, "Преподаватель не может")
    assert f"Запись № {emma} (Emma Smith," in done["text"] and "отменена." in done["text"]
    assert "Семье сообщено в чате (1 родитель)." in done["text"]
    assert f"Запись № {emma} · отменена" in done["text"]
    assert "Отменил(а): Alice Admin (администратор): Преподаватель не может" in done["text"]
    # the listed reason is kept in English, and the family reads it in its own language
    async with services.sessions() as session:
        cancelled = await session.get(Booking, emma)
    assert cancelled is not None and cancelled.cancel_reason == "Teacher unavailable"
    told = [m for m in api.chat(1011) if m.get("text")][-1]["text"]
    assert "School alpha cancelled Emma Smith's" in told and "Reason: Teacher unavailable" in told

    stats = await admin.send("/stats piano")
    assert "Неделя 4 (пн, 22 февр.): записано 1/3" in stats["text"]
    assert "Учеников: 3 · записано 1/6 (17%)" in stats["text"]


async def test_an_admin_who_chose_german_gets_german_screens_and_reports(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    await book(services, alpha, alpha.emma, time(15))
    admin = api.user(ADMIN)  # the client reports no language
    await admin.send("/language")
    chosen = await admin.press_button("Deutsch")
    assert chosen is not None and "Ab jetzt schreibe ich Ihnen auf Deutsch" in chosen["text"]

    dashboard = await admin.send("/admin")
    assert "School alpha · Hybridkurse" in dashboard["text"]
    assert "• Piano Foundations (piano): offen, 1/6 gebucht" in dashboard["text"]
    assert "📤 Halbjahr exportieren (xlsx)" in labels(admin)
    panel = await tap(admin, "Piano Foundations")
    assert "Sam Jones · Montag 16:00" in panel["text"]
    assert "Buchungen sind offen." in panel["text"]
    assert "Woche 4 (Mo., 22. Feb.): 1/3 gebucht" in panel["text"]
    week = await tap(admin, "Woche 4")
    assert "1 Buchung\n" in week["text"] and "· bestätigt" in week["text"]

    question = await admin.send("/remind piano", until=says("senden?"))
    assert "An Piano Foundations erinnern?" in question["text"]
    assert "2 Familien müssen noch buchen" in question["text"]
    assert labels(admin) == ["Senden", "Nicht senden"]
    report = await admin.press_button("Senden", until=says("Gesendet:"))
    assert report is not None
    assert "Erinnerungen für Piano Foundations" in report["text"]
    assert "2 Nachrichten an 2 Familien, nicht erreichbar: 0" in report["text"]
    assert "Gesendet: 2" in report["text"]
    smith = [m for m in api.chat(1011) if m.get("text")][-1]["text"]
    assert "please book an individual slot" in smith  # the families stay in English


async def test_an_admin_without_a_choice_or_client_language_gets_the_school_language(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    async with services.sessions() as session:
        await session.execute(update(School).where(School.id == alpha.school).values(language="ru"))
        await session.commit()
    dashboard = await api.user(ADMIN, language_code="ja").send("/admin")
    assert "School alpha · гибридные занятия" in dashboard["text"]
    english = await api.user(ADMIN, language_code="en-GB").send("/admin")
    assert "School alpha · hybrid lessons" in english["text"]  # a client language we have


async def test_the_cores_refusals_reach_the_admin_in_the_admins_language(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, beta = schools
    emma = await book(services, alpha, alpha.emma, time(15))
    await services.booking.cancel_booking(alpha.school, ACTOR, emma)
    admin = api.user(ADMIN, language_code="ru")
    await admin.send("/admin")
    said = await press_forged(admin, f"ad:cy:{alpha.school}:{emma}:1")  # a stale "cancel" button
    assert f"Запись № {emma} уже отменена.\nНичего не изменилось." in said
    said = await press_forged(admin, f"ad:inv:{alpha.school}:{beta.smith_family}")
    assert "В этой школе нет такой семьи." in said
    await admin.send("/language")
    await admin.press_button("Deutsch")
    said = await press_forged(admin, f"ad:cy:{alpha.school}:{emma}:1")
    assert f"Buchung Nr. {emma} ist bereits abgesagt.\nNichts wurde geändert." in said
    said = await press_forged(admin, f"ad:inv:{alpha.school}:{beta.smith_family}")
    assert "Diese Familie gibt es in dieser Schule nicht." in said
