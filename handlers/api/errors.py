"""Refusals as HTTP answers, in one place: domain errors and bad input to status codes.

Every error answer has the contract's shape ``{"status": "error", "message", "errors"}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from core import errors as domain

# most specific first: SlotTaken before DomainError, TeacherBusy is a SlotTaken
STATUS_OF: tuple[tuple[type[domain.DomainError], int], ...] = (
    (domain.NotFound, 404),
    (domain.SlotTaken, 409),
    (domain.AlreadyBooked, 409),
    (domain.AlreadyDecided, 409),
    (domain.NotYourStudent, 403),
    (domain.NoticeTooShort, 422),
    (domain.BookingsClosed, 422),
    (domain.SlotUnavailable, 422),
    (domain.NotAllowed, 422),
    (domain.InvalidState, 422),
    (domain.DomainError, 422),
)


class ApiError(Exception):
    """A refusal decided at the edge (credentials, role, input)."""

    def __init__(self, status: int, message: str, errors: Sequence[dict[str, str]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = list(errors)


def unauthorized(message: str = "Credentials are missing or not valid.") -> ApiError:
    return ApiError(401, message)


def forbidden(message: str) -> ApiError:
    return ApiError(403, message)


def bad_request(message: str, errors: Sequence[dict[str, str]] = ()) -> ApiError:
    return ApiError(400, message, errors)


def invalid_input(exc: ValidationError, where: str) -> ApiError:
    """Pydantic's findings as `{path, message}` items."""
    items = []
    for error in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in error.get("loc", ())) or where
        items.append({"path": path, "message": str(error.get("msg", "invalid"))})
    first = items[0] if items else {"path": where, "message": "invalid"}
    return bad_request(f"Invalid {where}: {first['path']}: {first['message']}", items)


def status_of(exc: domain.DomainError) -> int:
    for kind, status in STATUS_OF:
        if isinstance(exc, kind):
            return status
    return 422


def error_response(
    status: int, message: str, errors: Sequence[dict[str, Any]] = ()
) -> web.Response:
    body = {"status": "error", "message": message, "errors": list(errors)}
    headers = {"WWW-Authenticate": 'Bearer realm="musicbot"'} if status == 401 else None
    return web.json_response(body, status=status, headers=headers)
