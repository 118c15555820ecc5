"""The admin's texts in Russian and German: plural forms, dates, statuses and the listed
cancellation reasons (stored in English, shown in the reader's language)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from core.admin_view import TermRef
from core.db.models import BookingStatus
from core.i18n import use_language
from handlers.admin import dashboard_texts as dtexts
from handlers.admin import remind, texts
from tests.support.samples import PIANO, STATS
from tests.support.samples import emma_booking as booking


@pytest.mark.parametrize(
    ("n", "ru", "de"),
    [
        (1, "1 запись", "1 Buchung"),
        (2, "2 записи", "2 Buchungen"),
        (5, "5 записей", "5 Buchungen"),
        (11, "11 записей", "11 Buchungen"),
        (21, "21 запись", "21 Buchungen"),
        (22, "22 записи", "22 Buchungen"),
    ],
)
def test_a_count_of_bookings_takes_each_language_s_plural_form(n: int, ru: str, de: str) -> None:
    with use_language("ru"):
        assert texts.bookings_count(n) == ru
    with use_language("de"):
        assert texts.bookings_count(n) == de
    assert texts.bookings_count(n) == (f"{n} booking" if n == 1 else f"{n} bookings")


def test_whom_the_family_news_reached_counts_parents_in_three_russian_forms() -> None:
    with use_language("ru"):
        assert texts.told_text(1).endswith("(1 родитель).")
        assert texts.told_text(3).endswith("(3 родителя).")
        assert texts.told_text(5).endswith("(5 родителей).")
        assert remind.families(21) == "21 семья" and remind.families(4) == "4 семьи"


def test_the_week_and_the_term_print_their_dates_in_the_language() -> None:
    term = TermRef(6, "t1", "Term 1", date(2027, 2, 1), 10)
    with use_language("de"):
        text = dtexts.dashboard_text("S", [STATS], term=term, today=date(2027, 3, 1))
        assert "Term 1 (Mo., 1. Feb. – So., 11. Apr. 2027) · jetzt" in text
        week = texts.week_bookings_text(PIANO, 4, [booking()], 1, 0, 1, [])
        assert week.startswith("<b>Piano Foundations</b> · Woche 4 (Mo., 22. Feb.)\n1 Buchung")
        assert "15:00–15:30 Emma Smith (Smith family) · bestätigt" in week
        assert "Alle Kinder haben in dieser Woche eine Buchung." in week


def test_a_listed_reason_is_shown_in_the_reader_s_language_a_typed_one_as_typed() -> None:
    cancelled = replace(
        booking(),
        status=BookingStatus.CANCELLED,
        cancelled_by="admin:Alice",
        cancel_reason="Teacher unavailable",
    )
    with use_language("ru"):
        card = texts.booking_card_text(cancelled)
        assert "· отменена" in card
        assert "Отменил(а): Alice (администратор): Преподаватель не может" in card
    with use_language("de"):
        typed = replace(cancelled, cancel_reason="Flood in the hall")
        assert "Grund: Flood in the hall" in texts.parent_cancelled_notice("S", typed)
    assert "Reason: Teacher unavailable" in texts.parent_cancelled_notice("S", cancelled)
