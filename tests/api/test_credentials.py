"""Credentials: missing, tampered, expired, revoked, another school's; several schools; the
access log carries none of them."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import pytest
from sqlalchemy import text

from core.api_keys import ApiKeys
from handlers.api.auth import MAX_INIT_DATA, check_init_data
from handlers.api.errors import ApiError
from handlers.api.init_data import InitDataCache
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


async def test_remembered_init_data_still_expires_and_a_changed_byte_is_checked(
    api: Api,
) -> None:
    same = api.tma(JANE, age=60)
    for _ in range(3):  # one open Mini App: the same string with every request
        status, _body = await api.call("GET", SLOTS, same)
        assert status == 200
    tampered = {"Authorization": same["Authorization"].replace("1011", "1012")}
    status, _body = await api.call("GET", SLOTS, tampered)  # a neighbour of a remembered one
    assert status == 401
    api.clock.advance(timedelta(seconds=86400 - 60 + 1))  # past WEBAPP_AUTH_MAX_AGE
    status, body = await api.call("GET", SLOTS, same)
    assert status == 401 and "expired" in body["message"]
    api.clock.advance(timedelta(seconds=-2))  # a clock set back: checked afresh, valid again
    status, _body = await api.call("GET", SLOTS, same)
    assert status == 200


def test_the_init_data_cache_is_bounded_and_remembers_only_what_passed() -> None:
    now = 1_800_000_000
    cache = InitDataCache(size=2)

    def check(raw: str) -> dict[str, str]:
        return check_init_data(raw, TOKEN, 100, now)

    first, second, third = (init_data(n, now - 10) for n in (5, 6, 7))
    assert cache.verify(first, 100, now, check).telegram_id == 5
    assert cache.verify(first, 100, now, check).telegram_id == 5
    assert (cache.hits, cache.misses) == (1, 1)
    forged = init_data(8, now, token="1:x")
    with pytest.raises(ApiError):
        cache.verify(forged, 100, now, check)
    assert len(cache) == 1  # a refused string is not remembered
    cache.verify(second, 100, now, check)
    cache.verify(first, 100, now, check)  # first is now the most recently used
    cache.verify(third, 100, now, check)  # so second is dropped
    assert len(cache) == 2
    misses = cache.misses
    cache.verify(first, 100, now, check)
    assert cache.misses == misses  # still remembered
    cache.verify(second, 100, now, check)
    assert cache.misses == misses + 1  # dropped, checked again
    with pytest.raises(ApiError) as expired:
        cache.verify(first, 100, now + 91, check)  # signed at now - 10: 101 s old
    assert expired.value.status == 401 and "expired" in expired.value.message
    assert len(cache) == 1  # an expired string is forgotten


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


async def test_init_data_up_to_the_apis_limit_passes_the_http_parser(api: Api) -> None:
    """Init data as long as the API reads (MAX_INIT_DATA) is checked by the API, and longer
    is the API's own 401 in the error envelope: neither is the HTTP parser's plain-text 400
    for a header line over 8190 bytes."""
    auth_date = int(api.clock.now().timestamp())
    padding = "x" * (MAX_INIT_DATA - len(init_data(JANE, auth_date, start_param="")) - 2)
    long_but_valid = init_data(JANE, auth_date, start_param=padding)
    assert len("tma " + long_but_valid) > 8190 and len(long_but_valid) <= MAX_INIT_DATA
    status, body = await api.call("GET", SLOTS, {"Authorization": f"tma {long_but_valid}"})
    assert status == 200 and body["status"] == "success"
    too_long = {"Authorization": "tma " + "a" * (MAX_INIT_DATA + 100)}
    status, body = await api.call("GET", SLOTS, too_long)
    assert (
        status == 401
        and body["status"] == "error"
        and set(body)
        == {
            "status",
            "message",
            "errors",
        }
    )
