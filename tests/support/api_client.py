"""A client of the live JSON API for tests (tests/api/conftest.py serves it), with the
paths, Telegram ids and bookings the API tests share. School alpha: 1001 admin, 1002
teacher, 1003 Kim (a teacher of another lesson), 1011 Jane Smith (Emma, Liam), 1012 Bob
Brown (Mia); 2001 school beta's admin. Piano's week 4 starts Monday 22 February 2027, 16:00
in Sydney (05:00 UTC)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import urlencode

import aiohttp

from core.clock import FixedClock
from core.services import Services
from core.views import Actor
from tests.support.chat import TOKEN
from tests.support.factories import SchoolIds

SLOTS = "/api/hybrid-bookings/available-slots?lessonId=piano&weekNumber=4"
PIANO = "/api/hybrid-bookings/lessons/piano/hybrid"
JANE, BOB, ADMIN, TEACHER = 1011, 1012, 1001, 1002
KIM, BETA_ADMIN = 1003, 2001
BOOK = "/api/hybrid-bookings"
AFTER_BOTH_STARTED = datetime(2027, 2, 22, 6, 10, tzinfo=UTC)  # 17:10 in Sydney: 16:00, 16:30


def init_data(telegram_id: int, auth_date: int, token: str = TOKEN, **extra: str) -> str:
    """Mini App init data signed as Telegram signs it."""
    fields = {
        "auth_date": str(auth_date),
        "query_id": "AAE-test",
        "user": json.dumps({"id": telegram_id, "first_name": "Test"}, separators=(",", ":")),
        **extra,
    }
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


@dataclass
class Api:
    """A client of the live server, with the credentials of the test schools."""

    url: str
    http: aiohttp.ClientSession
    clock: FixedClock
    alpha_key: str
    beta_key: str

    def tma(self, telegram_id: int, age: int = 0) -> dict[str, str]:
        auth_date = int(self.clock.now().timestamp()) - age
        return {"Authorization": f"tma {init_data(telegram_id, auth_date)}"}

    def key(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.alpha_key}"}

    async def call(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        async with self.http.request(method, self.url + path, headers=headers, **kwargs) as r:
            body = (
                await r.json(content_type=None)
                if r.content_type == "application/json"
                else await r.text()
            )
            return r.status, body


async def book(api: Api, headers: dict[str, str], student: str = "emma", at: str = "16:00") -> dict:
    """A booking of ``student``'s piano on Monday of week 4 at ``at``, by ``headers``'s
    caller: its data."""
    status, body = await api.call(
        "POST",
        "/api/hybrid-bookings",
        headers,
        json={
            "lessonId": "piano",
            "studentId": student,
            "weekNumber": 4,
            "scheduledDate": "2027-02-22",
            "startTime": at,
        },
    )
    assert status == 201, body
    return body["data"]


async def bob_books(api: Api, start: str = "15:00", week: int = 4) -> dict[str, Any]:
    """Bob's booking of Mia's piano on Monday of ``week`` at ``start``: its data."""
    status, body = await api.call(
        "POST",
        "/api/hybrid-bookings",
        api.tma(BOB),
        json={"lessonId": "piano", "studentId": "mia", "weekNumber": week, "startTime": start},
    )
    assert status == 201, body
    return dict(body["data"])


def booking(**changes: object) -> dict[str, object]:
    """The body of a booking of Emma's piano on Monday of week 4 at 16:00, with ``changes``."""
    body: dict[str, object] = {
        "lessonId": "piano",
        "studentId": "emma",
        "weekNumber": 4,
        "scheduledDate": "2027-02-22",
        "startTime": "16:00",
    }
    body.update(changes)
    return body


async def admin_books(services: Services, ids: SchoolIds, student: int, at: time) -> int:
    """An admin's booking (through the core) of ``student``'s piano on Monday of week 4 at
    ``at``: its id."""
    start = await services.booking.slot_at(ids.school, ids.piano, 4, at, 0)
    made = await services.booking.create_booking(
        ids.school, Actor.admin("office"), ids.piano, student, 4, start
    )
    return made.id


def mark(status: str) -> dict[str, Any]:
    """The keyword arguments of ``Api.call`` marking attendance ``status``."""
    return {"json": {"status": status}}
