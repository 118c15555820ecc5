"""Back from a lesson's screens returns to the dashboard it was opened from: the same term,
the same teacher filter, the same page (through the real bot).

The terms of tests/e2e/test_admin_terms.py: Term 1 (current) has Sam's piano and theory and
Kim Lee's violin; Term 2 has Sam's cello; Autumn 2026 has Sam's old piano.
"""

from __future__ import annotations

import pytest

from bot.local_api import LocalBotApi
from handlers.callbacks import MAX_BYTES
from tests.support.chat import datas, labels
from tests.support.chat import tap_shown as tap

ADMIN = 1001


@pytest.mark.usefixtures("terms")
async def test_back_from_a_lesson_keeps_the_teacher_filter_and_the_term(
    api: LocalBotApi, bot_app, schools
) -> None:
    admin = api.user(ADMIN)
    await admin.send("/admin")
    await tap(admin, "👤 All teachers")
    kims = await tap(admin, "Kim Lee")
    assert "Teacher: Kim Lee" in kims["text"]
    panel = await tap(admin, "Violin")
    assert "Violin" in panel["text"]
    back = await tap(admin, "⬅ All lessons")
    assert "Term 1" in back["text"] and "Teacher: Kim Lee" in back["text"]
    assert "Violin" in back["text"] and "Piano Foundations" not in back["text"]
    assert "👤 Kim Lee ▾" in labels(admin)

    # deeper: the panel's week, its Back, a toggle, and the way back still knows the filter
    await tap(admin, "Violin")
    await tap(admin, "Week 2")
    await tap(admin, "⬅ Lesson")
    await tap(admin, "🟢 Open bookings")
    assert all(len(d.encode()) <= MAX_BYTES for d in datas(admin))
    again = await tap(admin, "⬅ All lessons")
    assert "Teacher: Kim Lee" in again["text"] and "Piano Foundations" not in again["text"]


@pytest.mark.usefixtures("terms")
async def test_back_from_a_lesson_of_another_term_returns_to_that_term_filtered(
    api: LocalBotApi, bot_app, schools
) -> None:
    admin = api.user(ADMIN)
    await admin.send("/admin")
    await tap(admin, "Term 2 ▶")
    await tap(admin, "👤 All teachers")
    sams = await tap(admin, "Sam Jones")
    assert "Term 2" in sams["text"] and "Cello" in sams["text"]
    await tap(admin, "Cello")
    back = await tap(admin, "⬅ All lessons")
    assert "Term 2" in back["text"] and "Teacher: Sam Jones" in back["text"]
    assert "Cello" in back["text"]


@pytest.mark.usefixtures("terms")
async def test_back_without_a_filter_is_as_before(api: LocalBotApi, bot_app, schools) -> None:
    admin = api.user(ADMIN)
    await admin.send("/admin")
    await tap(admin, "Violin")
    assert not any(d.startswith("ad:l:") and d.count(":") > 3 for d in datas(admin))
    back = await tap(admin, "⬅ All lessons")
    assert "Term 1" in back["text"] and "Teacher:" not in back["text"]
    assert "Piano Foundations" in back["text"] and "Violin" in back["text"]
