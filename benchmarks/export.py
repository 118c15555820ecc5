"""Benchmark the office's term export: 10,000 bookings of one term as xlsx and as CSV.

Run ``python benchmarks/export.py`` (``--bookings N``, default 10000; ``--runs N``, default 5).
Builds a generated school with SQL on ``TEST_DATABASE_URL`` or a throwaway embedded
PostgreSQL: 50 teachers with one hybrid lesson each, 100 children per lesson, individual
weeks 4 and 8, every child booked in both (a tenth of them cancelled with a reason), plus a
second school with the same bookings that the export must leave out. Then times, per run,
the rows (``ExportService.term_export``: the two queries and the local times), the xlsx file
(``to_xlsx``) and the CSV (``to_csv``), and reports medians. Target: rows + xlsx < 2 s.
"""

# ruff: noqa: E402 (imports follow the sys.path fix below)
from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the stdlib ``calendar``: drop the script's own folder
# from the import path and add the project root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import asyncio
import os
import platform
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import text

from core.clock import FixedClock
from core.db.engine import make_engine, make_session_factory, migrate
from core.exports import ExportKind, to_csv, to_xlsx
from core.services import Services
from tests.support.pg import start_test_server, unique_name

TARGET_S = 2.0
TEACHERS = 50
NOW = datetime(2027, 4, 20, 0, 0, tzinfo=UTC)  # after the term: attendance has rows too

SCHOOL_SQL = [
    "INSERT INTO schools (id, key, name, timezone, reminders) VALUES"
    " (CAST(:s AS integer), 'bench' || CAST(:s AS integer), 'Bench School ' || CAST(:s AS integer), 'Australia/Sydney', '{}')",
    "INSERT INTO teachers (id, school_id, key, name)"
    " SELECT CAST(:s AS integer) * 1000 + g, CAST(:s AS integer), 't' || g, 'Teacher ' || g FROM generate_series(1, CAST(:t AS integer)) g",
    "INSERT INTO terms (id, school_id, key, name, start_date, weeks)"
    " VALUES (CAST(:s AS integer), CAST(:s AS integer), 't1', 'Term 1', '2027-02-01', 10)",
    "INSERT INTO lessons (id, school_id, key, name, type, term_id, teacher_id, day, start_time,"
    " duration_minutes) SELECT CAST(:s AS integer) * 1000 + g, CAST(:s AS integer), 'l' || g, 'Lesson ' || g, 'HYBRID', CAST(:s AS integer),"
    " CAST(:s AS integer) * 1000 + g, 0, '16:00', 60 FROM generate_series(1, CAST(:t AS integer)) g",
    "INSERT INTO hybrid_patterns (lesson_id, school_id, individual_weeks, slot_minutes,"
    " bookings_open) SELECT CAST(:s AS integer) * 1000 + g, CAST(:s AS integer), ARRAY[4, 8], 15, true"
    " FROM generate_series(1, CAST(:t AS integer)) g",
    "INSERT INTO families (id, school_id, key, name)"
    " SELECT CAST(:s AS integer) * 100000 + g, CAST(:s AS integer), 'f' || g, 'Família ' || g FROM generate_series(1, CAST(:c AS integer)) g",
    "INSERT INTO students (id, school_id, family_id, key, name)"
    " SELECT CAST(:s AS integer) * 100000 + g, CAST(:s AS integer), CAST(:s AS integer) * 100000 + g, 's' || g, 'Zoë Child ' || g"
    " FROM generate_series(1, CAST(:c AS integer)) g",
    # child g goes to lesson 1 + (g - 1) % t, as that lesson's slot number (g - 1) / t
    "INSERT INTO bookings (school_id, lesson_id, student_id, teacher_id, week, start_at, end_at,"
    " status, booked_by, cancelled_by, cancel_reason, sequence, created_at, updated_at)"
    " SELECT CAST(:s AS integer), CAST(:s AS integer) * 1000 + 1 + (g - 1) % CAST(:t AS integer), CAST(:s AS integer) * 100000 + g, CAST(:s AS integer) * 1000 + 1 + (g - 1) % CAST(:t AS integer),"
    " w, start, start + interval '15 minutes',"
    " CASE WHEN g % 10 = 0 THEN 'CANCELLED' ELSE 'CONFIRMED' END,"
    " 'parent:' || g || ' Parent ' || g,"
    " CASE WHEN g % 10 = 0 THEN 'admin:Office' END,"
    " CASE WHEN g % 10 = 0 THEN 'sick, will rebook' END, 0, now(), now()"
    " FROM generate_series(1, CAST(:c AS integer)) g, unnest(ARRAY[4, 8]) w,"
    " LATERAL (SELECT timestamptz '2027-02-01 09:00+11' + (w - 1) * interval '7 days'"
    " + ((g - 1) / CAST(:t AS integer)) * interval '15 minutes' AS start) s",
]


async def build(engine, children: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    async with engine.begin() as conn:
        for school in (1, 2):
            for statement in SCHOOL_SQL:
                await conn.execute(text(statement), {"s": school, "t": TEACHERS, "c": children})
        await conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


async def run(bookings: int, runs: int) -> dict[str, float | int]:
    server = None
    url = os.environ.get("TEST_DATABASE_URL")
    name = unique_name("bench")
    if not url:
        server = start_test_server()
        url = await server.create_database(name)
    engine = make_engine(url, pool_size=2)
    try:
        await migrate(engine)
        build_s = await build(engine, bookings // 2)
        services = Services.build(make_session_factory(engine), FixedClock(NOW))
        timings: dict[str, list[float]] = {
            k: [] for k in ("rows", "xlsx", "csv", "attendance", "rows_cpu", "xlsx_cpu")
        }
        size = {"xlsx": 0, "csv": 0}
        for _ in range(runs):
            started, cpu = time.perf_counter(), time.process_time()
            export = await services.exports.term_export(1, "t1", ExportKind.BOOKINGS)
            timings["rows"].append(time.perf_counter() - started)
            timings["rows_cpu"].append(time.process_time() - cpu)
            assert len(export.rows) == bookings, f"{len(export.rows)} rows, not {bookings}"
            started, cpu = time.perf_counter(), time.process_time()
            size["xlsx"] = len(to_xlsx(export))
            timings["xlsx"].append(time.perf_counter() - started)
            timings["xlsx_cpu"].append(time.process_time() - cpu)
            started = time.perf_counter()
            size["csv"] = len(to_csv(export))
            timings["csv"].append(time.perf_counter() - started)
            started = time.perf_counter()
            attendance = await services.exports.term_export(1, "t1", ExportKind.ATTENDANCE)
            timings["attendance"].append(time.perf_counter() - started)
            assert len(attendance.rows) == bookings - bookings // 10
    finally:
        await engine.dispose()
        if server is not None:
            await server.drop_database(name)
            server.close()
    med = {k: statistics.median(v) for k, v in timings.items()}
    return {
        "bookings": bookings,
        "runs": runs,
        "build_s": round(build_s, 2),
        "rows_s": round(med["rows"], 3),
        "xlsx_s": round(med["xlsx"], 3),
        "csv_s": round(med["csv"], 3),
        "attendance_rows_s": round(med["attendance"], 3),
        "rows_plus_xlsx_s": round(med["rows"] + med["xlsx"], 3),
        "rows_plus_csv_s": round(med["rows"] + med["csv"], 3),
        # this process's CPU seconds (the database's own work not included): on a shared,
        # loaded machine the wall time above is mostly waiting for a core
        "rows_cpu_s": round(med["rows_cpu"], 3),
        "xlsx_cpu_s": round(med["xlsx_cpu"], 3),
        "xlsx_kib": round(size["xlsx"] / 1024),
        "csv_kib": round(size["csv"] / 1024),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    result = asyncio.run(run(args.bookings, args.runs))
    result["load_before"] = round(load, 2)
    print(f"python {platform.python_version()} on {platform.machine()}")
    for key, value in result.items():
        print(f"{key:>18}: {value}")
    ok = float(result["rows_plus_xlsx_s"]) < TARGET_S
    print("PASS" if ok else "FAIL", f"(target: rows + xlsx < {TARGET_S} s, medians)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
