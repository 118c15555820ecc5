"""The HTTP server's middlewares and access log: refusals as JSON under /api, a database
outage as 503, the unexpected logged (never a traceback to the client), and an access log
that carries no credentials (no headers, no query strings, feed tokens and the webhook path
masked)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from handlers.api.errors import error_response

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("bot.http.access")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNAVAILABLE = (OSError, OperationalError, InterfaceError, DBAPIError, TimeoutError)
_FEED = re.compile(r"^/ical/[^/]+$")
WEBHOOK_PATHS = web.AppKey("webhook_paths", frozenset)


def database_down(exc: BaseException) -> bool:
    """Whether an error means the database (or its connection) is not answering."""
    if isinstance(exc, UNAVAILABLE):
        return True
    module = type(exc).__module__
    return module.startswith("asyncpg") and "Connection" in type(exc).__name__


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    is_api = request.path.startswith("/api")
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if not is_api or exc.status < 400:
            raise
        return error_response(exc.status, exc.reason or "refused")
    except Exception as exc:
        if database_down(exc):
            logger.warning(
                "%s %s: database unavailable (%s)",
                request.method,
                safe_path(request),
                type(exc).__name__,
            )
            if is_api:
                return error_response(503, "Temporarily unavailable: nothing was changed.")
            return web.Response(status=503, text="temporarily unavailable")
        logger.exception("%s %s failed", request.method, safe_path(request))
        if is_api:
            return error_response(500, "Something went wrong on our side.")
        return web.Response(status=500, text="internal error")


def safe_path(request: web.Request) -> str:
    """The path, without what may be a credential."""
    path = request.path
    if path in request.app.get(WEBHOOK_PATHS, frozenset()):
        return "<webhook>"
    if _FEED.match(path):
        return "/ical/<token>"
    return path


class AccessLogger(AbstractAccessLogger):
    """One line per request: method, safe path, status, size, milliseconds."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if not self.logger.isEnabledFor(logging.INFO):
            return
        path = safe_path(request) if isinstance(request, web.Request) else "?"
        self.logger.info(
            '%s "%s %s" %s %s %.1fms',
            request.remote,
            request.method,
            path,
            response.status,
            response.body_length,
            time * 1000,
        )
