"""Refusals as HTTP answers, in one place: domain errors and bad input to status codes.

Every error answer has the contract's shape ``{"status": "error", "message", "errors"}``.
The messages (``message`` and each item's ``message``) are in the caller's language
(handlers.api.language), built with ``_()`` when the refusal is raised; status codes and
paths never change with the language. Pydantic's findings are said in our words per kind
(``PYDANTIC``), with pydantic's own English for a kind we have no words for (and in
English, so an English answer is as it always was).
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, TypeVar

from aiohttp import web
from pydantic import ValidationError

from core import errors as domain
from core.i18n import N_, current_language
from core.i18n import gettext as _

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


def unauthorized(message: str | None = None) -> ApiError:
    return ApiError(401, message or _("Credentials are missing or not valid."))


def forbidden(message: str) -> ApiError:
    return ApiError(403, message)


def bad_request(message: str, errors: Sequence[dict[str, str]] = ()) -> ApiError:
    return ApiError(400, message, errors)


# pydantic's error kinds in our words, with the placeholders of pydantic's context
PYDANTIC: dict[str, str] = {
    "missing": N_("required"),
    "less_than_equal": N_("must be at most {le}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "greater_than": N_("must be greater than {gt}"),
    "string_pattern_mismatch": N_("not in the expected form"),
    "string_too_long": N_("at most {max_length} characters"),
    "string_too_short": N_("at least {min_length} characters"),
    "too_long": N_("at most {max_length} items"),
    "string_type": N_("must be text"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "list_type": N_("must be a list"),
    "date_type": N_("must be a date, YYYY-MM-DD"),
    "date_parsing": N_("must be a date, YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("must be a date, YYYY-MM-DD"),
    "enum": N_("must be one of {expected}"),
    "literal_error": N_("must be one of {expected}"),
    "model_type": N_("must be an object"),
    "model_attributes_type": N_("must be an object"),
    "dict_type": N_("must be an object"),
}


def _finding(error: Any) -> str:
    """One of pydantic's findings in the current language (in English, pydantic's words)."""
    english = str(error.get("msg", "invalid"))
    if current_language() == "en":
        return english
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "value_error" and "error" in context:  # our validators' own (N_-marked) words
        return _(str(context["error"]))
    text = PYDANTIC.get(kind)
    if text is None:
        return english
    try:
        return _(text).format(**{k: v for k, v in context.items() if isinstance(k, str)})
    except (KeyError, IndexError, ValueError):
        return english


def invalid_input(exc: ValidationError, where: str) -> ApiError:
    """Pydantic's findings as `{path, message}` items, in the caller's language."""
    items = []
    for error in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in error.get("loc", ())) or where
        items.append({"path": path, "message": _finding(error)})
    first = items[0] if items else {"path": where, "message": _("invalid")}
    return bad_request(
        _(WHERE.get(where, N_("Invalid input: {path}: {problem}"))).format(
            path=first["path"], problem=first["message"]
        ),
        items,
    )


WHERE = {
    "body": N_("Invalid body: {path}: {problem}"),
    "query": N_("Invalid query: {path}: {problem}"),
    "path": N_("Invalid path: {path}: {problem}"),
}


def status_of(exc: domain.DomainError) -> int:
    for kind, status in STATUS_OF:
        if isinstance(exc, kind):
            return status
    return 422


Done = TypeVar("Done")


async def answering(
    work: Awaitable[Done], statuses: Mapping[type[domain.DomainError], int]
) -> Done:
    """What ``work`` gives; a refusal of one of the kinds in ``statuses`` answered with that
    status instead of :data:`STATUS_OF`'s (an area's own answer), in its own words."""
    try:
        return await work
    except tuple(statuses) as exc:
        status = next(code for kind, code in statuses.items() if isinstance(exc, kind))
        raise ApiError(status, exc.message) from None


def error_response(
    status: int, message: str, errors: Sequence[dict[str, Any]] = ()
) -> web.Response:
    body = {"status": "error", "message": message, "errors": list(errors)}
    headers = {"Content-Language": current_language()}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="musicbot"'
    return web.json_response(body, status=status, headers=headers)
