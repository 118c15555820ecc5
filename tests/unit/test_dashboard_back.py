"""The way back to the dashboard (handlers.admin.dashboard_back): fields added and read back,
the target of '⬅ All lessons', and Telegram's 64 bytes at the largest ids."""

from __future__ import annotations

import dataclasses

from handlers.admin import dashboard_back as back
from handlers.admin import keyboards as kb
from handlers.callbacks import MAX_BYTES
from tests.support.samples import PIANO, STATS

BIG = 2**31 - 1


def _datas(markup) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.callback_data for row in markup.inline_keyboard for b in row]


def test_back_packs_the_page_and_the_filter() -> None:
    assert back.back_of(0, 0) == 0
    assert back.back_of(0, 7) == 1 and back.back_of(3, 0) == 6 and back.back_of(3, 7) == 7


def test_split_reads_the_field_wherever_it_is() -> None:
    assert back.split((3, 1), "l") == ((3, 1), 0)
    assert back.split((3, 1, 5), "l") == ((3, 1), 5)
    assert back.split((3, 1, 0, 5), "tog") == ((3, 1, 0), 5)
    assert back.split((3, 1, 4, 5, 2), "wk") == ((3, 1, 4, 2), 5)  # before the page
    assert back.split((3, 1, 4, 2), "wk") == ((3, 1, 4, 2), 0)


def test_all_lessons_goes_to_the_lessons_term_with_the_filter_and_page() -> None:
    lesson = dataclasses.replace(PIANO, term_id=9)
    assert back.dashboard_data(3, lesson, 0) == "ad:tm:3:9:0:0"
    assert back.dashboard_data(3, lesson, 5) == f"ad:tm:3:9:{lesson.teacher_id}:2"
    no_term = dataclasses.replace(PIANO, term_id=0)
    assert back.dashboard_data(3, no_term, 0) == "ad:home:3"
    assert back.dashboard_data(3, no_term, 4) == "ad:hp:3:2"


def test_the_lesson_panel_carries_the_field_and_no_field_means_as_before() -> None:
    lesson = dataclasses.replace(PIANO, term_id=9)
    panel = kb.lesson_panel(3, lesson, STATS)
    assert back.carry(panel, 3, lesson, 0) is panel
    carried = _datas(back.carry(panel, 3, lesson, 3))
    assert f"ad:tog:3:{lesson.id}:0:3" in carried or f"ad:tog:3:{lesson.id}:1:3" in carried
    assert f"ad:l:3:{lesson.id}:3" in carried  # Refresh
    assert f"ad:tm:3:9:{lesson.teacher_id}:1" in carried
    assert any(d.startswith(f"ad:wk:3:{lesson.id}:") and d.endswith(":3:0") for d in carried)
    assert f"rm:go:3:{lesson.id}" in carried  # other areas are left alone


def test_the_largest_ids_fit_in_64_bytes() -> None:
    lesson = dataclasses.replace(PIANO, id=BIG, term_id=BIG, teacher_id=BIG)
    stats = dataclasses.replace(STATS, lesson_id=BIG)
    panel = back.carry(kb.lesson_panel(BIG, lesson, stats), BIG, lesson, BIG)
    week = back.carry(kb.week_bookings(BIG, BIG, 52, [], 0, 3, False), BIG, lesson, BIG)
    for data in _datas(panel) + _datas(week):
        assert len(data.encode()) <= MAX_BYTES, data
