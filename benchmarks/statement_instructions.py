"""PostgreSQL's instructions per execution of each statement a bot run sent, by callgrind.

Usage (TREE has a ``.venv``; LOG is a PostgreSQL log written with ``log_statement=all`` and
``log_line_prefix='%d %p '`` by ``bot_instructions.py --pg log_statement=all --pg
logging_collector=on --pg log_directory=DIR "--pg=log_line_prefix=%d %p "``; DATABASE is
the run's database in it, default the last)::

    python benchmarks/statement_instructions.py TREE LOG [--database NAME] [--reps 4]

The tree's bot school (its bot_throughput.build_school, 20 parents) is built in a fresh
database of a PostgreSQL under callgrind, counting off. Then each distinct statement the
bot's connections executed in that run (with the parameters of its first execution, from
the log) is replayed through ``PREPARE`` and ``EXECUTE`` in fresh connections, counting on:
one connection executes it once, another 1 + REPS times, so the difference per repetition
is an execution on a warm connection (catalog caches loaded, statement prepared), once with
``plan_cache_mode=force_custom_plan`` (planned at every execution: what a pooled
connection does for a statement's first five executions, and for ever when the generic
plan looks dearer), once with ``force_generic_plan`` (planned once), and once with the
default from the seventh execution on (after the five custom plans PostgreSQL chose: the
steady state of a long-lived pooled connection).
A statement that writes runs inside ``BEGIN`` ... ``ROLLBACK`` (so it writes the same every
time). A third connection prepares the statement only: less an empty connection, what a
connection's first use of that statement costs beyond an execution (parse, analysis,
catalog caches).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if p not in (str(_HERE), "")]

_ENTRY = re.compile(r"^(\S+) (\d+) (LOG|DETAIL|ERROR|STATEMENT|WARNING|HINT|CONTEXT):  (.*)")
_PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
_BUILD = """
import asyncio, importlib.util, sys
spec = importlib.util.spec_from_file_location("bot_throughput", sys.argv[1])
bt = importlib.util.module_from_spec(spec); sys.modules["bot_throughput"] = bt
spec.loader.exec_module(bt)
async def main():
    engine = bt.make_engine(sys.argv[2], pool_size=1)
    await bt.migrate(engine)
    await bt.build_school(bt.make_session_factory(engine), 20)
    await engine.dispose()
asyncio.run(main())
"""


def statements(log: Path, database: str) -> tuple[str, list[tuple[str, list[str], int]]]:
    """The run's database and its bot connections' statements: (text, first parameters,
    executions), most executed first. The database's first connection (migrations, the
    school) is left out."""
    entries: list[list[str]] = []
    for line in log.read_text(errors="replace").splitlines():
        match = _ENTRY.match(line)
        if match:
            entries.append(list(match.groups()))
        elif entries:
            entries[-1][3] += "\n" + line
    if not database:
        database = [e[0] for e in entries if e[0].startswith("bench_")][-1]
    mine = [e for e in entries if e[0] == database]
    first_pid = mine[0][1]
    found: dict[str, list[str]] = {}
    count: collections.Counter[str] = collections.Counter()
    last = ""
    for _db, pid, kind, text in mine:
        if pid == first_pid:
            continue
        if kind == "LOG" and text.startswith("execute "):
            last = text.split(": ", 1)[1]
            count[last] += 1
            found.setdefault(last, [])
        elif kind == "DETAIL" and text.startswith("parameters:") and last and not found[last]:
            found[last] = [value for _n, value in _PARAM.findall(text)]
        else:
            last = "" if kind == "LOG" else last
    ordered = sorted(found, key=lambda s: -count[s])
    return database, [(s, found[s], count[s]) for s in ordered]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("log", type=Path)
    parser.add_argument("--database", default="")
    parser.add_argument("--reps", type=int, default=4)
    parser.add_argument("--skip", default="typeinfo_tree|set_config", help="regex of texts")
    args = parser.parse_args(argv)
    database, found = statements(args.log, args.database)
    found = [f for f in found if not re.search(args.skip, f[0])]
    import pgserver

    sys.path.insert(0, str(_HERE))
    import callgrind_pg as cg  # type: ignore[import-not-found]

    bin_dir = Path(pgserver.__file__).parent / "pginstall" / "bin"
    as_user = ["runuser", "-u", "pgserver", "--"] if os.geteuid() == 0 else []
    with cg.callgrind_postgres(
        "statement-instructions-",
        valgrind_options=["--instr-atstart=no"],
        postgres_options=["-c", "autovacuum=off"],
        start_timeout=240.0,
        stop_timeout=300.0,
    ) as pg:
        data, out, postmaster = pg.tmp / "data", pg.out, pg.postmaster
        psql = [*as_user, str(bin_dir / "psql"), "-h", str(data), "-U", "postgres", "-X", "-q"]
        subprocess.run([*psql, "-c", "CREATE DATABASE bench"], check=True)
        url = f"postgresql+asyncpg://postgres@/bench?host={data}"
        python = str(args.tree / ".venv" / "bin" / "python")
        build = [python, "-c", _BUILD, str(args.tree / "benchmarks" / "bot_throughput.py"), url]
        subprocess.run(build, check=True, capture_output=True)
        subprocess.run([*psql, "-d", "bench", "-c", "VACUUM ANALYZE"], check=True)
        cg.callgrind_control(postmaster, "-i", "on")

        def session(script: str) -> int:
            """Instructions of one connection running ``script``."""
            proc = subprocess.run(
                [*psql, "-d", "bench", "-At", "-v", "ON_ERROR_STOP=1"],
                input="SELECT pg_backend_pid();\n" + script, capture_output=True, text=True,
                check=False,
            )  # fmt: skip
            if proc.returncode != 0:
                raise SystemExit(f"error: {proc.stderr[-2000:]}\n{script[:2000]}")
            pid = int(proc.stdout.split()[0])
            path = out / f"pg.{pid}"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if path.exists():
                    for line in path.read_text(errors="replace").splitlines():
                        if line.startswith(("totals:", "summary:")):
                            return int(line.split()[1])
                time.sleep(0.3)
            raise SystemExit(f"error: no count for backend {pid}")

        empty = min(session("") for _ in range(3))  # the first builds the relcache file
        print(f"database {database}: an empty connection {empty:,} Ir (start-up)")
        print(
            "\n| runs | Ir custom plan | Ir generic plan | Ir default, 7th on | first use "
            "| statement |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | --- |")
        for text, params, runs in found:
            writes = bool(re.search(r"\b(INSERT|UPDATE|DELETE)\b", text, re.I))
            values = ", ".join(params)
            execute = f"EXECUTE s({values});\n" if params else "EXECUTE s;\n"
            if writes:
                execute = "BEGIN;\n" + execute + "ROLLBACK;\n"
            prepare = f"PREPARE s AS {text};\n"
            cost = {}
            for mode in ("custom", "generic", "auto"):
                setting = f"SET plan_cache_mode = force_{mode}_plan;\n" if mode != "auto" else ""
                before = 1 if mode != "auto" else 6  # auto: past the five custom plans
                once = session(setting + prepare + execute * before)
                more = session(setting + prepare + execute * (before + args.reps))
                cost[mode] = (more - once) / args.reps
            first = session("SET plan_cache_mode = force_custom_plan;\n" + prepare) - empty
            short = re.sub(r"\s+", " ", text).strip()[:90].replace("|", "/")
            print(
                f"| {runs} | {cost['custom']:,.0f} | {cost['generic']:,.0f} | {cost['auto']:,.0f} "
                f"| {first:,.0f} "
                f"| `{short}` |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
