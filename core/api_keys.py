"""A school's API keys for its own systems: made once, stored hashed, listed, revoked.

A key is 32 random bytes (url-safe base64, prefixed ``mb_``); only its SHA-256 is stored,
which is enough for a secret of that entropy. Whoever holds a key acts as its school.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from core.booking import sql as booking_sql
from core.clock import Clock
from core.errors import InvalidState, NotFound

KEY_PREFIX = "mb_"

CREATE = """
INSERT INTO api_keys (school_id, label, key_hash, created_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING
RETURNING id
"""
LIST = """
SELECT label, created_at, last_used_at FROM api_keys WHERE school_id = $1 ORDER BY label
"""
REVOKE = "DELETE FROM api_keys WHERE school_id = $1 AND label = $2"
SCHOOL_OF = """
SELECT k.label, s.id, s.key, s.name, s.timezone
FROM api_keys k JOIN schools s ON s.id = k.school_id
WHERE k.key_hash = $1
"""


class LabelTaken(InvalidState):
    """A school already has a key with that label."""


@dataclass(frozen=True, slots=True)
class ApiKeyRef:
    label: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class KeyHolder:
    """The school a presented key belongs to."""

    label: str
    school_id: int
    school_key: str
    school_name: str
    timezone: str


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


# key hash -> (monotonic expiry, holder): a key in steady use costs no query per request.
# A revoke clears it in the revoking process; other processes stop accepting the key within
# HOLDER_TTL seconds (a revoke from the CLI takes longer than that just to start).
HOLDER_TTL = 1.0
_HOLDERS: dict[str, tuple[float, KeyHolder]] = {}


class ApiKeys:
    """Each operation one statement, in its own transaction."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    async def create(self, school_id: int, label: str) -> str:
        """A new key for the school; the key itself is returned here and never again."""
        label = label.strip()
        if not label or len(label) > 64:
            raise InvalidState("A key's label is 1 to 64 characters.")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        row = await booking_sql.fetchrow(
            self.engine, CREATE, school_id, label, key_hash(key), self.clock.now()
        )
        if row is None:
            raise LabelTaken(f"This school already has a key labelled '{label}'.")
        return key

    async def list(self, school_id: int) -> list[ApiKeyRef]:
        rows = await booking_sql.fetch(self.engine, LIST, school_id)
        return [ApiKeyRef(r["label"], r["created_at"], r["last_used_at"]) for r in rows]

    async def revoke(self, school_id: int, label: str) -> None:
        status = await booking_sql.execute(self.engine, REVOKE, school_id, label)
        _HOLDERS.clear()
        if status.endswith(" 0"):
            raise NotFound(f"No key labelled '{label}' in this school.")

    async def holder(self, key: str) -> KeyHolder | None:
        """The school of a presented key, or None (unknown or revoked)."""
        if not key.startswith(KEY_PREFIX) or len(key) > 100:
            return None
        digest = key_hash(key)
        cached = _HOLDERS.get(digest)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        row = await booking_sql.fetchrow(self.engine, SCHOOL_OF, digest)
        if row is None:
            _HOLDERS.pop(digest, None)
            return None
        holder = KeyHolder(row["label"], row["id"], row["key"], row["name"], row["timezone"])
        if len(_HOLDERS) > 10_000:
            _HOLDERS.clear()
        _HOLDERS[digest] = (time.monotonic() + HOLDER_TTL, holder)
        return holder
