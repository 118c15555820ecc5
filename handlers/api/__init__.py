"""The JSON API's edges (DESIGN.md "The HTTP side"): one module per area, each a route
table of thin operations (validate, call one core service, render), and the OpenAPI
document built from the same models. The aiohttp application itself is in bot/http/."""

from __future__ import annotations

from handlers.api import bookings, calendar, lessons, me
from handlers.api.registry import ApiRoutes

AREAS: tuple[ApiRoutes, ...] = (bookings.api, lessons.api, calendar.api, me.api)


def endpoints() -> list:  # type: ignore[type-arg]
    """Every API operation, for the OpenAPI document."""
    return [endpoint for area in AREAS for endpoint in area.endpoints]
