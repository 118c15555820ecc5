"""Term exports for the office, on a real PostgreSQL, and `musicbot export` read back.

School alpha is in Sydney (UTC+11 in February): piano's week 4 is Monday 2027-02-22, its slots
from 15:00 local time (04:00 UTC). The clock stands at 2027-01-19 unless a test moves it.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time

import pytest
from openpyxl import load_workbook

from core.clock import FixedClock
from core.errors import NotFound
from core.exports import ExportKind, person, to_csv, to_xlsx
from core.services import Services
from core.views import Actor
from tests.support.cli import cli_env, run_cli
from tests.support.factories import build_two_schools

ADMIN = Actor.admin("Alice Admin")


@pytest.fixture
async def term_world(sessions, clock: FixedClock):
    """Emma (by her parent) and Liam (by the admin) in piano week 4; Mia's booking cancelled;
    a booking of school beta that must never show up in alpha's export."""
    alpha, beta = await build_two_schools(sessions)
    services = Services.build(sessions, clock)
    b = services.booking
    at = lambda s, lesson, hhmm: b.slot_at(s, lesson, 4, hhmm, day=0)  # noqa: E731
    emma = await b.create_booking(
        alpha.school,
        Actor.parent(alpha.smith_parent, "Jane Smith"),
        alpha.piano,
        alpha.emma,
        4,
        await at(alpha.school, alpha.piano, time(15, 0)),
    )
    liam = await b.create_booking(
        alpha.school,
        ADMIN,
        alpha.piano,
        alpha.liam,
        4,
        await at(alpha.school, alpha.piano, time(15, 30)),
    )
    mia = await b.create_booking(
        alpha.school,
        ADMIN,
        alpha.piano,
        alpha.mia,
        4,
        await at(alpha.school, alpha.piano, time(16, 0)),
    )
    await b.cancel_booking(alpha.school, ADMIN, mia.id, "sick, will rebook")
    await b.create_booking(
        beta.school, ADMIN, beta.piano, beta.emma, 4, await at(beta.school, beta.piano, time(15, 0))
    )
    return services, alpha, {"emma": emma.id, "liam": liam.id, "mia": mia.id}


async def test_bookings_export_has_one_row_per_booking_of_the_term_in_local_time(term_world):
    services, alpha, ids = term_world
    export = await services.exports.term_export(alpha.school, "t1", ExportKind.BOOKINGS)
    assert export.term_name == "Term 1"
    assert [r.booking_id for r in export.rows] == [ids["emma"], ids["liam"], ids["mia"]]
    emma, liam, mia = export.rows
    assert (emma.family, emma.child, emma.lesson, emma.teacher) == (
        "Smith family",
        "Emma Smith",
        "Piano Foundations",
        "Sam Jones",
    )
    assert (emma.week, emma.date, emma.start, emma.end) == (4, date(2027, 2, 22), "15:00", "15:30")
    assert emma.booked_by == "Jane Smith (parent)"
    assert liam.booked_by == "Alice Admin (admin)"
    assert (mia.status.value, mia.cancelled_by, mia.cancel_reason) == (
        "CANCELLED",
        "Alice Admin (admin)",
        "sick, will rebook",
    )


async def test_a_term_is_found_by_key_name_or_start_date_and_only_in_its_school(term_world):
    services, alpha, _ = term_world
    for name in ("t1", "Term 1", "2027-02-01"):
        export = await services.exports.term_export(alpha.school, name, ExportKind.BOOKINGS)
        assert len(export.rows) == 3
    with pytest.raises(NotFound, match="No term 't9'.*t1"):
        await services.exports.term_export(alpha.school, "t9", ExportKind.BOOKINGS)


async def test_attendance_export_lists_started_sessions_with_their_marks(term_world, clock):
    services, alpha, ids = term_world
    before = await services.exports.term_export(alpha.school, "t1", ExportKind.ATTENDANCE)
    assert before.rows == ()  # nothing has started yet
    clock.set(datetime(2027, 2, 22, 4, 40, tzinfo=UTC))  # 15:40 in Sydney
    await services.attendance.mark(alpha.school, ADMIN, ids["emma"], _status("NO_SHOW"))
    export = await services.exports.term_export(alpha.school, "t1", ExportKind.ATTENDANCE)
    assert [(r.child, r.attendance) for r in export.rows] == [
        ("Emma Smith", "no-show"),
        ("Liam Smith", "not marked"),
    ]
    assert export.rows[0].values(ExportKind.ATTENDANCE)[-1] == "Alice Admin (admin)"


def _status(name: str):  # type: ignore[no-untyped-def]
    from core.db.models import BookingStatus

    return BookingStatus(name)


def test_actor_labels_read_as_people() -> None:
    assert person("parent:12 Jane Smith") == "Jane Smith (parent)"
    assert person("teacher:3 Sam Jones") == "Sam Jones (teacher)"
    assert person("admin:Alice") == "Alice (admin)"
    assert person("cli") == "cli"
    assert person(None) == ""


async def test_csv_and_xlsx_read_back_as_the_rows(term_world):
    services, alpha, ids = term_world
    export = await services.exports.term_export(alpha.school, "t1", ExportKind.BOOKINGS)
    data = to_csv(export)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][:3] == ["Booking", "Family", "Child"]
    assert table[1][:11] == [
        str(ids["emma"]), "Smith family", "Emma Smith", "Piano Foundations", "Sam Jones", "4",
        "2027-02-22", "Monday", "15:00", "15:30", "confirmed",
    ]  # fmt: skip
    book = load_workbook(io.BytesIO(to_xlsx(export)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[0][0] == "Booking"
    assert rows[3][0] == ids["mia"] and rows[3][10] == "cancelled"
    assert rows[3][14] == "sick, will rebook"
    assert rows[1][6].date() == date(2027, 2, 22)  # a real date cell


async def test_musicbot_export_writes_csv_to_stdout_and_xlsx_to_a_file(
    db_url, term_world, tmp_path
):
    _, _, ids = term_world
    env = cli_env(db_url)
    code, out, err = await run_cli(
        env, tmp_path, "export", "--school", "alpha", "--term", "t1", "--what", "bookings"
    )
    assert code == 0, err
    table = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert [int(r["Booking"]) for r in table] == [ids["emma"], ids["liam"], ids["mia"]]
    assert table[2]["Cancel reason"] == "sick, will rebook"
    code, out, err = await run_cli(
        env, tmp_path, "export", "--school", "alpha", "--term", "t1", "--format", "xlsx"
    )
    assert code == 0, err
    assert "alpha-t1-bookings.xlsx" in out
    sheet = load_workbook(tmp_path / "alpha-t1-bookings.xlsx").active
    assert sheet.max_row == 4 and sheet["C2"].value == "Emma Smith"
    target = tmp_path / "att.xlsx"
    code, out, err = await run_cli(
        env, tmp_path, "export", "--school", "alpha", "--term", "t1", "--what", "attendance",
        "--format", "xlsx", "--output", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert load_workbook(target).active.max_row == 1  # the header: nothing has started
    code, out, err = await run_cli(env, tmp_path, "export", "--school", "alpha", "--term", "t9")
    assert code == 1 and err.startswith("error: No term 't9'"), err


async def test_a_typed_formula_or_link_stays_text_in_the_xlsx(term_world):
    """A cancel reason typed by a parent as '=HYPERLINK(...)' must not become a formula."""
    from dataclasses import replace

    services, alpha, _ = term_world
    export = await services.exports.term_export(alpha.school, "t1", ExportKind.BOOKINGS)
    typed = '=HYPERLINK("https://example.invalid","click")'
    export = replace(export, rows=(replace(export.rows[0], cancel_reason=typed),))
    sheet = load_workbook(io.BytesIO(to_xlsx(export))).active
    cell = sheet.cell(row=2, column=15)
    assert cell.value == typed and cell.data_type == "s"
    assert sheet.freeze_panes == "A2"
