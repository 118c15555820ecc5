"""Who speaks what: each Telegram account's language, remembered in the database.

An account's language is, in order: the one chosen with /language; else its Telegram
client's ``language_code`` when we have that language (``ru-RU`` is Russian); else its
school's (the school file's ``school.language``); else English (:func:`core.i18n.pick_language`).
The client's code is remembered too, so a reminder the bot starts itself speaks the
language the person's client last reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.chat_steps import ChatSteps, step_of
from core.db.driver import Driver
from core.db.engine import engine_of
from core.i18n import pick_language, supported
from core.identities import IDENTITY_ORDER, IDENTITY_ROWS, identities_of
from core.kept_identities import forget as forget_kept_identities
from core.kept_identities import keep as keep_identities

__all__ = ["Languages"]

# one round trip per update: the choice, the school's language, and the client's code
# remembered when it changed (a writable CTE runs whether or not it is read); nothing is
# written when the client reports the code already remembered
_WITH_ME = """
WITH me AS (SELECT chosen, client FROM user_languages WHERE telegram_id = $1),
saved AS (
    INSERT INTO user_languages (telegram_id, client)
    SELECT $1, $2::text WHERE $2::text IS NOT NULL
                          AND $2::text IS DISTINCT FROM (SELECT client FROM me)
    ON CONFLICT (telegram_id) DO UPDATE SET client = EXCLUDED.client, updated_at = now()
    RETURNING 1
)
"""
_LANGUAGE_COLUMNS = """
SELECT (SELECT chosen FROM me) AS chosen, (SELECT client FROM me) AS client,
       (SELECT s.language FROM schools s
         WHERE s.language IS NOT NULL AND s.id IN (
               SELECT school_id FROM parents WHERE telegram_id = $1
               UNION SELECT school_id FROM teachers WHERE telegram_id = $1
               UNION SELECT school_id FROM admins WHERE telegram_id = $1)
         ORDER BY s.id LIMIT 1) AS school
"""
_FOR_UPDATE = _WITH_ME + _LANGUAGE_COLUMNS
# a bot update's: the same, the chat step the account is in (core.chat_steps), younger than
# $3, and every role the account holds (core.kept_identities), in the same round trip; the
# step's integer array comes as its text ("{1,2}"): an int[] column would cost a type
# introspection query on every new pooled connection (asyncpg asks the server once per
# connection), and this statement is the first on each
_BOT_UPDATE_COLUMNS = (
    """, st.step, st.args::text AS args, st.typed,
       (SELECT json_agg(i ORDER BY """
    + IDENTITY_ORDER
    + """)::text FROM ("""
    + IDENTITY_ROWS
    + """) AS i) AS identities
  FROM (VALUES (1)) AS one (x)"""
)
# the school's language is the roles' (their schools' languages), not asked apart
_FOR_BOT_UPDATE = (
    _WITH_ME
    + "SELECT (SELECT chosen FROM me) AS chosen, (SELECT client FROM me) AS client"
    + _BOT_UPDATE_COLUMNS
    + """
  LEFT JOIN chat_steps st ON st.telegram_id = $1 AND st.updated_at > $3
"""
)
# the same, read only ($2: the step's cutoff), when this process has already seen the
# account's client code remembered: no writable CTE to run (its INSERT plan, its locks);
# should the code remembered differ after all (written by another process), it is written
# apart (_REMEMBER)
_FOR_BOT_UPDATE_READ = (
    "SELECT ul.chosen, ul.client"
    + _BOT_UPDATE_COLUMNS
    + """
  LEFT JOIN user_languages ul ON ul.telegram_id = $1
  LEFT JOIN chat_steps st ON st.telegram_id = $1 AND st.updated_at > $2
"""
)
_REMEMBER = """
INSERT INTO user_languages (telegram_id, client) VALUES ($1, $2)
ON CONFLICT (telegram_id) DO UPDATE SET client = EXCLUDED.client, updated_at = now()
 WHERE user_languages.client IS DISTINCT FROM EXCLUDED.client
"""
# accounts whose client code this process has seen remembered (a hint which statement to
# send, never an answer: the language itself is read on every update)
_REMEMBERED_AT_MOST = 50_000
_CHOOSE = """
INSERT INTO user_languages (telegram_id, chosen) VALUES ($1, $2)
ON CONFLICT (telegram_id) DO UPDATE SET chosen = EXCLUDED.chosen, updated_at = now()
"""
# accounts of one school, as a message the bot starts itself addresses them
_OF_ACCOUNTS = """
SELECT t.telegram_id, ul.chosen, ul.client, s.language AS school
  FROM unnest(CAST($2 AS bigint[])) AS t(telegram_id)
  JOIN schools s ON s.id = $1
  LEFT JOIN user_languages ul ON ul.telegram_id = t.telegram_id
"""

# every linked account's choice, school language and client's code, for its menus
_MENU_LANGUAGES = """
WITH accounts AS (
    SELECT telegram_id, school_id FROM parents WHERE telegram_id IS NOT NULL
    UNION SELECT telegram_id, school_id FROM teachers WHERE telegram_id IS NOT NULL
    UNION SELECT telegram_id, school_id FROM admins WHERE telegram_id IS NOT NULL
)
SELECT a.telegram_id, min(ul.chosen) AS chosen, min(ul.client) AS client,
       (array_agg(s.language ORDER BY s.id) FILTER (WHERE s.language IS NOT NULL))[1] AS school
  FROM accounts a
  JOIN schools s ON s.id = a.school_id
  LEFT JOIN user_languages ul ON ul.telegram_id = a.telegram_id
 WHERE $1::bigint IS NULL OR a.telegram_id = $1
 GROUP BY a.telegram_id
"""


def _school_language(roles: list[Any]) -> str | None:
    """The language of the first school (by id) of the roles that has one."""
    languages = [(r["school_id"], r["school_language"]) for r in roles if r["school_language"]]
    return min(languages)[1] if languages else None


def _integers(text: str | None) -> tuple[int, ...]:
    """An integer array's text ("{1,2}", "{}") as a tuple."""
    inner = (text or "{}").strip("{}")
    return tuple(int(part) for part in inner.split(",")) if inner else ()


class Languages:
    """Each account's language: read on every update, chosen with /language."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.driver = Driver(engine_of(sessions))
        self._remembered: dict[int, str] = {}  # telegram id -> client code seen remembered

    async def for_update(
        self, telegram_id: int, client_code: str | None, asked: Iterable[str] = ()
    ) -> str:
        """The language to answer this account in, its client reporting ``client_code``;
        ``asked`` (an HTTP request's ``Accept-Language``, best first) comes after the
        account's choice and its client's language, before its school's."""
        code = client_code[:16] if client_code else None
        row = await self.driver.fetchrow(_FOR_UPDATE, telegram_id, code)
        if row is None:  # never: the SELECT has no FROM
            return pick_language(code, *asked)
        return pick_language(row["chosen"], code or row["client"], *asked, row["school"])

    async def for_bot_update(
        self, telegram_id: int, client_code: str | None, steps: ChatSteps
    ) -> str:
        """:meth:`for_update` for a bot update; the account's chat step and its roles are
        read in the same round trip and kept for the rest of the update
        (:meth:`ChatSteps.keep`, :func:`core.kept_identities.keep`)."""
        code = client_code[:16] if client_code else None
        forget_kept_identities()
        read_only = code is None or self._remembered.get(telegram_id) == code
        if read_only:
            row = await self.driver.fetchrow(_FOR_BOT_UPDATE_READ, telegram_id, steps.cutoff())
        else:
            row = await self.driver.fetchrow(_FOR_BOT_UPDATE, telegram_id, code, steps.cutoff())
        if row is None:  # never: one row from VALUES
            steps.forget_kept()
            return pick_language(code)
        if code is not None:
            if read_only and row["client"] != code:  # changed meanwhile: remember it now
                await self.driver.execute(_REMEMBER, telegram_id, code)
            if len(self._remembered) >= _REMEMBERED_AT_MOST:
                self._remembered.clear()
            self._remembered[telegram_id] = code
        steps.keep(telegram_id, step_of(row["step"], _integers(row["args"]), row["typed"]))
        roles = json.loads(row["identities"]) if row["identities"] else []
        keep_identities(telegram_id, tuple(identities_of(roles)))
        return pick_language(row["chosen"], code or row["client"], _school_language(roles))

    async def choose(self, telegram_id: int, language: str) -> str:
        """Remember the account's choice (a language we have); the language now in force."""
        chosen = supported(language)
        if chosen is None:
            raise ValueError(f"{language!r} is not a language of the bot")
        await self.driver.execute(_CHOOSE, telegram_id, chosen)
        return chosen

    async def menu_languages(
        self, telegram_id: int | None = None
    ) -> dict[int, tuple[str | None, str | None, str | None]]:
        """Every linked account's (or one's): (language chosen, its school's language, the
        code its client last reported)."""
        rows = await self.driver.fetch(_MENU_LANGUAGES, telegram_id)
        return {int(r["telegram_id"]): (r["chosen"], r["school"], r["client"]) for r in rows}

    async def of_accounts(self, school_id: int, telegram_ids: Iterable[int]) -> dict[int, str]:
        """The language of each account, as a message from this school addresses it."""
        ids = list(dict.fromkeys(telegram_ids))
        if not ids:
            return {}
        rows = await self.driver.fetch(_OF_ACCOUNTS, school_id, ids)
        languages = {
            int(row["telegram_id"]): pick_language(row["chosen"], row["client"], row["school"])
            for row in rows
        }
        return {tid: languages.get(tid, pick_language()) for tid in ids}
