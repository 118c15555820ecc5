"""The API's refusals in the caller's language, over HTTP: a Mini App user's own language
(their /language choice, then their Telegram client's, then Accept-Language), a school's key
and a caller without credentials by Accept-Language, else English; the core's refusals
(marking, deciding, not found) likewise. The status, the paths and the envelope never change
with the language; nor does the success's data."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from sqlalchemy import update

from core.clock import FixedClock
from core.db.models import Teacher
from core.services import Services
from core.views import Actor
from tests.support.api_client import (
    AFTER_BOTH_STARTED,
    BOB,
    BOOK,
    JANE,
    KIM,
    PIANO,
    SLOTS,
    TEACHER,
    Api,
    admin_books,
    bob_books,
    book,
    booking,
    init_data,
    mark,
)
from tests.support.factories import SchoolIds, require_approval

RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
DE = {"Accept-Language": "de"}
EN = {"Accept-Language": "en"}


def user_json(telegram_id: int, language_code: str) -> str:
    return json.dumps({"id": telegram_id, "first_name": "Test", "language_code": language_code})


def same_refusal(english: tuple[int, Any], other: tuple[int, Any]) -> None:
    """Two answers to the same request: one refusal, in other words."""
    (status, body), (other_status, other_body) = english, other
    assert status == other_status and status >= 400, (english, other)
    assert body["status"] == other_body["status"] == "error"
    assert [e["path"] for e in body["errors"]] == [e["path"] for e in other_body["errors"]]
    assert set(body) == set(other_body) == {"status", "message", "errors"}
    assert body["message"] != other_body["message"]


async def test_a_refusal_to_a_schools_key_is_russian_when_asked_in_russian(api: Api) -> None:
    await book(api, api.key())
    taken = booking(studentId="mia")
    english = await api.call("POST", BOOK, api.key(), json=taken)
    russian = await api.call("POST", BOOK, {**api.key(), **RU}, json=taken)
    same_refusal(english, russian)
    assert english == (409, {"status": "error", "message": english[1]["message"], "errors": []})
    assert russian[1]["message"] == "Это время только что заняли."
    german = await api.call("POST", BOOK, {**api.key(), **DE}, json=taken)
    assert german[0] == 409 and german[1]["message"] != english[1]["message"]


async def test_invalid_input_keeps_its_paths_in_russian(api: Api) -> None:
    body = booking(weekNumber=16, startTime="4pm")
    english = await api.call("POST", BOOK, api.key(), json=body)
    russian = await api.call("POST", BOOK, {**api.key(), **RU}, json=body)
    same_refusal(english, russian)
    assert english[0] == 400
    assert [e["path"] for e in russian[1]["errors"]] == ["weekNumber", "startTime"]
    assert russian[1]["message"] == "Неверное тело запроса: weekNumber: должно быть не больше 15"
    assert english[1]["errors"][0]["message"] == "Input should be less than or equal to 15"
    status, answer = await api.call(
        "GET", "/api/calendar/events?startDate=2027-03-01&endDate=2027-02-01", {**api.key(), **DE}
    )
    assert status == 400 and answer["errors"][0]["path"] == "query"
    assert "endDate darf nicht vor startDate liegen" in answer["message"]


async def test_no_credentials_are_refused_in_the_asked_language(api: Api) -> None:
    english = await api.call("GET", SLOTS)
    russian = await api.call("GET", SLOTS, RU)
    same_refusal(english, russian)
    assert russian[0] == 401
    assert russian[1]["message"] == "Нет данных для входа, или они недействительны."
    async with api.http.get(api.url + SLOTS, headers=DE) as response:
        assert response.status == 401 and response.headers["Content-Language"] == "de"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    unknown = await api.call("GET", "/api/no-such-route", RU)
    assert unknown[0] == 404 and unknown[1]["message"] == "В API нет такого адреса."


async def test_a_mini_app_users_choice_outranks_accept_language(
    api: Api, services: Services
) -> None:
    english = await api.call("PATCH", f"{PIANO}/open-bookings", api.tma(JANE))
    assert english[0] == 403
    await services.languages.choose(JANE, "ru")
    russian = await api.call("PATCH", f"{PIANO}/open-bookings", {**api.tma(JANE), **DE})
    same_refusal(english, russian)
    assert russian[1]["message"] == "Это могут сделать только администраторы школы."
    status, me = await api.call("GET", "/api/me", {**api.tma(JANE), **DE})
    assert status == 200 and me["data"]["language"] == "ru"


async def test_a_mini_app_user_without_a_choice_gets_the_client_then_accept_language(
    api: Api,
) -> None:
    auth_date = int(api.clock.now().timestamp())
    german_client = init_data(
        JANE,
        auth_date,
        user='{"id":1011,"first_name":"Jane","language_code":"de"}',
    )
    status, me = await api.call("GET", "/api/me", {"Authorization": f"tma {german_client}", **RU})
    assert status == 200 and me["data"]["language"] == "de"
    status, me = await api.call("GET", "/api/me", {**api.tma(1012), **RU})
    assert status == 200 and me["data"]["language"] == "ru"
    status, me = await api.call("GET", "/api/me", api.tma(1012))
    assert status == 200 and me["data"]["language"] == "en"
    status, me = await api.call("GET", "/api/me", {**api.key(), **RU})
    assert status == 200 and me["data"]["language"] == "ru"


async def test_the_data_does_not_change_with_the_language(api: Api) -> None:
    english = await api.call("GET", SLOTS, api.key())
    russian = await api.call("GET", SLOTS, {**api.key(), **RU})
    assert english == russian and english[0] == 200


async def test_the_pages_texts_come_per_language(api: Api) -> None:
    gzip = {"Accept-Encoding": "gzip"}
    async with api.http.get(api.url + "/app/i18n/ru.json", headers=gzip) as response:
        assert response.status == 200 and response.content_type == "application/json"
        assert response.headers["Content-Encoding"] == "gzip"
        data = await response.json()
        etag = response.headers["ETag"]
    assert data["language"] == "ru" and data["messages"]["Calendar"] == "Календарь"
    assert len(data["messages"]["{n} reminder sent."]) == 3 and data["nplurals"] == 3
    async with api.http.get(
        api.url + "/app/i18n/ru.json", headers={"If-None-Match": etag}
    ) as response:
        assert response.status == 304
    async with api.http.get(api.url + "/app/i18n/xx.json") as response:
        assert response.status == 200 and (await response.json())["messages"] == {}


async def test_the_cores_refusals_of_marking_and_deciding_come_in_the_asked_language(
    api: Api, services: Services, clock: FixedClock, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    emma = await admin_books(services, alpha, alpha.emma, time(16))
    marking = f"/api/hybrid-bookings/{emma}/attendance"
    present = mark("present")
    status, answer = await api.call("POST", marking, {**api.tma(TEACHER), **RU}, **present)
    assert status == 409
    assert answer["message"] == (
        "Emma Smith: занятие начинается пн, 22 февр. 16:00; "
        "посещение можно отметить, когда оно начнётся."
    )
    await services.booking.cancel_booking(alpha.school, Actor.admin("office"), emma)
    clock.set(AFTER_BOTH_STARTED)
    status, answer = await api.call("POST", marking, {**api.key(), **DE}, **present)
    assert status == 409
    assert answer["message"] == (
        f"Die Buchung Nr. {emma} von Emma Smith wurde abgesagt; es gibt nichts zu markieren."
    )
    unknown = "/api/hybrid-bookings/999999/confirm"
    status, answer = await api.call("POST", unknown, {**api.key(), **DE})
    assert status == 404
    assert answer["message"] == "An dieser Schule gibt es keine Buchung Nr. 999999."
    # a teacher, but not the lesson's, may not decide (Kim Lee teaches none of piano)
    await require_approval(services.sessions, alpha.piano)
    pending = await bob_books(api, week=8)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Teacher).where(Teacher.id == alpha.other_teacher).values(telegram_id=KIM)
        )
    deciding = f"/api/hybrid-bookings/{pending['id']}/confirm"
    status, answer = await api.call("POST", deciding, {**api.tma(KIM), **RU})
    assert status == 403
    assert answer["message"] == (
        "Подтвердить или отклонить её могут только преподаватель этого занятия "
        "или администраторы школы."
    )


async def test_refused_init_data_speaks_the_mini_apps_language(api: Api) -> None:
    """The page shows the refusal beside its own texts, in its client's language: an expired
    (or forged) sign-in is refused in that language, not in the browser's."""
    now = int(api.clock.now().timestamp())
    expired = init_data(BOB, now - 86400 - 60, user=user_json(BOB, "ru"))
    status, body = await api.call("GET", "/api/me", {"Authorization": f"tma {expired}", **EN})
    assert status == 401
    assert body["message"] == "Вход в мини-приложение истёк: откройте его снова из бота."
    forged = init_data(BOB, now, token="1:OTHER", user=user_json(BOB, "de"))
    async with api.http.get(
        api.url + SLOTS, headers={"Authorization": f"tma {forged}", **RU}
    ) as response:
        body = await response.json()
        assert response.status == 401 and response.headers["Content-Language"] == "de"
        assert body["message"] == "Zugangsdaten fehlen oder sind ungültig."
    plain = init_data(BOB, now - 86400 - 60)  # its user names no language: the browser's
    status, body = await api.call("GET", SLOTS, {"Authorization": f"tma {plain}", **RU})
    assert status == 401 and body["message"].startswith("Вход в мини-приложение истёк")


async def test_an_unknown_key_is_named_in_the_callers_language(api: Api) -> None:
    path = "/api/hybrid-bookings/available-slots?lessonId=tuba&weekNumber=4"
    status, english = await api.call("GET", path, api.key())
    assert status == 404 and english["message"] == "No lesson 'tuba' in this school."
    status, russian = await api.call("GET", path, {**api.tma(JANE), **RU})
    assert status == 404 and russian["message"] == "В этой школе нет занятия «tuba»."
    status, german = await api.call("GET", path, {**api.key(), **DE})
    assert status == 404 and german["message"] == "In dieser Schule gibt es keinen Kurs „tuba“."


async def test_an_unknown_address_answers_a_known_caller_in_their_language(
    api: Api, services: Services
) -> None:
    """No Accept-Language: a Mini App user's choice (or client language) still picks the words
    of aiohttp's own refusals (no such address, no such method), as on every route; a school's
    key keeps Accept-Language, else English. The envelope and status are the same."""
    await services.languages.choose(JANE, "ru")
    async with api.http.get(api.url + "/api/no-such-route", headers=api.tma(JANE)) as response:
        body = await response.json()
        assert response.status == 404 and response.headers["Content-Language"] == "ru"
    assert body == {"status": "error", "message": "В API нет такого адреса.", "errors": []}
    german = init_data(BOB, int(api.clock.now().timestamp()), user=user_json(BOB, "de"))
    status, body = await api.call("DELETE", "/api/openapi.json", {"Authorization": f"tma {german}"})
    assert (status, body["message"]) == (405, "Diese Adresse nimmt diese Methode nicht an.")
    expired = init_data(BOB, int(api.clock.now().timestamp()) - 90000, user=user_json(BOB, "ru"))
    status, body = await api.call("GET", "/api/nope", {"Authorization": f"tma {expired}"})
    assert (status, body["message"]) == (404, "В API нет такого адреса.")
    status, body = await api.call("GET", "/api/nope", api.key())
    assert (status, body["message"]) == (404, "No such address in the API.")
    status, body = await api.call("GET", "/api/nope", {**api.key(), **DE})
    assert (status, body["message"]) == (404, "Diese Adresse gibt es in der API nicht.")
