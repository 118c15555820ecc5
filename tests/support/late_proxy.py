"""A loopback proxy in front of the local Bot API server that answers late.

The request reaches the server (so the message is delivered at once), and its answer is
held for ``delay`` seconds before the bot sees it: "the Bot API delivers but answers
late" (issue 10, row 5), without touching the server.

With ``hold_body`` the answer's status line, headers and first byte go at once and the
rest waits for :attr:`release` (then comes, or with ``drop_body`` the connection is
closed instead): the bot has read that the message was delivered, not yet the answer.
"""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web


class LateProxy:
    def __init__(
        self,
        target_root: str,
        delay: float,
        methods: tuple[str, ...] = ("sendMessage",),
        *,
        hold_body: bool = False,
        drop_body: bool = False,
    ):
        self.target_root = target_root
        self.delay = delay
        self.hold_body = hold_body
        self.drop_body = drop_body
        self.release = asyncio.Event()
        self.holding = 0  # answers whose body is held right now
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

    async def _forward(self, request: web.Request) -> web.StreamResponse:
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
            if self.hold_body:
                return await self._held(request, payload, status, kind)
        return web.Response(body=payload, status=status, headers={"Content-Type": kind})

    async def _held(
        self, request: web.Request, payload: bytes, status: int, kind: str
    ) -> web.StreamResponse:
        answer = web.StreamResponse(status=status, headers={"Content-Type": kind})
        answer.content_length = len(payload)
        await answer.prepare(request)
        await answer.write(payload[:1])  # the headers go with it (aiohttp may hold them)
        self.holding += 1
        try:
            await self.release.wait()
        finally:
            self.holding -= 1
        if self.drop_body:
            assert request.transport is not None
            request.transport.close()
            return answer
        await answer.write(payload[1:])
        await answer.write_eof()
        return answer
