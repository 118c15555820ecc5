"""The Mini App's texts per language (bot.http.miniapp_i18n): what the page's scripts mark,
built from the compiled catalogs with their plural forms, English where a text or a whole
language is missing."""

from __future__ import annotations

import configparser
import gettext
import json
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import parse_keywords

from bot.http import miniapp_i18n
from bot.http.miniapp_i18n import KEYWORDS, build, page_catalog, page_texts, script_files

ROOT = Path(__file__).resolve().parents[2]


def _catalog(language: str, entries: dict[str | tuple[str, str], str | tuple[str, ...]]) -> Catalog:
    catalog = Catalog(locale=language)
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr)
    return catalog


def test_the_scripts_marks_are_found_with_plurals_and_without_vendor() -> None:
    texts = page_texts()
    assert "Calendar" in texts and "Nothing on the calendar in these days." in texts
    assert ("{n} reminder sent.", "{n} reminders sent.") in texts
    assert all("vendor" not in path.parts for path in script_files())
    assert len(texts) == len(set(texts))


def test_babel_cfg_marks_the_scripts_with_the_same_keywords() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "babel.cfg")
    sections = [s for s in config.sections() if s.startswith("javascript:")]
    assert sections == ["javascript: http/miniapp/*.js"]
    assert parse_keywords(config[sections[0]]["keywords"].split()) == KEYWORDS


def test_russian_plurals_come_with_their_three_forms() -> None:
    texts: list[miniapp_i18n.MessageId] = [("{n} reminder sent.", "{n} reminders sent."), "Week"]
    catalog = _catalog(
        "ru",
        {
            ("{n} reminder sent.", "{n} reminders sent."): (
                "Отправлено {n} напоминание.",
                "Отправлено {n} напоминания.",
                "Отправлено {n} напоминаний.",
            ),
            "Week": "Неделя",
        },
    )
    data = build("ru", texts, catalog)
    assert data["language"] == "ru" and data["nplurals"] == 3
    assert data["messages"] == {
        "{n} reminder sent.": [
            "Отправлено {n} напоминание.",
            "Отправлено {n} напоминания.",
            "Отправлено {n} напоминаний.",
        ],
        "Week": "Неделя",
    }
    plural = gettext.c2py(str(data["plural"]))  # type: ignore[attr-defined]
    assert [plural(n) for n in (1, 2, 5, 11, 21, 22, 112)] == [0, 1, 2, 2, 0, 1, 2]


def test_a_text_without_a_translation_is_left_to_its_english() -> None:
    texts: list[miniapp_i18n.MessageId] = ["Calendar", "Manage", ("{n} slot", "{n} slots")]
    catalog = _catalog("de", {"Calendar": "Kalender", "Manage": ""})
    catalog.add(("{n} slot", "{n} slots"), ("{n} Termin", ""))  # a form missing: all English
    data = build("de", texts, catalog)
    assert data["messages"] == {"Calendar": "Kalender"}


def test_an_unknown_language_is_english() -> None:
    for code in ("xx", "", "../../etc/passwd", "EN-gb"):
        texts = page_catalog(code)
        data = json.loads(texts.body)
        assert texts.language == "en" and data["language"] == "en"
        assert data["messages"] == {} and data["nplurals"] == 2 and data["plural"] == "(n != 1)"
    assert build("xx", page_texts(), None)["language"] == "en"


def test_the_shipped_catalogs_give_every_text_of_the_page() -> None:
    texts = page_texts()
    for language in ("ru", "de", "ru-RU", "de_AT"):
        data = json.loads(page_catalog(language).body)
        assert data["language"] == language[:2]
        assert set(data["messages"]) == {t if isinstance(t, str) else t[0] for t in texts}
    ru = json.loads(page_catalog("ru").body)["messages"]
    assert ru["Calendar"] == "Календарь"
    assert len(ru["{n} reminder sent."]) == 3
    assert page_catalog("ru").etag != page_catalog("de").etag


class _Hostile(Catalog):
    @property
    def plural_expr(self) -> str:  # type: ignore[override]
        return "fetch('//evil')"


def test_a_plural_expression_that_is_not_arithmetic_is_not_sent() -> None:
    catalog = _Hostile(locale="ru")
    catalog.add("Week", "Неделя")
    data = build("ru", ["Week"], catalog)
    assert data["plural"] == "(n != 1)" and data["messages"] == {"Week": "Неделя"}
