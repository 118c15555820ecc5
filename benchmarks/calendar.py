"""Benchmark the week picture and the term .ics file.

Run ``python benchmarks/calendar.py`` (``--runs N``, ``--markdown`` for a table to paste
into docs/benchmarks.md, ``--png PATH`` to keep the rendered picture). Builds a busy
week (300+ events of every kind, overlapping, a few cancelled) and a 15-week term, then
reports p50/p90 wall time of ``layout_week`` + ``render_week_png`` and of ``build_ics``.
"""

# ruff: noqa: E402 (imports follow the sys.path fix below)
from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the stdlib ``calendar`` module, which dateutil (used by
# icalendar) imports: drop the script's own folder from the import path so that
# ``import calendar`` finds the stdlib, and add the project root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import os
import platform
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.calendar.events import CalendarEvent, EventKind
from core.calendar.ics import build_ics
from core.calendar.layout import layout_week
from core.calendar.painter import render_week_png

TZ = ZoneInfo("Australia/Sydney")
WEEK_START = date(2027, 2, 1)  # a Monday
PICTURE_TARGET_MS = 150.0
TERM_TARGET_MS = 50.0

TEACHERS = ["Ana Ruiz", "Ben Okafor", "Chloe Tran", "Dev Patel", "Emma Walsh", "Finn Berg"]
INSTRUMENTS = ["Piano", "Guitar", "Violin", "Drums", "Voice", "Cello", "Sax", "Bass"]
GROUPS = ["Piano Foundations", "Junior Strings", "Theory Club", "Rock Choir", "Ukulele Kids"]
BANDS = ["Garage Band", "Jazz Combo", "Senior Rock Band"]
ROOMS = [f"Room {n}" for n in range(1, 9)]

# (kind, share of the lessons, minutes)
MIX: list[tuple[EventKind, float, tuple[int, ...]]] = [
    (EventKind.INDIVIDUAL, 0.50, (30, 45, 60)),
    (EventKind.GROUP, 0.12, (60,)),
    (EventKind.BAND, 0.06, (90,)),
    (EventKind.HYBRID_GROUP, 0.10, (60,)),
    (EventKind.HYBRID_PLACEHOLDER, 0.08, (60,)),
    (EventKind.BOOKED_SESSION, 0.10, (30,)),
    (EventKind.MEET_AND_GREET, 0.02, (20,)),
    (EventKind.OTHER_EVENT, 0.02, (120,)),
]


def _title(kind: EventKind, rng: random.Random) -> str:
    if kind is EventKind.GROUP or kind is EventKind.HYBRID_GROUP:
        return rng.choice(GROUPS)
    if kind is EventKind.BAND:
        return rng.choice(BANDS)
    if kind is EventKind.MEET_AND_GREET:
        return "Meet & greet – new families"
    if kind is EventKind.OTHER_EVENT:
        return "Student concert"
    if kind is EventKind.HYBRID_PLACEHOLDER:
        return f"{rng.choice(INSTRUMENTS)} individual week – book a slot"
    return f"{rng.choice(INSTRUMENTS)} with {rng.choice(TEACHERS).split()[0]}"


def busy_week(monday: date, count: int = 320, seed: int = 7) -> list[CalendarEvent]:
    """``count`` events Mon..Sat 09:00-21:00 school time, ~3% cancelled."""
    rng = random.Random(seed)
    kinds = [k for k, _, _ in MIX]
    weights = [w for _, w, _ in MIX]
    minutes = {k: m for k, _, m in MIX}
    events = []
    for n in range(count):
        kind = rng.choices(kinds, weights)[0]
        length = rng.choice(minutes[kind])
        day = monday + timedelta(days=rng.randrange(6))
        start_min = rng.randrange(9 * 60, 21 * 60 - length + 1, 15)
        local = datetime(day.year, day.month, day.day, start_min // 60, start_min % 60, tzinfo=TZ)
        start = local.astimezone(UTC)
        events.append(
            CalendarEvent(
                uid=f"{monday:%Y%m%d}-{n:04d}",
                kind=kind,
                title=_title(kind, rng),
                start=start,
                end=start + timedelta(minutes=length),
                teacher=rng.choice(TEACHERS),
                location="Riverside Music School",
                room=rng.choice(ROOMS),
                description="Bring your books; parents welcome at the end.",
                sequence=rng.choice((0, 0, 0, 1, 2)),
                cancelled=rng.random() < 0.03,
            )
        )
    return events


def term(monday: date, weeks: int = 15, per_week: int = 36) -> list[CalendarEvent]:
    """A family's or teacher's term: ``weeks`` x ``per_week`` events (540 by default)."""
    events: list[CalendarEvent] = []
    for w in range(weeks):
        events.extend(busy_week(monday + timedelta(weeks=w), per_week, seed=w))
    return events


def _time_ms(func: Callable[[], object], runs: int) -> list[float]:
    func()  # warm up fonts, caches and imports
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--png", type=Path, help="write the busy-week picture here")
    args = parser.parse_args(argv)

    week = busy_week(WEEK_START)
    term_events = term(WEEK_START)

    def picture() -> bytes:
        layout = layout_week(week, WEEK_START, TZ, "Riverside Music School")
        return render_week_png(layout)

    def term_file() -> bytes:
        return build_ics(term_events, TZ.key, "Riverside Music School – Term 1")

    if args.png:
        args.png.write_bytes(picture())
    rows = [
        (
            f"Week picture ({len(week)} events, 1200x900 PNG)",
            _time_ms(picture, args.runs),
            PICTURE_TARGET_MS,
        ),
        (
            f"Term .ics ({len(term_events)} events, 15 weeks)",
            _time_ms(term_file, args.runs),
            TERM_TARGET_MS,
        ),
    ]
    machine = f"{os.cpu_count()} CPU, Python {platform.python_version()}, {platform.machine()}"
    if args.markdown:
        print(f"Calendar benchmarks — {machine}, {args.runs} runs each\n")
        print("| What | p50 ms | p90 ms | Target | OK |")
        print("|---|---:|---:|---:|:---:|")
    else:
        print(f"Machine: {machine}; {args.runs} runs each")
    failed = False
    for name, samples, target in rows:
        p50, p90 = _p(samples, 0.5), _p(samples, 0.9)
        ok = p50 < target
        failed |= not ok
        if args.markdown:
            print(f"| {name} | {p50:.1f} | {p90:.1f} | < {target:.0f} | {'✅' if ok else '❌'} |")
        else:
            verdict = "ok" if ok else "TOO SLOW"
            print(
                f"{name}: p50 {p50:.1f} ms, p90 {p90:.1f} ms (target p50 < {target:.0f} ms) "
                f"{verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
