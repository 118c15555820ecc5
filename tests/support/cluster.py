"""Several ``musicbot run`` processes in webhook mode behind HAProxy (deploy/haproxy.cfg).

Shared by the e2e tests of a rolling restart and a crash (tests/e2e/test_cluster.py) and
by benchmarks/scale_out.py. Everything listens on 127.0.0.1; every process started here is
ended by its pid. Needs Debian's ``haproxy`` (.ci/run installs it when missing).

Each bot process has its own HTTP_PORT (one of the balancer's 3 servers) and its own
directory (its output in ``out.log``); all share DATABASE_URL, WEBHOOK_URL (the balancer)
and WEBHOOK_SECRET. The local Bot API server (in the caller's process) delivers every
update to the balancer, resending it until it is acknowledged, as Telegram does.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

from bot.local_api import LocalBotApi

ROOT = Path(__file__).resolve().parents[2]
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
BACKENDS = 3  # servers in deploy/haproxy.cfg
START_WAIT = 120.0
BALANCER_NOTICES = 1.5  # s: the balancer's checks (every 0.5 s, rise 2) see a change


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(found):
        raise RuntimeError("haproxy is not installed (apt-get install haproxy; .ci/run does)")
    return found


class Cluster:
    """HAProxy and up to 3 bot processes, started, stopped and killed by pid."""

    def __init__(
        self,
        api: LocalBotApi,
        db_url: str,
        workdir: Path,
        *,
        token: str,
        secret: str,
        log_level: str = "WARNING",
    ) -> None:
        self.api = api
        self.db_url = db_url
        self.workdir = workdir
        self.token = token
        self.secret = secret
        self.log_level = log_level
        self.lb_port = free_port()
        self.ports = [free_port() for _ in range(BACKENDS)]
        self.bots: dict[int, subprocess.Popen[bytes]] = {}
        self.haproxy: subprocess.Popen[bytes] | None = None

    @property
    def lb_url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"

    async def start(self, processes: int) -> None:
        """The balancer and ``processes`` bot processes, each answering /healthz."""
        env = {
            **os.environ,
            "MUSICBOT_LB_BIND": f"127.0.0.1:{self.lb_port}",
            **{f"MUSICBOT_BOT{i + 1}": f"127.0.0.1:{port}" for i, port in enumerate(self.ports)},
        }
        self.haproxy = subprocess.Popen(  # noqa: ASYNC220
            [haproxy_binary(), "-db", "-q", "-f", str(HAPROXY_CFG)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "haproxy.log").open("wb"),
        )
        for index in range(processes):
            self._spawn(index)
        for index in range(processes):
            await self.healthy(f"http://127.0.0.1:{self.ports[index]}/healthz")
        await self.healthy(f"{self.lb_url}/healthz")
        await asyncio.sleep(2.0)  # the balancer's checks mark the servers not started down
        if self.api.webhook is None:
            raise RuntimeError("no process set the webhook")

    def _spawn(self, index: int) -> None:
        home = self.workdir / f"bot{index + 1}"
        home.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_API_BASE_URL": self.api.base_url,
            "DATABASE_URL": self.db_url,
            "DATA_DIR": str(home / "var"),
            "LOG_LEVEL": self.log_level,
            "HTTP_LISTEN": "127.0.0.1",
            "HTTP_PORT": str(self.ports[index]),
            "WEBHOOK_URL": f"{self.lb_url}/telegram",
            "WEBHOOK_SECRET": self.secret,
            "PYTHONUNBUFFERED": "1",
        }
        self.bots[index] = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=home,
            env=env,
            stdout=(home / "out.log").open("ab"),
            stderr=subprocess.STDOUT,
        )

    async def start_bot(self, index: int) -> None:
        """(Re)start bot process ``index`` and wait until the balancer may use it."""
        self._spawn(index)
        await self.healthy(f"http://127.0.0.1:{self.ports[index]}/healthz")
        await asyncio.sleep(BALANCER_NOTICES)

    async def healthy(self, url: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_WAIT
        async with aiohttp.ClientSession() as session:
            while loop.time() < deadline:
                for index, bot in self.bots.items():
                    if bot.poll() is not None and bot.returncode != 0:
                        raise RuntimeError(
                            f"bot{index + 1} exited ({bot.returncode}): {self.log(index)}"
                        )
                try:
                    async with session.get(url) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError(f"{url} not healthy after {START_WAIT:.0f} s")

    async def terminate(self, index: int, timeout: float = 60.0) -> int:  # noqa: ASYNC109
        """SIGTERM to bot process ``index``; its exit status once it has stopped."""
        bot = self.bots[index]
        bot.send_signal(signal.SIGTERM)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while bot.poll() is None:
            if loop.time() > deadline:
                bot.kill()
                bot.wait()
                raise TimeoutError(f"bot{index + 1} did not stop within {timeout:.0f} s")
            await asyncio.sleep(0.05)
        return int(bot.returncode)

    def kill(self, index: int) -> None:
        """SIGKILL to bot process ``index`` (reaped at once)."""
        bot = self.bots[index]
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait()

    def log(self, index: int) -> str:
        path = self.workdir / f"bot{index + 1}" / "out.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    async def stop(self) -> None:
        processes = [*self.bots.values(), *([self.haproxy] if self.haproxy else [])]
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            for _ in range(600):
                if process.poll() is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                process.kill()
                process.wait()
