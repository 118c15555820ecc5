"""The engine's connections plan each prepared statement once (real PostgreSQL).

PostgreSQL's default plans a prepared statement afresh at each of its first five executions
on a connection; the engine's connections use the generic plan from the first, so a hot
statement on a pooled connection is planned once (docs/benchmarks.md, issue 9, branch
pgcost). Results are the same either way: only how often the planner runs changes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from core.booking.sql import ACTIVE_OF_WEEK, WEEK_STATE
from core.db.driver import Driver
from core.db.engine import make_engine, make_session_factory, unit_of_work

PLANS = "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1"


async def test_a_statement_run_again_on_a_connection_is_not_planned_again(db_url: str) -> None:
    engine = make_engine(db_url, pool_size=1)  # one connection: every call below shares it
    try:
        driver = Driver(engine)
        lo, hi = datetime(2027, 1, 18, tzinfo=UTC), datetime(2027, 1, 25, tzinfo=UTC)
        for _ in range(3):
            assert await driver.fetchrow(ACTIVE_OF_WEEK, 1, 2, 3) is None
            state = await driver.fetchrow(WEEK_STATE, 1, 2, 3, lo, hi, 0)
            assert state is not None and state["version"] is None and state["busy_starts"] == []
        for statement in (ACTIVE_OF_WEEK, WEEK_STATE):
            plans = await driver.fetchrow(PLANS, statement)
            assert plans is not None
            assert (plans["generic_plans"], plans["custom_plans"]) == (3, 0)
        async with unit_of_work(make_session_factory(engine)) as session:  # the ORM's too
            assert await session.scalar(text("SHOW plan_cache_mode")) == "force_generic_plan"
    finally:
        await engine.dispose()
