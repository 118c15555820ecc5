"""CPU per booking and per bot update, tree against tree, alternated: a measure load cannot move.

Raw throughput on this shared 2-core machine swings by ±30 % between two runs of one tree, so
the before/after of a refactor is measured by what a run *costs*: the CPU seconds (user + sys)
consumed by the process running the bookings **and** by every PostgreSQL process (backends,
WAL writer, checkpointer, autovacuum; exited ones through the postmaster's reaped-children
counters) while the clock runs, divided by the bookings made and by the attempts made.

Usage (from any tree; each TREE is a worktree with its own ``.venv``, or ``TREE:PYTHON``;
``TREE|SQL|...`` runs each SQL on the rush's database once it is built, before the rush, and
``TREE|book:OLD=>NEW`` replaces OLD by NEW in core/booking/sql.py's BOOK in that run, to
attribute a cost, e.g. ``"/work/wt/head|ALTER TABLE bookings DISABLE TRIGGER bookings_waitlist"``
or ``"/work/wt/head|book:FOR KEY SHARE=>"``; with ``--bot``, ``TREE|pool:N`` gives the bot's
engine a pool of N, else the tree's default, ``DB_POOL_SIZE``'s, or 20 for a tree without, and
SQL items run once the bot's school is built)::

    python benchmarks/cost_per_booking.py --pairs 4 /work/wt/base /work/wt/head
    python benchmarks/cost_per_booking.py --bot --pairs 4 /work/wt/base /work/wt/head

One embedded PostgreSQL is started for the whole series (so both trees run against the same
server and settings); each round runs every tree once, in the order given (ABAB...), each in
a fresh process of that tree's own venv, which imports that tree's ``benchmarks/booking_rush.py``
(or ``bot_throughput.py``) and so its code, and builds the same school with the same seed.

* the rush (default): booking_rush.py's school and clients (32 clients over a pool of 32,
  picking among the first few students and slots so they collide), its warm-up attempts
  unmeasured; the CPU counters are read when every client has passed the start barrier and
  when the last one has finished, before the pool is closed.
* ``--bot``: bot_throughput.py's scenario (``/book``, week, slot, Confirm per parent, all at
  once) and, in the same process, its echo bot on musicbot's HTTP stack as a control: the
  local Bot API server runs in the measured process, so a change of its cost shows in the
  echo's CPU per update as well.

Reported: each run's numbers, the medians per tree and the ratio of the medians (the last
tree given over the first), and the load average around each run.

``--instructions`` counts instead of timing (``perf stat -e instructions`` is not supported on
every VM): PostgreSQL and the booking process run under valgrind's callgrind (both needed, and
gcc for a tiny helper that switches the count on and off around the clock's window), one
client, so every tree books the same slots in the same order; see run_instructions.

This file is the series (and ``main``); what runs inside each tree (``--worker rush|bot``) is
in cost_workers.py, PostgreSQL under callgrind in callgrind_pg.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

_HERE = str(Path(__file__).resolve().parent)
# this folder's calendar.py would shadow the standard library's calendar module
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")]


def _sibling(name: str) -> ModuleType:
    """This folder's NAME.py, loaded by its path (the folder is kept off sys.path)."""
    spec = importlib.util.spec_from_file_location(name, Path(_HERE) / f"{name}.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"error: no {name}.py beside {__file__}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# what runs inside a tree (the rush, the bot; the CPU meter) and PostgreSQL under callgrind
workers = _sibling("cost_workers")
cg = workers.cg


# ---------------------------------------------------------------- the series


def per(numbers: dict[str, Any], count_key: str) -> float:
    """CPU milliseconds (process + server) per unit."""
    count = numbers[count_key]
    return 1000 * (numbers["own_cpu"] + numbers["db_cpu"]) / count if count else float("nan")


def load() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


# ---------------------------------------------------------------- instructions (callgrind)


def parse_specs(specs: list[str]) -> list[tuple[str, Path, str, str]]:
    """label, tree, python, setup (SQL statements and book: substitutions, "|"-separated)."""
    trees = []
    for spec in specs:
        where, _, setup = spec.partition("|")
        tree, _, python = where.partition(":")
        path = Path(tree).resolve()
        trees.append((spec, path, python or str(path / ".venv" / "bin" / "python"), setup))
    return trees


def run_instructions(args: argparse.Namespace) -> int:
    """Instructions per booking: the Python process and the PostgreSQL backend, by callgrind.

    One client, so a run is the same sequence of bookings for every tree (no collisions:
    the success path). PostgreSQL runs under callgrind (every backend writes its count when
    it exits); the booking process runs under callgrind with instrumentation switched on only
    while the clock runs. The backend's count includes its connection and the warm-up
    attempts, so each tree also runs the same school with no measured attempt, and the
    difference is divided by the bookings."""
    cg.require(("valgrind", "gcc"), "error: --instructions needs")
    with cg.callgrind_postgres("cost-instructions-") as pg:
        results = {}
        for label, tree, python, setup in parse_specs(args.trees):
            runs = {}
            for seconds in (0.0, 1e6):  # no measured attempt; every slot booked
                command = [
                    python, __file__, "--worker", "rush", "--tree", str(tree),
                    "--database-url", pg.url, "--postmaster", str(pg.postmaster),
                    "--clients", "1", "--seconds", str(seconds),
                    "--students", str(args.students), "--seed", str(args.seed),
                    "--setup-sql", setup,
                ]  # fmt: skip
                own = pg.tmp / f"py.{len(results)}.{int(seconds > 0)}"
                if seconds:
                    command = [
                        "valgrind", "--tool=callgrind", "--instr-atstart=no",
                        f"--callgrind-out-file={own}", *command, "--cg-helper", str(pg.helper),
                    ]  # fmt: skip
                proc = subprocess.run(command, capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    return 1
                numbers = json.loads(proc.stdout.strip().splitlines()[-1])
                numbers["db_ir"] = cg.callgrind_total(pg.out / f"pg.{numbers['backends'][0]}")
                numbers["own_ir"] = cg.callgrind_total(own) if seconds else 0
                runs[seconds > 0] = numbers
            full, zero = runs[True], runs[False]
            booked = full["booked"]
            result = {
                "booked": booked,
                "py": full["own_ir"] / booked,
                "db": (full["db_ir"] - zero["db_ir"]) / booked,
            }
            results[label] = result
            print(
                f"{label}: {booked} bookings; per booking {result['py']:,.0f} instructions in "
                f"the booking process + {result['db']:,.0f} in its PostgreSQL backend = "
                f"{result['py'] + result['db']:,.0f}",
                flush=True,
            )
        first = next(iter(results.values()))
        print(
            "\n| tree | bookings | process Ir/booking | PostgreSQL Ir/booking | total | ÷ first |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for label, r in results.items():
            total = r["py"] + r["db"]
            print(
                f"| {label} | {r['booked']} | {r['py']:,.0f} | {r['db']:,.0f} | {total:,.0f} | "
                f"{total / (first['py'] + first['db']):.3f} |"
            )
    return 0


def run_series(args: argparse.Namespace) -> int:
    from bot.embedded_db import start_embedded

    trees = parse_specs(args.trees)
    tmp = tempfile.mkdtemp(prefix="cost-per-booking-")
    embedded = start_embedded(Path(tmp), cleanup_mode="delete")
    try:
        pid_file = Path(tmp) / "pgdata" / "postmaster.pid"
        postmaster = int(pid_file.read_text().split()[0])
        results: dict[str, list[dict[str, Any]]] = {label: [] for label, *_ in trees}
        for round_no in range(1, args.pairs + 1):
            for label, tree, python, setup in trees:
                before = load()
                command = [
                    python, __file__, "--worker", "bot" if args.bot else "rush",
                    "--tree", str(tree), "--database-url", embedded.url("postgres"),
                    "--postmaster", str(postmaster), "--clients", str(args.clients),
                    "--seconds", str(args.seconds), "--students", str(args.students),
                    "--parents", str(args.parents), "--seed", str(args.seed),
                    "--setup-sql", setup,
                ]  # fmt: skip
                proc = subprocess.run(command, capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    return 1
                numbers = json.loads(proc.stdout.strip().splitlines()[-1])
                numbers["load"] = (before, load())
                numbers["round"] = round_no
                results[label].append(numbers)
                print(f"round {round_no} {label}: {describe(numbers, args.bot)}", flush=True)
        summarise(results, args.bot)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
    finally:
        embedded.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def describe(n: dict[str, Any], bot: bool) -> str:
    lo, hi = n["load"]
    if bot:
        b, e = n["bot"], n["echo"]
        return (
            f"musicbot {per(b, 'updates'):.2f} ms CPU/update ({b['own_cpu']:.2f} s bot + "
            f"{b['db_cpu']:.2f} s PostgreSQL for {b['updates']} updates in {b['wall']:.1f} s, "
            f"{b['failures']} failed); echo {per(e, 'updates'):.2f} ms CPU/update; "
            f"load {lo:.1f}-{hi:.1f}"
        )
    return (
        f"{per(n, 'booked'):.3f} ms CPU/booking, {per(n, 'attempts'):.3f} ms CPU/attempt "
        f"({n['own_cpu']:.2f} s process + {n['db_cpu']:.2f} s PostgreSQL; {n['booked']} bookings "
        f"/ {n['attempts']} attempts in {n['wall']:.1f} s; {n['other']}; invariants "
        f"{n['invariants']['teacher_overlaps']} overlaps, "
        f"{n['invariants']['double_bookings']} double); load {lo:.1f}-{hi:.1f}"
    )


def short(label: str) -> str:
    """A tree's folder name, and + when a setup statement was run for it."""
    where, bar, _ = label.partition("|")
    return Path(where.partition(":")[0]).name + ("+" if bar else "")


def summarise(results: dict[str, list[dict[str, Any]]], bot: bool) -> None:
    med = statistics.median
    metrics: list[tuple[str, Any]]
    if bot:
        metrics = [
            ("musicbot CPU ms/update (process + PostgreSQL)", lambda n: per(n["bot"], "updates")),
            ("musicbot process CPU ms/update", lambda n: 1000 * n["bot"]["own_cpu"] / n["bot"]["updates"]),
            ("musicbot PostgreSQL CPU ms/update", lambda n: 1000 * n["bot"]["db_cpu"] / n["bot"]["updates"]),
            ("echo (control) CPU ms/update", lambda n: per(n["echo"], "updates")),
            ("musicbot updates/s", lambda n: n["bot"]["updates"] / n["bot"]["wall"]),
        ]  # fmt: skip
    else:
        metrics = [
            ("CPU ms/booking (process + PostgreSQL)", lambda n: per(n, "booked")),
            ("CPU ms/attempt (process + PostgreSQL)", lambda n: per(n, "attempts")),
            ("process CPU ms/attempt", lambda n: 1000 * n["own_cpu"] / n["attempts"]),
            ("PostgreSQL CPU ms/attempt", lambda n: 1000 * n["db_cpu"] / n["attempts"]),
            ("bookings/attempts", lambda n: n["booked"] / n["attempts"]),
            ("bookings/s (raw, load-bound)", lambda n: n["booked"] / n["wall"]),
        ]
    trees = list(results)
    print("\n| metric | " + " | ".join(f"{t} (runs)" for t in trees), end="")
    print(" | " + " | ".join(f"median {short(t)}" for t in trees) + " | last/first |")
    print("| --- |" + " --- |" * len(trees) + " ---: |" * len(trees) + " ---: |")
    for label, fn in metrics:
        values = [[fn(n) for n in results[t]] for t in trees]
        medians = [med(v) for v in values]
        cells = [" / ".join(f"{x:.3g}" for x in v) for v in values]
        ratio = medians[-1] / medians[0] if medians[0] else float("nan")
        print(
            f"| {label} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(f"{m:.3g}" for m in medians)
            + f" | {ratio:.3f} |"
        )
    loads = [x for t in trees for n in results[t] for x in n["load"]]
    print(f"\nload average during the series: {min(loads):.1f}-{max(loads):.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", help="TREE or TREE:PYTHON, in the order to run")
    parser.add_argument("--pairs", type=int, default=4, help="rounds: each tree once per round")
    parser.add_argument("--bot", action="store_true", help="bot updates instead of the rush")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0, help="cap on each rush")
    parser.add_argument("--students", type=int, default=400)
    parser.add_argument("--parents", type=int, default=200, help="bot: simulated parents")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--instructions", action="store_true", help="instructions per booking (callgrind)"
    )
    parser.add_argument("--json", default="", help="also write every run's numbers here")
    parser.add_argument("--setup-sql", default="", help=argparse.SUPPRESS)
    parser.add_argument("--cg-helper", default="", help=argparse.SUPPRESS)
    parser.add_argument("--no-echo", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--wait", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--warm-parents", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--warm-rounds", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--cg-postgres", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", default="", help="worker: cProfile the clock's window")
    parser.add_argument("--worker", choices=("rush", "bot"), help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--postmaster", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        numbers = (workers.bot_worker if args.worker == "bot" else workers.rush_worker)(args)
        print(json.dumps(numbers))
        return 0
    if len(args.trees) < 2:
        parser.error("give at least two trees (the first is the base of the ratio)")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    return run_instructions(args) if args.instructions else run_series(args)


if __name__ == "__main__":
    sys.exit(main())
