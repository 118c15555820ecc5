"""The core's refusals in the reader's language (core.errors, core.i18n.fill): put together
when read, dates and times in that language's words, words of the sentence translated then;
``str(error)`` and ``english`` stay English (logs, the command line)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.booking.approval import _decider
from core.booking.rules import check_week, notice_refusal, refuse_not_a_slot
from core.db.models import LessonType
from core.errors import (
    AlreadyBooked,
    DatabaseUnavailable,
    DomainError,
    InvalidState,
    NotFound,
    SchoolFileError,
    SlotTaken,
)
from core.i18n import N_, Later, fill, shown, use_language
from core.keys import no_such, unknown_key
from handlers.parent.texts import refusal

SYDNEY = ZoneInfo("Australia/Sydney")
MON_15 = datetime(2027, 2, 22, 4, 0, tzinfo=UTC)  # Monday 22 February 2027, 15:00 in Sydney


def test_the_notice_refusal_names_the_session_in_each_language() -> None:
    error = notice_refusal(MON_15, SYDNEY)
    expected = {
        "en": "That session (Mon 22 Feb 15:00) is less than 24 hours away, so it can't be "
        "changed in the bot. Please contact the school.",
        "ru": "До занятия (пн, 22 февр. 15:00) меньше 24 часов, поэтому в боте его изменить "
        "нельзя. Пожалуйста, свяжитесь со школой.",
        "de": "Dieser Termin (Mo., 22. Feb. 15:00) ist weniger als 24 Stunden entfernt und "
        "lässt sich im Bot nicht mehr ändern. Bitte wenden Sie sich an die Schule.",
    }
    for language, text in expected.items():
        with use_language(language):
            assert error.message == text
            assert str(error) == error.english == expected["en"]


def test_a_refusal_raised_in_one_language_reads_in_another() -> None:
    """Put together when read, not when raised: the CLI's English, the chat's Russian."""
    with use_language("ru"):
        error = notice_refusal(MON_15, SYDNEY, "new")
    assert error.message.startswith("The new time (Mon 22 Feb 15:00)")
    with use_language("de"):
        assert error.message.startswith("Die neue Zeit (Mo., 22. Feb. 15:00)")


def test_not_a_slot_and_marked_sessions_write_their_dates_in_the_language() -> None:
    class Lesson:
        name = "Piano Foundations"

    with pytest.raises(DomainError) as caught:
        refuse_not_a_slot(Lesson(), 4, SYDNEY, MON_15)  # type: ignore[arg-type]
    with use_language("ru"):
        assert caught.value.message == (
            "пн, 22 февр. 15:00 — такого времени нет у занятия Piano Foundations на неделе 4."
        )
    marked = AlreadyBooked(
        N_(
            "{student}'s session of {lesson} in week {week} ({when}) has already "
            "taken place and was marked {mark}; it can't be booked again."
        ),
        student="Mia Brown",
        lesson="Piano",
        week=4,
        when=MON_15.astimezone(SYDNEY),
        mark=Later(N_("a no-show")),
    )
    assert "(Mon 22 Feb 15:00)" in marked.message and "marked a no-show" in marked.message
    with use_language("de"):
        assert "(Mo., 22. Feb. 15:00)" in marked.message
        assert "a no-show" not in marked.message


def test_week_refusals_are_translated_with_their_numbers() -> None:
    class Term:
        weeks = 10

    class Hybrid:
        individual_weeks = (4, 8)

    class Lesson:
        name = "Piano Foundations"
        term = Term()
        hybrid = Hybrid()
        type = LessonType.HYBRID

    for week, english in (
        (12, "Week 12 is outside the term (weeks 1 to 10)."),
        (3, "Week 3 of Piano Foundations is a group week: no individual booking is needed."),
    ):
        with pytest.raises(DomainError) as caught:
            check_week(Lesson(), week)  # type: ignore[arg-type]
        assert str(caught.value) == english
        with use_language("ru"):
            assert "Week" not in caught.value.message and str(week) in caught.value.message


def test_who_decided_is_translated_when_read() -> None:
    error = InvalidState(
        N_("{student}'s booking #{id} was already confirmed by {by}."),
        student="Mia",
        id=7,
        by=_decider("cli"),
    )
    assert error.message == "Mia's booking #7 was already confirmed by the school."
    with use_language("ru"):
        assert "the school" not in error.message and "7" in error.message


def test_default_and_plain_messages_are_as_before() -> None:
    assert SlotTaken().message == "That slot has just been taken."
    with use_language("de"):
        assert DatabaseUnavailable().message.startswith("Das Buchungssystem")
        # a message the catalog does not hold, braces and all, is shown as it is
        assert NotFound("No lesson '{x}' in this school.").message == (
            "No lesson '{x}' in this school."
        )
    problems = SchoolFileError(["school.key: required", "terms: required"])
    assert problems.message == "school.key: required (and 1 more)"
    assert problems.problems == ["school.key: required", "terms: required"]


def test_values_are_written_as_the_language_writes_them() -> None:
    with use_language("de"):
        assert shown(datetime(2027, 2, 22, 15, 0)) == "Mo., 22. Feb. 15:00"
        assert shown(date(2027, 2, 22)) == "Mo., 22. Feb."
        assert shown(time(9, 5)) == "09:05"
        assert shown(4) == 4
        assert fill("No booking #{id} in this school.", {"id": 5}) == (
            "An dieser Schule gibt es keine Buchung Nr. 5."
        )
    assert fill("No booking #{id} in this school.", {"id": 5}) == "No booking #5 in this school."


def test_a_parent_refusal_names_the_school_whatever_the_language() -> None:
    error = notice_refusal(MON_15, SYDNEY)
    with use_language("ru"):
        text = refusal(error, "Music 'n Me")
    assert "пн, 22 февр. 15:00" in text and text.endswith("(Music 'n Me)")
    with use_language("ru"):
        assert not refusal(SlotTaken(), "Music 'n Me").endswith("(Music 'n Me)")


def test_an_unknown_key_is_refused_in_the_readers_language() -> None:
    error = unknown_key("lesson", "pino", ["theory", "piano"])
    english = (
        "No lesson 'pino' in this school. Did you mean piano? Known lesson keys: piano, theory."
    )
    assert error.message == str(error) == english  # the command line's words, as before
    with use_language("ru"):
        assert error.message == (
            "В этой школе нет занятия «pino». Может быть, piano? Ключи занятий: piano, theory."
        )
        assert error.english == english
    with use_language("de"):
        assert unknown_key("family", "x", []).message == (
            "In dieser Schule gibt es keine Familie „x“. Sie hat noch keine Familien."
        )
        assert no_such("student", "zoe").message == (
            "In dieser Schule gibt es keine Schülerin und keinen Schüler „zoe“."
        )
