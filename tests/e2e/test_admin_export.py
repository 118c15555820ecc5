"""The admin's term export from /admin: the bot sends the term's bookings as an xlsx file."""

from __future__ import annotations

import io
from datetime import date, time

from openpyxl import load_workbook
from sqlalchemy import select

from bot.local_api import LocalBotApi
from core.db.models import Term
from core.services import Services
from core.views import Actor

ADMIN = 1001
BETA_ADMIN = 2001
SHOWN = ("send", "edit_text", "edit_caption")
SENT = ("send", "send_document")
TERM_2 = date(2027, 4, 26)


async def test_admin_exports_the_term_as_an_xlsx_document(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, beta = schools
    for ids in (alpha, beta):
        start = await services.booking.slot_at(ids.school, ids.piano, 4, time(15, 30), day=0)
        await services.booking.create_booking(
            ids.school, Actor.admin("Alice Admin"), ids.piano, ids.emma, 4, start
        )
    admin = api.user(ADMIN)
    await admin.send("/admin")
    await admin.press_button("Export term (xlsx)", until=lambda e: e.kind in SENT)
    name, data = admin.documents()[-1]
    assert name == "alpha-t1-bookings.xlsx" and data is not None
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Booking", "Family", "Child")
    assert len(rows) == 2  # alpha's one booking; beta's is not in alpha's file
    assert rows[1][1:5] == ("Smith family", "Emma Smith", "Piano Foundations", "Sam Jones")
    assert (rows[1][8], rows[1][10], rows[1][11]) == ("15:30", "confirmed", "Alice Admin (admin)")
    assert "Term 1: 1 booking(s)" in (admin.last_message or {}).get("caption", "")


async def test_with_several_terms_the_admin_picks_one_and_another_schools_term_is_refused(
    api: LocalBotApi, bot_app, services: Services, sessions, schools
) -> None:
    alpha, beta = schools
    async with sessions() as session, session.begin():
        session.add(
            Term(school_id=alpha.school, key="t2", name="Term 2", start_date=TERM_2, weeks=8)
        )
    admin = api.user(ADMIN)
    await admin.send("/admin")
    picker = await admin.press_button("Export term (xlsx)", until=lambda e: e.kind in SHOWN)
    assert "Export which term?" in picker["text"]
    await admin.press_button("Term 2", until=lambda e: e.kind in SENT)
    name, data = admin.documents()[-1]
    assert name == "alpha-t2-bookings.xlsx"
    assert load_workbook(io.BytesIO(data or b"")).active.max_row == 1  # no bookings yet
    async with sessions() as session:
        beta_term = await session.scalar(select(Term.id).where(Term.school_id == beta.school))
    before = len(admin.documents())
    refused = await admin.press(
        f"ad:xp:{alpha.school}:{beta_term}", until=lambda e: e.kind in SHOWN
    )
    assert "No such term" in refused["text"] and "Nothing was changed" in refused["text"]
    await admin.press(f"ad:xp:{beta.school}:0", until=lambda e: e.kind in SHOWN)
    said = [m.get("text") or "" for m in admin.messages]
    assert any("not an admin of that school" in text for text in said)
    assert len(admin.documents()) == before  # nothing sent across schools
