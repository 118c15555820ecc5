"""A real PostgreSQL for the tests: TEST_DATABASE_URL when set, else a throwaway embedded one.

Each test gets a fresh database cloned from a migrated template (fast, and real commits
work, which the concurrency tests need).
"""

from __future__ import annotations

import os
import tempfile
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

TEMPLATE = "musicbot_test_template"


@dataclass
class TestServer:
    base_url: str  # a postgresql+asyncpg:// URL of any database on the server
    embedded: object | None = None
    created: list[str] = field(default_factory=list)

    def url(self, database: str) -> str:
        return make_url(self.base_url).set(database=database).render_as_string(hide_password=False)

    def _dsn(self, database: str) -> str:
        return self.url(database).replace("postgresql+asyncpg://", "postgresql://", 1)

    def _connect_kwargs(self, database: str) -> dict[str, object]:
        url = make_url(self.url(database))
        kwargs: dict[str, object] = {
            "user": url.username or "postgres",
            "password": url.password,
            "database": database,
        }
        host = url.query.get("host") or url.host or "localhost"
        kwargs["host"] = host if isinstance(host, str) else host[0]
        if url.port:
            kwargs["port"] = url.port
        return kwargs

    async def admin(self) -> asyncpg.Connection:
        maintenance = make_url(self.base_url).database or "postgres"
        return await asyncpg.connect(**self._connect_kwargs(maintenance))  # type: ignore[arg-type]

    async def create_database(self, name: str, template: str | None = None) -> str:
        conn = await self.admin()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            tpl = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(f'CREATE DATABASE "{name}"{tpl}')
        finally:
            await conn.close()
        return self.url(name)

    async def drop_database(self, name: str) -> None:
        conn = await self.admin()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    def close(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()  # type: ignore[attr-defined]


def start_test_server() -> TestServer:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        if not url.startswith("postgresql+asyncpg://"):
            url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
        return TestServer(base_url=url)
    from bot.embedded_db import start_embedded

    warnings.filterwarnings("ignore", module="platformdirs")
    data_dir = Path(tempfile.mkdtemp(prefix="musicbot-test-"))
    embedded = start_embedded(data_dir, cleanup_mode="delete")
    return TestServer(base_url=embedded.url("postgres"), embedded=embedded)


def unique_name(prefix: str = "mbt") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"
