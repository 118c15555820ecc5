"""A process going away: it stops taking updates, finishes those in hand, then stops.

On SIGTERM `musicbot run` calls :meth:`Drain.start`: from then on `/healthz` answers 503
(`"draining": true`, so the load balancer moves away) and the webhook refuses new updates
with 503 (HAProxy sends them on to another process; Telegram would resend them). The
updates already being handled are counted, and :meth:`Drain.wait` returns once they are
done (or after its timeout), before the HTTP server closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

logger = logging.getLogger(__name__)


class Drain:
    """Whether this process still takes updates, and how many it has in hand."""

    def __init__(self) -> None:
        self.draining = False
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def start(self) -> None:
        if not self.draining:
            logger.info("draining: no new updates; %s in hand", self.in_flight)
        self.draining = True

    @contextmanager
    def handling(self) -> Iterator[None]:
        """Count one update in hand for as long as the block runs."""
        self.in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()

    async def wait(self, seconds: float) -> bool:
        """Until no update is in hand (True), or ``seconds`` have passed (False)."""
        try:
            async with asyncio.timeout(seconds):
                await self._idle.wait()
        except TimeoutError:
            logger.warning(
                "draining: %s updates still in hand after %.0f s", self.in_flight, seconds
            )
            return False
        return True


DRAIN = web.AppKey("drain", Drain)
