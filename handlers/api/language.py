"""Which language an HTTP caller is answered in (error messages, the Mini App's texts).

A Mini App user (``tma``): their choice with /language, else their Telegram client's
language, else what the request's ``Accept-Language`` asks for, else their school's, else
English (core.languages). Mini App init data that is refused (expired, forged): the
``language_code`` its user claims (the page shows the refusal beside its own texts, which
are in that language), else ``Accept-Language``. A school's API key (``Bearer``) and a
caller without valid credentials: ``Accept-Language``, else English. Only the words change with the language:
status codes, field names and paths stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.i18n import DEFAULT_LANGUAGE, supported

MAX_HEADER = 512  # characters of Accept-Language read; a longer header is cut there


def accepted(header: str | None) -> list[str]:
    """Our languages that an ``Accept-Language`` header asks for, best first: 'ru-RU,
    ru;q=0.9, en;q=0.8' -> ['ru', 'en']. A language with q=0, or one we lack, is left out;
    ``*`` stands for none in particular (English, where we fall back anyway)."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header[:MAX_HEADER].split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if not 0.0 < quality <= 1.0:
            continue
        language = DEFAULT_LANGUAGE if tag.strip() == "*" else supported(tag.strip())
        if language is not None:
            ranked.append((-quality, position, language))
    ranked.sort()
    return list(dict.fromkeys(language for _, _, language in ranked))


def asked_language(headers: Mapping[str, str]) -> str:
    """The language a request asks for in ``Accept-Language``, else English."""
    found = accepted(headers.get("Accept-Language"))
    return found[0] if found else DEFAULT_LANGUAGE
