"""gzip for the API's larger JSON answers (and the Mini App's texts, /app/i18n/) (a week's calendar is ~100 KB of JSON, ~10 KB
compressed), when the client accepts it; static files come pre-compressed instead
(bot/http/miniapp/vendor).

A middle-sized answer (a week's slots: ~7 KB) is compressed here on the event loop, and the
compressed bytes of recent answers are kept: the same slots are asked for again and again
in a booking rush, and handing each to aiohttp's compression thread cost more than the rest
of the request. Larger answers go to aiohttp's executor as before.
"""

from __future__ import annotations

import zlib

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

MIN_SIZE = 2048  # bytes: smaller answers go as they are (compressing costs more than it saves)
INLINE_MAX = 16 * 1024  # bytes: up to this, compressed on the loop (and remembered)
REMEMBERED = 256  # answers whose gzip is kept; the memory starts afresh past it

# body -> its gzip (the same bytes aiohttp's compressor would make: zlib's default level)
_GZIPPED: dict[bytes, bytes] = {}


def gzipped(body: bytes) -> bytes:
    known = _GZIPPED.get(body)
    if known is None:
        compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
        known = compressor.compress(body) + compressor.flush()
        if len(_GZIPPED) >= REMEMBERED:
            _GZIPPED.clear()
        _GZIPPED[body] = known
    return known


@web.middleware
async def gzip_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if (
        isinstance(response, web.Response)
        and request.path.startswith(("/api/", "/app/i18n/"))
        and response.content_type == "application/json"
        and isinstance(response.body, bytes)
        and len(response.body) >= MIN_SIZE
        and hdrs.CONTENT_ENCODING not in response.headers
        and "gzip" in request.headers.get("Accept-Encoding", "").lower()
    ):
        if len(response.body) <= INLINE_MAX:
            response.body = gzipped(response.body)
            response.headers[hdrs.CONTENT_ENCODING] = "gzip"
        else:
            response.enable_compression(web.ContentCoding.gzip)
    return response
