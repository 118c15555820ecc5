"""gzip for the API's larger JSON answers (a week's calendar is ~100 KB of JSON, ~10 KB
compressed), when the client accepts it; static files come pre-compressed instead
(bot/http/miniapp/vendor)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

MIN_SIZE = 2048  # bytes: smaller answers go as they are (compressing costs more than it saves)


@web.middleware
async def gzip_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if (
        isinstance(response, web.Response)
        and request.path.startswith("/api/")
        and response.content_type == "application/json"
        and isinstance(response.body, bytes)
        and len(response.body) >= MIN_SIZE
        and "gzip" in request.headers.get("Accept-Encoding", "").lower()
    ):
        response.enable_compression(web.ContentCoding.gzip)
    return response
