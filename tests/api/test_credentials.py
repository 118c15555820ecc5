"""Credentials: missing, tampered, expired, revoked, another school's; several schools; the
access log carries none of them."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode

import pytest
from sqlalchemy import text

from core.api_keys import ApiKeys
from handlers.api.auth import check_init_data
from handlers.api.errors import ApiError
from tests.support.api_client import JANE, SLOTS, TOKEN, Api, book, init_data


async def test_missing_or_malformed_credentials_are_401(api: Api) -> None:
    for headers in (
        None,
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer mb_not-a-key"},
        {"Authorization": "tma "},
        {"Authorization": "tma %%%"},
        {"Authorization": "tma hash=abc"},
    ):
        status, body = await api.call("GET", SLOTS, headers)
        assert status == 401, (headers, body)
        assert body["status"] == "error"


async def test_tampered_init_data_is_401(api: Api) -> None:
    good = api.tma(JANE)["Authorization"].removeprefix("tma ")
    fields = dict(parse_qsl(good))
    fields["user"] = fields["user"].replace("1011", "1012")  # pretend to be Bob
    status, _ = await api.call("GET", SLOTS, {"Authorization": f"tma {urlencode(fields)}"})
    assert status == 401
    signed_elsewhere = init_data(JANE, int(api.clock.now().timestamp()), token="999:OTHER")
    status, _ = await api.call("GET", SLOTS, {"Authorization": f"tma {signed_elsewhere}"})
    assert status == 401
    status, _ = await api.call("GET", SLOTS, api.tma(JANE))
    assert status == 200


async def test_expired_init_data_is_401(api: Api) -> None:
    status, body = await api.call("GET", SLOTS, api.tma(JANE, age=86400 + 1))
    assert status == 401 and "expired" in body["message"]
    status, _ = await api.call("GET", SLOTS, api.tma(JANE, age=86400 - 60))
    assert status == 200


def test_init_data_check_follows_telegrams_rules() -> None:
    now = 1_800_000_000
    fields = check_init_data(init_data(5, now - 10), TOKEN, 100, now)
    assert fields["auth_date"] == str(now - 10) and "hash" not in fields
    for bad in (init_data(5, now - 101), init_data(5, now, token="1:x"), "auth_date=1&hash="):
        with pytest.raises(ApiError) as refused:
            check_init_data(bad, TOKEN, 100, now)
        assert refused.value.status == 401
    with pytest.raises(ApiError):  # no bot token configured: nothing is trusted
        check_init_data(init_data(5, now), "", 100, now)


async def test_an_unlinked_telegram_account_is_403(api: Api) -> None:
    status, _ = await api.call("GET", SLOTS, api.tma(555))
    assert status == 403


async def test_a_revoked_key_is_401(api: Api, services, schools) -> None:  # type: ignore[no-untyped-def]
    status, _ = await api.call("GET", SLOTS, api.key())
    assert status == 200
    await ApiKeys(services.engine, services.clock).revoke(schools[0].school, "website")
    status, _ = await api.call("GET", SLOTS, api.key())
    assert status == 401


async def test_another_schools_ids_are_404_never_403(api: Api) -> None:
    made = await book(api, api.key())  # alpha's booking
    beta = api.key(api.beta_key)
    for method, body in (
        ("DELETE", None),
        ("PATCH", {"weekNumber": 4, "scheduledDate": "2027-02-22", "startTime": "16:30"}),
    ):
        status, answer = await api.call(
            method, f"/api/hybrid-bookings/{made['id']}", beta, json=body
        )
        assert status == 404, answer
    status, _ = await api.call("DELETE", f"/api/hybrid-bookings/{made['id']}", api.tma(2011))
    assert status == 404  # beta's parent
    status, _ = await api.call("GET", f"{SLOTS}&school=beta", api.key())
    assert status == 404
    status, _ = await api.call("GET", f"{SLOTS}&school=beta", api.tma(JANE))
    assert status == 404


async def test_an_account_in_several_schools_names_one(api: Api, engine) -> None:  # type: ignore[no-untyped-def]
    async with engine.begin() as conn:  # beta's parent Jane links the same Telegram account
        await conn.execute(
            text(
                "UPDATE parents SET telegram_id = 1011 WHERE key = 'jane' "
                "AND school_id = (SELECT id FROM schools WHERE key = 'beta')"
            )
        )
    status, body = await api.call("GET", SLOTS, api.tma(JANE))
    assert status == 400 and body["errors"][0]["path"] == "school"
    status, alpha = await api.call("GET", f"{SLOTS}&school=alpha", api.tma(JANE))
    status_beta, beta = await api.call("GET", f"{SLOTS}&school=beta", api.tma(JANE))
    assert (status, status_beta) == (200, 200)
    assert (
        alpha["data"][0]["start"].endswith("+11:00")
        and beta["data"][0]["start"].endswith("Z") is False
    )
    assert beta["data"][0]["start"].endswith("+00:00")


async def test_the_access_log_carries_no_credentials(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.http.access")
    tma = api.tma(JANE)["Authorization"]
    await api.call("GET", SLOTS, api.key())
    await api.call("GET", SLOTS, api.tma(JANE))
    await api.call("GET", "/ical/s3cret-feed-token.ics")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.http.access"]
    assert len(lines) == 3 and all("/api/" in line or "/ical/" in line for line in lines)
    logged = "\n".join(lines)
    for secret in (api.alpha_key, tma.removeprefix("tma "), "s3cret-feed-token", "hash="):
        assert secret not in logged
