"""The way back to the dashboard (handlers.admin.dashboard_back): fields added and read back,
the target of '⬅ All lessons', and Telegram's 64 bytes at the largest ids."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.schedule import Slot
from handlers.admin import dashboard_back as back
from handlers.admin import keyboards as kb
from handlers.callbacks import MAX_BYTES
from tests.support.samples import MIA, PIANO, STATS, emma_booking

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


def test_the_booking_flows_read_the_field_last_and_the_students_pager_before_its_page() -> None:
    assert back.split((3, 12), "b") == ((3, 12), 0)
    assert back.split((3, 12, 5), "b") == ((3, 12), 5)
    assert back.split((3, 12, 4, 99, 5), "ry") == ((3, 12, 4, 99), 5)
    assert back.split((3, 12, 1, 5), "cy") == ((3, 12, 1), 5)
    assert back.split((3, 1, 4, 5), "nb") == ((3, 1, 4), 5)
    assert back.split((3, 1, 4, 2), "np") == ((3, 1, 4, 2), 0)  # page 2, no field
    assert back.split((3, 1, 4, 5, 2), "np") == ((3, 1, 4, 2), 5)
    assert back.split((3, 1, 4, 9, 99, 5), "ny") == ((3, 1, 4, 9, 99), 5)


def test_a_booking_card_and_its_steps_carry_the_field_to_the_week_and_the_dashboard() -> None:
    lesson = dataclasses.replace(PIANO, term_id=9)
    booking = emma_booking()
    card = _datas(back.carry(kb.booking_card(booking, started=False), 1, lesson, 5))
    assert f"ad:rw:1:{booking.id}:5" in card and f"ad:cx:1:{booking.id}:5" in card
    assert f"ad:wk:1:{lesson.id}:{booking.week}:5:0" in card
    done = _datas(back.carry(kb.booking_card(booking, started=True), 1, lesson, 5))
    assert f"ad:at:1:{booking.id}:1:5" in done and f"ad:at:1:{booking.id}:2:5" in done
    reasons = _datas(back.carry(kb.cancel_reasons(1, booking.id), 1, lesson, 5))
    assert all(d.endswith(":5") for d in reasons)
    students = kb.pick_student(1, lesson.id, 4, [MIA], 0, 2)
    paged = _datas(back.carry(students, 1, lesson, 5))
    assert f"ad:ns:1:{lesson.id}:4:{MIA.student_id}:5" in paged
    assert f"ad:np:1:{lesson.id}:4:5:1" in paged  # the next page, the field before it
    other = dataclasses.replace(lesson, id=lesson.id + 1)  # another lesson's buttons stay
    assert _datas(back.carry(students, 1, other, 5)) == _datas(students)


def test_the_longest_booking_flow_buttons_fit_in_64_bytes() -> None:
    lesson = dataclasses.replace(PIANO, id=BIG, term_id=BIG, teacher_id=BIG)
    start = datetime(2030, 12, 31, 23, 30, tzinfo=UTC)
    slots = [Slot(start, start + timedelta(minutes=30))]
    booking = emma_booking(id=BIG, school_id=BIG, lesson_id=BIG, week=52)
    screens = [
        kb.new_booking_slots(BIG, BIG, 52, BIG, slots, ZoneInfo("UTC"), day=0),
        kb.confirm_new_booking(BIG, BIG, 52, BIG, 99_999_999),
        kb.move_slots(booking, 52, slots, ZoneInfo("UTC"), day=0),
        kb.pick_student(BIG, BIG, 52, [MIA], 1, 3),
        kb.booking_card(booking, started=True),
    ]
    for screen in screens:
        carried = _datas(back.carry(screen, BIG, lesson, BIG))
        assert all(len(d.encode()) <= MAX_BYTES for d in carried), carried
        assert any(d.endswith(f":{BIG}") or f":{BIG}:" in d for d in carried)
    confirm = _datas(back.carry(screens[1], BIG, lesson, BIG))
    assert f"ad:ny:{BIG}:{BIG}:52:{BIG}:99999999:{BIG}" in confirm
