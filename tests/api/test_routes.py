"""Every route of DESIGN.md's table: the happy path, over HTTP, in the contract's shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.api_client import ADMIN, BOB, JANE, PIANO, SLOTS, TEACHER, Api, book


async def test_slots_are_listed_in_school_time(api: Api) -> None:
    status, body = await api.call("GET", SLOTS, api.tma(JANE))
    assert status == 200 and body["status"] == "success"
    first = body["data"][0]
    # week 4 starts Monday 2027-02-22; piano's Monday window opens 15:00 Sydney time
    assert first["scheduledDate"] == "2027-02-22" and first["dayOfWeek"] == "MONDAY"
    assert (first["startTime"], first["endTime"]) == ("15:00", "15:30")
    assert first["start"] == "2027-02-22T15:00:00+11:00" and first["available"] is True
    status, by_key = await api.call("GET", SLOTS, api.key())
    assert status == 200 and by_key["data"][0] == first


async def test_a_parent_books_and_the_booking_has_lesson_and_student_inside(api: Api) -> None:
    made = await book(api, api.tma(JANE))
    assert made["lessonId"] == "piano" and made["studentId"] == "emma"
    assert (made["weekNumber"], made["scheduledDate"], made["startTime"], made["endTime"]) == (
        4,
        "2027-02-22",
        "16:00",
        "16:30",
    )
    assert made["status"] == "CONFIRMED" and made["bookedBy"].startswith("parent:")
    assert made["lesson"] == {
        "id": "piano",
        "name": "Piano Foundations",
        "teacher": "Sam Jones",
        "location": "Main Studio",
        "room": "Room 1",
    }
    assert made["student"] == {"id": "emma", "name": "Emma Smith", "family": "Smith family"}
    status, slots = await api.call("GET", SLOTS, api.tma(JANE))
    assert "16:00" not in [s["startTime"] for s in slots["data"]]


async def test_a_date_and_end_time_may_name_the_slot(api: Api) -> None:
    status, body = await api.call(
        "POST",
        "/api/hybrid-bookings",
        api.key(),
        json={
            "lessonId": "piano",
            "studentId": "mia",
            "weekNumber": 4,
            "scheduledDate": "2027-02-24",
            "startTime": "17:00",
            "endTime": "17:30",
        },
    )
    assert status == 201, body
    assert (
        body["data"]["scheduledDate"] == "2027-02-24" and body["data"]["bookedBy"] == "api:website"
    )


async def test_reschedule_and_cancel(api: Api) -> None:
    made = await book(api, api.tma(JANE))
    status, moved = await api.call(
        "PATCH",
        f"/api/hybrid-bookings/{made['id']}",
        api.tma(JANE),
        json={"weekNumber": 8, "scheduledDate": "2027-03-22", "startTime": "17:00"},
    )
    assert status == 200, moved
    assert moved["data"]["id"] == made["id"] and moved["data"]["weekNumber"] == 8
    assert moved["data"]["startTime"] == "17:00" and moved["data"]["scheduledDate"] == "2027-03-22"
    status, cancelled = await api.call(
        "DELETE", f"/api/hybrid-bookings/{made['id']}", api.tma(JANE), json={"reason": "Away"}
    )
    assert status == 200, cancelled
    assert (
        cancelled["data"]["status"] == "CANCELLED" and cancelled["data"]["cancelReason"] == "Away"
    )
    # a cancel without a body is fine too
    other = await book(api, api.tma(JANE), student="liam")
    status, _ = await api.call("DELETE", f"/api/hybrid-bookings/{other['id']}", api.key())
    assert status == 200


async def test_my_bookings_filters_by_lesson_and_status(api: Api) -> None:
    emma = await book(api, api.tma(JANE))
    liam = await book(api, api.tma(JANE), student="liam", at="16:30")
    await api.call("DELETE", f"/api/hybrid-bookings/{liam['id']}", api.tma(JANE))
    await book(api, api.tma(BOB), student="mia", at="17:00")

    async def ids(query: str = "") -> list[int]:
        status, body = await api.call(
            "GET", f"/api/hybrid-bookings/my-bookings{query}", api.tma(JANE)
        )
        assert status == 200, body
        return [b["id"] for b in body["data"]]

    assert await ids() == [emma["id"]]  # upcoming, not cancelled, own family only
    assert await ids("?status=CANCELLED") == [liam["id"]]
    assert await ids("?status=ALL") == [emma["id"], liam["id"]]
    assert await ids("?lessonId=theory") == []
    assert await ids("?lessonId=piano&status=CONFIRMED") == [emma["id"]]


async def test_my_bookings_includes_past_ones_on_request(api: Api) -> None:
    made = await book(api, api.key())
    api.clock.advance(timedelta(days=60))  # after the session
    status, upcoming = await api.call("GET", "/api/hybrid-bookings/my-bookings", api.tma(JANE))
    assert status == 200 and upcoming["data"] == []
    status, past = await api.call(
        "GET", "/api/hybrid-bookings/my-bookings?status=CONFIRMED", api.tma(JANE)
    )
    assert [b["id"] for b in past["data"]] == [made["id"]]


async def test_admin_opens_and_closes_bookings(api: Api) -> None:
    status, body = await api.call("PATCH", f"{PIANO}/close-bookings", api.tma(ADMIN))
    assert status == 200 and body["data"] == {
        "lessonId": "piano",
        "bookingsOpen": False,
        "changed": True,
    }
    status, refused = await api.call(
        "POST",
        "/api/hybrid-bookings",
        api.tma(JANE),
        json={
            "lessonId": "piano",
            "studentId": "emma",
            "weekNumber": 4,
            "scheduledDate": "2027-02-22",
            "startTime": "16:00",
        },
    )
    assert status == 422 and "closed" in refused["message"]
    status, body = await api.call("PATCH", f"{PIANO}/open-bookings", api.key())
    assert (
        status == 200 and body["data"]["bookingsOpen"] is True and body["data"]["changed"] is True
    )
    status, body = await api.call("PATCH", f"{PIANO}/open-bookings", api.key())
    assert body["data"]["changed"] is False


async def test_lesson_bookings_for_its_teacher_and_admins(api: Api) -> None:
    made = await book(api, api.tma(JANE))
    cancelled = await book(api, api.tma(BOB), student="mia", at="17:00")
    await api.call("DELETE", f"/api/hybrid-bookings/{cancelled['id']}", api.key())
    for headers in (api.tma(TEACHER), api.tma(ADMIN), api.key()):
        status, body = await api.call("GET", f"{PIANO}/bookings?weekNumber=4", headers)
        assert status == 200 and [b["id"] for b in body["data"]] == [made["id"]]
    status, body = await api.call("GET", f"{PIANO}/bookings?status=CANCELLED", api.key())
    assert [b["id"] for b in body["data"]] == [cancelled["id"]]
    status, body = await api.call("GET", f"{PIANO}/bookings?weekNumber=8", api.key())
    assert body["data"] == []


async def test_stats(api: Api) -> None:
    await book(api, api.tma(JANE))
    status, body = await api.call("GET", f"{PIANO}/stats", api.tma(TEACHER))
    assert status == 200, body
    stats = body["data"]
    assert stats["lessonId"] == "piano" and stats["bookingsOpen"] is True
    assert (stats["totalStudents"], stats["expectedBookings"], stats["bookedCount"]) == (3, 6, 1)
    assert stats["individualWeeks"] == [4, 8]
    week4 = stats["weeks"][0]
    assert week4["weekNumber"] == 4 and week4["booked"] == 1
    assert {s["name"] for s in week4["unbooked"]} == {"Liam Smith", "Mia Brown"}


async def test_calendar_events_are_scoped_to_the_caller(api: Api) -> None:
    await book(api, api.tma(BOB), student="mia")
    query = "/api/calendar/events?startDate=2027-02-22&endDate=2027-02-28"
    status, school = await api.call("GET", query, api.key())
    assert status == 200, school
    types = {e["resource"]["type"] for e in school["data"]}
    assert {"HYBRID_PLACEHOLDER", "GROUP", "HYBRID_INDIVIDUAL"} <= types
    session = next(e for e in school["data"] if e["resource"]["type"] == "HYBRID_INDIVIDUAL")
    assert session["start"] == "2027-02-22T16:00:00+11:00" and "Mia" in session["title"]
    status, smith = await api.call("GET", query, api.tma(JANE))
    # the Smiths see their lessons, not the Browns' booked session nor the choir
    assert status == 200
    assert all(e["resource"]["type"] != "HYBRID_INDIVIDUAL" for e in smith["data"])
    assert all(e["resource"]["type"] != "GROUP" for e in smith["data"])
    status, brown = await api.call("GET", query, api.tma(BOB))
    assert any(e["resource"]["type"] == "HYBRID_INDIVIDUAL" for e in brown["data"])
    status, teacher = await api.call("GET", query + "&locationId=main&termId=t1", api.tma(TEACHER))
    assert status == 200 and len(teacher["data"]) == len(school["data"])


async def test_healthz_and_openapi_need_no_credentials(api: Api) -> None:
    status, body = await api.call("GET", "/healthz")
    assert status == 200 and body["ok"] is True
    status, doc = await api.call("GET", "/api/openapi.json")
    assert status == 200 and doc["openapi"] == "3.1.0"


async def test_the_mini_app_page_is_served_with_its_type_and_caching(api: Api) -> None:
    async with api.http.get(api.url + "/app/") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert response.headers["Cache-Control"] == "no-cache"
        assert "<html" in await response.text()
    async with api.http.get(api.url + "/app", allow_redirects=False) as response:
        assert response.status == 308 and response.headers["Location"] == "/app/"
    for missing in ("/app/nope.js", "/app/../pyproject.toml", "/app/%2e%2e/settings.py"):
        async with api.http.get(api.url + missing) as response:
            assert response.status == 404


async def test_send_reminders_reaches_the_families_in_chat(bot_process_api: Api, bot_api) -> None:  # type: ignore[no-untyped-def]
    api = bot_process_api
    api.clock.set(datetime(2027, 2, 10, 0, 0, tzinfo=UTC))  # the lesson's weeks are near
    await book(api, api.tma(JANE))  # Emma booked week 4; Liam and Mia still to book
    status, body = await api.call("POST", f"{PIANO}/send-reminders", api.tma(ADMIN))
    assert status == 200, body
    sent = body["data"]
    assert sent["lessonId"] == "piano" and sent["families"] == 2 and sent["sent"] == 2
    assert any("Piano" in m.get("text", "") for m in bot_api.chat(BOB))
