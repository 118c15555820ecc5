"""Instructions per bot update, tree against tree, by callgrind: the bot's CPU that load cannot move.

Usage (from any tree; each TREE is a worktree with its own ``.venv``, or ``TREE:PYTHON``, as for
cost_per_booking.py)::

    python benchmarks/bot_instructions.py --rounds 2 --parents 40 /work/wt/base /work/wt/head

PostgreSQL runs under valgrind's callgrind with counting off (``--instr-atstart=no``); each
tree runs cost_per_booking.py's bot worker (its tree's bot_throughput.py scenario: ``/book``,
week, slot, Confirm per parent, all at once, no echo phase) under callgrind too, counting off.
When the clock starts, the worker switches counting on in itself (a tiny C helper) and in the
postmaster (``callgrind_control -i on``), so every backend forked from then on counts; when the
last parent has its .ics, off again. So the school's setup, migrations and start-up count
nothing. Counting cannot be switched in a live backend (one interrupted in a read exits), so
the worker empties its pool just before the clock starts: the bot's connections are opened
inside the window, as a bot's first burst opens them, and their start-up (fork,
authentication, catalog caches, asyncpg's type introspection) counts once per connection.
PostgreSQL's count is what its backends wrote when they exited (when the bot's pool closes),
less what was counted before that run. Autovacuum is off, so no worker of its counts in one
run and not another.

Reported: per run, instructions per update in the bot process (the bot, the local Bot API
server and the simulated parents: the same code in every tree but the bot) and in PostgreSQL;
per tree the median over the rounds, and the ratio to the first tree. The count varies a
little between runs (which update waits on which, the pool's connections opened on demand):
see the spread of the rounds.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_COST = _HERE / "cost_per_booking.py"
sys.path[:] = [p for p in sys.path if p not in (str(_HERE), "")]


def _sibling(name: str):  # type: ignore[no-untyped-def]
    """This folder's NAME.py, loaded by its path (the folder is kept off sys.path)."""
    spec = importlib.util.spec_from_file_location(name, _HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cost = _sibling("cost_per_booking")
cg = _sibling("callgrind_pg")  # PostgreSQL under callgrind, shared with cost_per_booking.py


def totals(out: Path) -> dict[str, int]:
    """Every callgrind file's count (its ``totals:``, else ``summary:`` line; 0 if neither)."""
    counted: dict[str, int] = {}
    for path in out.iterdir():
        value = 0
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith(("totals:", "summary:")):
                value = int(line.split()[1])
                break
        counted[path.name] = value
    return counted


def settle(postmaster: int, baseline: int, timeout: float = 120.0) -> None:
    """Wait until the run's backends have exited (and written their counts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(cg.postgres_pids(postmaster)) > baseline:
        time.sleep(0.5)
    time.sleep(2.0)  # a file is written as the process exits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", help="TREE or TREE:PYTHON; the first is the base")
    parser.add_argument("--rounds", type=int, default=2, help="each tree once per round")
    parser.add_argument("--parents", type=int, default=10, help="measured parents")
    parser.add_argument(
        "--warm", type=int, default=10, help="parents of the uncounted warm-up before them"
    )
    parser.add_argument(
        "--warm-rounds", type=int, default=1,
        help="warm-up bursts one after the other (other parents each): the steady state of "
        "long-lived connections, each statement past its five custom plans",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--keep", default="", help="copy the bot processes' callgrind files here")
    parser.add_argument(
        "--keep-postgres", default="",
        help="copy each run's PostgreSQL callgrind files here (ROUND.TREE.zero|full/)",
    )  # fmt: skip
    parser.add_argument(
        "--pg", action="append", default=[], metavar="NAME=VALUE",
        help="a PostgreSQL setting for the whole series (e.g. plan_cache_mode=force_generic_plan)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    cg.require(("valgrind", "gcc", "callgrind_control"))
    results: dict[str, list[dict[str, float]]] = {}
    with cg.callgrind_postgres(
        "bot-instructions-",
        valgrind_options=["--instr-atstart=no"],
        postgres_options=[
            "-c",
            "autovacuum=off",
            *(x for setting in args.pg for x in ("-c", setting)),
        ],  # fmt: skip
        start_timeout=240.0,
        stop_timeout=300.0,
    ) as pg:
        postmaster, out, url = pg.postmaster, pg.out, pg.url
        own_dir = pg.tmp / "own"
        own_dir.mkdir()
        time.sleep(3.0)
        baseline = len(cg.postgres_pids(postmaster))
        specs = cost.parse_specs(args.trees)

        def one_run(
            tree: Path, python: str, setup: str, parents: int, own: Path, keep: str = ""
        ) -> dict:
            """PostgreSQL's count and the worker's numbers, for a warm-up and ``parents``."""
            counted = totals(out)
            before = sum(counted.values())
            command = [
                "valgrind", "--tool=callgrind", "--instr-atstart=no",
                f"--callgrind-out-file={own}", python, str(_COST), "--worker", "bot",
                "--tree", str(tree), "--database-url", url, "--postmaster", str(postmaster),
                "--parents", str(parents), "--warm-parents", str(args.warm),
                "--warm-rounds", str(args.warm_rounds),
                "--seed", str(args.seed), "--setup-sql", setup, "--no-echo", "--wait", "900",
                "--cg-postgres", "--cg-helper", str(pg.helper),
            ]  # fmt: skip
            proc = subprocess.run(command, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(proc.stderr[-4000:], file=sys.stderr)
                raise SystemExit(1)
            numbers = json.loads(proc.stdout.strip().splitlines()[-1])["bot"]
            if numbers["failures"]:  # a run with failed users counts other work
                print(proc.stderr[-3000:], file=sys.stderr)
            settle(postmaster, baseline)
            after = totals(out)
            numbers["db_ir"] = sum(after.values()) - before
            numbers["backends"] = len(set(after) - set(counted))
            if keep:  # the files this run added (a file grown since is one of this run's)
                Path(keep).mkdir(parents=True, exist_ok=True)
                for name, value in after.items():
                    if counted.get(name) != value:
                        shutil.copy(out / name, Path(keep) / name)
            return numbers

        for round_no in range(1, args.rounds + 1):
            for label, tree, python, setup in specs:
                own = own_dir / f"py.{round_no}.{len(results.get(label, []))}.{tree.name}"
                started = time.monotonic()
                # the warm-up alone (its PostgreSQL count is subtracted), then with the parents
                index = [spec[0] for spec in specs].index(label)
                keep = f"{args.keep_postgres}/{round_no}.{index}." if args.keep_postgres else ""
                zero = one_run(tree, python, setup, 0, own_dir / "zero", keep and keep + "zero")
                numbers = one_run(tree, python, setup, args.parents, own, keep and keep + "full")
                db_ir = numbers["db_ir"] - zero["db_ir"]
                own_ir = cg.callgrind_total(own)
                updates = numbers["updates"]
                run = {
                    "updates": updates,
                    "failures": numbers["failures"] + zero["failures"],
                    "py": own_ir / updates,
                    "db": db_ir / updates,
                    "backends": numbers["backends"] - zero["backends"],
                }
                results.setdefault(label, []).append(run)
                if args.keep:
                    Path(args.keep).mkdir(parents=True, exist_ok=True)
                    shutil.copy(own, Path(args.keep) / own.name)
                print(
                    f"round {round_no} {label}: {updates} updates ({numbers['failures']} failed "
                    f"users); per update {run['py']:,.0f} instructions in the bot process + "
                    f"{run['db']:,.0f} in PostgreSQL = {run['py'] + run['db']:,.0f}; "
                    f"{run['backends']} more backends than the warm-up alone "
                    f"({time.monotonic() - started:.0f} s)",
                    flush=True,
                )
        med = statistics.median
        first = next(iter(results.values()))
        base = med(r["py"] + r["db"] for r in first)
        base_py, base_db = med(r["py"] for r in first), med(r["db"] for r in first)
        print(
            "\n| tree | runs: total Ir/update | median process | median PostgreSQL "
            "| median total | ÷ first (process, PostgreSQL) |"
        )
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for label, runs in results.items():
            total = med(r["py"] + r["db"] for r in runs)
            py, db = med(r["py"] for r in runs), med(r["db"] for r in runs)
            cells = " / ".join(f"{r['py'] + r['db']:,.0f}" for r in runs)
            print(
                f"| {label} | {cells} | {py:,.0f} | {db:,.0f} | {total:,.0f} | "
                f"{total / base:.3f} ({py / base_py:.3f}, {db / base_db:.3f}) |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
