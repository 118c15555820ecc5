"""The catalog check: every text of the code is in every catalog, translated, with the same
placeholders, the right plural forms, and compiled (README: "Adding a language").

The texts are extracted from the source with README's own ``pybabel extract`` command, so a
new ``_()`` call that nobody added to the catalogs fails here; the Mini App's scripts
(``t()``/``tn()`` in bot/http/miniapp/*.js, babel.cfg) are held to the same."""

from __future__ import annotations

import gettext
import io
import re
import shlex
import string
import tokenize
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.http.miniapp_i18n import page_texts
from core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [language for language in LANGUAGES if language != "en"]
PLURAL_FORMS = {"en": 2, "ru": 3, "de": 2}
PERCENT = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]|%[diouxXeEfFgGcrs]")

MessageId = tuple[str | None, str]  # (context, singular)


def _readme_command(verb: str) -> list[str]:
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith(f".venv/bin/pybabel {verb} "):
            return shlex.split(line)[1:]
    raise AssertionError(f"README has no `.venv/bin/pybabel {verb}` line")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The texts of the code now, as README's extract command finds them."""
    args = _readme_command("extract")
    out = tmp_path_factory.mktemp("pot") / "musicbot.pot"
    args[args.index("-o") + 1] = str(out)
    CommandLineInterface().run(["pybabel", *args])
    with out.open("rb") as pot:
        return read_po(pot)


def _catalog(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        return read_po(po, locale=language)


def _ids(catalog: Catalog) -> set[MessageId]:
    return {(m.context, _singular(m)) for m in catalog if m.id}


def _singular(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _forms(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _placeholders(text: str) -> set[str]:
    names = {m.group(1) or m.group(0) for m in PERCENT.finditer(text.replace("%%", ""))}
    try:
        names |= {f"{{{field}}}" for _, field, _, _ in string.Formatter().parse(text) if field}
    except ValueError:
        names.add("<unbalanced braces>")
    return names


def test_no_text_is_translated_inside_an_f_string() -> None:
    """Babel's extractor does not look inside f-strings (Python 3.11 tokenizes them whole):
    a ``_("...")`` there would never reach the catalogs."""
    inside = re.compile(r"""(?<![\w.])(?:_|N_|gettext|ngettext|pgettext)\(\s*['"]""")
    found = []
    for package in ("bot", "core", "handlers", "scheduler"):
        for path in (ROOT / package).rglob("*.py"):
            with tokenize.open(path) as source:
                for token in tokenize.generate_tokens(source.readline):
                    f_string = token.type == tokenize.STRING and re.match(
                        r"^[rRbB]*[fF]", token.string
                    )
                    if f_string and inside.search(token.string):
                        found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not found, f"move these texts out of their f-strings: {found}"


def test_no_text_of_the_mini_app_is_marked_inside_a_template_literal() -> None:
    """Babel's JavaScript extractor does not look inside `${...}`: a ``t("...")`` there would
    never reach the catalogs (give the text a placeholder instead)."""
    inside = re.compile(r"""\$\{[^}`]*(?<![\w.])tn?\(\s*['"]""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "bot" / "http" / "miniapp").glob("*.js"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if inside.search(line)
    ]
    assert not found, f"move these texts out of their template literals: {found}"


def test_the_readme_commands_use_the_catalogs_of_the_package() -> None:
    assert "core/locale" in _readme_command("update")
    assert "core/locale" in _readme_command("compile")
    assert (LOCALE_DIR / f"{DOMAIN}.pot").is_file()


def test_the_code_has_texts_to_translate(extracted: Catalog) -> None:
    assert len(_ids(extracted)) > 50


@pytest.mark.parametrize("language", ["template", *LANGUAGES])
def test_every_text_of_the_code_is_in_the_catalog_and_nothing_else(
    extracted: Catalog, language: str
) -> None:
    if language == "template":
        with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as pot:
            catalog = read_po(pot)
    else:
        catalog = _catalog(language)
    missing = _ids(extracted) - _ids(catalog)
    stale = _ids(catalog) - _ids(extracted)
    assert not missing, f"{language}: run README's extract and update: {sorted(missing)[:10]}"
    assert not stale, f"{language}: texts no longer in the code: {sorted(stale)[:10]}"


def test_the_extract_command_finds_every_text_of_the_mini_app(extracted: Catalog) -> None:
    """README's extract reads the page's scripts (babel.cfg), plurals included."""
    page = page_texts()
    assert len(page) > 50
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in extracted if m.id}
    assert not [text for text in page if text not in ids], "babel.cfg misses the page's texts"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_of_the_mini_app_is_translated(language: str) -> None:
    catalog = _catalog(language)
    untranslated = []
    for text in page_texts():
        message = catalog.get(text if isinstance(text, str) else text[0])
        forms = _forms(message.string) if message is not None else []
        plural = not isinstance(text, str)
        if not forms or not all(f.strip() for f in forms) or plural != message.pluralizable:
            untranslated.append(text)
    assert not untranslated, f"{language}: the page's texts untranslated: {untranslated[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_fuzzy_or_obsolete_entries(language: str) -> None:
    catalog = _catalog(language)
    assert not [m.id for m in catalog if m.id and m.fuzzy], f"{language}: fuzzy entries"
    assert not catalog.obsolete, f"{language}: obsolete entries: {list(catalog.obsolete)[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_is_translated(language: str) -> None:
    catalog = _catalog(language)
    empty = [m.id for m in catalog if m.id and not all(f.strip() for f in _forms(m.string))]
    assert not empty, f"{language}: untranslated: {empty[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms(language: str) -> None:
    catalog = _catalog(language)
    assert catalog.num_plurals == PLURAL_FORMS[language]
    for message in catalog:
        if message.id and message.pluralizable and language != "en":
            assert len(_forms(message.string)) == catalog.num_plurals, message.id


def test_russian_counts_in_three_forms() -> None:
    """1 слот, 2 слота, 5 слотов; 11 слотов, 21 слот, 22 слота."""
    plural = gettext.c2py(_catalog("ru").plural_expr)  # type: ignore[attr-defined]
    assert [plural(n) for n in (1, 2, 5, 11, 21, 22, 112)] == [0, 1, 2, 2, 0, 1, 2]


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_match_the_english(language: str) -> None:
    catalog = _catalog(language)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        english = [_placeholders(text) for text in _forms(message.id)]
        allowed = set().union(*english)
        for form in _forms(message.string):
            found = _placeholders(form)
            # a plural form may leave the number out ("one slot"), never add a name
            if not found <= allowed or (not message.pluralizable and found != allowed):
                wrong.append((message.id, form))
    assert not wrong, f"{language}: placeholders differ: {wrong[:5]}"
    assert not [e for e in catalog.check() if e[1]], f"{language}: Babel's checks fail"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_current_one(language: str) -> None:
    """The .mo shipped in the package says what its .po says (README's compile was run)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    fresh = io.BytesIO()
    write_mo(fresh, _catalog(language))
    fresh.seek(0)
    with (folder / f"{DOMAIN}.mo").open("rb") as shipped:
        assert gettext.GNUTranslations(shipped)._catalog == (  # type: ignore[attr-defined]
            gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
        )
