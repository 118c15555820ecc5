"""`GET /app/`: the Mini App's static files, shipped in the package (bot/http/miniapp/), and
`GET /app/i18n/<lang>.json`: the page's texts in a language (bot.http.miniapp_i18n).

index.html and the texts are revalidated on every load (a new release shows at once; the
texts carry an ETag); other files are cached for an hour. Only files inside the directory
are served."""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path

from aiohttp import web

from bot.http.miniapp_i18n import page_catalog

MINIAPP_DIR = Path(__file__).parent / "miniapp"
routes = web.RouteTableDef()

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("text/css", ".css")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("application/manifest+json", ".webmanifest")


def _file(name: str) -> Path | None:
    root = MINIAPP_DIR.resolve()
    try:
        path = (root / name).resolve()
    except (OSError, ValueError):
        return None
    if root not in path.parents or not path.is_file():
        return None
    return path


def _serve(path: Path) -> web.FileResponse:
    kind, _ = mimetypes.guess_type(path.name)
    cache = "no-cache" if path.suffix == ".html" else "public, max-age=3600"
    headers = {
        "Cache-Control": cache,
        "Content-Type": (kind or "application/octet-stream")
        + (
            "; charset=utf-8"
            if kind and (kind.startswith("text/") or kind.endswith("json"))
            else ""
        ),
        "X-Content-Type-Options": "nosniff",
    }
    return web.FileResponse(path, headers=headers)


@routes.get("/app")
async def app_root(request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/app/")


@routes.get("/app/")
async def app_index(request: web.Request) -> web.StreamResponse:
    path = _file("index.html")
    if path is None:
        raise web.HTTPNotFound()
    return _serve(path)


@routes.get("/app/i18n/{language}.json")
async def app_texts(request: web.Request) -> web.StreamResponse:
    """The page's texts in a language of ours (an unknown one: English); built once per
    language (reading the scripts and the catalog: tens of milliseconds) off the loop."""
    language = request.match_info["language"]
    texts = await asyncio.get_running_loop().run_in_executor(None, page_catalog, language)
    headers = {
        "Cache-Control": "no-cache",
        "ETag": texts.etag,
        "Content-Language": texts.language,
        "X-Content-Type-Options": "nosniff",
    }
    if texts.etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    return web.Response(
        body=texts.body, content_type="application/json", charset="utf-8", headers=headers
    )


@routes.get("/app/{name:.+}")
async def app_file(request: web.Request) -> web.StreamResponse:
    path = _file(request.match_info["name"])
    if path is None:
        raise web.HTTPNotFound()
    return _serve(path)
