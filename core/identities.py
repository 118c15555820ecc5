"""Who a Telegram account is: its roles (admin, teacher, parent), one per school it is in.

``IDENTITY_ROWS`` reads them in one statement; core.directory asks it alone
(``Directory.identities``), core.languages with the account's language and chat step (kept for
the update by core.kept_identities). ``identities_of`` turns its rows into ``Identity`` values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# every role of a Telegram account ($1), one row each; core.languages reads them with the
# language as well (core.kept_identities)
IDENTITY_ROWS = """
SELECT 'admin' AS role, a.id, a.name, NULL::integer AS family_id, s.id AS school_id, s.key,
       s.name AS school_name, s.timezone, false AS blocked, 0 AS ord, s.language AS school_language
  FROM admins a JOIN schools s ON s.id = a.school_id WHERE a.telegram_id = $1
UNION ALL
SELECT 'teacher', t.id, t.name, NULL::integer, s.id, s.key, s.name, s.timezone, false, 1,
       s.language
  FROM teachers t JOIN schools s ON s.id = t.school_id WHERE t.telegram_id = $1
UNION ALL
SELECT 'parent', p.id, p.name, p.family_id, s.id, s.key, s.name, s.timezone,
       p.blocked_at IS NOT NULL, 2, s.language
  FROM parents p JOIN schools s ON s.id = p.school_id WHERE p.telegram_id = $1
"""
IDENTITY_ORDER = "ord, school_name, id"
IDENTITIES = IDENTITY_ROWS + "ORDER BY " + IDENTITY_ORDER


class Role(StrEnum):
    ADMIN = "admin"
    TEACHER = "teacher"
    PARENT = "parent"


@dataclass(frozen=True, slots=True)
class SchoolRef:
    id: int
    key: str
    name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Identity:
    """One role of a Telegram account in one school."""

    role: Role
    school: SchoolRef
    person_id: int  # admin, teacher or parent id
    name: str
    family_id: int | None = None
    blocked: bool = False  # a parent the notifier found had blocked the bot


def identities_of(rows: Iterable[Any]) -> list[Identity]:
    """Identities from rows (or JSON objects) of ``IDENTITY_ROWS``, in their order."""
    return [
        Identity(
            role=Role(row["role"]),
            school=SchoolRef(row["school_id"], row["key"], row["school_name"], row["timezone"]),
            person_id=row["id"],
            name=row["name"],
            family_id=row["family_id"],
            blocked=row["blocked"],
        )
        for row in rows
    ]
