"""Which term the dashboard shows by default, and the terms one tap before and after it."""

from __future__ import annotations

from datetime import date

from core.admin_view import TermRef, current_term, neighbours

AUTUMN = TermRef(1, "t0", "Autumn", date(2026, 9, 7), 10)  # to Sun 15 Nov 2026
SPRING = TermRef(2, "t1", "Spring", date(2027, 2, 1), 10)  # to Sun 11 Apr 2027
SUMMER = TermRef(3, "t2", "Summer", date(2027, 4, 26), 8)
TERMS = [SUMMER, AUTUMN, SPRING]  # in no particular order


def test_the_term_whose_dates_hold_today_is_the_current_one() -> None:
    assert current_term(TERMS, date(2027, 2, 1)) == SPRING
    assert current_term(TERMS, date(2027, 4, 11)) == SPRING  # its last Sunday


def test_between_terms_the_next_one_to_start_is_the_current_one() -> None:
    assert current_term(TERMS, date(2026, 12, 20)) == SPRING
    assert current_term(TERMS, date(2026, 1, 1)) == AUTUMN


def test_after_the_last_term_the_last_one_is_shown() -> None:
    assert current_term(TERMS, date(2028, 1, 1)) == SUMMER
    assert current_term([], date(2028, 1, 1)) is None


def test_neighbours_are_the_terms_just_before_and_after() -> None:
    assert neighbours(TERMS, SPRING) == (AUTUMN, SUMMER)
    assert neighbours(TERMS, AUTUMN) == (None, SPRING)
    assert neighbours(TERMS, SUMMER) == (SPRING, None)
