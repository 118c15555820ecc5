"""The week picture: layout model (clipping, lanes, DST), legend, PNG and summary."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from core.calendar.agenda import AGENDA_WIDTH, agenda_rows, render_agenda_png
from core.calendar.events import CalendarEvent, EventKind
from core.calendar.layout import (
    KIND_COLOURS,
    KIND_LABELS,
    Block,
    WeekLayout,
    layout_week,
    summarize_week,
)
from core.calendar.painter import _drawable, render_week_png
from core.calendar.service import Pupil, first_names, lesson_short

SYDNEY = ZoneInfo("Australia/Sydney")
LONDON = ZoneInfo("Europe/London")
MONDAY = date(2027, 2, 1)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def local(tz: ZoneInfo, day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of a wall-clock time in ``tz``."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)


def event(
    uid: str,
    start: datetime,
    minutes: int = 60,
    kind: EventKind = EventKind.INDIVIDUAL,
    title: str = "Piano Foundations",
    cancelled: bool = False,
) -> CalendarEvent:
    return CalendarEvent(
        uid=uid,
        kind=kind,
        title=title,
        start=start,
        end=start + timedelta(minutes=minutes),
        cancelled=cancelled,
    )


def crowded_week(seed: int = 1) -> tuple[list[CalendarEvent], Counter[EventKind]]:
    """300+ events of every kind in the week, plus cancelled and out-of-week noise.

    Returns the events and the expected drawn count per kind.
    """
    rng = random.Random(seed)
    kinds = list(EventKind)
    events: list[CalendarEvent] = []
    expected: Counter[EventKind] = Counter()
    for n in range(330):
        kind = kinds[n % len(kinds)]
        day = MONDAY + timedelta(days=rng.randrange(7))
        start = local(SYDNEY, day, rng.randrange(9, 20), rng.choice((0, 15, 30, 45)))
        cancelled = n % 17 == 0
        events.append(
            event(f"w{n}", start, rng.choice((30, 45, 60, 90)), kind, cancelled=cancelled)
        )
        if not cancelled:
            expected[kind] += 1
    for n in range(20):  # the weeks before and after
        day = MONDAY + timedelta(days=rng.choice((-7, -1, 7, 8, 13)))
        events.append(event(f"out{n}", local(SYDNEY, day, 10), 60, kinds[n % len(kinds)]))
    return events, expected


def by_uid(layout: WeekLayout) -> dict[str, list[Block]]:
    blocks: dict[str, list[Block]] = {}
    for block in layout.blocks:
        blocks.setdefault(block.uid, []).append(block)
    return blocks


def overlaps(a: Block, b: Block) -> bool:
    return a.day_index == b.day_index and a.top < b.bottom and b.top < a.bottom


def assert_lanes_valid(blocks: tuple[Block, ...] | list[Block]) -> None:
    for i, a in enumerate(blocks):
        assert 0 <= a.lane < a.lanes
        for b in blocks[i + 1 :]:
            if overlaps(a, b):
                assert a.lane != b.lane, (a, b)
                assert a.lanes == b.lanes


# ----------------------------------------------------------------------------- layout


def test_crowded_week_has_one_block_per_drawn_event_of_each_kind() -> None:
    events, expected = crowded_week()
    layout = layout_week(events, MONDAY, SYDNEY, "Riverside")
    assert sum(expected.values()) >= 300
    assert Counter(b.kind for b in layout.blocks) == expected
    assert layout.event_counts == dict(expected)
    assert all(b.colour == KIND_COLOURS[b.kind] for b in layout.blocks)


def test_crowded_week_overlapping_blocks_get_distinct_lanes() -> None:
    layout = layout_week(crowded_week()[0], MONDAY, SYDNEY, "Riverside")
    assert max(b.lanes for b in layout.blocks) > 1  # the fixture really overlaps
    assert_lanes_valid(layout.blocks)


def test_nothing_outside_the_week_and_cancelled_omitted() -> None:
    events, _ = crowded_week()
    layout = layout_week(events, MONDAY, SYDNEY, "Riverside")
    uids = set(by_uid(layout))
    assert not any(uid.startswith("out") for uid in uids)
    assert not uids & {e.uid for e in events if e.cancelled}
    assert {b.day_index for b in layout.blocks} <= set(range(7))
    assert all(0 <= b.top < b.bottom <= 24 * 60 for b in layout.blocks)


def test_week_boundaries_are_local_midnights() -> None:
    sunday_before, next_monday = MONDAY - timedelta(days=1), MONDAY + timedelta(days=7)
    events = [
        event("before", local(SYDNEY, sunday_before, 23), 60),  # ends at Monday 00:00
        event("first", local(SYDNEY, MONDAY, 0), 30),
        event("last", local(SYDNEY, MONDAY + timedelta(days=6), 23, 30), 30),
        event("after", local(SYDNEY, next_monday, 0), 30),
    ]
    layout = layout_week(events, MONDAY, SYDNEY, "Riverside")
    assert [(b.uid, b.day_index, b.top, b.bottom) for b in layout.blocks] == [
        ("first", 0, 0, 30),
        ("last", 6, 1410, 1440),
    ]


def test_events_crossing_midnight_are_split_and_clipped() -> None:
    friday, sunday = MONDAY + timedelta(days=4), MONDAY + timedelta(days=6)
    events = [
        event("jam", local(SYDNEY, friday, 22, 30), 120, EventKind.OTHER_EVENT, "Late jam"),
        event("into-next-week", local(SYDNEY, sunday, 23), 120),
        event("from-last-week", local(SYDNEY, MONDAY - timedelta(days=1), 23), 120),
    ]
    layout = layout_week(events, MONDAY, SYDNEY, "Riverside")
    parts = {
        uid: [(b.day_index, b.top, b.bottom, b.continued) for b in bs]
        for uid, bs in by_uid(layout).items()
    }
    assert parts == {
        "jam": [(4, 1350, 1440, False), (5, 0, 30, True)],
        "into-next-week": [(6, 1380, 1440, False)],
        "from-last-week": [(0, 0, 60, True)],
    }
    assert layout.event_counts == {EventKind.INDIVIDUAL: 2, EventKind.OTHER_EVENT: 1}
    assert all(b.label.startswith("22:30 ") for b in by_uid(layout)["jam"])


def test_week_start_is_normalised_to_monday() -> None:
    layout = layout_week([], MONDAY + timedelta(days=3), SYDNEY, "Riverside")
    assert layout.week_start == MONDAY
    assert [d.day for d in layout.days] == [MONDAY + timedelta(days=i) for i in range(7)]
    assert layout.days[0].header == "Mon 1 Feb"
    assert layout.subtitle == "Week of 1 Feb 2027 · Australia/Sydney"


def test_hour_range_defaults_and_extends() -> None:
    assert (
        layout_week([], MONDAY, SYDNEY, "").first_hour,
        layout_week([], MONDAY, SYDNEY, "").last_hour,
    ) == (8, 21)
    events = [
        event("early", local(SYDNEY, MONDAY, 7, 15), 30),
        event("late", local(SYDNEY, MONDAY, 21), 30),
    ]
    layout = layout_week(events, MONDAY, SYDNEY, "")
    assert (layout.first_hour, layout.last_hour) == (7, 22)


def test_label_is_local_start_time_and_title() -> None:
    layout = layout_week([event("a", local(SYDNEY, MONDAY, 16))], MONDAY, SYDNEY, "")
    assert layout.blocks[0].label == "16:00 Piano Foundations"
    assert layout.blocks[0].start_local == datetime(2027, 2, 1, 16, tzinfo=SYDNEY)


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 23 * 60), st.integers(1, 240)),
        max_size=60,
    )
)
def test_lanes_never_collide(specs: list[tuple[int, int, int]]) -> None:
    events = [
        event(f"e{i}", local(SYDNEY, MONDAY + timedelta(days=d), m // 60, m % 60), length)
        for i, (d, m, length) in enumerate(specs)
    ]
    assert_lanes_valid(layout_week(events, MONDAY, SYDNEY, "").blocks)


# ----------------------------------------------------------------------------- DST


def test_sydney_dst_end_keeps_wall_clock_times() -> None:
    # Clocks go back 03:00 -> 02:00 on Sunday 4 April 2027 (AEDT +11 -> AEST +10).
    monday = date(2027, 3, 29)
    saturday = datetime(2027, 4, 3, 5, tzinfo=UTC)  # 16:00 AEDT
    sunday = datetime(2027, 4, 4, 6, tzinfo=UTC)  # 16:00 AEST
    across = datetime(2027, 4, 3, 14, 30, tzinfo=UTC)  # Sun 01:30 AEDT, 3.5 h until 04:00 AEST
    layout = layout_week(
        [event("sat", saturday), event("sun", sunday), event("across", across, 210)],
        monday,
        SYDNEY,
        "",
    )
    blocks = {b.uid: b for b in layout.blocks}
    assert (blocks["sat"].day_index, blocks["sat"].top, blocks["sat"].bottom) == (5, 960, 1020)
    assert (blocks["sun"].day_index, blocks["sun"].top, blocks["sun"].bottom) == (6, 960, 1020)
    assert (blocks["across"].day_index, blocks["across"].top, blocks["across"].bottom) == (
        6,
        90,
        240,
    )
    assert blocks["sat"].label == blocks["sun"].label == "16:00 Piano Foundations"


def test_london_dst_start_keeps_wall_clock_times() -> None:
    # Clocks go forward 01:00 -> 02:00 on Sunday 28 March 2027 (GMT -> BST).
    monday = date(2027, 3, 22)
    saturday = datetime(2027, 3, 27, 16, tzinfo=UTC)  # 16:00 GMT
    sunday = datetime(2027, 3, 28, 15, tzinfo=UTC)  # 16:00 BST
    late_sunday = datetime(2027, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 BST, still this week
    layout = layout_week(
        [event("sat", saturday), event("sun", sunday), event("late", late_sunday, 30)],
        monday,
        LONDON,
        "",
    )
    blocks = {b.uid: b for b in layout.blocks}
    assert (blocks["sat"].day_index, blocks["sat"].top) == (5, 960)
    assert (blocks["sun"].day_index, blocks["sun"].top) == (6, 960)
    assert (blocks["late"].day_index, blocks["late"].top, blocks["late"].bottom) == (6, 1410, 1440)
    assert layout.subtitle == "Week of 22 Mar 2027 · Europe/London"


# ----------------------------------------------------------------------------- legend


def test_legend_lists_present_kinds_in_order() -> None:
    events = [
        event("b", local(SYDNEY, MONDAY, 10), kind=EventKind.BAND),
        event("i", local(SYDNEY, MONDAY, 12), kind=EventKind.INDIVIDUAL),
        event("x", local(SYDNEY, MONDAY, 14), kind=EventKind.GROUP, cancelled=True),
    ]
    layout = layout_week(events, MONDAY, SYDNEY, "")
    assert [(e.kind, e.label) for e in layout.legend] == [
        (EventKind.INDIVIDUAL, "Individual lesson"),
        (EventKind.BAND, "Band"),
    ]


def test_full_legend_has_every_kind_with_distinct_colours() -> None:
    layout = layout_week([], MONDAY, SYDNEY, "", full_legend=True)
    assert [e.label for e in layout.legend] == [
        "Individual lesson",
        "Group class",
        "Band",
        "Hybrid – group week",
        "Hybrid – individual week (to book)",
        "Booked individual session",
        "Meet & greet",
        "Other event",
    ]
    assert set(KIND_LABELS) == set(EventKind) == set(KIND_COLOURS)
    assert len({e.colour for e in layout.legend}) == len(EventKind)


# ----------------------------------------------------------------------------- picture


def open_png(data: bytes) -> Image.Image:
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_empty_week_renders_a_valid_png() -> None:
    layout = layout_week([], MONDAY, SYDNEY, "Riverside Music School")
    assert layout.blocks == () and layout.is_empty
    image = open_png(render_week_png(layout))
    assert image.format == "PNG" and image.size == (1200, 900)


def test_crowded_week_renders_a_valid_png() -> None:
    layout = layout_week(crowded_week()[0], MONDAY, SYDNEY, "Riverside Music School")
    image = open_png(render_week_png(layout, width=1000, height=800))
    assert image.size == (1000, 800)
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 20  # blocks, text, grid drawn


def test_text_the_built_in_font_lacks_is_simplified() -> None:
    assert _drawable("Zoë – Stück…", None) == "Zoe - Stuck…"
    assert _drawable("Ж", None) == "?"


# ----------------------------------------------------------------------------- summary


def test_summary_counts_kinds_and_lists_days() -> None:
    tuesday = MONDAY + timedelta(days=1)
    events = [event(f"t{h}", local(SYDNEY, tuesday, h), title=f"Lesson {h}") for h in range(9, 14)]
    events.append(event("band", local(SYDNEY, MONDAY, 17), 90, EventKind.BAND, "Garage Band"))
    text = summarize_week(layout_week(events, MONDAY, SYDNEY, "Riverside"), per_day=3)
    lines = text.splitlines()
    assert lines[:2] == ["Riverside", "Week of 1 Feb 2027 · Australia/Sydney"]
    assert lines[2] == "6 entries — Individual lesson: 5, Band: 1"
    assert lines[3] == "Mon 1 Feb: 17:00 Garage Band"
    assert lines[4] == "Tue 2 Feb: 09:00 Lesson 9; 10:00 Lesson 10; 11:00 Lesson 11 (+2 more)"
    assert len(lines) == 5


def test_summary_of_empty_and_crowded_weeks() -> None:
    assert "No lessons this week." in summarize_week(layout_week([], MONDAY, SYDNEY, "R"))
    crowded = summarize_week(layout_week(crowded_week()[0], MONDAY, SYDNEY, "R"), max_chars=400)
    assert len(crowded) <= 400


def test_a_booked_session_names_the_child_and_in_the_school_view_the_teacher() -> None:
    start = datetime(2027, 2, 1, 4, tzinfo=UTC)  # Monday 15:00 in Sydney
    booked = CalendarEvent(
        "b1", EventKind.BOOKED_SESSION, "Piano Foundations: Mia Brown (individual)",
        start, start + timedelta(minutes=30), teacher="Sam Jones", short="Mia Brown",
    )  # fmt: skip
    band = CalendarEvent("x", EventKind.BAND, "Jazz band", start, start + timedelta(hours=1))
    family = layout_week([booked], MONDAY, SYDNEY, "Family")
    assert family.blocks[0].label == "15:00 Mia Brown"
    school = layout_week([booked, band], MONDAY, SYDNEY, "School", with_teacher=True)
    labels = sorted(b.label for b in school.blocks)
    assert labels == ["15:00 Jazz band", "15:00 Mia Brown · Sam Jones"]
    assert KIND_COLOURS[EventKind.BOOKED_SESSION] != KIND_COLOURS[EventKind.BAND]
    booked_rgb, band_rgb = KIND_COLOURS[EventKind.BOOKED_SESSION], KIND_COLOURS[EventKind.BAND]
    assert sum(abs(a - b) for a, b in zip(booked_rgb, band_rgb, strict=True)) > 200


def test_a_placeholder_with_nobody_left_to_book_is_left_out_and_others_say_who() -> None:
    start = datetime(2027, 2, 1, 5, tzinfo=UTC)  # Monday 16:00 in Sydney
    end = start + timedelta(hours=1)
    kind = EventKind.HYBRID_PLACEHOLDER
    full = CalendarEvent("p1", kind, "Piano", start, end, to_book=0, short="Piano: 0 to book")
    open_ = CalendarEvent("p2", kind, "Theory", start, end, to_book=2, short="Theory: 2 to book")
    layout = layout_week([full, open_], MONDAY, SYDNEY, "School")
    assert [b.label for b in layout.blocks] == ["16:00 Theory: 2 to book"]
    assert layout.event_counts == {kind: 1}
    assert layout_week([full], MONDAY, SYDNEY, "School").is_empty


def test_block_names_in_a_familys_week() -> None:
    emma, liam, zoe = Pupil(1, "Emma Smith", 7), Pupil(2, "Liam Smith", 7), Pupil(3, "Zoe", 7)
    assert first_names([emma]) == "Emma"
    assert first_names([emma, liam, zoe]) == "Emma, Liam & Zoe"
    placeholder, group = EventKind.HYBRID_PLACEHOLDER, EventKind.GROUP
    assert lesson_short(placeholder, "Piano", None, 3) == "Piano: 3 to book"
    assert lesson_short(placeholder, "Piano", [liam], 1) == "Piano: Liam to book"
    assert lesson_short(group, "Choir", [emma, liam], None) == "Choir · Emma & Liam"
    assert lesson_short(group, "Choir", None, None) is None  # the school's view: the title


def test_the_phone_view_lists_each_days_entries_in_a_narrow_picture() -> None:
    monday_1600 = datetime(2027, 2, 1, 5, tzinfo=UTC)
    events = [
        CalendarEvent("c", EventKind.GROUP, "Choir", monday_1600 + timedelta(days=2),
                      monday_1600 + timedelta(days=2, hours=1)),
        CalendarEvent("b", EventKind.BOOKED_SESSION, "x", monday_1600 - timedelta(hours=1),
                      monday_1600 - timedelta(minutes=30), short="Mia Brown"),
        CalendarEvent("p", EventKind.HYBRID_PLACEHOLDER, "Piano", monday_1600,
                      monday_1600 + timedelta(hours=1), short="Piano: 2 to book", to_book=2),
    ]  # fmt: skip
    layout = layout_week(events, MONDAY, SYDNEY, "Family")
    rows = agenda_rows(layout)
    assert [(day, [(span, name) for span, name, _ in entries]) for day, entries in rows] == [
        ("Monday 1 February", [("15:00–15:30", "Mia Brown"), ("16:00–17:00", "Piano: 2 to book")]),
        ("Wednesday 3 February", [("16:00–17:00", "Choir")]),
    ]  # days without entries are left out
    with Image.open(io.BytesIO(render_agenda_png(layout))) as image:
        assert image.width == AGENDA_WIDTH and image.height < 900
    with Image.open(io.BytesIO(render_agenda_png(layout_week([], MONDAY, SYDNEY, "F")))) as image:
        assert image.width == AGENDA_WIDTH
