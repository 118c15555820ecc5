"""Accept-Language as the API reads it (handlers.api.language): our languages, best first."""

from __future__ import annotations

from handlers.api.language import accepted, asked_language


def test_the_best_of_ours_first() -> None:
    assert accepted("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7") == ["ru", "en"]
    assert accepted("fr-CH, fr;q=0.9, de;q=0.8, *;q=0.5") == ["de", "en"]
    assert accepted("en;q=0.2, de;q=0.9") == ["de", "en"]
    assert accepted("DE_at") == ["de"]


def test_nothing_we_have_is_nothing() -> None:
    for header in (None, "", "fr, es;q=0.5", "ru;q=0", "ru;q=abc", ";;;,", "ru;q=2"):
        assert accepted(header) == []
    assert asked_language({}) == "en"
    assert asked_language({"Accept-Language": "es"}) == "en"
    assert asked_language({"Accept-Language": "es, ru;q=0.3"}) == "ru"


def test_a_huge_header_is_read_in_part() -> None:
    assert accepted("ru," + "x;q=0.1," * 10_000) == ["ru"]
