"""Start-up with many linked accounts: how soon polling starts, how long menus take.

Seeds one school with N parents (default 10,000) linked to Telegram, then starts the real bot
against the local Bot API server three times on the same database:

1. first start: every menu is new; polling must start at once, menus follow in the background;
2. restart, nothing changed: no menu is set again;
3. restart after 100 accounts changed roles (they became teachers too): 100 menus set.

Prints, per start: seconds until ``start_bot`` returned (polling running), seconds until the
background menus were done, and ``setMyCommands`` calls. Results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path[:] = [p for p in sys.path if p not in (str(Path(__file__).resolve().parent), "")]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application, menus_set, start_bot, stop_bot  # noqa: E402
from bot.local_api import LocalBotApi  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from core.db.engine import make_engine, make_session_factory, migrate  # noqa: E402
from core.db.models import Family, Parent, School, Teacher  # noqa: E402
from core.services import Services  # noqa: E402
from tests.support.pg import start_test_server, unique_name  # noqa: E402

TOKEN = "123456:BENCH-TOKEN"
BASE = 700_000


async def seed(services: Services, parents: int) -> int:
    async with services.sessions() as session, session.begin():
        school = School(key="bench", name="Bench", timezone="Europe/London", reminders={})
        session.add(school)
        await session.flush()
        for n in range(parents):
            family = Family(school_id=school.id, key=f"f{n}", name=f"Family {n}")
            session.add(family)
            await session.flush()
            session.add(
                Parent(school_id=school.id, family_id=family.id, key=f"p{n}",
                       name=f"Parent {n}", telegram_id=BASE + n)
            )  # fmt: skip
        return int(school.id)


async def one_start(api: LocalBotApi, services: Services, label: str) -> None:
    before = api.calls["setMyCommands"]
    application = build_application(
        services, token=TOKEN, base_url=api.base_url, base_file_url=api.base_file_url,
        use_rate_limiter=False,
    )  # fmt: skip
    began = time.perf_counter()
    await start_bot(application, poll_timeout=1)
    polling = time.perf_counter() - began
    await menus_set(application)
    menus = time.perf_counter() - began
    await stop_bot(application)
    calls = api.calls["setMyCommands"] - before
    print(f"{label:<34} polling after {polling:6.3f} s   menus done after {menus:7.2f} s   "
          f"setMyCommands {calls}")  # fmt: skip


async def run(parents: int) -> None:
    server = await asyncio.to_thread(start_test_server)
    try:
        url = await server.create_database(unique_name())
        engine = make_engine(url, pool_size=5)
        await migrate(engine)
        services = Services.build(
            make_session_factory(engine), FixedClock(datetime(2027, 1, 19, 9, tzinfo=UTC))
        )
        school_id = await seed(services, parents)
        async with LocalBotApi() as api:
            await one_start(api, services, f"first start, {parents} accounts")
            await one_start(api, services, "restart, nothing changed")
            async with services.sessions() as session, session.begin():
                for n in range(100):
                    session.add(Teacher(school_id=school_id, key=f"t{n}", name=f"T {n}",
                                        telegram_id=BASE + n))  # fmt: skip
            await one_start(api, services, "restart, 100 accounts changed")
        await engine.dispose()
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=10_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"{date.today()}: menus at start-up")
    asyncio.run(run(args.parents))


if __name__ == "__main__":
    main()
