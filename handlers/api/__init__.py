"""The JSON API's edges (DESIGN.md "The HTTP side"): one module per area (bookings,
lessons, calendar, feeds, and me for the Mini App's menus), each a route table of thin
operations (validate with the pydantic models, call one core service, render), and the
OpenAPI document built from the same models. The aiohttp application itself, which mounts
these tables, is in bot/http/."""
