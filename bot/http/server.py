"""Starting and stopping the HTTP server on HTTP_LISTEN:HTTP_PORT."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.http.middlewares import AccessLogger, access_logger

logger = logging.getLogger(__name__)


# a header line aiohttp's parser takes: room for `Authorization: tma ` and the longest init
# data the API reads (handlers.api.auth.MAX_INIT_DATA), so a longer one is the API's own 401
# in the error envelope, not the parser's plain-text 400
MAX_HEADER_FIELD = 16384


async def start_http_server(app: web.Application, listen: str, port: int) -> web.AppRunner:
    """Serve ``app``; the caller cleans the returned runner up (``await runner.cleanup()``).
    Port 0 takes a free port: ``runner.addresses`` says which."""
    runner = web.AppRunner(
        app,
        access_log_class=AccessLogger,
        access_log=access_logger,
        handle_signals=False,
        max_field_size=MAX_HEADER_FIELD,
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
    except OSError:
        await runner.cleanup()
        raise
    host, bound = runner.addresses[0][:2]
    logger.info("HTTP server listening on %s:%s", host, bound)
    return runner


def base_url(runner: web.AppRunner) -> str:
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}"
