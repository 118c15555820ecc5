"""``GET /ical/<token>.ics``: a family's or a teacher's calendar feed, for calendar apps.

Thin: the token and the ``If-None-Match`` ETags go to ``FeedService.answer``; the answer is
the feed (200, ``text/calendar``), a 304 when the app's copy is current, or a bare 404 for
any token that is not live (unknown, revoked, malformed: all alike, nothing said). A
database that does not answer is a 503 with ``Retry-After``: the app polls again later.

The service is injected under ``FEEDS`` (``app[FEEDS] = services.feeds``) by whoever builds
the application (bot/http at merge; the tests build their own).
"""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from core.calendar.feeds import FeedFile, FeedNotModified, FeedService, FeedUnavailable

logger = logging.getLogger(__name__)

FEEDS = web.AppKey("feeds", FeedService)
CONTENT_TYPE = "text/calendar"
# a secret URL: no shared cache keeps it; every use asks again (a 304 when unchanged)
CACHE_CONTROL = "private, no-cache"
RETRY_AFTER_SECONDS = "60"

routes = web.RouteTableDef()


def _known_etags(request: web.Request) -> frozenset[str]:
    """The opaque values of ``If-None-Match`` (weak or strong alike, as RFC 9110 says for it)."""
    try:
        tags = request.if_none_match
    except ValueError:  # a malformed header is treated as absent
        return frozenset()
    return frozenset(tag.value for tag in tags or ())


@routes.get("/ical/{token}.ics")
async def calendar_feed(request: web.Request) -> web.StreamResponse:
    """The feed of the token in the path (HEAD is answered the same way, without a body)."""
    token = request.match_info["token"]
    try:
        answer = await request.app[FEEDS].answer(token, _known_etags(request))
    except (FeedUnavailable, SQLAlchemyError, OSError) as exc:
        logger.warning("calendar feed unavailable: %s", type(exc).__name__)
        return web.Response(status=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
    if answer is None:
        return web.Response(status=404)
    headers = {"Cache-Control": CACHE_CONTROL}
    if isinstance(answer, FeedNotModified):
        response = web.Response(status=304, headers=headers)
        response.etag = answer.etag
        return response
    if not isinstance(answer, FeedFile):
        raise RuntimeError(f"unexpected feed answer {answer!r}")
    response = web.Response(
        body=answer.body, content_type=CONTENT_TYPE, charset="utf-8", headers=headers
    )
    response.etag = answer.etag
    return response
