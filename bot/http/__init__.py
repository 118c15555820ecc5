"""The process's one HTTP server (DESIGN.md "The HTTP side"): the aiohttp application and
its route tables (app), middlewares and access log, /healthz, the Mini App's static files,
the Telegram webhook route, and start-up and shutdown (server)."""

from __future__ import annotations

from bot.http.app import ROUTE_TABLES, WebhookRoute, build_http_app
from bot.http.server import base_url, start_http_server

__all__ = ["ROUTE_TABLES", "WebhookRoute", "base_url", "build_http_app", "start_http_server"]
