"""The family's language: gettext catalogs, picked per message by a context variable.

Every user-facing text goes through :func:`gettext` (imported as ``_``) or :func:`ngettext`,
called when the message is built, never at import time. Which language is read from a
context variable that the chat and HTTP layers set for the user they answer, and that the
reminders set for each recipient (:func:`use_language`). A missing catalog or a missing
string falls back to English, the language the code is written in.

The catalogs are Babel's (``core/locale/<lang>/LC_MESSAGES/musicbot.po``, compiled to
``.mo`` and shipped in the package); README's "Adding a language" has the three
``pybabel`` commands. Texts kept in module-level tables are marked with :func:`N_` (for the
extractor) and translated with ``_()`` where the message is built. Dates and times in the
current language: :func:`format_day`, :func:`format_long_date`, :func:`format_clock`.

A text built in one place and shown in another (the core's refusals, core.errors) keeps its
English template and its values, and is put together in the reader's language when shown:
:func:`fill` (dates and times formatted then, words of the sentence kept as :class:`Later`).
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date

DEFAULT_LANGUAGE = "en"
DOMAIN = "musicbot"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# the languages with a complete catalog, in the order /language offers them
LANGUAGES: tuple[str, ...] = ("en", "ru", "de")
# each language in its own words (the /language buttons)
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ru": "Русский", "de": "Deutsch"}

_current: ContextVar[str] = ContextVar("musicbot_language", default=DEFAULT_LANGUAGE)

# date patterns per language (CLDR, through Babel); English keeps the bot's own shapes
_SHORT_DAY = {"en": "EEE d MMM", "ru": "EEE, d MMM", "de": "EEE, d. MMM"}
_DAY_MONTH = {"en": "d MMM", "ru": "d MMM", "de": "d. MMM"}
_LONG_DATE = {"en": "EEEE d MMMM y", "ru": "EEEE, d MMMM y", "de": "EEEE, d. MMMM y"}


def supported(code: str | None) -> str | None:
    """The language of ours that a language code names ("ru-RU", "de_AT", "RU" -> its
    language), or None: a Telegram client's ``language_code`` or a school file's."""
    if not code:
        return None
    language = code.replace("_", "-").split("-", 1)[0].strip().lower()
    return language if language in LANGUAGES else None


def pick_language(*candidates: str | None) -> str:
    """The first of ``candidates`` that is a language we have, else English."""
    for candidate in candidates:
        language = supported(candidate)
        if language is not None:
            return language
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return _current.get()


def set_language(language: str | None) -> None:
    """Make ``language`` (a language we have, else English) the current one for the rest of
    this task: the chat's per-update hook, where no block surrounds the handlers."""
    _current.set(pick_language(language))


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


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English words used
    elsewhere by ``context``."""
    return translations(_current.get()).pgettext(context, message)


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for the marker
    """Mark a text for the catalogs without translating it (module-level tables); translate
    it with ``_()`` when the message is built."""
    return message


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def _format(day: date, pattern: str, language: str) -> str:
    """Babel's ``format_date`` of the day (of a datetime: its own calendar day, as Babel
    takes it), once per (day, pattern, language)."""
    return _formatted(day.date() if isinstance(day, datetime) else day, pattern, language)


@lru_cache(maxsize=4096)
def _formatted(day: date, pattern: str, language: str) -> str:
    # a keyboard of slots formats the same few days over and over, and Babel parses the
    # pattern and looks the locale's names up on every call; the key is a plain date (two
    # aware datetimes of one instant are equal, yet may fall on different days)
    return format_date(day, pattern, locale=_locale(language))


def _language() -> str:
    language = _current.get()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def format_day(day: date, *, padded: bool = False) -> str:
    """'Mon 22 Feb' / 'пн, 22 февр.' / 'Mo., 22. Feb.' in the current language
    (``padded``: 'Mon 01 Mar')."""
    language = _language()
    pattern = _SHORT_DAY[language]
    if padded:
        pattern = pattern.replace("d", "dd", 1) if pattern.startswith("EEE") else pattern
    return _format(day, pattern, language)


def format_day_month(day: date) -> str:
    """'22 Feb' / '22 февр.' / '22. Feb.'."""
    language = _language()
    return _format(day, _DAY_MONTH[language], language)


def format_long_date(day: date) -> str:
    """'Monday 22 February 2027' / 'понедельник, 22 февраля 2027' / 'Montag, 22. Februar 2027'."""
    language = _language()
    return _format(day, _LONG_DATE[language], language)


def format_date_year(day: date) -> str:
    """'1 Feb 2027' / '1 февр. 2027 г.' / '1. Feb. 2027'."""
    language = _language()
    return _format(day, _DAY_MONTH[language] + " y", language)


def format_weekday(day: date, width: str = "abbreviated") -> str:
    """The day of the week: 'Mon' ('abbreviated') or 'Monday' ('wide')."""
    pattern = "EEE" if width == "abbreviated" else "EEEE"
    return _format(day, pattern, _language())


def format_clock(moment: datetime | time) -> str:
    """'15:30' (24-hour in every language we have)."""
    return f"{moment:%H:%M}"


class Later:
    """A word or phrase of a sentence built now and shown later ('moved', 'the school'):
    translated in the language current when the sentence is put together (:func:`fill`).
    ``Later(N_("moved"))`` for a catalog text; ``Later(build=...)`` for one built by code."""

    __slots__ = ("_build", "_text")

    def __init__(self, text: str = "", *, build: Callable[[], str] | None = None) -> None:
        self._text = text
        self._build = build

    def __str__(self) -> str:
        return self._build() if self._build is not None else gettext(self._text)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Later({self._text!r})"


def shown(value: object) -> object:
    """A value of a sentence as the current language writes it: a datetime (already in the
    school's timezone) as 'Mon 22 Feb 15:30', a date as 'Mon 22 Feb', a time as '15:30'."""
    if isinstance(value, datetime):
        return f"{format_day(value.date())} {format_clock(value)}"
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, time):
        return format_clock(value)
    return value


def fill(template: str, values: Mapping[str, object]) -> str:
    """``template`` (English, a catalog text) in the current language with ``values`` put in:
    dates and times in that language's words (:func:`shown`), :class:`Later` words
    translated. Without values, the text as it is translated (braces left alone)."""
    text = gettext(template)
    if not values:
        return text
    return text.format(**{key: shown(value) for key, value in values.items()})


def in_english(build: Callable[[], str]) -> str:
    """What ``build`` makes in English (the command line's and the logs' words)."""
    with use_language(DEFAULT_LANGUAGE):
        return build()
