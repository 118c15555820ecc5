"""The teacher's side and the calendar in the reader's language, through the real bot (issue
15): a teacher whose client reports ``ru`` gets Russian lessons, bookings, stats and
attendance, a Russian /calendar (caption, buttons, both pictures) and a Russian request to
confirm a booking while the family is answered in English; a family's calendar feed speaks
the family's language (Russian, German), with the same UIDs and SEQUENCE in every language.

School alpha is in Sydney: week 4 starts Monday 22 February 2027 (clock: 2027-01-19)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from icalendar import Calendar
from PIL import Image

from bot.local_api import LocalBotApi, UserClient
from core.calendar.feeds import FeedOwner, feed_path
from core.clock import FixedClock
from core.services import Services
from tests.support.chat import labels, sent
from tests.support.factories import SchoolIds, require_approval
from tests.support.feeds import feed_server
from tests.support.scenes import bob_books_in_chat, book_for

ADMIN, TEACHER, SMITH, BROWN = 1001, 1002, 1011, 1012
SHOWN = ("send", "edit_text", "edit_caption")
DURING_LIAM = datetime(2027, 2, 22, 4, 40, tzinfo=UTC)  # Monday 15:40 in Sydney


@pytest.fixture
async def http(services: Services) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    async with feed_server(services) as client:
        yield client


async def book(services: Services, ids: SchoolIds, student: int, at: time) -> int:
    """The school's booking of ``student``'s piano at ``at`` on Monday of week 4: its id."""
    return (await book_for(services, ids, student, at)).id


def shown(event: Any) -> bool:
    return bool(event.kind in SHOWN)


def picture(user: UserClient, message: dict[str, Any]) -> Image.Image:
    """The photo of a message as the bot uploaded it, decoded."""
    record = user.server.file(message["photo"][-1]["file_id"])
    assert record is not None and record.data
    image = Image.open(io.BytesIO(record.data))
    image.load()
    return image


async def test_a_russian_client_teacher_sees_lessons_bookings_stats_and_attendance_in_russian(
    api: LocalBotApi, bot_app, services: Services, clock: FixedClock, schools
) -> None:
    alpha, _ = schools
    await book(services, alpha, alpha.emma, time(15))
    await book(services, alpha, alpha.liam, time(15, 30))
    mia = await book(services, alpha, alpha.mia, time(17))  # not started at 15:40
    teacher = api.user(TEACHER, language_code="ru")

    lessons = await teacher.send("/lessons")
    assert "Ваши занятия · School alpha" in lessons["text"]
    assert "Piano Foundations (piano) · гибридное · понедельник 16:00" in lessons["text"]
    assert "индивидуальные недели: 4, 8" in lessons["text"]
    overview = await teacher.send("/bookings piano")
    assert "Piano Foundations · записи" in overview["text"]
    assert "Неделя 4 (пн, 22 февр.)" in overview["text"]
    assert "Записей пока нет." in overview["text"]  # week 8
    assert labels(teacher) == ["Неделя 4", "Неделя 8"]
    stats = await teacher.send("/stats piano")
    assert "Учеников: 3 · записано 3/6 (50%) · осталось записать: 3" in stats["text"]
    assert labels(teacher) == ["Неделя 4: 3/3", "Неделя 8: 0/3", "🔄 Обновить"]
    refused = await teacher.send("/bookings violin")
    assert "Доступные ключи занятий: choir, piano, theory" in refused["text"]

    clock.set(DURING_LIAM)
    week = await teacher.send("/bookings piano 4")
    assert "Piano Foundations · неделя 4 (пн, 22 февр.)\n3 записи\n" in week["text"]
    assert "15:00–15:30 Emma Smith (Smith family) · подтверждена" in week["text"]
    assert labels(teacher) == [
        "✅ 15:00 Emma",
        "🚫 Неявка",
        "✅ 15:30 Liam",
        "🚫 Неявка",
        "✅ Все присутствуют пн, 22 февр.",
        "• Неделя 4 •",
        "Неделя 8",
    ]
    no_show = await teacher.press_button("🚫 Неявка", until=shown)
    assert no_show is not None
    assert no_show["text"].startswith("Emma Smith: отмечена неявка.")
    assert "15:00–15:30 Emma Smith (Smith family) · неявка" in no_show["text"]
    present = await teacher.press_button("✅ Все присутствуют", until=shown)
    assert present is not None
    assert present["text"].startswith("пн, 22 февр.: присутствие отмечено у 1 ученика.")
    assert "15:30–16:00 Liam Smith (Smith family) · состоялось" in present["text"]
    early = await teacher.press(
        f"tc:at:{alpha.school}:{mia}:1", message_id=present["message_id"], until=shown
    )
    assert "Mia Brown: занятие начинается пн, 22 февр. 17:00" in early["text"]
    assert early["text"].endswith("Ничего не изменилось.")


async def test_a_russian_client_teachers_calendar_is_russian_and_both_pictures_draw(
    api: LocalBotApi, bot_app, services: Services, schools, http
) -> None:
    alpha, _ = schools
    await book(services, alpha, alpha.emma, time(15))
    teacher = api.user(TEACHER, language_code="ru")
    before = len(teacher.messages)
    await teacher.send("/calendar", until=lambda e: e.kind == "send" and "/ical/" in str(e.data))
    week, offer = [m for m in teacher.messages[before:] if m.get("photo") or "/ical/" in str(m)]
    caption = week["caption"]
    assert caption.startswith("School alpha · Sam Jones\nНеделя с 18 янв. 2027 · Australia/Sydney")
    assert "На этой неделе занятий нет." in caption  # 19 January: before the term
    assert labels(teacher) == [
        "◀ неделя",
        "• Эта неделя •",
        "неделя ▶",
        "📅 Период в .ics",
        "📱 Для телефона",
    ]
    assert picture(teacher, week).size == (week["photo"][-1]["width"], week["photo"][-1]["height"])
    assert offer["text"].startswith("📅 Подпишитесь в приложении календаря")
    assert "Не передавайте ссылку другим" in offer["text"]

    ahead = None
    for _ in range(5):  # to week 4 (22 February), one week at a time
        ahead = await teacher.press_button("неделя ▶", until=lambda e: e.kind == "send")
    assert ahead is not None
    assert "Неделя с 22 февр. 2027" in ahead["caption"]
    assert "пн, 22 февр.: 15:00 Emma Smith" in ahead["caption"]
    assert "Индивидуальное занятие (записано): 1" in ahead["caption"]
    picture(teacher, ahead)
    phone = await teacher.press_button("📱 Для телефона", until=lambda e: e.kind == "send")
    assert phone is not None and phone["caption"] == ahead["caption"]
    assert picture(teacher, phone).width == 720
    assert "🗓 Сетка недели" in labels(teacher)

    # the teacher's own feed speaks the teacher's language too
    token = await services.feeds.token(FeedOwner(alpha.school, teacher_id=alpha.teacher))
    response = await http.get(feed_path(token))
    summaries = {
        str(e["SUMMARY"]) for e in Calendar.from_ical(await response.read()).walk("VEVENT")
    }
    assert "Piano Foundations: Emma Smith (индивидуально)" in summaries
    # the teacher's individual weeks in their words: a teacher books nothing there
    assert "Piano Foundations (индивидуальная неделя)" in summaries
    assert not any("запишитесь" in s for s in summaries)


def feed_events(body: bytes) -> dict[str, Any]:
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


async def test_a_familys_feed_speaks_the_familys_language(
    api: LocalBotApi, bot_app, services: Services, schools, http
) -> None:
    alpha, _ = schools
    emma = await book(services, alpha, alpha.emma, time(15))
    mia = await book(services, alpha, alpha.mia, time(16))
    smith = await services.feeds.token(FeedOwner(alpha.school, family_id=alpha.smith_family))
    brown = await services.feeds.token(FeedOwner(alpha.school, family_id=alpha.brown_family))
    english_response = await http.get(feed_path(smith))
    english = feed_events(await english_response.read())
    assert str(english[f"booking-{emma}@musicbot"]["SUMMARY"]) == (
        "Piano Foundations: Emma Smith (individual)"
    )

    await api.user(SMITH, language_code="ru-RU").send("/start")  # Jane's client: Russian
    response = await http.get(feed_path(smith))
    assert response.status == 200 and response.headers["ETag"] != english_response.headers["ETag"]
    russian = feed_events(await response.read())
    session = russian[f"booking-{emma}@musicbot"]
    assert str(session["SUMMARY"]) == "Piano Foundations: Emma Smith (индивидуально)"
    assert "Преподаватель: Sam Jones" in str(session["DESCRIPTION"])
    assert "Запись № " in str(session["DESCRIPTION"])
    placeholder = russian[f"lesson-{alpha.piano}-w4@musicbot"]
    assert str(placeholder["SUMMARY"]) == (
        "Piano Foundations (индивидуальная неделя: запишитесь на время)"
    )
    assert "Неделя 4, Term 1" in str(placeholder["DESCRIPTION"])
    # the same entries: a language is no change of a booking or a lesson
    assert set(russian) == set(english)
    assert all(russian[uid]["SEQUENCE"] == english[uid]["SEQUENCE"] for uid in english)

    bob = api.user(BROWN)  # Bob's client reports no language: he chooses German
    await bob.send("/language")
    await bob.press_button("Deutsch")
    german = feed_events(await (await http.get(feed_path(brown))).read())
    assert str(german[f"booking-{mia}@musicbot"]["SUMMARY"]) == (
        "Piano Foundations: Mia Brown (Einzeltermin)"
    )
    assert "Lehrkraft: Sam Jones" in str(german[f"booking-{mia}@musicbot"]["DESCRIPTION"])
    assert str(german[f"lesson-{alpha.piano}-w4@musicbot"]["SUMMARY"]) == (
        "Piano Foundations (Einzelwoche: Termin buchen)"
    )
    # one family's language is not the other's
    still = feed_events(await (await http.get(feed_path(smith))).read())
    assert str(still[f"booking-{emma}@musicbot"]["SUMMARY"]).endswith("(индивидуально)")


async def test_a_russian_teacher_is_asked_in_russian_and_the_english_family_told_in_english(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    await require_approval(services.sessions, alpha.piano)
    teacher = api.user(TEACHER, language_code="ru")
    await teacher.send("/start")  # the bot learns the teacher's client language
    await bob_books_in_chat(api)
    bob = api.user(BROWN)
    assert "waiting for the teacher's confirmation" in bob.messages[-2]["text"]
    request = teacher.last_message
    assert request is not None
    assert "🔔 Запись ждёт вашего подтверждения" in request["text"]
    assert "понедельник, 22 февраля 2027, 15:00–15:30" in request["text"]
    assert labels(teacher) == ["✅ Подтвердить", "✖ Отклонить"]
    admin = api.user(ADMIN).last_message  # the admin's client reports no language
    assert admin is not None and "A booking waits for your confirmation" in admin["text"]

    before = api.seq
    decided = await teacher.press_button("✅ Подтвердить", until=shown)
    assert decided is not None and "✅ Подтверждено (кем: Sam Jones)" in decided["text"]
    await api.settle(BROWN, before, until=sent)
    told = [m for m in api.chat(BROWN) if m.get("text")][-1]["text"]
    assert "Booking confirmed" in told and "Sam Jones confirmed Mia Brown's session" in told
    copy = api.user(ADMIN).server.message(ADMIN, admin["message_id"])
    assert copy is not None and "✅ Confirmed by Sam Jones" in copy["text"]
