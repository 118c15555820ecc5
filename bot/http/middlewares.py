"""The HTTP server's middlewares and access log: refusals as JSON under /api (in the
language the request asks for, or the caller's once the API knows who it is), a database
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

from core.i18n import N_, set_language
from core.i18n import gettext as _
from handlers.api.auth import authenticate
from handlers.api.context import API_CONTEXT
from handlers.api.errors import ApiError, error_response
from handlers.api.language import asked_language

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("bot.http.access")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNAVAILABLE = (OSError, OperationalError, InterfaceError, DBAPIError, TimeoutError)
_FEED = re.compile(r"^/ical/[^/]+$")
WEBHOOK_PATHS = web.AppKey("webhook_paths", frozenset)
# aiohttp's own refusals under /api, in words (others keep aiohttp's English reason)
HTTP_WORDS = {
    404: N_("No such address in the API."),
    405: N_("This address does not take that method."),
    413: N_("The request is too large."),
}


def database_down(exc: BaseException) -> bool:
    """Whether an error means the database (or its connection) is not answering."""
    if isinstance(exc, UNAVAILABLE):
        return True
    module = type(exc).__module__
    return module.startswith("asyncpg") and "Connection" in type(exc).__name__


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    is_api = request.path.startswith("/api")
    if is_api:  # the API's operations know better once the caller is known
        set_language(asked_language(request.headers))
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if not is_api or exc.status < 400:
            raise
        await _callers_language(request)
        words = HTTP_WORDS.get(exc.status)
        return error_response(exc.status, _(words) if words else exc.reason or "refused")
    except Exception as exc:
        if database_down(exc):
            logger.warning(
                "%s %s: database unavailable (%s)",
                request.method,
                safe_path(request),
                type(exc).__name__,
            )
            if is_api:
                return error_response(503, _("Temporarily unavailable: nothing was changed."))
            return web.Response(status=503, text="temporarily unavailable")
        logger.exception("%s %s failed", request.method, safe_path(request))
        if is_api:
            return error_response(500, _("Something went wrong on our side."))
        return web.Response(status=500, text="internal error")


async def _callers_language(request: web.Request) -> None:
    """Before aiohttp's own refusal (no such address, method, too large): the language a
    Mini App user is answered in on every route (their choice, their client's, then
    Accept-Language, their school's), as authentication sets it; a school's key and anyone
    else keep Accept-Language's. The refusal stands whatever authentication finds."""
    scheme = request.headers.get("Authorization", "").partition(" ")[0].lower()
    context = request.app.get(API_CONTEXT)
    if scheme != "tma" or context is None:
        return
    try:
        await authenticate(request, context, request.query.get("school") or None)
    except ApiError:
        pass  # refused or ambiguous: authentication has set the language it speaks
    except Exception as exc:  # the database is down, say: the refusal still goes out
        logger.warning("%s: caller not identified (%s)", safe_path(request), type(exc).__name__)
        set_language(asked_language(request.headers))


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
