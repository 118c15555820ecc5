"""A loopback proxy in front of the local Bot API server that answers late.

The request reaches the server (so the message is delivered at once), and its answer is
held for ``delay`` seconds before the bot sees it: "the Bot API delivers but answers
late" (issue 10, row 5), without touching the server.
"""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web


class LateProxy:
    def __init__(self, target_root: str, delay: float, methods: tuple[str, ...] = ("sendMessage",)):
        self.target_root = target_root
        self.delay = delay
        self.methods = {m.lower() for m in methods}
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._client = aiohttp.ClientSession()
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._client is not None:
            await self._client.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._client is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("content-type",)}
        async with self._client.request(
            request.method, f"{self.target_root}{request.rel_url}", data=body, headers=headers
        ) as answer:
            payload = await answer.read()
            status = answer.status
            kind = answer.headers.get("Content-Type", "application/json")
        if request.path.rsplit("/", 1)[-1].lower() in self.methods:
            await asyncio.sleep(self.delay)  # delivered already; the answer comes late
        return web.Response(body=payload, status=status, headers={"Content-Type": kind})
