"""The OpenAPI 3.1 document, generated from the registry's endpoints and their pydantic
models (the same ones that validate), and the route that serves it: `/api/openapi.json`."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from handlers.api import models
from handlers.api.registry import Endpoint

REF = "#/components/schemas/{model}"
ERROR_WORDS = {
    400: "invalid input",
    401: "no or bad credentials",
    403: "not allowed (role, or not your student)",
    404: "unknown, or another school's",
    409: "slot taken, already booked that week, or the booking's state (attendance before the start)",
    413: "request body too large",
    422: "a rule refuses (24-hour notice, bookings closed, not an individual week)",
    503: "temporarily unavailable",
}

routes = web.RouteTableDef()
OPENAPI_DOCUMENT = web.AppKey("openapi_document", dict)


def _envelope(endpoint: Endpoint) -> type[BaseModel]:
    return models.Success[endpoint.data]  # type: ignore[name-defined]


def _parameters(model: type[BaseModel], where: str, schemas: dict[str, Any]) -> list[Any]:
    schema = schemas[model.__name__]
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "in": where,
            "required": where == "path" or name in required,
            "schema": {k: v for k, v in prop.items() if k not in ("title",)},
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _success(e: Endpoint, refs: dict[Any, Any]) -> dict[str, Any]:
    """The success answer: the JSON envelope, or a file download."""
    if not e.files:
        schema = refs[(_envelope(e), "serialization")]
        return {"description": "success", "content": {"application/json": {"schema": schema}}}
    return {
        "description": "the file, as an attachment",
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="SCHOOL-TERM-WHAT.EXT"',
                "schema": {"type": "string"},
            }
        },
        "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in e.files},
    }


def build_document(endpoints: list[Endpoint], *, server_url: str = "/") -> dict[str, Any]:
    """The whole document; every schema under components, referenced by name."""
    wanted: list[tuple[type[BaseModel], Any]] = [(models.Failure, "serialization")]
    for e in endpoints:
        if not e.files:
            wanted.append((_envelope(e), "serialization"))
        for model in (e.path_model, e.query, e.body):
            if model is not None:
                wanted.append((model, "validation"))
    refs, top = models_json_schema(wanted, ref_template=REF)
    schemas: dict[str, Any] = top.get("$defs", {})
    paths: dict[str, Any] = {}
    for e in endpoints:
        parameters: list[Any] = []
        if e.path_model is not None:
            parameters += _parameters(e.path_model, "path", schemas)
        if e.query is not None:
            parameters += _parameters(e.query, "query", schemas)
        responses: dict[str, Any] = {str(e.status): _success(e, refs)}
        for status in (*e.errors, 413):
            responses[str(status)] = {
                "description": ERROR_WORDS.get(status, "refused"),
                "content": {
                    "application/json": {"schema": refs[(models.Failure, "serialization")]}
                },
            }
        operation: dict[str, Any] = {
            "operationId": e.operation_id,
            "summary": e.summary,
            "description": f"Who: {e.who}.",
            "security": [{"apiKey": []}, {"miniApp": []}],
            "parameters": parameters,
            "responses": responses,
        }
        if e.body is not None:
            body_schema = schemas[e.body.__name__]
            operation["requestBody"] = {
                "required": e.body_required,
                "content": {
                    "application/json": {
                        "schema": refs[(e.body, "validation")],
                        **(
                            {"example": body_schema["examples"][0]}
                            if body_schema.get("examples")
                            else {}
                        ),
                    }
                },
            }
        paths.setdefault(e.path, {})[e.method.lower()] = operation
    # path and query models are parameters, not bodies: not needed as components
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "musicbot: a music school's booking API",
            "version": "1.0.0",
            "description": "The original plan's routes under /api. Ids are school-file keys; "
            "bookings have numeric ids. Dates YYYY-MM-DD and times HH:MM in the school's "
            "timezone. Answers are {status, data} or {status, message, errors}.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a school's key from `musicbot api-key create`",
                },
                "miniApp": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "`tma <initData>` from Telegram.WebApp.initData",
                },
            },
        },
    }


@routes.get("/api/openapi.json")
async def openapi_json(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document of the JSON API (built once, at start-up)."""
    return web.json_response(request.app[OPENAPI_DOCUMENT])
