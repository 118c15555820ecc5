"""The embedded PostgreSQL: a real server from the `pgserver` package, kept under DATA_DIR.

Several processes on the same DATA_DIR share one server; the last one to leave stops it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

logger = logging.getLogger(__name__)

DATABASE_NAME = "musicbot"


class EmbeddedDatabaseError(RuntimeError):
    """The embedded PostgreSQL could not be started."""


@dataclass
class EmbeddedPostgres:
    server: Any
    socket_dir: str

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def libpq_args(self) -> dict[str, str]:
        """Connection parameters for PostgreSQL's own tools (psql, pgbench)."""
        return {"host": self.socket_dir, "user": "postgres"}

    def psql(self, sql: str) -> str:
        return str(self.server.psql(sql))

    def ensure_database(self, database: str = DATABASE_NAME) -> None:
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
        if "(1 row)" not in exists:
            self.psql(f'CREATE DATABASE "{database}";')

    def stop(self) -> None:
        """Leave the server; it stops when no other process still uses it."""
        self.server.cleanup()


_START_ATTEMPTS = 3


def start_embedded(data_dir: Path, *, cleanup_mode: str | None = "stop") -> EmbeddedPostgres:
    """Start (or join) the embedded server under ``data_dir/pgdata``."""
    try:
        from pgserver.postgres_server import get_server
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise EmbeddedDatabaseError("the pgserver package is not installed") from exc
    pgdata = (data_dir / "pgdata").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # pg_ctl's start can fail for a moment on a starved machine (the previous server of
    # this folder still shutting down, say): try again a few times before giving up
    for attempt in range(1, _START_ATTEMPTS + 1):
        try:
            server = get_server(pgdata, cleanup_mode=cleanup_mode)
            break
        except Exception as exc:
            if attempt < _START_ATTEMPTS:
                logger.warning("embedded PostgreSQL did not start (attempt %d): %s", attempt, exc)
                time.sleep(attempt)
                continue
            log = pgdata / "log"
            tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
            raise EmbeddedDatabaseError(
                f"could not start the embedded PostgreSQL under {pgdata}: {exc}. {tail}".strip()
            ) from exc
    uri = urlparse(server.get_uri())
    socket_dir = parse_qs(uri.query).get("host", [str(pgdata)])[0]
    embedded = EmbeddedPostgres(server=server, socket_dir=socket_dir)
    embedded.ensure_database()
    logger.info("embedded PostgreSQL ready (socket %s)", socket_dir)
    return embedded
