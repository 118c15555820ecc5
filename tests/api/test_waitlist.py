"""The waitlist over HTTP: a parent joins and leaves a week's list, admins see it in order."""

from __future__ import annotations

from tests.support.api_client import Api

WAITLIST = "/api/hybrid-bookings/lessons/piano/hybrid/weeks/4/waitlist"
JANE, BOB, ADMIN, TEACHER = 1011, 1012, 1001, 1002


async def test_parents_join_and_admins_see_the_list_in_order(api: Api) -> None:
    status, body = await api.call("POST", WAITLIST, api.tma(BOB), json={"studentId": "mia"})
    assert status == 201, body
    mia = body["data"]
    assert (mia["studentId"], mia["position"], mia["familyId"]) == ("mia", 1, "brown")
    assert mia["lessonId"] == "piano" and mia["weekNumber"] == 4 and mia["offeredUntil"] is None
    status, body = await api.call("POST", WAITLIST, api.tma(JANE), json={"studentId": "liam"})
    assert status == 201 and body["data"]["position"] == 2
    again = await api.call("POST", WAITLIST, api.tma(BOB), json={"studentId": "mia"})
    assert again[0] == 201 and again[1]["data"]["id"] == mia["id"]  # joining twice is once
    for headers in (api.tma(ADMIN), api.key()):
        status, body = await api.call("GET", WAITLIST, headers)
        assert status == 200
        assert [(e["studentId"], e["position"]) for e in body["data"]] == [("mia", 1), ("liam", 2)]


async def test_a_parent_leaves_and_the_next_family_moves_up(api: Api) -> None:
    await api.call("POST", WAITLIST, api.tma(BOB), json={"studentId": "mia"})
    await api.call("POST", WAITLIST, api.tma(JANE), json={"studentId": "liam"})
    status, body = await api.call("DELETE", f"{WAITLIST}?studentId=mia", api.tma(BOB))
    assert status == 200 and body["data"]["studentId"] == "mia"
    status, body = await api.call("GET", WAITLIST, api.key())
    assert [(e["studentId"], e["position"]) for e in body["data"]] == [("liam", 1)]
    status, body = await api.call("DELETE", f"{WAITLIST}?studentId=mia", api.tma(BOB))
    assert status == 404 and body["status"] == "error"


async def test_refusals_in_plain_words(api: Api) -> None:
    status, body = await api.call("POST", WAITLIST, api.tma(JANE), json={"studentId": "mia"})
    assert status == 403 and body["message"]
    status, _ = await api.call("GET", WAITLIST, api.tma(JANE))
    assert status == 403
    status, _ = await api.call("GET", WAITLIST, api.tma(TEACHER))
    assert status == 403
    group_week = "/api/hybrid-bookings/lessons/piano/hybrid/weeks/3/waitlist"
    status, body = await api.call("POST", group_week, api.tma(BOB), json={"studentId": "mia"})
    assert status == 422 and "group week" in body["message"]
    status, body = await api.call("POST", WAITLIST, api.tma(BOB), json={})
    assert status == 400 and body["errors"]
    status, _ = await api.call("POST", "/api/hybrid-bookings/lessons/piano/hybrid/weeks/99/waitlist", api.tma(BOB),
                               json={"studentId": "mia"})  # fmt: skip
    assert status == 400
    status, _ = await api.call("POST", "/api/hybrid-bookings/lessons/tuba/hybrid/weeks/4/waitlist", api.tma(BOB),
                               json={"studentId": "mia"})  # fmt: skip
    assert status == 404
    status, _ = await api.call("POST", WAITLIST, {}, json={"studentId": "mia"})
    assert status == 401
