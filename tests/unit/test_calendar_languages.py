"""The calendar picture's words in the reader's language (pure): German and Russian day
headers, subtitle, legend, summary and the phone view's headings through Babel and the
catalogs, the pictures drawn in every language; the teacher's attendance texts and the
approval reasons in Russian and German."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from core.calendar.agenda import agenda_rows, day_heading, render_agenda_png
from core.calendar.events import CalendarEvent, EventKind
from core.calendar.layout import layout_week, summarize_week
from core.calendar.painter import render_week_png
from core.db.models import BookingStatus
from core.errors import InvalidState
from core.i18n import N_, use_language
from handlers.approval import texts as approval_texts
from handlers.teacher_texts import all_present_label, marked_day, marked_one, refusal

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2027, 2, 22)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    local = datetime.combine(MONDAY + timedelta(days=day), datetime.min.time(), BERLIN)
    return local.replace(hour=hour, minute=minute).astimezone(UTC)


def entry(uid: str, start: datetime, kind: EventKind, title: str) -> CalendarEvent:
    return CalendarEvent(uid, kind, title, start, start + timedelta(minutes=30))


def week() -> list[CalendarEvent]:
    """Monday: four booked sessions (one more than a summary line shows) and a group class."""
    sessions = [
        entry(
            f"booking-{i}", at(0, 15 + i // 2, 30 * (i % 2)), EventKind.BOOKED_SESSION, f"Child {i}"
        )
        for i in range(4)
    ]
    return [*sessions, entry("lesson-1-w4", at(2, 17), EventKind.GROUP, "Junior Choir")]


def test_the_week_picture_speaks_german() -> None:
    with use_language("de"):
        layout = layout_week(week(), MONDAY, BERLIN, "Musikschule · Sam Jones")
        headers = [day.header for day in layout.days]
        legend = [item.label for item in layout.legend]
        summary = summarize_week(layout)
        rows = agenda_rows(layout)
        grid = render_week_png(layout)
        phone = render_agenda_png(layout)
    assert headers[:3] == ["Mo., 22. Feb.", "Di., 23. Feb.", "Mi., 24. Feb."]
    assert headers[6] == "So., 28. Feb."
    assert layout.subtitle == "Woche ab 22. Feb. 2027 · Europe/Berlin"
    assert legend == ["Gruppenkurs", "Gebuchter Einzeltermin"]
    assert "5 Einträge — Gruppenkurs: 1, Gebuchter Einzeltermin: 4" in summary
    assert "Mo., 22. Feb.: 15:00 Child 0; 15:30 Child 1; 16:00 Child 2 (+1 weitere)" in summary
    assert [heading for heading, _ in rows] == ["Montag, 22. Februar", "Mittwoch, 24. Februar"]
    for png in (grid, phone):
        with Image.open(io.BytesIO(png)) as image:
            assert image.format == "PNG" and image.width > 0 and image.height > 0


def test_the_week_picture_speaks_russian_and_english_keeps_its_shapes() -> None:
    with use_language("ru"):
        layout = layout_week(week(), MONDAY, BERLIN, "School")
        summary = summarize_week(layout)
        empty = summarize_week(layout_week([], MONDAY, BERLIN, "School"))
        assert day_heading(MONDAY) == "понедельник, 22 февраля"
        render_week_png(layout)
        assert layout.days[0].header == "пн, 22 февр."  # a header is read in the language
    assert "5 записей — " in summary and "(ещё 1)" in summary
    assert "На этой неделе занятий нет." in empty
    english = layout_week(week(), MONDAY, BERLIN, "School")
    assert english.days[0].header == "Mon 22 Feb"
    assert day_heading(MONDAY) == "Monday 22 February"
    assert "(+1 more)" in summarize_week(english)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "присутствие отмечено у 1 ученика"),
        (2, "присутствие отмечено у 2 учеников"),
        (5, "присутствие отмечено у 5 учеников"),
        (21, "присутствие отмечено у 21 ученика"),
    ],
)
def test_marked_present_counts_in_russian(n: int, words: str) -> None:
    with use_language("ru"):
        assert marked_day(n, MONDAY) == f"пн, 22 февр.: {words}."


def test_attendance_texts_and_refusals_in_german() -> None:
    starts = datetime(2027, 2, 22, 17, 0, tzinfo=BERLIN)
    with use_language("de"):
        assert all_present_label(MONDAY) == "✅ Alle anwesend Mo., 22. Feb."
        assert marked_one("Mia <Brown>", BookingStatus.NO_SHOW) == (
            "Mia &lt;Brown&gt; als nicht erschienen markiert."
        )
        assert marked_day(1, MONDAY) == "1 Termin am Mo., 22. Feb. als anwesend markiert."
        early = refusal(
            InvalidState(
                N_(
                    "{child}'s session starts {when}; attendance can be marked once it has started."
                ),
                child="Mia Brown",
                when=starts,
            ).message
        )
        none = refusal(
            InvalidState(
                N_("No session of {day} has started and still waits to be marked."), day=MONDAY
            ).message
        )
        cancelled = refusal(
            InvalidState(
                N_("{child}'s booking #{id} was cancelled; there is nothing to mark."),
                child="Mia Brown",
                id=7,
            ).message
        )
    assert early == (
        "Der Termin von Mia Brown beginnt am Mo., 22. Feb. 17:00; die Anwesenheit kann "
        "markiert werden, sobald er begonnen hat.\nNichts wurde geändert."
    )
    assert none.startswith("Am Mo., 22. Feb. hat kein Termin begonnen")
    assert cancelled.startswith("Die Buchung Nr. 7 von Mia Brown wurde abgesagt")
    # an unknown refusal is shown as it is
    assert refusal("Something else.").startswith("Something else.\n")


def test_a_listed_decline_reason_is_kept_in_english_and_shown_in_the_readers_language() -> None:
    kept = approval_texts.reason_kept(1)
    assert kept == "The teacher is not available at that time."
    with use_language("ru"):
        assert approval_texts.reason_text(1) == approval_texts.reason_shown(kept)
        assert approval_texts.reason_shown(kept) != kept
        assert approval_texts.reason_shown("Typed by hand") == "Typed by hand"
    with use_language("de"):
        assert approval_texts.reason_shown(kept) == approval_texts.reason_text(1) != kept
    assert approval_texts.reason_kept(0) is None and approval_texts.reason_text(9) is None


def test_a_listed_decline_reason_reads_in_the_admins_language_on_the_booking_card() -> None:
    from core.i18n import use_language
    from handlers.admin.texts import reason_words
    from handlers.approval.texts import REASONS

    kept = REASONS[1]
    with use_language("ru"):
        shown = reason_words(kept)
    assert shown != kept and shown.strip()
    with use_language("ru"):
        assert reason_words("my own words") == "my own words"
