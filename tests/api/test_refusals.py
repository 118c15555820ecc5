"""Each refusal with its status code and the error envelope; never a 500."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import text

from tests.support.api_client import (
    ADMIN,
    BOB,
    BOOK,
    JANE,
    PIANO,
    SLOTS,
    TEACHER,
    Api,
    book,
    booking,
)


def assert_error(status: int, body: object, expected: int) -> None:
    assert status == expected, body
    assert isinstance(body, dict) and body["status"] == "error" and body["message"]
    assert isinstance(body["errors"], list)


async def test_invalid_input_is_400_with_paths(api: Api) -> None:
    cases = [
        booking(weekNumber=16),
        booking(weekNumber=0),
        booking(startTime="4pm"),
        booking(startTime="24:00"),
        booking(endTime="15:30"),  # end before start
        booking(lessonId="no such\x00key"),
        {"lessonId": "piano"},
    ]
    for body in cases:
        status, answer = await api.call("POST", BOOK, api.key(), json=body)
        assert_error(status, answer, 400)
        assert answer["errors"] and all({"path", "message"} == set(e) for e in answer["errors"])
    status, answer = await api.call("POST", BOOK, api.key(), json=booking(weekNumber=16))
    assert answer["errors"][0]["path"] == "weekNumber"
    made = await book(api, api.key())
    status, answer = await api.call(
        "DELETE", f"{BOOK}/{made['id']}", api.key(), json={"reason": "x" * 501}
    )
    assert_error(status, answer, 400)
    for raw in (b"not json", b"[1, 2]", b'"a string"', b"[" * 5000 + b"]" * 5000, b""):
        status, answer = await api.call(
            "POST", BOOK, {**api.key(), "Content-Type": "application/json"}, data=raw
        )
        assert_error(status, answer, 400)
    for query in ("lessonId=piano&weekNumber=x", "lessonId=piano", "weekNumber=4"):
        status, answer = await api.call(
            "GET", f"/api/hybrid-bookings/available-slots?{query}", api.key()
        )
        assert_error(status, answer, 400)
    for path in ("abc", "0", "99999999999999"):
        status, answer = await api.call("DELETE", f"{BOOK}/{path}", api.key())
        assert_error(status, answer, 400)
    status, answer = await api.call(
        "GET", "/api/calendar/events?startDate=2027-03-01&endDate=2027-02-01", api.key()
    )
    assert_error(status, answer, 400)
    status, answer = await api.call("GET", "/api/calendar/events?endDate=2099-01-01", api.key())
    assert_error(status, answer, 400)  # more than 400 days from today


async def test_a_huge_body_is_413(api: Api) -> None:
    status, answer = await api.call("POST", BOOK, api.key(), json=booking(padding="x" * 400_000))
    assert_error(status, answer, 413)


async def test_unknown_things_are_404(api: Api) -> None:
    status, answer = await api.call("POST", BOOK, api.key(), json=booking(lessonId="violin"))
    assert_error(status, answer, 404)
    status, answer = await api.call("POST", BOOK, api.key(), json=booking(studentId="zoe"))
    assert_error(status, answer, 404)
    status, answer = await api.call("DELETE", f"{BOOK}/4242", api.key())
    assert_error(status, answer, 404)
    status, answer = await api.call("GET", "/api/nothing-here", api.key())
    assert_error(status, answer, 404)
    status, answer = await api.call("PUT", BOOK, api.key())
    assert_error(status, answer, 405)


async def test_the_slot_taken_or_already_booked_is_409(api: Api) -> None:
    await book(api, api.tma(JANE))
    status, answer = await api.call("POST", BOOK, api.key(), json=booking(studentId="mia"))
    assert_error(status, answer, 409)
    status, answer = await api.call("POST", BOOK, api.key(), json=booking(startTime="17:00"))
    assert_error(status, answer, 409)


async def test_rules_refuse_with_422(api: Api) -> None:
    status, answer = await api.call("POST", BOOK, api.key(), json=booking(weekNumber=5))
    assert_error(status, answer, 422)  # a group week
    status, answer = await api.call("POST", BOOK, api.key(), json=booking(startTime="16:10"))
    assert_error(status, answer, 422)  # not a slot
    status, answer = await api.call("POST", BOOK, api.key(), json=booking(endTime="17:00"))
    assert_error(status, answer, 422)  # slots are 30 minutes
    status, answer = await api.call(
        "GET", "/api/hybrid-bookings/lessons/choir/hybrid/stats", api.key()
    )
    assert_error(status, answer, 422)  # not a hybrid lesson
    made = await book(api, api.key())
    await api.call("DELETE", f"{BOOK}/{made['id']}", api.key())
    status, answer = await api.call("DELETE", f"{BOOK}/{made['id']}", api.key())
    assert_error(status, answer, 422)  # already cancelled


async def test_the_24_hour_rule_holds_for_parents_not_for_the_school(api: Api) -> None:
    made = await book(api, api.tma(JANE))
    # Sunday 21 Feb 2027 20:00 in Sydney: Monday's 16:00 session is 20 hours away
    api.clock.set(datetime(2027, 2, 21, 9, 0, tzinfo=UTC))
    status, answer = await api.call(
        "POST", BOOK, api.tma(JANE), json=booking(studentId="liam", startTime="16:30")
    )
    assert_error(status, answer, 422)
    assert "24 hours" in answer["message"]
    status, answer = await api.call("DELETE", f"{BOOK}/{made['id']}", api.tma(JANE))
    assert_error(status, answer, 422)
    status, answer = await api.call(
        "PATCH",
        f"{BOOK}/{made['id']}",
        api.tma(JANE),
        json={"scheduledDate": "2027-03-22", "weekNumber": 8, "startTime": "16:00"},
    )
    assert_error(status, answer, 422)
    status, answer = await api.call(
        "POST", BOOK, api.key(), json=booking(studentId="liam", startTime="16:30")
    )
    assert status == 201, answer
    status, answer = await api.call("DELETE", f"{BOOK}/{made['id']}", api.tma(ADMIN))
    assert status == 200, answer


async def test_a_parent_cannot_book_for_another_familys_child(api: Api) -> None:
    status, answer = await api.call("POST", BOOK, api.tma(JANE), json=booking(studentId="mia"))
    assert_error(status, answer, 403)
    mia = await book(api, api.tma(BOB), student="mia")
    for method, body in (
        ("DELETE", None),
        ("PATCH", {"weekNumber": 8, "scheduledDate": "2027-03-22", "startTime": "16:00"}),
    ):
        status, answer = await api.call(method, f"{BOOK}/{mia['id']}", api.tma(JANE), json=body)
        assert_error(status, answer, 403)


async def test_roles_are_refused_with_403(api: Api) -> None:
    for method, path in (
        ("PATCH", f"{PIANO}/open-bookings"),
        ("PATCH", f"{PIANO}/close-bookings"),
        ("POST", f"{PIANO}/send-reminders"),
    ):
        for who in (JANE, TEACHER):
            status, answer = await api.call(method, path, api.tma(who))
            assert_error(status, answer, 403)
    for path in (f"{PIANO}/bookings", f"{PIANO}/stats"):
        status, answer = await api.call("GET", path, api.tma(JANE))
        assert_error(status, answer, 403)
    status, answer = await api.call("GET", SLOTS, api.tma(TEACHER))
    assert_error(status, answer, 403)
    for headers in (api.tma(ADMIN), api.key()):
        status, answer = await api.call("GET", "/api/hybrid-bookings/my-bookings", headers)
        assert_error(status, answer, 403)


async def test_a_teacher_reads_only_their_own_lessons(api: Api, engine) -> None:  # type: ignore[no-untyped-def]
    async with engine.begin() as conn:  # Kim Lee, who teaches nothing, links Telegram 1003
        await conn.execute(
            text(
                "UPDATE teachers SET telegram_id = 1003 WHERE key = 'lee' AND school_id = (SELECT id FROM schools WHERE key = 'alpha')"
            )
        )
    for path in (f"{PIANO}/bookings", f"{PIANO}/stats"):
        status, answer = await api.call("GET", path, api.tma(1003))
        assert_error(status, answer, 403)
        status, _ = await api.call("GET", path, api.tma(TEACHER))
        assert status == 200
    status, answer = await api.call(
        "GET", "/api/calendar/events?startDate=2027-02-22&endDate=2027-02-28", api.tma(1003)
    )
    assert status == 200 and answer["data"] == []


async def test_send_reminders_needs_the_bot(api: Api) -> None:
    status, answer = await api.call("POST", f"{PIANO}/send-reminders", api.key())
    assert_error(status, answer, 503)


async def test_twenty_concurrent_posts_for_one_slot_book_it_once(api: Api) -> None:
    students = ["emma", "liam", "mia"]
    bodies = [booking(studentId=students[i % 3]) for i in range(20)]
    parents = {"emma": api.tma(JANE), "liam": api.tma(JANE), "mia": api.tma(BOB)}
    results = await asyncio.gather(
        *(
            api.call("POST", BOOK, parents[b["studentId"]] if i % 2 else api.key(), json=b)  # type: ignore[index]
            for i, b in enumerate(bodies)
        )
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 19, results
