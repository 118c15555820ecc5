"""core.i18n: which language a code names, dates in each language, English exactly as before."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import yaml

from core.i18n import (
    format_clock,
    format_day,
    format_day_month,
    format_long_date,
    format_weekday,
    gettext,
    ngettext,
    pick_language,
    supported,
    use_language,
)
from core.school_file.loader import parse_school_file
from handlers.formatting import fit
from tests.support.school_files import base, problems_after

MONDAY = date(2027, 2, 22)


@pytest.mark.parametrize(
    ("code", "language"),
    [("ru", "ru"), ("ru-RU", "ru"), ("de_AT", "de"), ("EN", "en"), ("ja", None), ("", None)],
)
def test_a_client_language_code_names_a_language_we_have(code: str, language: str | None) -> None:
    assert supported(code) == language


def test_the_choice_then_the_client_then_the_school_then_english() -> None:
    assert pick_language("de", "ru", "en") == "de"
    assert pick_language(None, "ja", "ru") == "ru"
    assert pick_language(None, "ru-RU", "de") == "ru"
    assert pick_language(None, "ja", None) == "en"
    assert pick_language() == "en"


def test_english_dates_keep_their_shape() -> None:
    assert format_day(MONDAY) == "Mon 22 Feb"
    assert format_day(date(2027, 3, 1), padded=True) == "Mon 01 Mar"
    assert format_day_month(MONDAY) == "22 Feb"
    assert format_long_date(MONDAY) == "Monday 22 February 2027"
    assert format_weekday(MONDAY) == "Mon"
    assert format_clock(datetime(2027, 2, 22, 15, 5)) == "15:05"


def test_dates_in_russian_and_german() -> None:
    with use_language("ru"):
        assert format_day(MONDAY) == "пн, 22 февр."
        assert format_long_date(MONDAY) == "понедельник, 22 февраля 2027"
    with use_language("de"):
        assert format_day(MONDAY) == "Mo., 22. Feb."
        assert format_long_date(MONDAY) == "Montag, 22. Februar 2027"


def test_a_missing_string_falls_back_to_english_never_to_a_key() -> None:
    with use_language("ru"):
        assert gettext("No such text in any catalog") == "No such text in any catalog"
        assert gettext("Cancelled") == "Отменено"
    with use_language("xx"):  # no catalog at all
        assert gettext("Cancelled") == "Cancelled"


def test_russian_plural_forms_in_use() -> None:
    with use_language("ru"):
        forms = [ngettext("{n} free", "{n} free", n).format(n=n) for n in (1, 3, 5, 21)]
    assert forms == [
        "1 свободный слот",
        "3 свободных слота",
        "5 свободных слотов",
        "21 свободный слот",
    ]
    assert fit("x\n" * 3000).endswith("more lines not shown)")


def test_the_school_file_names_its_language() -> None:
    data = base()
    data["school"]["language"] = "ru"
    assert parse_school_file(yaml.safe_dump(data)).school.language == "ru"
    assert parse_school_file(yaml.safe_dump(base())).school.language is None
    problems = problems_after(lambda d: d["school"].update(language="klingon"))
    assert any("school.language" in p and "en, ru, de" in p for p in problems)
