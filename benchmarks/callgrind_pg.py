"""PostgreSQL under valgrind's callgrind, for the benchmarks that count instructions.

Shared by cost_per_booking.py (``--instructions``) and bot_instructions.py: start-up of a
throwaway cluster (initdb, the postmaster under callgrind with every child traced, each
process writing ``out/pg.PID``), the tiny C helper a Python process loads to switch its own
counting on and off (``cg_start``/``cg_stop``), and teardown (``pg_ctl stop``, wait, remove
the folder). Also the readers of callgrind's files and the postmaster's children.

Only the standard library: a worker of another tree's venv loads this file by its path
(``benchmarks/`` is kept off ``sys.path``, where its calendar.py would shadow the standard
library's).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CALLGRIND_HELPER = """
#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void cg_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""


@dataclass(frozen=True)
class CallgrindPostgres:
    """A running cluster: its folder, where callgrind writes (``pg.PID``), the C helper."""

    tmp: Path
    out: Path
    helper: Path
    postmaster: int
    url: str


def require(tools: Sequence[str], prefix: str = "error: needs") -> None:
    """Stop with ``PREFIX TOOL`` unless every tool is on the PATH."""
    for tool in tools:
        if not shutil.which(tool):
            raise SystemExit(f"{prefix} {tool}")


@contextmanager
def callgrind_postgres(
    prefix: str,
    *,
    valgrind_options: Sequence[str] = (),
    postgres_options: Sequence[str] = (),
    start_timeout: float = 120.0,
    stop_timeout: float = 120.0,
) -> Iterator[CallgrindPostgres]:
    """A fresh PostgreSQL under callgrind in a temporary folder, stopped and removed after.

    As root, the cluster runs as the ``pgserver`` user (PostgreSQL refuses root)."""
    import pgserver

    bin_dir = Path(pgserver.__file__).parent / "pginstall" / "bin"
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    (tmp / "helper.c").write_text(CALLGRIND_HELPER)
    helper = tmp / "helper.so"
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", helper, tmp / "helper.c"], check=True)
    as_user = ["runuser", "-u", "pgserver", "--"] if os.geteuid() == 0 else []
    data, out = tmp / "data", tmp / "out"
    out.mkdir()
    if as_user:
        subprocess.run(["chown", "-R", "pgserver", str(tmp)], check=True)
    subprocess.run(
        [*as_user, bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [
            *as_user, "valgrind", "--tool=callgrind", "--trace-children=yes",
            *valgrind_options, f"--callgrind-out-file={out}/pg.%p", bin_dir / "postgres",
            "-D", data, "-h", "", "-k", data, *postgres_options,
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        pid_file = data / "postmaster.pid"
        for _ in range(int(start_timeout * 2)):
            if pid_file.exists() and "ready" in pid_file.read_text():
                break
            time.sleep(0.5)
        postmaster = int(pid_file.read_text().split()[0])
        url = f"postgresql+asyncpg://postgres@/postgres?host={data}"
        yield CallgrindPostgres(tmp, out, helper, postmaster, url)
    finally:
        subprocess.run([*as_user, bin_dir / "pg_ctl", "-D", data, "stop", "-m", "fast"],
                       capture_output=True, check=False)  # fmt: skip
        server.wait(timeout=stop_timeout)
        shutil.rmtree(tmp, ignore_errors=True)


def callgrind_total(path: Path, timeout: float = 120.0) -> int:
    """The instruction count of a finished callgrind run (its ``totals:`` line)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("totals:"):
                    return int(line.split()[1])
        time.sleep(0.5)
    raise SystemExit(f"error: no callgrind totals in {path}")


def postgres_pids(postmaster: int) -> list[int]:
    """The postmaster and its live children."""
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == postmaster:
                        pids.append(int(entry))
            except (OSError, ValueError):
                continue
    return pids


def callgrind_control(pid: int, *options: str) -> None:
    """callgrind_control for a process, run as its owner (vgdb finds it by its user's name)."""
    import pwd

    try:
        owner = os.stat(f"/proc/{pid}").st_uid
    except OSError:  # gone meanwhile
        return
    as_owner = ["runuser", "-u", pwd.getpwuid(owner).pw_name, "--"] if owner != os.geteuid() else []
    subprocess.run(
        [*as_owner, "callgrind_control", *options, str(pid)], capture_output=True, check=False
    )
