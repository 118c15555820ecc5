"""The Mini App's texts in each language, for `GET /app/i18n/<lang>.json`.

The page's own scripts (bot/http/miniapp/*.js, not vendor/) mark their texts with
``t("...")`` and ``tn(singular, plural, n)``; README's ``pybabel extract`` puts them into the
musicbot catalog with the chat's texts (babel.cfg's ``[javascript: ...]`` section). Here the
same marks are read back from the scripts, and each language's compiled catalog (the .mo
shipped in the package) gives their translations:

    {"language": "ru", "nplurals": 3, "plural": "(n%10==1 && ...)",
     "messages": {"Calendar": "Календарь", "{n} slot": ["{n} слот", "{n} слота", "{n} слотов"]}}

A text without a translation is left out (the page shows its English); a language we do not
have is answered in English (no messages, English plurals).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import read_mo

from core.i18n import DEFAULT_LANGUAGE, DOMAIN, LOCALE_DIR, pick_language

MINIAPP_DIR = Path(__file__).parent / "miniapp"
# the page's markers, as babel.cfg's [javascript: ...] section names them for pybabel
KEYWORDS: dict[str, tuple[int, ...] | None] = {"t": None, "tn": (1, 2)}
# a gettext plural expression: n, numbers, comparisons, arithmetic, ?: and parentheses only
_PLURAL = re.compile(r"^[n0-9\s%=!<>&|?:()+\-*/]+$")

MessageId = str | tuple[str, str]  # a text, or (singular, plural)


def script_files(root: Path = MINIAPP_DIR) -> list[Path]:
    """The page's own scripts (vendor/ is not ours)."""
    return sorted(root.glob("*.js"))


@lru_cache(maxsize=4)
def page_texts(root: Path = MINIAPP_DIR) -> tuple[MessageId, ...]:
    """Every text the page's scripts mark, as pybabel extracts it, in order, once."""
    found: dict[MessageId, None] = {}
    for path in script_files(root):
        with path.open("rb") as source:
            for _line, message, _comments, _context in extract(
                "javascript", source, keywords=KEYWORDS
            ):
                if isinstance(message, str):
                    found[message] = None
                elif len(message) >= 2 and message[0] and message[1]:
                    found[(str(message[0]), str(message[1]))] = None
    return tuple(found)


def _compiled(language: str) -> Catalog:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as mo:
        return read_mo(mo)


@dataclass(frozen=True)
class PageTexts:
    """One language's texts for the page: the JSON body and its ETag."""

    language: str
    body: bytes
    etag: str


def build(
    language: str | None, texts: Sequence[MessageId], catalog: Catalog | None
) -> dict[str, object]:
    """The page's JSON for ``language`` (ours, else English) from a compiled ``catalog``
    (None: no catalog, English only)."""
    language = pick_language(language)
    plural = "(n != 1)"
    nplurals = 2
    messages: dict[str, str | list[str]] = {}
    if catalog is not None and language != DEFAULT_LANGUAGE:
        expression = str(catalog.plural_expr)
        if _PLURAL.fullmatch(expression):
            plural, nplurals = expression, int(catalog.num_plurals)
        for text in texts:
            key = text if isinstance(text, str) else text[0]
            message = catalog.get(key)
            if message is None or not message.string:
                continue
            if isinstance(text, str):
                if isinstance(message.string, str) and message.string.strip():
                    messages[key] = message.string
            elif not isinstance(message.string, str):
                forms = [str(form) for form in message.string]
                if len(forms) == nplurals and all(form.strip() for form in forms):
                    messages[key] = forms
    return {"language": language, "nplurals": nplurals, "plural": plural, "messages": messages}


def page_catalog(language: str | None) -> PageTexts:
    """The page's texts in ``language`` (ours, else English), built once per process."""
    return _page_catalog(pick_language(language))


@lru_cache(maxsize=8)
def _page_catalog(chosen: str) -> PageTexts:
    try:
        catalog = _compiled(chosen) if chosen != DEFAULT_LANGUAGE else None
    except OSError:
        catalog = None  # a missing catalog: English, like the bot
    data = build(chosen, page_texts(), catalog)
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return PageTexts(chosen, body, etag)
