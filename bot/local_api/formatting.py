"""Text formatting helpers for the local Bot API server (:mod:`bot.local_api.server`).

Telegram parses ``parse_mode`` text on its side: it rejects malformed markup with
``400 Bad Request: can't parse entities: ...`` and stores the *plain* text (markup
stripped, HTML entities unescaped).  These helpers emulate the common cases so that
bugs such as an unescaped ``<`` in HTML or an unescaped ``.`` in MarkdownV2 surface
in tests exactly like in production.  The emulation is deliberately conservative: it
only rejects input that Telegram would reject, it does not produce ``entities``.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["ParseEntitiesError", "to_plain_text"]

_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_FORMAT = set("_*~|[]()`")
_MDV2_STANDALONE_RESERVED = set(">#+-={}.!")


class ParseEntitiesError(ValueError):
    """Raised when text cannot be parsed in the requested ``parse_mode``."""


class _TelegramHtmlParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            raise ParseEntitiesError(f'Unsupported start tag "{tag}"')
        if tag not in _HTML_TAGS:
            raise ParseEntitiesError(f'Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise ParseEntitiesError(f'Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ParseEntitiesError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_to_plain(text: str) -> str:
    # A raw "<" that does not start a tag is rejected by Telegram.
    for match in re.finditer(r"<", text):
        rest = text[match.end() : match.end() + 1]
        if not rest or not (rest.isalpha() or rest == "/"):
            raise ParseEntitiesError(
                f"Unsupported start tag at byte offset {len(text[: match.start()].encode())}"
            )
    # Unknown named entities (e.g. "&foo;") are rejected too.
    for match in re.finditer(r"&([a-zA-Z]+);", text):
        if match.group(1) not in {"lt", "gt", "amp", "quot"}:
            raise ParseEntitiesError(
                f'Unsupported HTML entity "&{match.group(1)};" at byte offset '
                f"{len(text[: match.start()].encode())}"
            )
    parser = _TelegramHtmlParser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise ParseEntitiesError(
            f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
        )
    return html.unescape("".join(parser.parts))


def _mdv2_to_plain(text: str) -> str:
    out: list[str] = []
    i = 0
    n = len(text)
    in_code = False
    in_link_url = False
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 >= n:
                raise ParseEntitiesError("Can't parse entities: trailing backslash")
            nxt = text[i + 1]
            if not in_link_url:
                out.append(nxt)
            i += 2
            continue
        if in_code:
            if ch == "`":
                in_code = False
            else:
                out.append(ch)
            i += 1
            continue
        if in_link_url:
            if ch == ")":
                in_link_url = False
            i += 1
            continue
        if ch == "`":
            in_code = True
            i += 1
            continue
        if ch == "]" and i + 1 < n and text[i + 1] == "(":
            in_link_url = True
            i += 2
            continue
        if ch in _MDV2_STANDALONE_RESERVED:
            if ch == ">" and (i == 0 or text[i - 1] == "\n"):
                i += 1  # block quotation marker
                continue
            raise ParseEntitiesError(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        if ch in _MDV2_FORMAT:
            i += 1
            continue
        out.append(ch)
        i += 1
    if in_code:
        raise ParseEntitiesError("Can't find end of Code entity")
    return "".join(out)


def _md_legacy_to_plain(text: str) -> str:
    return re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", text)


def to_plain_text(text: str, parse_mode: str | None) -> str:
    """Validate ``text`` for ``parse_mode`` and return the text Telegram would store.

    Raises :class:`ParseEntitiesError` with a Telegram-like description on bad markup.
    """
    if not parse_mode:
        return text
    mode = parse_mode.lower()
    if mode == "html":
        return _html_to_plain(text)
    if mode == "markdownv2":
        return _mdv2_to_plain(text)
    if mode == "markdown":
        return _md_legacy_to_plain(text)
    raise ParseEntitiesError(f"Unsupported parse_mode {parse_mode!r}")
