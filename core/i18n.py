"""The family's language: gettext catalogs, picked per message by a context variable.

Every user-facing text goes through :func:`gettext` (imported as ``_``) or :func:`ngettext`,
called when the message is built, never at import time. Which language is read from a
context variable that the chat and HTTP layers set for the user they answer, and that the
reminders set for each recipient (:func:`use_language`). A missing catalog or a missing
string falls back to English, the language the code is written in.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

DEFAULT_LANGUAGE = "en"
DOMAIN = "musicbot"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: ContextVar[str] = ContextVar("musicbot_language", default=DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Build messages in ``language`` inside the block (None keeps the current one)."""
    if not language:
        yield _current.get()
        return
    token = _current.set(language)
    try:
        yield language
    finally:
        _current.reset(token)


@lru_cache(maxsize=32)
def translations(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)
