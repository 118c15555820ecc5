"""Server CPU per API request, a measure that survives a loaded machine.

Run ``python benchmarks/api_cpu.py [slots|post] [--requests 2000] [--clients 1]
[--auth key|tma]`` from a tree's root (it imports that tree's code). The real HTTP server (bot.http) runs in a process
of its own on the school of benchmarks/api_throughput.py; one client sends serial requests
(200 warm first), or ``--clients N`` send at once (concurrent requests may share work), and
the server process's CPU time (utime + stime from /proc) is divided by the requests.
``--auth tma`` sends the Mini App's credentials instead of the school's key: init data
signed for an admin of the school (one string for every request, as one open Mini App
sends), so each request is checked as Telegram specifies and then looks the account up.
Alternate trees round by round to compare them; wall time is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import multiprocessing
import os
import signal
import sys
import time
import warnings
from pathlib import Path
from typing import Any

_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402

from core.api_keys import ApiKeys  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from core.db.engine import make_engine, make_session_factory  # noqa: E402
from core.services import Services  # noqa: E402

# the school and the database of the throughput benchmark (by path: benchmarks/calendar.py
# must not shadow the standard library's calendar module)
_SPEC = importlib.util.spec_from_file_location("api_throughput", Path(_HERE) / "api_throughput.py")
if _SPEC is None or _SPEC.loader is None:
    raise RuntimeError("benchmarks/api_throughput.py is missing")
bench = importlib.util.module_from_spec(_SPEC)
sys.modules["api_throughput"] = bench
_SPEC.loader.exec_module(bench)


TOKEN = "123456:BENCH-TOKEN"  # the bot token the server checks Mini App init data with
ADMIN_TELEGRAM_ID = 9001


def serve(url: str, ready: Any, profile: str = "", match: str = "") -> None:
    warnings.filterwarnings("ignore")

    async def main() -> None:
        from bot.http import build_http_app, start_http_server

        engine = make_engine(url, pool_size=32)
        services = Services.build(make_session_factory(engine), FixedClock(bench.NOW))
        app = build_http_app(services, bot_token=TOKEN)
        runner = await start_http_server(app, "127.0.0.1", 0)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        ready.put(runner.addresses[0][1])
        await stop.wait()

    if not profile:
        asyncio.run(main())
        return
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(main())
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats(profile)
    stats.print_stats(*([match] if match else []), 30)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _credentials(services: Services, engine: Any, school_id: int, auth: str) -> str:
    """The Authorization header: the school's new API key, or an admin's signed init data."""
    if auth == "key":
        return f"Bearer {await ApiKeys(engine, services.clock).create(school_id, 'bench')}"
    from bot.http.miniapp import sign_init_data
    from core.db.models import Admin

    async with services.sessions() as session, session.begin():
        session.add(
            Admin(school_id=school_id, key="office", name="Office", telegram_id=ADMIN_TELEGRAM_ID)
        )
    signed = int(services.clock.now().timestamp()) - 60
    return f"tma {sign_init_data(TOKEN, ADMIN_TELEGRAM_ID, 'Office', signed, 'en')}"


async def run(
    what: str,
    requests: int,
    profile: str = "",
    clients: int = 1,
    auth: str = "key",
    match: str = "",
) -> str:
    url, embedded = await bench._database(os.environ.get("TEST_DATABASE_URL"))
    school = await bench.build_school(url, 40)
    engine = make_engine(url, pool_size=4)
    services = Services.build(make_session_factory(engine), FixedClock(bench.NOW))
    school_id = (await services.directory.school("bench")).id
    headers = {"Authorization": await _credentials(services, engine, school_id, auth)}
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    server = context.Process(target=serve, args=(url, ready, profile, match), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ready.get(timeout=60)}"
    posts = []
    for week in bench.WEEKS:
        for lesson, students in school:
            for index, student in enumerate(students):
                day, at = bench.slot_of(week, index)
                posts.append(
                    {"lessonId": lesson, "studentId": student, "weekNumber": week}
                    | {"scheduledDate": day, "startTime": at}
                )
    try:
        async with aiohttp.ClientSession() as http:

            async def get(i: int) -> None:
                target = f"lessonId=l{i % 40}&weekNumber={1 + i % 10}"
                async with http.get(
                    f"{base}/api/hybrid-bookings/available-slots?{target}", headers=headers
                ) as response:
                    await response.read()
                    assert response.status == 200, response.status

            async def post(i: int) -> None:
                async with http.post(
                    f"{base}/api/hybrid-bookings", json=posts[i], headers=headers
                ) as response:
                    await response.read()
                    assert response.status == 201, response.status

            send = get if what == "slots" else post
            for i in range(200):
                await send(i)
            count = requests if what == "slots" else min(requests, len(posts) - 200)
            cpu0, wall0 = cpu_seconds(server.pid or 0), time.perf_counter()
            todo = iter(range(200, 200 + count))

            async def client() -> None:
                for i in todo:  # the clients share one sequence of requests
                    await send(i)

            await asyncio.gather(*(client() for _ in range(clients)))
            wall, cpu = time.perf_counter() - wall0, cpu_seconds(server.pid or 0) - cpu0
    finally:
        server.terminate()
        server.join(20)
        await engine.dispose()
        if embedded is not None:
            embedded.stop()
    return (
        f"{what} ({auth}): {count} requests from {clients} client(s), server CPU {1e6 * cpu / count:.0f} us/request, "
        f"wall {1e6 * wall / count:.0f} us/request; load average {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", choices=("slots", "post"), default="slots")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--profile",
        default="",
        metavar="SORT",
        help="run the server under cProfile; its stats (sorted by SORT: tottime, cumulative) "
        "go to stderr at the end (the CPU figures then include the profiler's cost)",
    )
    parser.add_argument(
        "--clients", type=int, default=1, help="concurrent clients (default 1: serial)"
    )
    parser.add_argument(
        "--auth",
        choices=("key", "tma"),
        default="key",
        help="credentials: the school's API key (default) or Mini App init data (tma)",
    )
    parser.add_argument(
        "--profile-match",
        default="",
        metavar="REGEX",
        help="with --profile, only the functions whose file:line(name) matches REGEX",
    )
    args = parser.parse_args()
    print(
        asyncio.run(
            run(
                args.what,
                args.requests,
                args.profile,
                args.clients,
                args.auth,
                args.profile_match,
            )
        )
    )


if __name__ == "__main__":
    main()
