"""The API's route registry: each operation declares its models once, for both the aiohttp
route table and the OpenAPI document.

An operation is an async function taking an `ApiCall` (caller, parsed path, query and body)
and returning the `data` of the success envelope (a model or a list of models). The wrapper
authenticates, validates with the declared models (400 with `{path, message}` items), runs
the operation, turns domain errors into their status codes (handlers.api.errors) and wraps
the answer in `{"status": "success", "data": ...}`. An operation declared with `files` (the
media types it may answer with, e.g. an export) returns a `FileAnswer` instead, sent as it is
with its content type and an attachment file name.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, TypeAdapter, ValidationError

from core import api_lookup
from core.api_lookup import LessonIds
from core.errors import DomainError
from core.i18n import gettext as _
from core.i18n import set_language
from handlers.api.auth import Caller, authenticate
from handlers.api.context import API_CONTEXT, ApiContext
from handlers.api.errors import ApiError, bad_request, error_response, invalid_input, status_of
from handlers.api.language import asked_language

MAX_JSON_DEPTH = 32


@dataclass
class ApiCall:
    request: web.Request
    context: ApiContext
    caller: Caller
    path: Any = None
    query: Any = None
    body: Any = None

    async def lesson(self, key: str, student: str | None = None) -> LessonIds:
        """The ids of the caller's school's lesson of that key, and of the student when one
        is named (NotFound, 404, for a key the school does not have)."""
        services = self.context.services
        found = await api_lookup.resolve(
            services.engine,
            self.caller.school_id,
            catalogs=services.catalogs,
            lesson=key,
            student=student,
        )
        if found.lesson_id is None or found.lesson_teacher_id is None:  # resolve refused
            raise RuntimeError("the lesson lookup returned no id")
        return LessonIds(found.lesson_id, found.lesson_teacher_id, found.student_id)


Operation = Callable[[ApiCall], Awaitable[Any]]


@dataclass(frozen=True)
class FileAnswer:
    """A file as the answer (no envelope): its bytes, media type and download name."""

    body: bytes
    content_type: str
    filename: str
    charset: str | None = None

    def response(self) -> web.Response:
        disposition = f'attachment; filename="{self.filename}"'
        return web.Response(
            body=self.body,
            content_type=self.content_type,
            charset=self.charset,
            headers={"Content-Disposition": disposition},
        )


@dataclass(frozen=True, slots=True)
class EncodedJson:
    """An operation's ``data`` already encoded, exactly as the endpoint's declared type
    would encode it (a hot read renders from cached pieces; the OpenAPI document still comes
    from the declared type)."""

    body: bytes


@dataclass
class Endpoint:
    """One operation as the OpenAPI document describes it."""

    method: str
    path: str
    operation_id: str
    summary: str
    who: str
    data: Any  # the type of the envelope's data
    status: int = 200
    path_model: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    body_required: bool = True
    errors: tuple[int, ...] = ()
    files: tuple[str, ...] = ()  # media types of a file answer; empty: the JSON envelope
    adapter: TypeAdapter[Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.adapter = TypeAdapter(self.data)


class ApiRoutes:
    """A route table of API operations; `routes` goes to the app, `endpoints` to OpenAPI."""

    def __init__(self) -> None:
        self.routes = web.RouteTableDef()
        self.endpoints: list[Endpoint] = []

    def operation(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        who: str,
        data: Any,
        status: int = 200,
        path_model: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        body_required: bool = True,
        errors: tuple[int, ...] = (),
        files: tuple[str, ...] = (),
    ) -> Callable[[Operation], Operation]:
        def register(operation: Operation) -> Operation:
            endpoint = Endpoint(
                method,
                path,
                operation.__name__,
                summary,
                who,
                data,
                status,
                path_model,
                query,
                body,
                body_required,
                tuple(sorted({400, 401, *errors})),
                files,
            )
            self.endpoints.append(endpoint)

            async def handle(request: web.Request) -> web.Response:
                return await run(endpoint, operation, request)

            handle.__name__ = operation.__name__
            handle.__doc__ = operation.__doc__
            self.routes.route(method, path)(handle)
            return operation

        return register


def _depth(value: Any, limit: int) -> int:
    """How deeply a decoded JSON value nests (stops counting past ``limit``)."""
    depth, level = 0, [value]
    while level and depth <= limit:
        depth += 1
        nxt: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                nxt.extend(item.values())
            elif isinstance(item, list):
                nxt.extend(item)
        level = nxt
    return depth


async def read_json_object(request: web.Request, required: bool) -> dict[str, Any]:
    """The request body as a JSON object ({} when absent and not required)."""
    raw = await request.read()
    if not raw.strip():
        if required:
            raise bad_request(
                _("A JSON body is required."), [{"path": "body", "message": _("missing")}]
            )
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise bad_request(_("The body is not valid JSON.")) from None
    if not isinstance(value, dict):
        raise bad_request(_("The body must be a JSON object."))
    if _depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise bad_request(_("The body nests too deeply."))
    return value


def _parse(model: type[BaseModel], values: Any, where: str) -> BaseModel:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise invalid_input(exc, where) from None


async def run(endpoint: Endpoint, operation: Operation, request: web.Request) -> web.Response:
    """Authenticate, validate, call, render; every refusal in the error envelope, in the
    caller's language (Accept-Language until authentication knows better)."""
    context = request.app[API_CONTEXT]
    set_language(asked_language(request.headers))
    try:
        caller = await authenticate(request, context, request.query.get("school") or None)
        path = (
            _parse(endpoint.path_model, request.match_info, "path") if endpoint.path_model else None
        )
        query = _parse(endpoint.query, dict(request.query), "query") if endpoint.query else None
        body = None
        if endpoint.body is not None:
            raw = await read_json_object(request, endpoint.body_required)
            body = _parse(endpoint.body, raw, "body")
        call = ApiCall(request, context, caller, path, query, body)
        data = await operation(call)
    except ApiError as exc:
        return error_response(exc.status, exc.message, exc.errors)
    except DomainError as exc:
        # a Mini App user's language (set at authentication); a school's key: Accept-Language
        return error_response(status_of(exc), exc.message)
    if isinstance(data, FileAnswer):
        return data.response()
    # the envelope around pydantic's own JSON encoding of the data (no second encoder)
    encoded = data.body if isinstance(data, EncodedJson) else endpoint.adapter.dump_json(data)
    payload = b'{"status":"success","data":' + encoded + b"}"
    return web.Response(body=payload, status=endpoint.status, content_type="application/json")
